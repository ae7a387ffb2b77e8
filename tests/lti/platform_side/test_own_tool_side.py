"""Baeum's tool side (issue 10) launched through Baeum's platform side: the same server registered
with itself, every step over real HTTP. A teacher deep-links a Baeum lesson through the platform's
Deep Linking into a lesson of theirs, and a student launches it: the tool side validates the
platform's id_token (keys fetched from the JWKS), makes its LTI account and shows the lesson."""

from __future__ import annotations

from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from lti_tool.models import LtiDeployment, LtiRegistration

from classrooms.assignments.services import assignment_create
from courses.pages import LessonPage
from courses.services import lesson_copy
from lti.models import DeploymentSchool, ExternalTool, ToolDeployment
from lti.platform.scopes import SCOPES
from tests.factories import Personas, build_library
from tests.lti.platform_side.demo_tool_browser import Browser, forms_of
from tests.servers import STUDENT_BACKEND, TEACHER_BACKEND, session_key_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def loopback_is_secure(monkeypatch: pytest.MonkeyPatch) -> None:
    """As Chromium does, treat http://127.0.0.1 as a secure context and send Secure cookies there
    (the tool side's launch cookies are always Secure, as SameSite=None needs). requests builds a
    fresh cookie jar with the standard policy for every request, so the rule is set on that policy."""
    standard = DefaultCookiePolicy.return_ok_secure

    def return_ok_secure(self: DefaultCookiePolicy, cookie: Any, request: Any) -> bool:
        if urlsplit(request.get_full_url()).hostname in ("127.0.0.1", "localhost"):
            return True
        return bool(standard(self, cookie, request))

    monkeypatch.setattr(DefaultCookiePolicy, "return_ok_secure", return_ok_secure)


def signed_in(user: Any, backend: str, base: str) -> Browser:
    """A browser signed in to Baeum-the-platform (its session cookie for the platform's host only)."""
    browser = Browser()
    browser.session.cookies.set("sessionid", session_key_for(user, backend), domain=urlsplit(base).hostname)
    return browser


def other_host(base: str) -> str:
    """The same server under its other loopback name: cookies are kept per host name, so the two
    sides keep their own sessions as two installations of Baeum would."""
    parts = urlsplit(base)
    other = "127.0.0.1" if parts.hostname == "localhost" else "localhost"
    return f"{parts.scheme}://{other}:{parts.port}"


def register_with_itself(platform: str, personas: Personas) -> ExternalTool:
    """Both sides of a manual registration: Baeum-the-platform knows Baeum-the-tool, and back."""
    base = other_host(platform)
    tool = ExternalTool.objects.create(
        name="배움 (도구)",
        login_url=f"{base}/lti/login/",
        redirect_uris=[f"{base}/lti/launch/"],
        target_link_uri=f"{base}/lti/launch/",
        deep_link_url=f"{base}/lti/launch/",
        jwks_url=f"{base}/lti/jwks/",
        scopes=list(SCOPES),
        send_names=True,
    )
    deployment = ToolDeployment.objects.create(tool=tool, school=personas.school)
    registration = LtiRegistration.objects.create(
        name="배움 (플랫폼)",
        issuer=platform,
        client_id=tool.client_id,
        auth_url=f"{platform}/lti/platform/auth/",
        token_url=f"{platform}/lti/platform/token/",
        keyset_url=f"{platform}/lti/jwks/",
    )
    lti_deployment = LtiDeployment.objects.create(
        registration=registration, deployment_id=deployment.deployment_id, is_active=True
    )
    DeploymentSchool.objects.create(deployment=lti_deployment, school=personas.school)
    return tool


def through_tool_login(browser: Browser, response: Any) -> Any:
    """From Baeum-the-platform's authorization page, post the id_token to Baeum-the-tool's launch,
    and go on through the tool side's own pages (its cookie check, its "continue as" step)."""
    assert response.status_code == 200 and "/lti/platform/auth/" in response.url, response.text[:1500]
    [to_tool] = [f for f in forms_of(response) if f.action.endswith("/lti/launch/")]
    landed = browser.submit(to_tool)
    for _step in range(3):
        continuing = [f for f in forms_of(landed) if "/lti/continue/" in f.action]
        if not continuing:
            break
        landed = browser.submit(continuing[0])
    return landed


def test_baeums_tool_side_launches_through_baeums_platform_side(
    live_server: Any, settings: Any, tmp_path: Path, personas: Personas
) -> None:
    settings.BASE_URL = base = live_server.url.replace("//localhost:", "//127.0.0.1:")  # the tool: localhost
    library = build_library(tmp_path)
    tool = register_with_itself(base, personas)

    # the teacher adds the library lesson, as Baeum-the-tool offers it, to a lesson of their own
    teacher = signed_in(personas.teacher, TEACHER_BACKEND, base)
    own = lesson_copy(lesson=library.lesson, teacher=personas.teacher)
    choose = teacher.get(f"{base}/lti/platform/deep-link/{own.pk}/")
    [pick] = [f for f in forms_of(choose) if f.hidden.get("tool") == str(tool.pk)]
    picker = through_tool_login(teacher, teacher.submit(pick))
    assert picker.status_code == 200 and library.lesson.title in picker.text, picker.text[:2000]
    [form] = [f for f in forms_of(picker) if f.method == "POST" and f.options]
    name = next(iter(form.options))
    answered = teacher.submit(form, {name: [str(library.lesson.pk)]}, button="return")
    [to_platform] = [f for f in forms_of(answered) if f.action == f"{base}/lti/platform/deep-link/return/"]
    back = teacher.submit(to_platform)  # the tool side's signed response, posted to the platform
    assert back.status_code == 200 and "/deep-link/" in back.url, back.text[:2000]
    [confirm] = [f for f in forms_of(back) if "confirm" in f.action]
    teacher.submit(confirm)
    latest = LessonPage.objects.get(pk=own.pk).get_latest_revision_as_object()
    [added] = [b for b in latest.body.raw_data if b["type"] == "external_activity"]
    assert added["value"]["tool"] == tool.pk and added["value"]["url"].startswith(f"{other_host(base)}/lti/launch/")
    LessonPage.objects.get(pk=own.pk).get_latest_revision().publish()
    own = LessonPage.objects.get(pk=own.pk)
    assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=own)

    # a student launches it from their lesson: Baeum-the-tool accepts the platform's id_token
    student = signed_in(personas.student, STUDENT_BACKEND, base)
    launched = through_tool_login(student, student.get(f"{base}/lti/platform/launch/{own.pk}/{added['id']}/"))
    assert launched.status_code == 200, launched.text[:2000]
    assert library.lesson.title in launched.text
    assert launched.url == f"{other_host(base)}{library.lesson.url}", launched.url
    registration = LtiRegistration.objects.get(client_id=tool.client_id)
    assert registration.users.count() >= 1  # the tool side's account for the platform's pseudonymous sub
