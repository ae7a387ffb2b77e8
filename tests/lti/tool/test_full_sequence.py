"""Issue 10's "Done when", first item, in one test against the test LMS (lti1p3platform on
127.0.0.1): OIDC login → Deep Linking launch → lessons returned → a learner's resource-link launch
→ an answer → its score in the LMS's gradebook (AGS) → an instructor's launch → the roster synced
from the LMS (NRPS), a learner who never launched included."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from django.test import Client
from lti_tool.models import LtiUser

from classrooms.models import MemberRole, Membership
from courses.services import answer_submit
from edu.celery import app
from lti.models import AssignmentLink, ClassLink, ScoreOutbox, ScoreState
from lti.tool import tasks
from tests.lti.platform.fixtures import lti_platform  # noqa: F401 - a fixture
from tests.lti.tool.launching import LEARNER, launch_through_platform
from tests.lti.tool.test_deep_linking import deep_linking_launch, library, pick, platform_course, return_form  # noqa: F401

pytestmark = pytest.mark.django_db


def test_login_launch_deep_linking_score_and_roster(
    library: Any,  # noqa: F811
    platform_course: Any,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    reg = platform_course
    platform = reg.platform
    teacher = Client()
    deep_linking_launch(teacher, reg)  # login → /auth → launch: a Deep Linking request
    action, token = return_form(pick(teacher, library.lesson.pk).content.decode())
    assert requests.post(action, data={"JWT": token}, timeout=10).status_code == 200
    (link,) = platform.deep_link_links
    line_item = platform.lineitem_for_link(link.id)
    assert line_item is not None

    learner = Client()
    response = launch_through_platform(learner, reg, user="learner-1", context="course-1", resource_link=link.id)
    assert response["Location"] == library.lesson.url
    student = LtiUser.objects.get(sub="learner-1").auth_user
    numeric = library.activity_id("numeric")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        answer_submit(user=student, lesson=library.lesson, block_id=numeric, answer="0.75")
    assert queued, "the score was queued after commit"
    row = ScoreOutbox.objects.get()
    assert tasks.send_score(row.pk) == "sent"  # what a Celery worker runs
    (score,) = platform.scores_for(line_item, "learner-1")
    assert score["scoreGiven"] == 2 and score["scoreMaximum"] == 8 and score["userId"] == "learner-1"
    assert ScoreOutbox.objects.get().state == ScoreState.SENT
    assert AssignmentLink.objects.get().lineitem_url == line_item.url

    platform.add_user("learner-2", [LEARNER], name="이서연", contexts=["course-1"])
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            launch_through_platform(Client(), reg, user="teacher-1", context="course-1", resource_link=link.id)
    finally:
        app.conf.task_always_eager = eager
    classroom = ClassLink.objects.get().classroom
    students = Membership.objects.filter(classroom=classroom, role=MemberRole.STUDENT)
    assert set(students.values_list("user__display_name", flat=True)) == {"김민준", "이서연"}
    assert ClassLink.objects.get().roster_synced_at is not None
    assert platform.errors == []
