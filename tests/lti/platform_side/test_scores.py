"""A tool's score becomes the student's answer: AGS score → PlatformScore → LessonAnswer of the
lesson's external activity → learning record (Source.TOOL) → the class gradebook, from a real
launch's AGS claim to the teacher's rows."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from classrooms.assignments.gradebook import gradebook
from classrooms.assignments.models import Assignment
from classrooms.assignments.services import assignment_create
from courses.answers import LessonAnswer
from courses.curriculum import AchievementStandard
from courses.pages import LessonPage, UnitPage
from courses.recording import record_tool_score, scaled_score
from courses.services import library_root_ensure
from courses.standards_import import standards_import
from edu.records.models import LearningRecord, RecordStatus, Source
from lti.models import ExternalTool, PlatformLineItem, PlatformScore
from lti.platform import scopes as s
from tests.factories import make_course_unit, write_csv
from tests.lti.platform_side.launch_kit import Scene, external_block, full_launch
from tests.lti.platform_side.launch_kit import key as launch_kit_key
from tests.lti.platform_side.launch_kit import make_lesson as launch_kit_lesson
from tests.lti.platform_side.launch_kit import make_tool as launch_kit_tool
from tests.lti.platform_side.services_kit import (
    Services,
    bearer,
    fetch_token,
    services,
)

__all__ = ["services"]  # a fixture

BLOCK = "7b0c1e2a-0000-4000-8000-00000000e001"  # launch_kit's external block id


@pytest.fixture
def standard(tmp_path: Any, db: None) -> AchievementStandard:
    standards_import(write_csv(tmp_path / "standards.csv"))
    return AchievementStandard.objects.get(code="[4수01-10]")


def lesson_with_tool(tool: ExternalTool, standard: AchievementStandard, points: int = 3) -> LessonPage:
    """A published lesson: a text, then the tool's external activity worth ``points``."""
    library_root_ensure()
    unit = UnitPage.objects.filter(slug="fractions").first()
    if unit is None:
        _course, unit = make_course_unit("초등 4학년 수학", "e4-math", "분수", "fractions")
    block = external_block(tool, points=points)
    block["value"]["standards"] = [standard.pk]
    lesson = LessonPage(
        title="EBS 분수 연습",
        body=[{"type": "text", "value": "<p>풀어 보세요.</p>", "id": "0f0e0d0c-0000-4000-8000-000000000001"}, block],
    )
    unit.add_child(instance=lesson)
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return lesson


def activity_item(services: Services, lesson: LessonPage) -> PlatformLineItem:
    """The line item the launch code makes for the activity (as ``lti.platform.launch`` does)."""
    return PlatformLineItem.objects.create(
        tool=services.tool,
        classroom=services.classroom,
        lesson=lesson,
        block_id=BLOCK,
        resource_link_id=f"lesson-{lesson.pk}-{BLOCK}",
        label="분수 비교 연습",
        score_maximum=Decimal(3),
    )


def post_score(services: Services, item: PlatformLineItem, headers: dict[str, str] | None = None, **fields: Any) -> Any:
    body: dict[str, Any] = {
        "userId": services.sub(services.personas.student),
        "scoreGiven": 8,
        "scoreMaximum": 10,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": timezone.now().isoformat(),
    }
    body.update(fields)
    body = {k: v for k, v in body.items() if v is not None}
    url = services.url("scores", item.classroom_id, item.pk)
    headers = headers or services.headers((s.SCOPE_SCORE,))
    response = services.client.post(url, json.dumps(body), content_type=s.MEDIA_SCORE, headers=headers)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def scene(
    services: Services, standard: AchievementStandard
) -> tuple[Services, LessonPage, PlatformLineItem, Assignment]:
    lesson = lesson_with_tool(services.tool, standard)
    personas = services.personas
    assignment = assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=lesson)
    return services, lesson, activity_item(services, lesson), assignment


