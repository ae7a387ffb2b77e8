"""An adversarial review of the platform side (a hostile tool, student, teacher of another school,
a careless admin): each test is one finding, failing before its fix."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from classrooms.models import MemberRole, Membership
from courses.answers import LessonAnswer
from courses.blocks import custom_parameters
from courses.pages import LessonPage
from edu.records.models import LearningRecord
from lti.models import PlatformLineItem, PlatformScore, ToolContext, ToolDeployment
from lti.platform import scopes as s
from lti.platform.subjects import subject_for
from tests.lti.platform_side.launch_kit import (
    BLOCK_ID,
    TOOL_BASE,
    Scene,
    auth_params,
    external_block,
    full_launch,
    key,
    login_params,
    make_tool,
    posted_form,
    scene,
)
from tests.lti.platform_side.services_kit import bearer, fetch_token
from tests.lti.platform_side.test_deep_linking import item, own_lesson, request_claims, response_jwt
from tests.lti.platform_side.test_registry import _made_token, make_admin

__all__ = ["scene"]
pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- launches: whose class, started from where ---------------------------------------------------


def test_a_student_cannot_make_another_of_their_classes_the_tools_context(scene: Scene) -> None:
    """``?class=`` let any member of a class launch there: a student of two classes made the tool a
    context of the class that never used it (its roster to NRPS, a gradebook column, their record)."""
    personas = scene.personas
    Membership.objects.create(classroom=personas.other_classroom, user=personas.student, role=MemberRole.STUDENT)
    response = signed_in(personas.student).get(scene.launch_url(**{"class": str(personas.other_classroom.pk)}))
    assert response.status_code == 404
    assert not ToolContext.objects.exists() and not PlatformLineItem.objects.exists()


def test_a_teacher_names_only_a_class_they_teach(scene: Scene) -> None:
    personas = scene.personas
    Membership.objects.create(classroom=personas.other_classroom, user=personas.teacher, role=MemberRole.STUDENT)
    teacher = signed_in(personas.teacher)
    assert teacher.get(scene.launch_url(**{"class": str(personas.other_classroom.pk)})).status_code == 404
    assert login_params(teacher.get(scene.launch_url(**{"class": str(personas.classroom.pk)})))
    assert list(ToolContext.objects.values_list("classroom_id", flat=True)) == [personas.classroom.pk]


@pytest.mark.parametrize("fetch_site", ["cross-site", "same-site"])
def test_another_site_cannot_launch_a_tool_in_the_signed_in_users_name(scene: Scene, fetch_site: str) -> None:
    """A page elsewhere, or the tool's own page navigating its frame, sent the browser to the launch
    URL: Baeum launched as the signed-in teacher (a context in any class they teach, an id_token)."""
    personas = scene.personas
    response = signed_in(personas.teacher).get(
        scene.launch_url(**{"class": str(personas.classroom.pk)}), HTTP_SEC_FETCH_SITE=fetch_site
    )
    assert response.status_code == 403 and b"launch_elsewhere" in response.content
    assert not ToolContext.objects.exists() and not PlatformLineItem.objects.exists()


@pytest.mark.parametrize("fetch_site", ["same-origin", "none", None])
def test_baeums_own_pages_bookmarks_and_older_browsers_launch(scene: Scene, fetch_site: str | None) -> None:
    headers = {"HTTP_SEC_FETCH_SITE": fetch_site} if fetch_site else {}
    assert login_params(signed_in(scene.personas.student).get(scene.launch_url(), **headers))


def test_no_id_token_once_the_school_switched_the_tool_off(scene: Scene) -> None:
    """Switched off for the school after the launch started (its hint lives five minutes): the
    authorization endpoint still signed the id_token (only a deactivated tool was refused)."""
    client = signed_in(scene.personas.student)
    login = login_params(client.get(scene.launch_url()))
    ToolDeployment.objects.filter(tool=scene.tool).update(enabled=False)
    response = client.get(reverse("lti_platform:authorize"), auth_params(login))
    assert response.status_code == 403 and b"tool_not_enabled" in response.content
    assert b'name="id_token"' not in response.content


# --- scores -------------------------------------------------------------------------------------


def _score(scene: Scene, item_: PlatformLineItem, **fields: Any) -> Any:
    token = fetch_token(Client(), scene.tool, key(), (s.SCOPE_SCORE,))
    body = {
        "userId": subject_for(scene.tool, scene.personas.student),
        "scoreGiven": 2,
        "scoreMaximum": 2,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": timezone.now().isoformat(),
        **fields,
    }
    url = reverse("lti_platform:scores", args=[item_.classroom_id, item_.pk])
    return Client().post(url, json.dumps(body), content_type=s.MEDIA_SCORE, headers=bearer(token))


def test_a_tool_no_longer_in_the_activity_scores_no_answer_to_it(scene: Scene) -> None:
    """The teacher pointed the activity at another tool: the first tool's line item still named the
    lesson's block, and its scores became the student's answer to the other tool's activity."""
    signed_in(scene.personas.student).get(scene.launch_url())
    line_item = PlatformLineItem.objects.get(tool=scene.tool)
    other = make_tool(school=scene.personas.school, name="다른 도구")
    lesson = LessonPage.objects.get(pk=scene.lesson.pk)
    body = lesson.body.raw_data
    body[-1]["value"]["tool"] = other.pk
    lesson.body = body
    lesson.save_revision().publish()

    response = _score(scene, line_item)
    assert response.status_code == 200 and response.json()["status"] == "stored"
    assert PlatformScore.objects.filter(line_item=line_item).exists()  # kept, as the tool's own
    assert not LessonAnswer.objects.exists() and not LearningRecord.objects.exists()


