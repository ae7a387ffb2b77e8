"""Launches built and signed by the test platform (lti1p3platform): what they create in Baeum, where
people land, and how the LTI session lives beside a direct one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from lti_tool.models import LtiUser

from classrooms.assignments.models import Assignment
from classrooms.live.services import session_start
from classrooms.models import MemberRole, Membership
from lti.models import AssignmentLink, ClassLink
from lti.tool.session import LTI_SESSION_COOKIE
from tests.factories import build_library, build_personas
from tests.lti.platform import TestPlatform
from tests.lti.platform.fixtures import lti_platform_module  # noqa: F401 - a fixture
from tests.lti.tool.launching import INSTRUCTOR, LEARNER, Registered, launch_through_platform, register_baeum

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(lti_platform_module: TestPlatform, tmp_path: Path) -> tuple[Registered, Any, Any]:  # noqa: F811
    personas = build_personas()
    library = build_library(tmp_path)
    reg = register_baeum(lti_platform_module, personas.school)
    platform = reg.platform
    platform.add_context("course-1", title="4학년 1반 수학", label="4-1")
    platform.add_user("teacher-1", [INSTRUCTOR], name="박선생", contexts=["course-1"])
    platform.add_user("learner-1", [LEARNER], name="김민준", contexts=["course-1"])
    platform.add_resource_link(
        "link-1",
        "course-1",
        reg.tool,
        title="분수",
        custom={"baeum_lesson": str(library.lesson.pk)},
        lineitem={"label": "분수", "scoreMaximum": 5},
    )
    return reg, personas, library


def test_instructor_then_learner(setup: tuple[Registered, Any, Any]) -> None:
    reg, personas, library = setup
    teacher_client, learner_client = Client(), Client()
    response = launch_through_platform(
        teacher_client, reg, user="teacher-1", context="course-1", resource_link="link-1"
    )
    assert response.status_code == 302, response.content[:800]
    link = AssignmentLink.objects.get(resource_link__id_on_platform="link-1")
    assert response["Location"] == f"/lti/links/{link.pk}/"
    classroom = ClassLink.objects.get(context__id_on_platform="course-1").classroom
    assert classroom.school == personas.school and classroom.name == "4학년 1반 수학"
    teacher = LtiUser.objects.get(sub="teacher-1").auth_user
    assert Membership.objects.get(classroom=classroom, user=teacher).role == MemberRole.TEACHER
    assert link.assignment is not None and link.assignment.lesson == library.lesson
    assert link.assignment.classroom == classroom and link.lineitem_url.startswith(reg.platform.issuer)

    response = launch_through_platform(
        learner_client, reg, user="learner-1", context="course-1", resource_link="link-1"
    )
    assert response.status_code == 302
    assert response["Location"] == library.lesson.url
    learner = LtiUser.objects.get(sub="learner-1").auth_user
    assert learner.is_student and learner.display_name == "김민준" and not learner.email
    assert Membership.objects.get(classroom=classroom, user=learner).role == MemberRole.STUDENT
    page = learner_client.get(response["Location"])
    assert page.status_code == 200
    assert "X-Frame-Options" not in page
    assert f"frame-ancestors 'self' {reg.platform.issuer}" in page["Content-Security-Policy"]
    # launching again reuses everything
    launch_through_platform(learner_client, reg, user="learner-1", context="course-1", resource_link="link-1")
    assert Assignment.objects.filter(classroom=classroom).count() == 1
    assert LtiUser.objects.filter(sub="learner-1").count() == 1


def test_learner_lands_in_the_running_live_session(setup: tuple[Registered, Any, Any]) -> None:
    reg, _personas, library = setup
    launch_through_platform(Client(), reg, user="teacher-1", context="course-1", resource_link="link-1")
    classroom = ClassLink.objects.get().classroom
    teacher = LtiUser.objects.get(sub="teacher-1").auth_user
    session = session_start(teacher=teacher, lesson=library.lesson, classroom=classroom)
    response = launch_through_platform(Client(), reg, user="learner-1", context="course-1", resource_link="link-1")
    assert response["Location"] == f"/live/{session.pk}/"


def test_a_launch_does_not_sign_out_the_direct_session(setup: tuple[Registered, Any, Any]) -> None:
    reg, personas, _library = setup
    browser = Client()
    browser.force_login(personas.teacher)
    direct = browser.cookies["sessionid"].value
    response = launch_through_platform(browser, reg, user="learner-1", context="course-1", resource_link="link-1")
    assert response.status_code == 302
    assert browser.cookies["sessionid"].value == direct, "the direct session cookie was replaced"
    lti_cookie = browser.cookies[LTI_SESSION_COOKIE]
    assert (
        lti_cookie["secure"] and "Partitioned" in lti_cookie["samesite"] and lti_cookie["samesite"].startswith("None")
    )
    # the direct tab (only sessionid) is still the teacher
    tab = Client()
    tab.cookies["sessionid"] = direct
    assert tab.get("/").context["user"] == personas.teacher
    # the frame (only the LTI cookie) is the learner
    frame = Client()
    frame.cookies[LTI_SESSION_COOKIE] = lti_cookie.value
    assert frame.get("/").context["user"] == LtiUser.objects.get(sub="learner-1").auth_user


def test_direct_pages_still_refuse_framing(client: Any, setup: tuple[Registered, Any, Any]) -> None:
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"


def test_an_instructor_launch_syncs_the_roster(
    setup: tuple[Registered, Any, Any], django_capture_on_commit_callbacks: Any
) -> None:
    """The LMS's roster (NRPS) comes in on an instructor's launch: a learner who never launched
    has a Baeum account in the class. (The task runs at once here, as in the embedded default.)"""
    from edu.celery import app

    reg, _personas, _library = setup
    reg.platform.add_user("learner-2", [LEARNER], name="이서연", contexts=["course-1"])
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            launch_through_platform(Client(), reg, user="teacher-1", context="course-1", resource_link="link-1")
    finally:
        app.conf.task_always_eager = eager
    classroom = ClassLink.objects.get().classroom
    names = set(
        Membership.objects.filter(classroom=classroom, role=MemberRole.STUDENT).values_list(
            "user__display_name", flat=True
        )
    )
    assert {"김민준", "이서연"} <= names


def test_a_launch_in_a_window_of_its_own_asks_before_switching_people(setup: tuple[Registered, Any, Any]) -> None:
    """Top level (the new-window path), Baeum is first party: the launched person signs in to the
    browser's own session, and if someone else is signed in there, only after they agree."""
    reg, personas, library = setup
    browser = Client(HTTP_SEC_FETCH_DEST="document")
    browser.force_login(personas.teacher)
    response = launch_through_platform(browser, reg, user="learner-1", context="course-1", resource_link="link-1")
    assert response.status_code == 302 and response["Location"].startswith("/lti/continue/")
    ticket_url = response["Location"]
    ask = browser.get(ticket_url)
    assert ask.status_code == 200 and ask.context["current"] == personas.teacher
    assert LTI_SESSION_COOKIE not in browser.cookies or not browser.cookies[LTI_SESSION_COOKIE].value
    assert browser.get("/").context["user"] == personas.teacher  # nothing changed by asking
    going = browser.post(ticket_url, {"do": "continue"})
    assert going.status_code == 302 and going["Location"] == library.lesson.url
    learner = LtiUser.objects.get(sub="learner-1").auth_user
    assert browser.get("/").context["user"] == learner
    again = browser.post(ticket_url, {"do": "continue"})
    assert again.status_code == 400 and b"<code>unknown_state</code>" in again.content  # a ticket is used once


def test_a_window_launch_with_nobody_signed_in_goes_straight_on(setup: tuple[Registered, Any, Any]) -> None:
    reg, _personas, library = setup
    browser = Client(HTTP_SEC_FETCH_DEST="document")
    response = launch_through_platform(browser, reg, user="learner-1", context="course-1", resource_link="link-1")
    going = browser.get(response["Location"])
    assert going.status_code == 302 and going["Location"] == library.lesson.url
    assert browser.cookies["sessionid"].value and LTI_SESSION_COOKIE not in browser.cookies


def test_the_direct_session_wins_where_both_cookies_arrive(setup: tuple[Registered, Any, Any]) -> None:
    """A browser without partitioned cookies may send an LTI cookie to a top-level tab too: the
    person signed in directly there stays who they are."""
    reg, personas, _library = setup
    framed = Client()
    launch_through_platform(framed, reg, user="learner-1", context="course-1", resource_link="link-1")
    tab = Client()
    tab.force_login(personas.teacher)
    tab.cookies[LTI_SESSION_COOKIE] = framed.cookies[LTI_SESSION_COOKIE].value
    assert tab.get("/").context["user"] == personas.teacher
