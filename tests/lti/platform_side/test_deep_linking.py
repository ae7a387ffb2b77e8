"""Deep Linking with Baeum as the platform: a teacher opens a tool's picker from their lesson, the
tool's signed response is checked completely, and the picked items become blocks of the lesson's
draft once the teacher confirms. Every forged, replayed or malformed response is refused with a
4xx and leaves the lesson as it was."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from django.test import Client
from django.urls import reverse

from courses.pages import LessonPage
from courses.services import lesson_copy
from lti.models import ToolDeployment
from lti.platform import scopes as s
from tests.factories import Personas
from tests.lti.platform.keys import RsaKey
from tests.lti.platform_side.launch_kit import (
    TOOL_BASE,
    Scene,
    auth_params,
    decoded,
    key,
    login_params,
    posted_form,
    scene,
)

__all__ = ["scene"]
pytestmark = pytest.mark.django_db


def teacher(personas: Personas) -> Client:
    client = Client()
    client.force_login(personas.teacher)
    return client


def own_lesson(scene: Scene) -> LessonPage:
    """The teacher's own copy of the library lesson (a draft they may edit)."""
    return lesson_copy(lesson=scene.lesson, teacher=scene.personas.teacher)


def request_claims(scene: Scene, client: Client, lesson: LessonPage) -> dict[str, Any]:
    """The teacher picks the tool on Baeum's page; the Deep Linking request's claims the tool gets."""
    page = client.get(reverse("lti_platform:deep_link", args=[lesson.pk]))
    assert page.status_code == 200 and scene.tool.name in page.content.decode()
    login = login_params(client.post(reverse("lti_platform:deep_link", args=[lesson.pk]), {"tool": scene.tool.pk}))
    assert login["target_link_uri"] == f"{TOOL_BASE}/deep"
    _action, fields = posted_form(client.get(reverse("lti_platform:authorize"), auth_params(login)))
    return decoded(fields["id_token"], scene.tool.client_id)[1]


def item(title: str = "분수 비교 3문항", **extra: Any) -> dict[str, Any]:
    return {
        "type": "ltiResourceLink",
        "title": title,
        "text": "EBS 연습",
        "url": f"{TOOL_BASE}/launch?exercise=fractions",
        "custom": {"exercise": "fractions"},
        "lineItem": {"scoreMaximum": 3, "label": title, "resourceId": "fractions", "tag": "practice"},
        "iframe": {"height": 700},
        **extra,
    }


def response_jwt(
    scene: Scene,
    request: dict[str, Any],
    *,
    signer: RsaKey | None = None,
    items: list[Any] | None = None,
    algorithm: str = "RS256",
    **override: Any,
) -> str:
    settings_claim = request[s.DL_CLAIM + "deep_linking_settings"]
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": scene.tool.client_id,
        "aud": request["iss"],
        "iat": now,
        "exp": now + 300,
        "nonce": f"dl-nonce-{time.monotonic_ns()}",
        s.CLAIM + "message_type": "LtiDeepLinkingResponse",
        s.CLAIM + "version": "1.3.0",
        s.CLAIM + "deployment_id": request[s.CLAIM + "deployment_id"],
        s.DL_CLAIM + "data": settings_claim["data"],
        s.DL_CLAIM + "content_items": [item()] if items is None else items,
    }
    claims.update(override)
    claims = {k: v for k, v in claims.items() if v is not None}
    signer = signer or key()
    if algorithm == "none":
        return jwt.encode(claims, None, algorithm="none")
    if algorithm == "HS256":
        return jwt.encode(claims, signer.public_pem.encode()[:64], algorithm="HS256", headers={"kid": signer.kid})
    return jwt.encode(claims, signer.private_pem, algorithm="RS256", headers={"kid": signer.kid})


def body_types(lesson: LessonPage) -> list[str]:
    latest = LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object()
    return [block["type"] for block in latest.body.raw_data]