def test_the_activitys_own_tool_still_scores_it(scene: Scene) -> None:
    signed_in(scene.personas.student).get(scene.launch_url())
    assert _score(scene, PlatformLineItem.objects.get()).status_code == 200
    assert LessonAnswer.objects.get().score == 3


@pytest.mark.parametrize(
    "moment",
    ["0001-01-01T00:00:00+09:00", "0001-01-01T08:59:59+09:00", "9999-12-31T23:59:59-14:00", "1000-01-01T00:00:00Z"],
)
def test_a_time_outside_the_databases_years_is_a_400_never_a_500(scene: Scene, moment: str) -> None:
    """A timestamp whose UTC time is before year 1 made SQLite's save overflow (500), and on
    PostgreSQL a row that could be saved but never read back (every later score a 500)."""
    signed_in(scene.personas.student).get(scene.launch_url())
    line_item = PlatformLineItem.objects.get()
    response = _score(scene, line_item, timestamp=moment)
    assert response.status_code == 400 and response.json()["error"] == "invalid_time"
    token = fetch_token(Client(), scene.tool, key(), (s.SCOPE_LINEITEM,))
    created = Client().post(
        reverse("lti_platform:lineitems", args=[line_item.classroom_id]),
        json.dumps({"label": "x", "scoreMaximum": 1, "startDateTime": moment}),
        content_type=s.MEDIA_LINEITEM,
        headers=bearer(token),
    )
    assert created.status_code == 400 and created.json()["error"] == "invalid_time"
    assert not PlatformScore.objects.exists() and PlatformLineItem.objects.count() == 1


# --- Deep Linking -------------------------------------------------------------------------------


@pytest.mark.parametrize("breaker", ["\r", "\u2028", "\x85", "\x0b", "\x1e"])
def test_a_picked_items_custom_value_cannot_start_another_parameter(scene: Scene, breaker: str) -> None:
    """Only "\\n" was replaced: any other line break splitlines() knows split the block's
    "key=value" text, adding parameters of the tool's choosing to every launch."""
    client = signed_in(scene.personas.teacher)
    lesson = own_lesson(scene)
    request = request_claims(scene, client, lesson)
    token = response_jwt(scene, request, items=[item(custom={"exercise": f"a{breaker}provider=evil"})])
    returned = Client().post(reverse("lti_platform:deep_link_return"), {"JWT": token})
    assert client.post(returned["Location"]).status_code == 302
    latest = LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object()
    added = [b for b in latest.body.raw_data if b["type"] == "external_activity"][-1]
    assert custom_parameters(added["value"]["custom"]) == {"exercise": "a provider=evil"}