def test_a_score_becomes_the_students_answer_and_learning_record(scene: Any) -> None:
    services, lesson, item, assignment = scene
    student = services.personas.student
    stamp = timezone.now() - timedelta(minutes=2)
    assert post_score(services, item, scoreGiven=8, scoreMaximum=10, timestamp=stamp.isoformat())["status"] == "stored"

    answer = LessonAnswer.objects.get(user=student, lesson=lesson, block_id=BLOCK)
    assert answer.kind == "external_activity"
    assert answer.answer == {"score_given": 8, "score_maximum": 10}
    assert (answer.score, answer.max_score, answer.correct) == (Decimal("2.40"), Decimal(3), False)  # 3 × 8/10

    record = LearningRecord.objects.get()
    assert record.source == Source.TOOL
    assert record.key == f"self:{answer.pk}"
    assert (record.student_id, record.classroom_id, record.assignment_id) == (
        student.pk,
        services.classroom.pk,
        assignment.pk,
    )
    assert (record.lesson_id, record.block_id, record.kind) == (lesson.pk, BLOCK, "external_activity")
    assert (record.score, record.max_score, record.correct) == (Decimal("2.40"), Decimal(3), False)
    assert record.standards == ["[4수01-10]"]
    assert record.prompt == "분수 비교 연습"
    assert record.status == RecordStatus.ANSWERED
    assert record.answered_at == stamp


def test_a_newer_score_updates_the_same_answer_and_record_and_an_older_one_changes_nothing(scene: Any) -> None:
    services, _lesson, item, _assignment = scene
    now = timezone.now()
    headers = services.headers((s.SCOPE_SCORE,))
    post_score(services, item, headers, scoreGiven=4, timestamp=(now - timedelta(minutes=3)).isoformat())
    post_score(services, item, headers, scoreGiven=10, timestamp=(now - timedelta(minutes=1)).isoformat())
    ignored = post_score(services, item, headers, scoreGiven=1, timestamp=(now - timedelta(minutes=2)).isoformat())
    assert ignored["status"] == "ignored"
    answer = LessonAnswer.objects.get()
    assert (answer.score, answer.attempts) == (Decimal(3), 2)
    record = LearningRecord.objects.get()
    assert (record.score, record.attempt, record.answered_at) == (Decimal(3), 2, now - timedelta(minutes=1))
    assert PlatformScore.objects.get().score_given == 10


@pytest.mark.parametrize(
    "fields",
    [
        {"scoreGiven": None, "scoreMaximum": None, "activityProgress": "Started", "gradingProgress": "NotReady"},
        {"scoreGiven": 5, "gradingProgress": "Failed"},
        {"scoreGiven": 5, "gradingProgress": "NotReady"},
    ],
)
def test_a_score_that_is_no_grade_is_kept_but_is_no_answer(scene: Any, fields: dict[str, Any]) -> None:
    services, _lesson, item, _assignment = scene
    assert post_score(services, item, **fields)["status"] == "stored"
    assert PlatformScore.objects.count() == 1
    assert not LessonAnswer.objects.exists() and not LearningRecord.objects.exists()


def test_a_score_on_the_tools_own_line_item_is_no_answer(scene: Any) -> None:
    services, _lesson, _item, _assignment = scene
    own = PlatformLineItem.objects.create(tool=services.tool, classroom=services.classroom, label="x", score_maximum=5)
    post_score(services, own)
    assert PlatformScore.objects.filter(line_item=own).exists()
    assert not LessonAnswer.objects.exists() and not LearningRecord.objects.exists()


def test_the_score_is_scaled_to_the_activitys_points_and_kept_within_them() -> None:
    assert scaled_score(Decimal(2), Decimal(1), Decimal(3)) == Decimal("0.67")
    assert scaled_score(Decimal(3), Decimal(12), Decimal(10)) == Decimal(3)  # extra credit stays within the points
    assert scaled_score(Decimal(3), Decimal(0), Decimal(10)) == Decimal(0)
    assert scaled_score(Decimal(5), Decimal("2.5"), Decimal(5)) == Decimal("2.50")


def test_no_answer_for_an_activity_without_points_or_no_longer_in_the_lesson(
    services: Services, standard: AchievementStandard
) -> None:
    student = services.personas.student
    no_points = lesson_with_tool(services.tool, standard, points=0)
    kwargs: dict[str, Any] = {
        "user": student, "score_given": Decimal(1), "score_maximum": Decimal(1), "answered_at": timezone.now(),
    }  # fmt: skip
    assert record_tool_score(lesson=no_points, block_id=BLOCK, **kwargs) is None
    assert record_tool_score(lesson=no_points, block_id="0f0e0d0c-0000-4000-8000-000000000001", **kwargs) is None
    assert record_tool_score(lesson=no_points, block_id="gone", **kwargs) is None
    assert not LessonAnswer.objects.exists() and not LearningRecord.objects.exists()


