"""Grade passback through the outbox, against the test platform's real AGS endpoints: a student
answers through the real self-paced service, the listener re-arms the outbox row, and the tests run
the send themselves (CI's Celery only queues tasks)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from lti_tool.models import LtiContext, LtiResourceLink, LtiUser

from classrooms.assignments.models import Assignment
from classrooms.assignments.services import assignment_create
from courses.services import answer_submit
from edu.records.models import LearningRecord
from edu.records.services import review_record
from lti.models import AssignmentLink, ClassLink, ScoreOutbox, ScoreState
from lti.tool import ags, extensions, tasks
from lti.tool.tokens import ServiceRefused
from tests.factories import Library, Personas, build_library
from tests.lti.platform import TestPlatform
from tests.lti.platform.fixtures import lti_platform  # noqa: F401 - a fixture
from tests.lti.platform.state import LineItem
from tests.lti.tool.launching import CLIENT_ID, register_baeum

SUB = "learner-1"
ANSWERS: dict[str, Any] = {
    "numeric": "0.75",  # 2 points
    "multiple_choice": [2],  # 1
    "true_false": True,  # 1
    "short_answer": "단위분수",  # 1
    "poll": 0,  # not scored
    "open_response": "전체를 똑같이 나눈 것",  # 3, waits for the teacher
}


@dataclass
class Gradebook:
    platform: TestPlatform
    personas: Personas
    library: Library
    assignment: Assignment
    link: AssignmentLink
    context: LtiContext
    item: LineItem | None

    def answer(self, kind: str, given: Any = None) -> None:
        block = self.library.activity_id(kind)
        answer_submit(
            user=self.personas.student, lesson=self.library.lesson, block_id=block, answer=given or ANSWERS[kind]
        )

    def row(self) -> ScoreOutbox:
        return ScoreOutbox.objects.get()

    def scores(self) -> list[dict[str, Any]]:
        assert self.item is not None
        return self.platform.scores_for(self.item, SUB)


@pytest.fixture
def platform(lti_platform: TestPlatform) -> Iterator[TestPlatform]:  # noqa: F811 - the imported fixture
    yield lti_platform
    assert lti_platform.errors == []


def build_gradebook(
    platform: TestPlatform, personas: Personas, tmp_path: Any, *, lineitem: bool = True, manage: bool = True
) -> Gradebook:
    """An LMS course linked to the personas' class, a resource link for the library lesson (with the
    LMS's line item, or none), and the personas' student known to the LMS as ``learner-1``."""
    library = build_library(tmp_path)
    reg = register_baeum(platform, personas.school)
    platform.add_context("course-1", title="4학년 수학")
    platform.add_user(SUB, name="이서연", contexts=["course-1"])
    platform.add_resource_link(
        "link-1", "course-1", reg.tool, lineitem={"label": "분수", "scoreMaximum": 8} if lineitem else None
    )
    context = LtiContext.objects.create(
        deployment=reg.deployment,
        id_on_platform="course-1",
        lineitems_url=platform.lineitems_url("course-1"),
        can_manage_lineitems=manage,
        can_publish_scores=True,
    )
    ClassLink.objects.create(context=context, classroom=personas.classroom)
    resource_link = LtiResourceLink.objects.create(context=context, id_on_platform="link-1")
    assignment = assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=library.lesson)
    item = platform.lineitem_for_link("link-1")
    link = AssignmentLink.objects.create(
        resource_link=resource_link, assignment=assignment, lesson=library.lesson, lineitem_url=item.url if item else ""
    )
    LtiUser.objects.create(registration=reg.registration, sub=SUB, auth_user=personas.student)
    return Gradebook(platform, personas, library, assignment, link, context, item)


@pytest.fixture
def gb(platform: TestPlatform, personas: Personas, tmp_path: Any) -> Gradebook:
    return build_gradebook(platform, personas, tmp_path)


def stamp(body: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(body["timestamp"])


# --- what arrives --------------------------------------------------------------------------------


def test_the_score_arrives_with_the_students_current_standing(gb: Gradebook) -> None:
    gb.answer("numeric")
    row = gb.row()
    assert (row.state, row.link, row.lti_user.sub) == (ScoreState.PENDING, gb.link, SUB)

    assert tasks.send_score(row.pk) == "sent"

    [score] = gb.scores()
    assert score["userId"] == SUB
    assert (score["scoreGiven"], score["scoreMaximum"]) == (2, 8)
    assert (score["activityProgress"], score["gradingProgress"]) == ("InProgress", "FullyGraded")
    assert score["timestamp"].endswith("+00:00") and len(score["timestamp"].split(".")[1]) == 6 + 6  # µs + offset
    row.refresh_from_db()
    assert (row.state, row.sent_score, row.sent_timestamp, row.attempts) == (ScoreState.SENT, 2, stamp(score), 0)
    assert gb.platform.refused_scores == []


def test_one_token_serves_every_send(gb: Gradebook) -> None:
    for kind in ("numeric", "true_false", "short_answer"):
        gb.answer(kind)
        assert ags.score_send(gb.row().pk).outcome == "sent"
    assert [s["scoreGiven"] for s in gb.scores()] == [2, 3, 4]
    assert gb.platform.tokens_issued == 1


def test_an_answer_waiting_for_the_teacher_is_pending_manual_until_reviewed(gb: Gradebook) -> None:
    for kind in ANSWERS:
        gb.answer(kind)
    ags.score_send(gb.row().pk)
    review_record(LearningRecord.objects.get(kind="open_response"), score=2, feedback="", reviewer=gb.personas.teacher)
    assert gb.row().state == ScoreState.PENDING  # the review re-armed it
    ags.score_send(gb.row().pk)

    waiting, reviewed = gb.scores()
    assert (waiting["scoreGiven"], waiting["activityProgress"], waiting["gradingProgress"]) == (
        5,
        "Completed",
        "PendingManual",
    )
    assert (reviewed["scoreGiven"], reviewed["activityProgress"], reviewed["gradingProgress"]) == (
        7,
        "Completed",
        "FullyGraded",
    )


def test_the_send_is_queued_after_commit(gb: Gradebook, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        gb.answer("numeric")
    assert len(callbacks) == 1


def test_a_line_item_is_created_once_when_the_lms_gave_none(
    platform: TestPlatform, personas: Personas, tmp_path: Any
) -> None:
    gb = build_gradebook(platform, personas, tmp_path, lineitem=False)
    gb.answer("numeric")
    assert ags.score_send(gb.row().pk).outcome == "sent"
    gb.answer("true_false")
    assert ags.score_send(gb.row().pk).outcome == "sent"

    [item] = platform.lineitems_in("course-1")
    assert (item.label, item.score_maximum, item.resource_link_id, item.tag) == (
        gb.assignment.title,
        8,
        "link-1",
        "baeum",
    )
    gb.link.refresh_from_db()
    assert gb.link.lineitem_url == item.url
    assert [s["scoreGiven"] for s in platform.scores_for(item, SUB)] == [2, 3]


def test_a_column_baeum_made_before_is_found_not_made_twice(
    platform: TestPlatform, personas: Personas, tmp_path: Any
) -> None:
    gb = build_gradebook(platform, personas, tmp_path, lineitem=False)
    made = platform.add_lineitem(
        "course-1", CLIENT_ID, label="분수", scoreMaximum=8, resource_link="link-1", tag="baeum"
    )
    gb.answer("numeric")  # (the worker that made it died before saving its URL)
    assert ags.score_send(gb.row().pk).outcome == "sent"
    assert platform.lineitems_in("course-1") == [made]
    assert [s["scoreGiven"] for s in platform.scores_for(made, SUB)] == [2]


def test_a_column_being_made_by_another_worker_is_waited_for(
    platform: TestPlatform, personas: Personas, tmp_path: Any
) -> None:
    gb = build_gradebook(platform, personas, tmp_path, lineitem=False)
    gb.answer("numeric")
    cache.add(f"lti:lineitem-lock:{gb.link.pk}", 1)
    assert ags.score_send(gb.row().pk) == ags.Sent("retry", 30)
    assert (gb.row().last_error, platform.lineitems_in("course-1")) == ("busy", [])


def test_no_line_item_and_no_right_to_make_one_owes_nothing(
    platform: TestPlatform, personas: Personas, tmp_path: Any
) -> None:
    gb = build_gradebook(platform, personas, tmp_path, lineitem=False, manage=False)
    gb.answer("numeric")
    assert not ScoreOutbox.objects.exists()


# --- assignments that no LMS launched -----------------------------------------------------------


def test_an_assignment_not_launched_from_an_lms_owes_nothing(
    personas: Personas, tmp_path: Any, django_assert_num_queries: Any
) -> None:
    library = build_library(tmp_path)
    assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=library.lesson)
    answer_submit(user=personas.student, lesson=library.lesson, block_id=library.activity_id("numeric"), answer="0.75")
    record = LearningRecord.objects.get()
    assert record.assignment_id is not None
    assert not ScoreOutbox.objects.exists()
    with django_assert_num_queries(1):
        extensions.score_changed(record)
    record.assignment_id = None
    with django_assert_num_queries(0):
        extensions.score_changed(record)


def test_a_student_who_never_came_from_the_lms_owes_it_nothing(gb: Gradebook) -> None:
    LtiUser.objects.update(auth_user=None)
    gb.answer("numeric")
    assert not ScoreOutbox.objects.exists()


# --- failures ------------------------------------------------------------------------------------


def test_a_busy_lms_is_retried_with_backoff_then_gets_the_score(gb: Gradebook) -> None:
    gb.platform.fail_next_scores(1, 503)
    gb.answer("numeric")
    before = timezone.now()
    sent = ags.score_send(gb.row().pk)
    assert (sent.outcome, sent.retry_in) == ("retry", 30)
    row = gb.row()
    assert (row.state, row.attempts, row.last_error) == (ScoreState.PENDING, 1, "http:503")
    assert row.next_attempt_at >= before + timedelta(seconds=30)
    assert ags.score_send(row.pk).outcome == "skipped"  # not due yet
    assert row.pk not in ags.scores_due()

    ScoreOutbox.objects.filter(pk=row.pk).update(next_attempt_at=before)  # its time has come
    assert ags.scores_due() == [row.pk]
    assert ags.score_send(row.pk).outcome == "sent"
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error, row.sent_score) == (ScoreState.SENT, 0, "", 2)
    assert [s["scoreGiven"] for s in gb.scores()] == [2]


def test_backoff_doubles_up_to_an_hour_and_respects_retry_after() -> None:
    assert [ags.backoff(n) for n in (1, 2, 3, 7, 8, 20)] == [30, 60, 120, 1920, 3600, 3600]
    assert ags.backoff(1, retry_after=300) == 300


def test_a_busy_lms_is_given_up_after_the_last_attempt(gb: Gradebook) -> None:
    gb.platform.fail_next_scores(1, 502)
    gb.answer("numeric")
    ScoreOutbox.objects.update(attempts=ags.MAX_ATTEMPTS - 1)
    assert ags.score_send(gb.row().pk).outcome == "failed"
    assert (gb.row().state, gb.row().last_error) == (ScoreState.FAILED, "http:502")


def test_a_refusal_fails_the_row_for_the_teacher_who_can_send_it_again(
    gb: Gradebook, django_capture_on_commit_callbacks: Any
) -> None:
    gb.platform.fail_scores_permanently(400)
    gb.answer("numeric")
    assert ags.score_send(gb.row().pk).outcome == "failed"
    row = gb.row()
    assert (row.state, row.last_error, row.sent_score) == (ScoreState.FAILED, "http:400", None)
    states = ags.link_score_states(gb.link)
    assert list(states) == [gb.personas.student.pk] and states[gb.personas.student.pk].state == ScoreState.FAILED
    assert "400" in ags.score_error_text(row)

    gb.platform.reset_score_failures()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert ags.scores_resend(gb.link) == [row.pk]
    assert len(callbacks) == 1
    assert (gb.row().state, gb.row().last_error, gb.row().attempts) == (ScoreState.PENDING, "", 0)
    assert ags.score_send(row.pk).outcome == "sent"
    assert [s["scoreGiven"] for s in gb.scores()] == [2]


def test_a_failed_row_is_sent_again_when_the_score_changes(gb: Gradebook) -> None:
    gb.platform.fail_scores_permanently(404)
    gb.answer("numeric")
    ags.score_send(gb.row().pk)
    gb.platform.reset_score_failures()
    gb.answer("true_false")
    assert (gb.row().state, gb.row().attempts) == (ScoreState.PENDING, 0)
    assert ags.score_send(gb.row().pk).outcome == "sent"


# --- order ---------------------------------------------------------------------------------------


def test_two_changes_then_both_sends_deliver_only_the_newest(gb: Gradebook) -> None:
    gb.answer("numeric")
    gb.answer("true_false")  # each change queued a send; both run after both changes
    assert ags.score_send(gb.row().pk).outcome == "sent"
    assert ags.score_send(gb.row().pk).outcome == "skipped"
    assert [s["scoreGiven"] for s in gb.scores()] == [3]


def test_a_send_between_two_changes_is_followed_by_a_later_one(gb: Gradebook) -> None:
    gb.answer("numeric")
    ags.score_send(gb.row().pk)
    gb.answer("true_false")
    ags.score_send(gb.row().pk)
    first, second = gb.scores()
    assert (first["scoreGiven"], second["scoreGiven"]) == (2, 3)
    assert stamp(second) > stamp(first)


def test_a_change_while_sending_leaves_the_row_pending_for_the_newer_score(gb: Gradebook) -> None:
    gb.answer("numeric")
    claim = ags.score_claim(gb.row().pk)
    assert claim is not None and claim.standing.score == 2
    assert ags.score_claim(gb.row().pk) is None  # no second sender while the first holds the lease
    gb.answer("true_false")  # arrives while the LMS is being called
    ags.score_deliver(claim)
    assert ags.score_settle(claim, None) == ags.Sent("pending", 0)
    assert (gb.row().state, gb.row().sent_score) == (ScoreState.PENDING, 2)

    assert ags.score_send(gb.row().pk).outcome == "sent"
    first, second = gb.scores()
    assert (first["scoreGiven"], second["scoreGiven"]) == (2, 3) and stamp(second) > stamp(first)


def test_an_older_send_delivered_last_never_overwrites_the_newer(gb: Gradebook) -> None:
    gb.answer("numeric")
    older = ags.score_claim(gb.row().pk)
    assert older is not None
    gb.answer("true_false")
    ScoreOutbox.objects.update(next_attempt_at=timezone.now())  # the first sender hung past its lease
    newer = ags.score_claim(gb.row().pk)
    assert newer is not None and newer.standing.score == 3 and newer.timestamp > older.timestamp

    ags.score_deliver(newer)
    assert ags.score_settle(newer, None).outcome == "sent"
    with pytest.raises(ServiceRefused) as refused:  # the LMS keeps the later timestamp (409 for the older)
        ags.score_deliver(older)
    assert ags.score_settle(older, refused.value).outcome == "skipped"

    assert [s["scoreGiven"] for s in gb.scores()] == [3]
    row = gb.row()
    assert (row.state, row.sent_score, row.sent_timestamp) == (ScoreState.SENT, 3, newer.timestamp)


def test_timestamps_stay_strictly_increasing_whatever_the_clock_says(gb: Gradebook) -> None:
    gb.answer("numeric")
    later = timezone.now() + timedelta(hours=1)  # a send from a worker whose clock ran ahead
    ScoreOutbox.objects.update(sent_timestamp=later)
    claim = ags.score_claim(gb.row().pk)
    assert claim is not None and claim.timestamp == later + timedelta(microseconds=1)
