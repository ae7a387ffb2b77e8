"""xAPI statements derived from records: the 1.0.3 structure for every kind of record, from the row
alone (no query), pseudonymous, with the standards in the context."""

import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from classrooms.assignments.models import Assignment
from courses.extensions import AnswerContext
from courses.services import answer_submit
from edu.records import xapi
from edu.records.models import LearningRecord, RecordStatus, Source
from edu.records.services import RecordIn, records_add, review_record
from tests.edu.records.xapi_rules import assert_statement

pytestmark = pytest.mark.django_db

BASE = "https://baeum.example.kr"
KST = timezone(timedelta(hours=9))


def statements_of(records, django_assert_num_queries):
    with django_assert_num_queries(0):
        return {r.key: xapi.statement(r, base_url=BASE + "/") for r in records}


def test_every_kind_of_record_makes_a_valid_statement_without_a_query(
    personas, library, no_answer_contexts, django_assert_num_queries
):
    assignment = Assignment.objects.create(
        classroom=personas.classroom, lesson=library.lesson, assigned_by=personas.teacher, title="숙제"
    )
    no_answer_contexts.register(lambda user, lesson: AnswerContext(personas.classroom.pk, assignment.pk))
    for kind, given in (
        ("multiple_choice", [2]),
        ("true_false", True),
        ("short_answer", "단위분수"),
        ("numeric", "0.5"),
        ("poll", 0),
        ("open_response", "똑같이 나눈 것"),
    ):
        answer_submit(user=personas.student, lesson=library.lesson, block_id=library.activity_id(kind), answer=given)
    review_record(
        LearningRecord.objects.get(kind="open_response"), score=2, feedback="좋아요", reviewer=personas.teacher
    )
    records_add(
        [
            RecordIn(
                key="live:999",
                source=Source.LIVE,
                student_id=personas.student.pk,
                classroom_id=personas.classroom.pk,
                lesson_id=library.lesson.pk,
                block_id=library.activity_id("numeric"),
                kind="numeric",
                answer="0.75",
                correct=True,
                score=Decimal(2),
                max_score=Decimal(2),
                answered_at=datetime(2026, 3, 2, 9, 30, tzinfo=KST),
            )
        ]
    )
    records = list(LearningRecord.objects.all())
    statements = statements_of(records, django_assert_num_queries)

    for record in records:
        made = statements[record.key]
        assert_statement(made)
        assert made["actor"]["account"] == {"homePage": BASE, "name": str(record.actor)}
        assert made["object"]["id"] == f"{BASE}/library/lessons/{library.lesson.pk}/#activity-{record.block_id}"
        assert made["context"]["contextActivities"]["parent"][0]["id"] == f"{BASE}/library/lessons/{library.lesson.pk}/"
        assert made["context"]["extensions"][xapi.STANDARDS_EXTENSION] == record.standards
        assert personas.student.display_name not in str(made) and personas.student.username not in str(made)

    by_kind = {r.kind: statements[r.key] for r in records if r.source == Source.SELF_PACED}
    assert {k: s["object"]["definition"]["interactionType"] for k, s in by_kind.items()} == {
        "multiple_choice": "choice",
        "true_false": "true-false",
        "short_answer": "fill-in",
        "numeric": "numeric",
        "poll": "other",
        "open_response": "long-fill-in",
    }
    assert by_kind["multiple_choice"]["result"]["response"] == "2"
    assert by_kind["true_false"]["result"]["response"] == "true"
    assert by_kind["numeric"]["result"] == {
        "completion": True,
        "response": "0.5",
        "success": False,
        "score": {"raw": 0, "min": 0, "max": 2, "scaled": 0.0},
    }
    assert "success" not in by_kind["poll"]["result"] and "score" not in by_kind["poll"]["result"]
    assert by_kind["open_response"]["verb"]["id"] == xapi.VERB_SCORED
    assert by_kind["open_response"]["result"]["score"] == {"raw": 2, "min": 0, "max": 3, "scaled": 0.6667}
    assert by_kind["numeric"]["verb"]["id"] == xapi.VERB_ANSWERED
    assert by_kind["numeric"]["object"]["definition"]["name"] == {"ko": "3/4를 소수로 쓰면?"}
    grouping = {a["id"] for a in by_kind["numeric"]["context"]["contextActivities"]["grouping"]}
    assert grouping == {f"{BASE}/classes/{personas.classroom.pk}/", f"{BASE}/assignments/{assignment.pk}/"}

    live = statements["live:999"]
    assert live["timestamp"] == "2026-03-02T00:30:00.000Z"
    assert "grouping" in live["context"]["contextActivities"]


def test_an_open_response_waiting_for_review_has_no_score_yet(personas, library, no_answer_contexts):
    block = library.activity_id("open_response")
    answer_submit(user=personas.student, lesson=library.lesson, block_id=block, answer="설명")
    record = LearningRecord.objects.get()
    assert record.status == RecordStatus.NEEDS_REVIEW
    made = xapi.statement(record, base_url=BASE)
    assert_statement(made)
    assert made["result"] == {"completion": True, "response": "설명"}


def test_each_version_of_a_record_is_its_own_idempotent_statement(personas, library, no_answer_contexts):
    block = library.activity_id("numeric")
    answer_submit(user=personas.student, lesson=library.lesson, block_id=block, answer="0.5")
    first = LearningRecord.objects.get()
    assert xapi.statement(first, base_url=BASE)["id"] == xapi.statement(first, base_url=BASE)["id"]
    answer_submit(user=personas.student, lesson=library.lesson, block_id=block, answer="0.75")
    second = LearningRecord.objects.get()
    assert xapi.statement(second, base_url=BASE)["id"] != xapi.statement(first, base_url=BASE)["id"]


def test_a_record_whose_lesson_is_gone_still_has_absolute_iris():
    record = LearningRecord(
        key="tool:1",
        source=Source.TOOL,
        actor=uuid.uuid4(),
        block_id="b1",
        kind="external",
        answer={"text": "x"},
        score=Decimal("7.5"),
        max_score=Decimal(10),
        answered_at=datetime(2026, 3, 2, tzinfo=UTC),
        updated_at=datetime(2026, 3, 2, tzinfo=UTC),
    )
    made = xapi.statement(record, base_url=BASE)
    assert_statement(made)
    assert made["object"]["id"] == f"{BASE}/library/activities/b1"
    assert made["object"]["definition"]["interactionType"] == "other"
    assert made["result"]["score"]["scaled"] == 0.75
    assert "contextActivities" not in made["context"]


def test_a_record_without_an_actor_has_no_statement():
    record = LearningRecord(key="tool:2", source=Source.TOOL, block_id="b", kind="x", answered_at=datetime.now(UTC))
    with pytest.raises(ValueError):
        xapi.statement(record, base_url=BASE)
