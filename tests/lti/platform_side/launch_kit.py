"""What the launch and Deep Linking tests share: a tool with a real RSA key registered and enabled
in the personas' school, a published lesson holding an external activity of it, assigned to the
personas' class, and the steps a browser takes (Baeum's launch URL → the tool's login URL →
Baeum's authorization endpoint → the form posted to the tool)."""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from jwcrypto.jwk import JWK
from lti_tool.models import Key

from classrooms.assignments.services import assignment_create
from courses.pages import LessonPage, UnitPage
from courses.services import library_root_ensure
from lti.models import ExternalTool, ToolDeployment
from lti.platform.scopes import SCOPES
from tests.factories import Personas, make_course_unit
from tests.lti.platform.keys import RsaKey

TOOL_BASE = "https://ebs-demo.example"
BLOCK_ID = "7b0c1e2a-0000-4000-8000-00000000e001"


@functools.cache
def key(name: str = "tool") -> RsaKey:
    return RsaKey.generate(kid=f"{name}-kid")


def make_tool(*, school: Any, name: str = "EBS 수학", send_names: bool = False, **extra: Any) -> ExternalTool:
    tool = ExternalTool.objects.create(
        name=name,
        login_url=f"{TOOL_BASE}/login",
        redirect_uris=[f"{TOOL_BASE}/launch"],
        target_link_uri=f"{TOOL_BASE}/launch",
        deep_link_url=f"{TOOL_BASE}/deep",
        public_key=key().public_pem,
        custom_parameters={"provider": "ebs"},
        scopes=list(SCOPES),
        send_names=send_names,
        **extra,
    )
    if school is not None:
        ToolDeployment.objects.create(tool=tool, school=school)
    return tool


def external_block(tool: ExternalTool, *, points: int = 3, presentation: str = "iframe") -> dict[str, Any]:
    return {
        "type": "external_activity",
        "id": BLOCK_ID,
        "value": {
            "tool": tool.pk,
            "title": "분수 비교 연습",
            "text": "EBS 연습 문제",
            "url": f"{TOOL_BASE}/launch?exercise=fractions",
            "custom": "exercise=fractions\nlevel=2",
            "presentation": presentation,
            "height": 640,
            "points": points,
            "standards": [],
            "resource_id": "fractions",
            "tag": "practice",
        },
    }


def make_lesson(tool: ExternalTool, *, points: int = 3, title: str = "분수 비교하기") -> LessonPage:
    library_root_ensure()
    unit = UnitPage.objects.filter(slug="fractions").first()
    if unit is None:
        _course, unit = make_course_unit("초등 4학년 수학", "e4-math", "분수", "fractions")
    lesson = LessonPage(
        title=title,
        summary="외부 콘텐츠",
        body=[
            {"type": "text", "value": "<p>EBS 문제를 풀어 보세요.</p>", "id": "0f0e0d0c-0000-4000-8000-000000000001"},
            external_block(tool, points=points),
        ],
    )
    unit.add_child(instance=lesson)
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return lesson


@dataclass
class Scene:
    personas: Personas
    tool: ExternalTool
    lesson: LessonPage

    def launch_url(self, **query: str) -> str:
        url = reverse("lti_platform:launch", args=[self.lesson.pk, BLOCK_ID])
        return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def scene(personas: Personas) -> Scene:
    tool = make_tool(school=personas.school)
    lesson = make_lesson(tool)
    assignment_create(
        teacher=personas.teacher,
        classroom=personas.classroom,
        lesson=lesson,
        due_at=timezone.now() + timezone.timedelta(days=3),
    )
    return Scene(personas, tool, lesson)


def login_params(response: Any) -> dict[str, str]:
    """The query of the redirect to the tool's login URL."""
    assert response.status_code == 302, response.content[:500]
    location = response["Location"]
    assert location.startswith(f"{TOOL_BASE}/login?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def auth_params(login: dict[str, str], **override: str) -> dict[str, str]:
    """What a well-behaved tool sends to the authorization endpoint after its login step."""
    params = {
        "scope": "openid",
        "response_type": "id_token",
        "client_id": login["client_id"],
        "redirect_uri": f"{TOOL_BASE}/launch",
        "login_hint": login["login_hint"],
        "lti_message_hint": login["lti_message_hint"],
        "state": "state-123",
        "response_mode": "form_post",
        "nonce": "nonce-456",
        "prompt": "none",
    }
    params.update(override)
    return {k: v for k, v in params.items() if v is not None}


def posted_form(response: Any) -> tuple[str, dict[str, str]]:
    """The auto-submitted form's action and fields on the authorization endpoint's page."""
    assert response.status_code == 200, response.content[:800]
    page = response.content.decode()
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page).group(1))  # type: ignore[union-attr]
    fields = {name: html.unescape(value) for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', page)}
    return action, fields


def baeum_public_key(kid: str) -> Any:
    """Baeum's signing key by kid, as its JWKS publishes it."""
    for row in Key.objects.active():
        jwk = JWK.from_pem(row.public_key.encode())
        if jwk.thumbprint() == kid:
            return jwt.PyJWK(jwk.export_public(as_dict=True), algorithm="RS256").key
    raise AssertionError(f"no published key {kid}")


def decoded(id_token: str, audience: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header = jwt.get_unverified_header(id_token)
    claims = jwt.decode(id_token, baeum_public_key(header["kid"]), algorithms=["RS256"], audience=audience)
    return header, claims


def full_launch(client: Client, scene: Scene, **query: str) -> tuple[dict[str, Any], dict[str, Any]]:
    login = login_params(client.get(scene.launch_url(**query)))
    _action, fields = posted_form(client.get(reverse("lti_platform:authorize"), auth_params(login)))
    return decoded(fields["id_token"], scene.tool.client_id)