def test_a_picked_items_custom_name_with_a_line_break_is_refused(scene: Scene) -> None:
    """``$`` matches before a final newline: "exercise\\n" passed as a name and broke the block."""
    client = signed_in(scene.personas.teacher)
    request = request_claims(scene, client, own_lesson(scene))
    token = response_jwt(scene, request, items=[item(custom={"exercise\n": "fractions"})])
    response = Client().post(reverse("lti_platform:deep_link_return"), {"JWT": token})
    assert response.status_code == 400 and b"item_invalid" in response.content


# --- the registry's pages -----------------------------------------------------------------------


def test_the_page_showing_a_registration_token_is_never_cached(scene: Scene) -> None:
    client = signed_in(make_admin("admin", scene.personas.school))
    made = client.post(reverse("lti_platform:tool_invite"), {"send_names": ""})
    assert made.status_code == 200 and "no-store" in made["Cache-Control"]
    token = _made_token(made)
    again = client.post(
        reverse("lti_platform:tool_invite_link"), {"token": token, "tool_address": "https://t.example/"}
    )
    assert again.status_code == 200 and token in again.content.decode() and "no-store" in again["Cache-Control"]


# --- the lead's follow-ups to the review ------------------------------------------------------


def test_a_jwks_fetch_follows_no_redirect_reads_at_most_64_kb_and_never_an_internal_address(settings: Any) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from lti.tool.platform_keys import KeysUnavailable, platform_key

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "/keys")
                self.end_headers()
                return
            body = b'{"keys": [{"kid": "k"}], "pad": "' + (b"x" * (70 * 1024 if self.path == "/big" else 1)) + b'"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        assert platform_key(f"{base}/keys", "k") == {"kid": "k"}
        for path in ("/redirect", "/big"):
            with pytest.raises(KeysUnavailable):
                platform_key(f"{base}{path}", "k")
        settings.LTI_ALLOW_HTTP_LOOPBACK = False  # as in production: loopback is inside
        with pytest.raises(KeysUnavailable):
            platform_key(f"{base}/keys?again", "k")
    finally:
        server.shutdown()


def test_a_cross_site_post_to_the_authorization_endpoint_is_sent_again_from_baeum_with_the_session(
    scene: Scene,
) -> None:
    """A top-level cross-site POST carries no Lax cookie: Baeum's page repeats it as a GET (the hint unspent)."""
    client = signed_in(scene.personas.student)
    login = login_params(client.get(scene.launch_url()))
    resubmit = Client().post(reverse("lti_platform:authorize"), auth_params(login))  # as without the cookie
    page = resubmit.content.decode()
    assert resubmit.status_code == 200 and 'method="get"' in page and "baeum_resubmitted" in page
    assert 'name="id_token"' not in page
    again = client.get(reverse("lti_platform:authorize"), {**auth_params(login), "baeum_resubmitted": "1"})
    _action, fields = posted_form(again)
    assert fields["id_token"]
    still_anonymous = Client().get(reverse("lti_platform:authorize"), {**auth_params(login), "baeum_resubmitted": "1"})
    assert still_anonymous.status_code in (400, 403)


def test_a_deep_linking_request_carries_the_tools_custom_parameters(scene: Scene) -> None:
    client = signed_in(scene.personas.teacher)
    claims = request_claims(scene, client, own_lesson(scene))
    assert claims[s.CLAIM + "custom"] == {"provider": "ebs"}


def test_the_line_item_follows_the_activitys_points_and_title(scene: Scene) -> None:
    client = signed_in(scene.personas.student)
    login_params(client.get(scene.launch_url()))
    lesson = LessonPage.objects.get(pk=scene.lesson.pk)
    body = list(lesson.body.raw_data)
    body[1]["value"] = {**body[1]["value"], "points": 5, "title": "분수 비교 5문항"}
    lesson.body = body
    lesson.save_revision().publish()
    login_params(client.get(scene.launch_url()))
    item_row = PlatformLineItem.objects.get(tool=scene.tool)
    assert (item_row.score_maximum, item_row.label) == (5, "분수 비교 5문항")


