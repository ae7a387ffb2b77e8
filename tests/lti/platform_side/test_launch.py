"""Baeum launches an external tool: the third-party initiated login, the authorization endpoint's
checks (each refusal fails closed: a 4xx page, no id_token), and the id_token's claims."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from classrooms.live.services import session_end, session_start
from lti.models import PlatformLineItem, ToolContext, ToolDeployment
from lti.platform import scopes as s
from lti.platform.subjects import subject_for
from tests.factories import Personas
from tests.lti.platform_side.launch_kit import (
    BLOCK_ID,
    TOOL_BASE,
    Scene,
    auth_params,
    full_launch,
    login_params,
    make_lesson,
    make_tool,
    posted_form,
    scene,
)

__all__ = ["scene"]
pytestmark = pytest.mark.django_db


def student_client(personas: Personas) -> Client:
    client = Client()
    client.force_login(personas.student)
    return client


def teacher_client(personas: Personas) -> Client:
    client = Client()
    client.force_login(personas.teacher)
    return client


def test_the_launch_sends_the_browser_to_the_tools_login_with_every_hint(scene: Scene) -> None:
    client = student_client(scene.personas)
    params = login_params(client.get(scene.launch_url()))
    deployment = ToolDeployment.objects.get(tool=scene.tool)
    assert params["iss"] == "http://127.0.0.1:8000" or params["iss"].startswith("http")
    assert params["client_id"] == scene.tool.client_id
    assert params["lti_deployment_id"] == deployment.deployment_id
    assert params["target_link_uri"] == f"{TOOL_BASE}/launch?exercise=fractions"
    assert params["login_hint"] == subject_for(scene.tool, scene.personas.student)
    assert len(params["lti_message_hint"]) > 30
    # the class becomes the tool's context, with a gradebook column for the 3-point activity
    assert ToolContext.objects.filter(tool=scene.tool, classroom=scene.personas.classroom).exists()
    item = PlatformLineItem.objects.get(tool=scene.tool, classroom=scene.personas.classroom)
    assert (item.block_id, item.score_maximum, item.label, item.resource_id) == (
        BLOCK_ID,
        3,
        "분수 비교 연습",
        "fractions",
    )


def test_a_students_id_token_carries_every_required_claim_and_nothing_personal(scene: Scene, settings: Any) -> None:
    header, claims = full_launch(student_client(scene.personas), scene)
    assert header["alg"] == "RS256" and header["kid"]
    c = s.CLAIM
    assert claims["iss"] == settings.BASE_URL and claims["aud"] == scene.tool.client_id
    assert claims["sub"] == subject_for(scene.tool, scene.personas.student)
    assert claims["nonce"] == "nonce-456"
    assert claims[c + "message_type"] == "LtiResourceLinkRequest" and claims[c + "version"] == "1.3.0"
    assert claims[c + "deployment_id"] == ToolDeployment.objects.get(tool=scene.tool).deployment_id
    assert claims[c + "target_link_uri"] == f"{TOOL_BASE}/launch?exercise=fractions"
    assert claims[c + "resource_link"] == {
        "id": f"lesson-{scene.lesson.pk}-{BLOCK_ID}",
        "title": "분수 비교 연습",
        "description": "EBS 연습 문제",
    }
    assert claims[c + "roles"] == [s.ROLE_LEARNER, s.ROLE_INSTITUTION_STUDENT]
    assert claims[c + "context"]["id"] == str(scene.personas.classroom.pk)
    assert claims[c + "context"]["label"] == "4학년 2반"
    assert claims[c + "launch_presentation"]["document_target"] == "iframe"
    assert claims[c + "launch_presentation"]["height"] == 640
    assert claims[c + "custom"] == {"provider": "ebs", "exercise": "fractions", "level": "2"}
    assert claims[c + "tool_platform"]["product_family_code"] == "baeum"
    item = PlatformLineItem.objects.get(tool=scene.tool)
    ags = claims[s.AGS_CLAIM]
    assert ags["lineitem"].endswith(f"/lti/platform/ags/{scene.personas.classroom.pk}/lineitems/{item.pk}/")
    assert ags["lineitems"].endswith(f"/lti/platform/ags/{scene.personas.classroom.pk}/lineitems/")
    assert set(ags["scope"]) == {s.SCOPE_LINEITEM, s.SCOPE_LINEITEM_READONLY, s.SCOPE_RESULT_READONLY, s.SCOPE_SCORE}
    assert claims[s.NRPS_CLAIM]["context_memberships_url"].endswith(f"/nrps/{scene.personas.classroom.pk}/memberships/")
    # the privacy level keeps names back; emails never go
    assert not {"name", "given_name", "family_name", "email"} & claims.keys()

    # no whitespace around any value, at any depth
    def strings(value: Any) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [t for item in value.values() for t in strings(item)]
        if isinstance(value, list):
            return [t for item in value for t in strings(item)]
        return []

    assert all(text == text.strip() for text in strings(claims))


def test_a_teacher_is_an_instructor_and_names_go_only_when_the_tool_may_have_them(scene: Scene) -> None:
    scene.tool.send_names = True
    scene.tool.save()
    _header, claims = full_launch(teacher_client(scene.personas), scene, **{"class": str(scene.personas.classroom.pk)})
    assert claims[s.CLAIM + "roles"] == [s.ROLE_INSTRUCTOR, s.ROLE_INSTITUTION_INSTRUCTOR]
    assert (claims["name"], claims["family_name"], claims["given_name"]) == ("김선생", "김", "선생")
    assert "email" not in claims


def test_services_the_tool_was_not_granted_are_left_out(scene: Scene) -> None:
    scene.tool.scopes = [s.SCOPE_SCORE]
    scene.tool.save()
    _header, claims = full_launch(student_client(scene.personas), scene)
    assert claims[s.AGS_CLAIM]["scope"] == [s.SCOPE_SCORE]
    assert s.NRPS_CLAIM not in claims


def test_a_launch_outside_a_class_has_no_context_and_no_services(scene: Scene) -> None:
    _header, claims = full_launch(teacher_client(scene.personas), scene)
    assert s.CLAIM + "context" not in claims and s.AGS_CLAIM not in claims and s.NRPS_CLAIM not in claims


def test_a_live_slide_launches_in_the_sessions_class(scene: Scene) -> None:
    session = session_start(teacher=scene.personas.teacher, lesson=scene.lesson, classroom=scene.personas.classroom)
    _header, claims = full_launch(student_client(scene.personas), scene, session=str(session.pk))
    assert claims[s.CLAIM + "context"]["id"] == str(scene.personas.classroom.pk)
    # a student outside the session's class, or a session of another lesson: not found
    outsider = Client()
    outsider.force_login(scene.personas.outsider)
    assert outsider.get(scene.launch_url(session=str(session.pk))).status_code == 404
    session_end(session)
    other = make_lesson(scene.tool, title="분수 더하기")
    other_session = session_start(teacher=scene.personas.teacher, lesson=other, classroom=scene.personas.classroom)
    assert student_client(scene.personas).get(scene.launch_url(session=str(other_session.pk))).status_code == 404


# --- refusals: the launch ----------------------------------------------------------------------


def test_a_tool_the_school_has_not_turned_on_is_not_launched(scene: Scene) -> None:
    ToolDeployment.objects.filter(tool=scene.tool).update(enabled=False)
    response = student_client(scene.personas).get(scene.launch_url())
    assert response.status_code == 403 and b"tool_not_enabled" in response.content
    assert not ToolContext.objects.exists() and not PlatformLineItem.objects.exists()


def test_a_deactivated_tool_is_not_launched(scene: Scene) -> None:
    scene.tool.is_active = False
    scene.tool.save()
    response = student_client(scene.personas).get(scene.launch_url())
    assert response.status_code == 404 and b"tool_unavailable" in response.content


def test_another_schools_tool_is_not_launched_in_this_school(personas: Personas) -> None:
    foreign = make_tool(school=personas.other_school, name="다른 학교 도구")
    lesson = make_lesson(foreign, title="다른 학교 수업")
    response = teacher_client(personas).get(reverse("lti_platform:launch", args=[lesson.pk, BLOCK_ID]))
    assert response.status_code == 403 and b"tool_not_enabled" in response.content


@pytest.mark.parametrize(
    "path_or_query",
    ["block", "huge_lesson", "huge_session", "bad_session", "huge_class", "other_class"],
)
def test_unknown_or_malformed_launches_are_not_found_never_a_500(scene: Scene, path_or_query: str) -> None:
    client = student_client(scene.personas)
    urls = {
        "block": reverse("lti_platform:launch", args=[scene.lesson.pk, "no-such-block"]),
        "huge_lesson": f"/lti/platform/launch/{'9' * 20}/{BLOCK_ID}/",
        "huge_session": scene.launch_url(session="9" * 20),
        "bad_session": scene.launch_url(session="-1"),
        "huge_class": scene.launch_url(**{"class": "99999999999999999999"}),
        "other_class": scene.launch_url(**{"class": str(scene.personas.other_classroom.pk)}),
    }
    assert client.get(urls[path_or_query]).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(scene: Scene) -> None:
    response = Client().get(scene.launch_url())
    assert response.status_code == 302 and "/accounts/" in response["Location"]


# --- refusals: the authorization endpoint --------------------------------------------------------


def _login(scene: Scene, client: Client) -> dict[str, str]:
    return login_params(client.get(scene.launch_url()))


@pytest.mark.parametrize(
    ("override", "code"),
    [
        ({"redirect_uri": "https://evil.example/launch"}, b"redirect_uri_unregistered"),
        ({"redirect_uri": f"{TOOL_BASE}/launch/"}, b"redirect_uri_unregistered"),
        ({"redirect_uri": f"{TOOL_BASE}/launch?x=1"}, b"redirect_uri_unregistered"),
        ({"response_type": "code"}, b"bad_response_type"),
        ({"scope": "profile"}, b"bad_scope"),
        ({"response_mode": "query"}, b"bad_response_mode"),
        ({"prompt": "login"}, b"bad_prompt"),
        ({"nonce": ""}, b"no_nonce"),
        ({"login_hint": ""}, b"no_hint"),
        ({"lti_message_hint": ""}, b"no_hint"),
        ({"client_id": "not-a-tool"}, b"unknown_client"),
        ({"lti_message_hint": "forged-hint-" + "x" * 30}, b"hint_unknown"),
        ({"login_hint": "someone-else"}, b"login_hint_mismatch"),
        ({"state": "s" * 3000}, b"param_too_long"),
    ],
)
def test_each_bad_authorization_request_is_refused_without_an_id_token(
    scene: Scene, override: dict[str, str], code: bytes
) -> None:
    client = student_client(scene.personas)
    login = _login(scene, client)
    response = client.get(reverse("lti_platform:authorize"), auth_params(login, **override))
    assert response.status_code == 400 and code in response.content
    assert b'name="id_token"' not in response.content
    assert "evil.example" not in response.content.decode()


def test_a_hint_is_good_once(scene: Scene) -> None:
    client = student_client(scene.personas)
    login = _login(scene, client)
    posted_form(client.get(reverse("lti_platform:authorize"), auth_params(login)))
    again = client.post(reverse("lti_platform:authorize"), auth_params(login))
    assert again.status_code == 400 and b"hint_unknown" in again.content


def test_a_hint_is_bound_to_its_tool(scene: Scene) -> None:
    other = make_tool(school=scene.personas.school, name="다른 도구")
    client = student_client(scene.personas)
    login = _login(scene, client)
    response = client.get(reverse("lti_platform:authorize"), auth_params(login, client_id=other.client_id))
    assert response.status_code == 400 and b"hint_other_tool" in response.content


def test_a_hint_is_bound_to_the_user_who_opened_the_content(scene: Scene) -> None:
    login = _login(scene, student_client(scene.personas))
    someone_else = teacher_client(scene.personas)
    response = someone_else.get(reverse("lti_platform:authorize"), auth_params(login))
    assert response.status_code == 403 and b"user_mismatch" in response.content
    anonymous = Client().get(
        reverse("lti_platform:authorize"), auth_params(_login(scene, student_client(scene.personas)))
    )
    assert anonymous.status_code == 403 and b"user_mismatch" in anonymous.content


def test_a_deactivated_tool_gets_no_id_token_for_a_launch_already_started(scene: Scene) -> None:
    client = student_client(scene.personas)
    login = _login(scene, client)
    scene.tool.is_active = False
    scene.tool.save()
    response = client.get(reverse("lti_platform:authorize"), auth_params(login))
    assert response.status_code == 400 and b"unknown_client" in response.content


def test_the_authorization_page_may_be_framed_by_baeum_only_and_is_never_cached(scene: Scene) -> None:
    client = student_client(scene.personas)
    response = client.get(reverse("lti_platform:authorize"), auth_params(_login(scene, client)))
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "no-store" in response["Cache-Control"]
    action, fields = posted_form(response)
    assert action == f"{TOOL_BASE}/launch" and fields["state"] == "state-123"


def test_the_lesson_page_frames_the_launch_and_offers_a_new_window(scene: Scene) -> None:
    page = student_client(scene.personas).get(scene.lesson.url).content.decode()
    launch = scene.launch_url()
    assert f'<iframe class="tool-frame" src="{launch}"' in page
    assert 'sandbox="allow-scripts allow-forms allow-same-origin' in page
    assert f'href="{launch}" target="_blank"' in page


def test_a_live_slide_frames_the_launch_for_the_session_and_is_no_live_question(scene: Scene) -> None:
    from classrooms.live.services import question_open, session_run
    from edu.errors import DomainError

    session = session_run(
        session_start(teacher=scene.personas.teacher, lesson=scene.lesson, classroom=scene.personas.classroom)
    )
    fragment = student_client(scene.personas).get(reverse("live:slide", args=[session.pk, 0])).content.decode()
    assert f'src="{scene.launch_url(session=str(session.pk))}"' in fragment
    with pytest.raises(DomainError) as refused:
        question_open(session, BLOCK_ID)
    assert refused.value.code == "answered_in_tool"


def test_the_consoles_preview_does_not_launch_the_tool(scene: Scene) -> None:
    """The console is often on the projector: the tool's teacher view (with its answers) stays off it."""
    session = session_start(teacher=scene.personas.teacher, lesson=scene.lesson, classroom=scene.personas.classroom)
    fragment = teacher_client(scene.personas).get(reverse("live:slide", args=[session.pk, 0])).content.decode()
    assert "<iframe" not in fragment and 'data-testid="tool-preview"' in fragment
    assert f'href="{scene.launch_url(session=str(session.pk))}" target="_blank"' in fragment
