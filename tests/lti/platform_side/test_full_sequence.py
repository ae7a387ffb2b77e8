"""The whole platform side against a tool Baeum did not write: the demo content tool, built on
PyLTI1p3 and run as its own process on 127.0.0.1 with its own keys, and Baeum served for real
(pytest-django's live server), every step over HTTP: dynamic registration, Deep Linking into a
teacher's lesson, a student's launch and the score the tool posts back through AGS (into the
gradebook), and the roster the tool reads through NRPS."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from classrooms.assignments.gradebook import class_progress
from classrooms.assignments.services import assignment_create
from courses.answers import LessonAnswer
from courses.pages import LessonPage
from courses.services import lesson_copy
from edu.records.models import LearningRecord, Source
from lti.models import ExternalTool, PlatformLineItem, PlatformScore, ToolContext, ToolDeployment
from lti.platform import registry
from lti.platform.scopes import SCOPE_LINEITEM, SCOPE_NRPS, SCOPE_RESULT_READONLY, SCOPE_SCORE, SCOPES
from tests.factories import Personas, build_library
from tests.lti.platform_side.demo_tool_browser import Browser, form_of, forms_of
from tests.lti.platform_side.demo_tool_process import DemoTool
from tests.servers import STUDENT_BACKEND, TEACHER_BACKEND, session_key_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tool(tmp_path: Path) -> Iterator[DemoTool]:
    with DemoTool(tmp_path / "demo_tool") as running:
        yield running


def signed_in(user: Any, backend: str) -> Browser:
    browser = Browser()
    browser.session.cookies.set("sessionid", session_key_for(user, backend))
    return browser


def text_of(response: requests.Response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))


def register(tool: DemoTool, base: str, personas: Personas) -> ExternalTool:
    """An admin's invitation, opened by the tool's registration page (LTI Dynamic Registration)."""
    _invite, token = registry.invite_create(school=personas.school, created_by=personas.teacher, send_names=True)
    query = urlencode(
        {"openid_configuration": f"{base}/lti/platform/.well-known/openid-configuration", "registration_token": token}
    )
    page = requests.get(f"{tool.register_url}?{query}", timeout=20)
    assert page.status_code == 200, page.text[:1500]
    assert "org.imsglobal.lti.close" in page.text
    registered = ExternalTool.objects.get(registered_via=ExternalTool.Via.DYNAMIC)
    deployment = ToolDeployment.objects.get(tool=registered, school=personas.school, enabled=True)
    [kept] = tool.registrations()
    assert (kept.issuer, kept.client_id, kept.deployment_ids) == (
        base,
        registered.client_id,
        [deployment.deployment_id],
    )
    assert kept.registered_via == "dynamic"
    assert {SCOPE_LINEITEM, SCOPE_SCORE, SCOPE_RESULT_READONLY, SCOPE_NRPS} <= set(registered.scopes) <= set(SCOPES)
    assert registered.send_names
    assert registered.login_url.startswith(tool.url) and registered.jwks_url == tool.jwks_url
    return registered


def deep_link(teacher: Browser, base: str, lesson: LessonPage, registered: ExternalTool) -> str:
    """The teacher picks the tool's fractions exercise into their lesson; returns the new block's id."""
    choose = teacher.get(f"{base}/lti/platform/deep-link/{lesson.pk}/")
    assert choose.status_code == 200 and registered.name in choose.text, (
        registered.deep_link_url,
        text_of(choose)[-800:],
    )
    [pick] = [f for f in forms_of(choose) if f.method == "POST" and f.hidden.get("tool") == str(registered.pk)]
    authorized = teacher.submit(pick)  # → the tool's login → Baeum's authorization endpoint
    assert authorized.status_code == 200 and authorized.url.startswith(f"{base}/lti/platform/auth/"), authorized.text[
        :800
    ]
    picker = teacher.submit(form_of(authorized))
    assert picker.status_code == 200 and 'id="picker"' in picker.text, picker.text[:1500]
    answered = teacher.submit(form_of(picker, "picker"), {"exercise": ["fractions"]}, button="add")
    back = teacher.submit(form_of(answered, "lti13_deep_link_auto_submit"))
    assert back.status_code == 200 and "/deep-link/" in back.url and "분수의 크기 비교" in back.text, back.text[:1500]
    before = [b["type"] for b in LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object().body.raw_data]
    [confirm] = [f for f in forms_of(back) if "confirm" in f.action]
    done = teacher.submit(confirm)
    assert done.status_code == 200 and "/cms/pages/" in done.url
    latest = LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object()
    added = latest.body.raw_data[len(before) :]
    assert [b["type"] for b in added] == ["external_activity"]
    assert added[0]["value"]["tool"] == registered.pk and added[0]["value"]["points"] == 3
    LessonPage.objects.get(pk=lesson.pk).get_latest_revision().publish()
    return str(added[0]["id"])


def test_the_whole_sequence_against_a_pylti1p3_tool(
    live_server: Any, settings: Any, tmp_path: Path, tool: DemoTool, personas: Personas
) -> None:
    settings.BASE_URL = base = live_server.url
    library = build_library(tmp_path)
    registered = register(tool, base, personas)

    teacher = signed_in(personas.teacher, TEACHER_BACKEND)
    lesson = lesson_copy(lesson=library.lesson, teacher=personas.teacher)
    block_id = deep_link(teacher, base, lesson, registered)
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assignment = assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=lesson)

    # the student opens the activity from the lesson (its frame's address) and answers 2 of 3 right
    student = signed_in(personas.student, STUDENT_BACKEND)
    page = student.get(f"{base}{lesson.url}")
    launch = f"/lti/platform/launch/{lesson.pk}/{block_id}/"
    assert f'src="{launch}"' in page.text
    authorized = student.get(base + launch)
    assert authorized.status_code == 200 and "/lti/platform/auth/" in authorized.url, authorized.text[:800]
    exercise = student.submit(form_of(authorized))
    assert exercise.status_code == 200 and 'id="answers"' in exercise.text, exercise.text[:1500]
    result = student.submit(form_of(exercise, "answers"), {"q1": "0", "q2": "1", "q3": "0"})
    assert "점수를 보냈어요: 2/3" in text_of(result), text_of(result)[:1500]

    # the score arrived through AGS: the tool's row, the student's answer, the record, the gradebook
    item = PlatformLineItem.objects.get(tool=registered, classroom=personas.classroom)
    assert (item.block_id, item.score_maximum) == (block_id, 3)
    score = PlatformScore.objects.get(line_item=item, student=personas.student)
    assert (score.score_given, score.score_maximum, score.grading_progress) == (2, 3, "FullyGraded")
    answer = LessonAnswer.objects.get(user=personas.student, lesson=lesson, block_id=block_id)
    assert (answer.kind, answer.score, answer.max_score) == ("external_activity", 2, 3)
    record = LearningRecord.objects.get(student=personas.student, block_id=block_id)
    assert (record.source, record.assignment_id, record.classroom_id) == (
        Source.TOOL,
        assignment.pk,
        personas.classroom.pk,
    )
    _assignments, _students, cells = class_progress(personas.classroom)
    cell = cells[(assignment.pk, personas.student.pk)]
    assert cell.progress.answered == 1 and cell.progress.score == 2

    # the teacher opens it for the class: the tool reads the roster through NRPS (names allowed)
    roster = teacher.get(f"{base}{launch}?class={personas.classroom.pk}")
    instructor = teacher.submit(form_of(roster))
    assert instructor.status_code == 200
    shown = text_of(instructor)
    assert "이서연" in shown and "김선생" in shown, shown[-1500:]
    assert personas.outsider.display_name not in shown  # another class's student
    assert ToolContext.objects.filter(tool=registered, classroom=personas.classroom).count() == 1