def _cell(classroom: Any, student: Any) -> Any:
    book = gradebook(classroom)
    [row] = [r for r in book.rows if r.student == student]
    [cell] = row.cells
    return book, cell


def test_the_score_reaches_the_class_gradebook(scene: Any) -> None:
    services, _lesson, item, _assignment = scene
    student = services.personas.student
    book, cell = _cell(services.classroom, student)
    assert (cell.progress.answered, cell.progress.score, cell.progress.max_score) == (0, 0, 3)
    post_score(services, item, scoreGiven=2, scoreMaximum=3)
    book, cell = _cell(services.classroom, student)
    assert (cell.progress.answered, cell.progress.total) == (1, 1)
    assert (cell.progress.score, cell.progress.max_score) == (Decimal(2), Decimal(3))
    assert cell.status == "done"
    assert book.columns[0].average == Decimal("2.0")


def test_from_a_students_launch_to_the_answer(personas: Any, standard: AchievementStandard) -> None:
    """The whole path with the lead's launch: the student launches the activity in their class; the
    tool reads the AGS claim, gets a token and posts the score to the line item it was given."""
    tool = launch_kit_tool(school=personas.school)
    lesson = launch_kit_lesson(tool, points=3)
    assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=lesson)
    browser = Client()
    browser.force_login(personas.student)
    _header, claims = full_launch(browser, Scene(personas, tool, lesson))
    ags = claims[s.AGS_CLAIM]
    assert s.SCOPE_SCORE in ags["scope"]

    server = Client()
    token = fetch_token(server, tool, launch_kit_key(), (s.SCOPE_SCORE,))
    scores_url = urlsplit(ags["lineitem"]).path.rstrip("/") + "/scores"  # as pylti1p3 builds it
    body = {
        "userId": claims["sub"],
        "scoreGiven": 1,
        "scoreMaximum": 2,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": timezone.now().isoformat(),
    }
    response = server.post(scores_url, json.dumps(body), content_type=s.MEDIA_SCORE, headers=bearer(token))
    assert response.status_code == 200, response.content
    answer = LessonAnswer.objects.get(user=personas.student, lesson=lesson)
    assert (answer.score, answer.max_score) == (Decimal("1.50"), Decimal(3))
    assert LearningRecord.objects.get(student=personas.student).source == Source.TOOL


def test_tool_scores_reach_the_standards_view_and_the_students_progress(scene: Any) -> None:
    """Full marks count as a correct answer, less as not, in the views that count correct answers."""
    from classrooms.assignments.standards import class_standards, student_progress

    services, _lesson, item, _assignment = scene
    student = services.personas.student
    post_score(services, item, scoreGiven=2, scoreMaximum=3)
    view = class_standards(services.classroom)
    share = view.cells[(student.pk, "[4수01-10]")]
    assert (share.answers, share.correct) == (1, 0)
    post_score(
        services, item, scoreGiven=3, scoreMaximum=3, timestamp=(timezone.now() + timedelta(seconds=1)).isoformat()
    )
    share = class_standards(services.classroom).cells[(student.pk, "[4수01-10]")]
    assert (share.answers, share.correct, share.percent) == (1, 1, 100)
    [row] = student_progress(student).standards
    assert (row.code, row.total.correct, row.total.answers) == ("[4수01-10]", 1, 1)


def test_a_students_export_holds_what_tools_know_and_sent(scene: Any, tmp_path: Any) -> None:
    import zipfile

    from classrooms.privacy.exporting import build_zip

    services, _lesson, item, _assignment = scene
    student = services.personas.student
    post_score(services, item, scoreGiven=2, scoreMaximum=3, comment="잘했어요")
    build_zip(student, tmp_path / "export.zip", lambda _done: None)
    part = json.loads(zipfile.ZipFile(tmp_path / "export.zip").read("external_tools.json"))
    assert part["tools"] == [{"tool": services.tool.name, "id_known_to_the_tool": services.sub(student)}]
    [score] = part["scores"]
    assert (score["score_given"], score["score_maximum"], score["comment"]) == ("2", "3", "잘했어요")