def test_a_picked_items_address_must_be_https_off_loopback(scene: Scene) -> None:
    client = signed_in(scene.personas.teacher)
    lesson = own_lesson(scene)
    request = request_claims(scene, client, lesson)
    token = response_jwt(scene, request, items=[item(url=f"{TOOL_BASE.replace('https', 'http')}/launch?x=1")])
    response = Client().post(reverse("lti_platform:deep_link_return"), {"JWT": token})
    assert response.status_code == 400 and b"item_url_insecure" in response.content


def test_an_activity_pointing_off_the_tools_site_is_neither_saved_nor_launched(scene: Scene) -> None:
    from wagtail.blocks.struct_block import StructBlockValidationError

    from courses.blocks import ExternalActivityBlock

    block = ExternalActivityBlock()
    value = block.to_python({**external_block(scene.tool)["value"], "url": "https://evil.example/phish"})
    with pytest.raises(StructBlockValidationError):
        block.clean(value)
    lesson = LessonPage.objects.get(pk=scene.lesson.pk)
    body = list(lesson.body.raw_data)
    body[1]["value"] = {**body[1]["value"], "url": "https://evil.example/phish"}
    lesson.body = body
    lesson.save_revision().publish()
    response = signed_in(scene.personas.student).get(scene.launch_url())
    assert response.status_code == 400 and b"target_foreign" in response.content


def test_no_return_url_goes_out_with_a_launch(scene: Scene) -> None:
    _header, claims = full_launch(signed_in(scene.personas.student), scene)
    assert "return_url" not in claims[s.CLAIM + "launch_presentation"]


def test_a_tool_score_after_a_due_time_that_takes_no_late_work_is_no_answer(scene: Scene) -> None:
    from classrooms.assignments.models import Assignment, LatePolicy
    from courses.recording import record_tool_score

    past = timezone.now() - timezone.timedelta(hours=1)
    Assignment.objects.filter(lesson=scene.lesson).update(
        opens_at=past - timezone.timedelta(days=1), due_at=past, late_policy=LatePolicy.REFUSE
    )
    stored = record_tool_score(
        user=scene.personas.student,
        lesson=scene.lesson,
        block_id=BLOCK_ID,
        score_given=3,  # type: ignore[arg-type]
        score_maximum=3,  # type: ignore[arg-type]
        answered_at=timezone.now(),
        classroom_id=scene.personas.classroom.pk,
    )
    assert stored is None and not LessonAnswer.objects.exists() and not LearningRecord.objects.exists()


def test_a_refused_target_writes_nothing_and_plain_http_off_loopback_is_refused(scene: Scene, settings: Any) -> None:
    lesson = LessonPage.objects.get(pk=scene.lesson.pk)
    body = list(lesson.body.raw_data)
    body[1]["value"] = {**body[1]["value"], "url": "https://evil.example/phish"}
    lesson.body = body
    lesson.save_revision().publish()
    assert signed_in(scene.personas.student).get(scene.launch_url()).status_code == 400
    assert not ToolContext.objects.exists() and not PlatformLineItem.objects.exists()
    body[1]["value"] = {**body[1]["value"], "url": f"{TOOL_BASE.replace('https', 'http')}/launch"}
    lesson.body = body
    lesson.save_revision().publish()
    settings.LTI_ALLOW_HTTP_LOOPBACK = False
    response = signed_in(scene.personas.student).get(scene.launch_url())
    assert response.status_code == 400 and b"target_insecure" in response.content


def test_the_django_admin_switches_no_tool_on_in_a_school(scene: Scene) -> None:
    from edu.accounts.models import User

    admin = User.objects.create_superuser("root", password="x" * 12)
    client = Client()
    client.force_login(admin)
    page = client.get(f"/django-admin/lti/externaltool/{scene.tool.pk}/change/").content.decode()
    assert "deployments-0-school" not in page and "deployments-__prefix__" not in page