def test_the_request_carries_deep_linking_settings_and_the_teachers_role(scene: Scene) -> None:
    client = teacher(scene.personas)
    claims = request_claims(scene, client, own_lesson(scene))
    assert claims[s.CLAIM + "message_type"] == "LtiDeepLinkingRequest"
    settings_claim = claims[s.DL_CLAIM + "deep_linking_settings"]
    assert settings_claim["deep_link_return_url"].endswith("/lti/platform/deep-link/return/")
    assert settings_claim["accept_types"] == ["ltiResourceLink"]
    assert settings_claim["accept_multiple"] is True and settings_claim["data"]
    assert claims[s.CLAIM + "roles"][0] == s.ROLE_INSTRUCTOR
    assert s.CLAIM + "resource_link" not in claims


def test_picked_items_become_blocks_of_the_draft_after_the_teacher_confirms(scene: Scene) -> None:
    client = teacher(scene.personas)
    lesson = own_lesson(scene)
    before = body_types(lesson)
    request = request_claims(scene, client, lesson)
    token = response_jwt(scene, request, items=[item(), item("받아쓰기 3문항", lineItem=None)])
    returned = Client().post(reverse("lti_platform:deep_link_return"), {"JWT": token})  # no session: cross-site
    assert returned.status_code == 302
    confirm_url = returned["Location"]
    page = client.get(confirm_url)
    assert page.status_code == 200 and "분수 비교 3문항" in page.content.decode()
    assert body_types(lesson) == before  # nothing changes before the teacher confirms
    done = client.post(confirm_url)
    assert done.status_code == 302 and done["Location"] == reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    latest = LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object()
    added = [b for b in latest.body.raw_data if b["type"] == "external_activity"][-2:]
    assert added[0]["value"]["tool"] == scene.tool.pk
    assert (added[0]["value"]["title"], added[0]["value"]["points"], added[0]["value"]["height"]) == (
        "분수 비교 3문항",
        3,
        700,
    )
    assert added[0]["value"]["custom"] == "exercise=fractions"
    assert added[1]["value"]["points"] == 0
    # the ticket is spent
    assert client.post(confirm_url).status_code == 404


def test_another_teacher_cannot_confirm_someone_elses_pick(scene: Scene) -> None:
    client = teacher(scene.personas)
    lesson = own_lesson(scene)
    request = request_claims(scene, client, lesson)
    returned = Client().post(reverse("lti_platform:deep_link_return"), {"JWT": response_jwt(scene, request)})
    other = Client()
    other.force_login(scene.personas.co_teacher)
    assert other.get(returned["Location"]).status_code == 404
    assert other.post(returned["Location"]).status_code == 404
    assert "external_activity" not in body_types(lesson)[2:]


def test_teachers_who_cannot_edit_the_lesson_and_students_get_no_picker(scene: Scene) -> None:
    lesson = own_lesson(scene)
    for user in (scene.personas.unrelated_teacher, scene.personas.student):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("lti_platform:deep_link", args=[lesson.pk])).status_code == 404
    assert teacher(scene.personas).get(reverse("lti_platform:deep_link", args=[10**20])).status_code == 404


def test_only_tools_the_school_turned_on_are_offered(scene: Scene) -> None:
    ToolDeployment.objects.filter(tool=scene.tool).update(enabled=False)
    client = teacher(scene.personas)
    lesson = own_lesson(scene)
    page = client.get(reverse("lti_platform:deep_link", args=[lesson.pk])).content.decode()
    assert scene.tool.name not in page
    refused = client.post(reverse("lti_platform:deep_link", args=[lesson.pk]), {"tool": scene.tool.pk})
    assert refused.status_code == 302 and "/deep-link/" in refused["Location"]


