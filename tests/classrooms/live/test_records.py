"""Live answers in the learning record: each stored answer of a student recorded once, in the
batch's transaction; re-sends, refusals and guests add nothing; a raced batch records exactly what
it stored; each record makes a valid xAPI statement without a query."""

import uuid
from decimal import Decimal

import pytest

from classrooms.live import answers, services
from classrooms.live.models import LiveResponse
from classrooms.models import Membership
from classrooms.services import StudentEntry, students_add
from edu.errors import DomainError
from edu.records import xapi
from edu.records.models import LearningRecord, RecordStatus, Source
from edu.records.services import learner_actor
from tests.edu.records.xapi_rules import assert_statement
from tests.helpers import numeric_block

pytestmark = pytest.mark.django_db


def block_of(lesson, kind: str) -> str:
    return next(block["id"] for block in lesson.body.raw_data if block["type"] == kind)


def students(personas, n: int):
    students_add(classroom=personas.classroom, entries=[StudentEntry(f"학생{i:02d}") for i in range(n)])
    return [
        m.user
        for m in Membership.objects.filter(classroom=personas.classroom, user__display_name__startswith="학생")
        .select_related("user")
        .order_by("user__display_name")
    ]


def test_each_stored_answer_is_recorded_once_and_re_sends_add_nothing(personas, session, lesson):
    block = numeric_block(lesson)
    services.question_open(session, block)
    p = [services.participant_join(session, u) for u in students(personas, 3)]
    ids = [uuid.uuid4() for _ in range(3)]
    batch = [
        answers.AnswerIn(p[0].pk, ids[0], block, "0.75"),
        answers.AnswerIn(p[1].pk, ids[1], block, "0.5"),
        answers.AnswerIn(p[1].pk, ids[1], block, "0.5"),  # the same answer twice in one batch
        answers.AnswerIn(p[2].pk, ids[2], block, "열"),  # refused: not a number
    ]
    answers.answers_submit(session.pk, batch)
    answers.answers_submit(session.pk, batch)  # the client re-sends everything

    stored = {r.pk: r for r in LiveResponse.objects.filter(session=session)}
    records = list(LearningRecord.objects.order_by("pk"))
    assert sorted(r.key for r in records) == sorted(f"live:{pk}" for pk in stored)
    first = records[0]
    response = stored[int(first.key.split(":")[1])]
    assert first.source == Source.LIVE
    assert (first.classroom_id, first.live_session_id, first.assignment_id) == (
        personas.classroom.pk,
        session.pk,
        None,
    )
    assert (first.student_id, first.actor) == (p[0].user_id, learner_actor(p[0].user_id))
    assert (first.lesson_id, first.lesson_title, first.block_id) == (lesson.pk, lesson.title, block)
    assert (first.kind, first.prompt, first.standards) == ("numeric", "3/4를 소수로 쓰면?", ["[4수01-10]"])
    assert (first.answer, first.correct, first.score, first.max_score) == ("0.75", True, Decimal(2), Decimal(2))
    assert (first.attempt, first.status, first.answered_at) == (1, RecordStatus.ANSWERED, response.created_at)
    assert records[1].correct is False and records[1].score == 0


def test_a_guest_is_not_recorded_and_a_signed_in_user_of_an_open_session_is(personas, lesson):
    session = services.session_run(services.session_start(teacher=personas.teacher, lesson=lesson))
    block = block_of(lesson, "open_response")
    services.question_open(session, block)
    guest = services.guest_join(session, "별")
    member = services.participant_join(session, personas.outsider)
    results = answers.answers_submit(
        session.pk,
        [
            answers.AnswerIn(guest.pk, uuid.uuid4(), block, "나눈 것"),
            answers.AnswerIn(member.pk, uuid.uuid4(), block, "몫"),
        ],
    )
    assert all(not isinstance(r, DomainError) and r.created for r in results)

    [record] = LearningRecord.objects.all()
    assert record.student == personas.outsider and record.classroom_id is None and record.live_session_id == session.pk
    assert (record.status, record.max_score, record.correct) == (RecordStatus.NEEDS_REVIEW, Decimal(3), None)


def test_a_raced_batch_records_exactly_the_answers_it_stored(personas, session, lesson, monkeypatch):
    block = numeric_block(lesson)
    services.question_open(session, block)
    p = [services.participant_join(session, u) for u in students(personas, 3)]
    store = answers._store

    def another_process_answers_first(facts, fresh, results):
        LiveResponse.objects.create(
            session=session, participant=p[0], block_id=block, answer="1", client_id=uuid.uuid4()
        )
        store(facts, fresh, results)

    monkeypatch.setattr(answers, "_store", another_process_answers_first)
    results = answers.answers_submit(session.pk, [answers.AnswerIn(x.pk, uuid.uuid4(), block, "0.75") for x in p])

    assert [r.code if isinstance(r, DomainError) else r.created for r in results] == ["already_answered", True, True]
    mine = [r.answer.pk for r in results if not isinstance(r, DomainError)]
    assert sorted(LearningRecord.objects.values_list("key", flat=True)) == sorted(f"live:{pk}" for pk in mine)


def test_live_records_make_valid_statements_without_a_query(personas, session, lesson, django_assert_num_queries):
    block = numeric_block(lesson)
    services.question_open(session, block)
    participant = services.participant_join(session, personas.student)
    answers.answers_submit(session.pk, [answers.AnswerIn(participant.pk, uuid.uuid4(), block, "3/4")])
    [record] = LearningRecord.objects.all()

    with django_assert_num_queries(0):
        made = xapi.statement(record, base_url="http://127.0.0.1:8000")
    assert_statement(made)
    grouping = {a["id"] for a in made["context"]["contextActivities"]["grouping"]}
    assert grouping == {
        f"http://127.0.0.1:8000/classes/{personas.classroom.pk}/",
        f"http://127.0.0.1:8000/live/{session.pk}/",
    }
    assert made["result"]["success"] is True and made["result"]["score"]["scaled"] == 1.0