OTHER_KEY = RsaKey.generate(kid="tool-kid")  # same kid, another key: a forgery


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("forged_signature", 403, b"bad_token"),
        ("alg_none", 400, b"bad_alg"),
        ("hs256", 400, b"bad_alg"),
        ("wrong_audience", 403, b"wrong_audience"),
        ("unknown_issuer", 403, b"unknown_tool"),
        ("wrong_message_type", 400, b"wrong_message_type"),
        ("wrong_version", 400, b"wrong_version"),
        ("unknown_deployment", 403, b"unknown_deployment"),
        ("tampered_data", 403, b"bad_data"),
        ("no_data", 403, b"bad_data"),
        ("expired", 400, b"expired"),
        ("no_nonce", 403, b"bad_token"),
        ("type_not_offered", 400, b"item_type_not_offered"),
        ("foreign_url", 400, b"item_url_foreign"),
        ("too_many", 400, b"too_many_items"),
        ("bad_line_item", 400, b"item_invalid"),
        ("no_title", 400, b"item_invalid"),
        ("items_not_a_list", 400, b"items_invalid"),
        ("garbage", 400, b"malformed"),
    ],
)
def test_each_bad_response_is_refused_and_the_lesson_is_unchanged(
    scene: Scene, case: str, status: int, code: bytes
) -> None:
    client = teacher(scene.personas)
    lesson = own_lesson(scene)
    before = body_types(lesson)
    request = request_claims(scene, client, lesson)
    past = int(time.time()) - 3600
    tokens = {
        "forged_signature": lambda: response_jwt(scene, request, signer=OTHER_KEY),
        "alg_none": lambda: response_jwt(scene, request, algorithm="none"),
        "hs256": lambda: response_jwt(scene, request, algorithm="HS256"),
        "wrong_audience": lambda: response_jwt(scene, request, aud="https://other-platform.example"),
        "unknown_issuer": lambda: response_jwt(scene, request, iss="not-a-client"),
        "wrong_message_type": lambda: response_jwt(
            scene, request, **{s.CLAIM + "message_type": "LtiResourceLinkRequest"}
        ),
        "wrong_version": lambda: response_jwt(scene, request, **{s.CLAIM + "version": "1.1"}),
        "unknown_deployment": lambda: response_jwt(scene, request, **{s.CLAIM + "deployment_id": "nope"}),
        "tampered_data": lambda: response_jwt(
            scene, request, **{s.DL_CLAIM + "data": "x" + request[s.DL_CLAIM + "deep_linking_settings"]["data"]}
        ),
        "no_data": lambda: response_jwt(scene, request, **{s.DL_CLAIM + "data": None}),
        "expired": lambda: response_jwt(scene, request, iat=past - 600, exp=past),
        "no_nonce": lambda: response_jwt(scene, request, nonce=None),
        "type_not_offered": lambda: response_jwt(
            scene, request, items=[{"type": "html", "html": "<script>x</script>"}]
        ),
        "foreign_url": lambda: response_jwt(scene, request, items=[item(url="https://evil.example/x")]),
        "too_many": lambda: response_jwt(scene, request, items=[item(f"문제 {n}") for n in range(21)]),
        "bad_line_item": lambda: response_jwt(scene, request, items=[item(lineItem={"scoreMaximum": -1})]),
        "no_title": lambda: response_jwt(scene, request, items=[item(title="", text="")]),
        "items_not_a_list": lambda: response_jwt(scene, request, items={"type": "ltiResourceLink"}),  # type: ignore[arg-type]
        "garbage": lambda: "not.a.jwt",
    }
    response = Client().post(reverse("lti_platform:deep_link_return"), {"JWT": tokens[case]()})
    assert response.status_code == status, response.content[-600:]
    assert code in response.content
    assert body_types(lesson) == before


def test_a_replayed_response_is_refused(scene: Scene) -> None:
    client = teacher(scene.personas)
    lesson = own_lesson(scene)
    request = request_claims(scene, client, lesson)
    token = response_jwt(scene, request)
    assert Client().post(reverse("lti_platform:deep_link_return"), {"JWT": token}).status_code == 302
    again = Client().post(reverse("lti_platform:deep_link_return"), {"JWT": token})
    assert again.status_code == 403 and b"replayed" in again.content
    # the same request's data with a fresh nonce: the request was answered already
    fresh = Client().post(reverse("lti_platform:deep_link_return"), {"JWT": response_jwt(scene, request)})
    assert fresh.status_code == 403 and b"replayed" in fresh.content
