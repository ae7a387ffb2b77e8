"""The learning record from the self-paced path: one record per answer row whatever the retries,
the verdict as kept (frozen once the key is shown), the class and assignment from the extension
point; the teacher's review; the opaque actor; erasure."""

from decimal import Decimal

import pytest
from django.utils import translation

from classrooms.assignments.models import Assignment
from courses.answers import LessonAnswer
from courses.extensions import AnswerContext, answer_context_for
from courses.services import answer_submit
from edu.errors import DomainError
from edu.records.models import Learner, LearningRecord, RecordStatus, Source
from edu.records.services import learner_actor, learner_actors, records_unlink, review_record

pytestmark = pytest.mark.django_db


def test_a_wrong_then_right_answer_is_one_record_with_two_attempts_and_the_frozen_score(
    personas, library, no_answer_contexts
):
    block = library.activity_id("numeric")
    answer_submit(user=personas.student, lesson=library.lesson, block_id=block, answer="0.5")
    answer_submit(user=personas.student, lesson=library.lesson, block_id=block, answer="3/4")

    [record] = LearningRecord.objects.all()
    row = LessonAnswer.objects.get(user=personas.student, block_id=block)
    assert record.key == f"self:{row.pk}" and record.source == Source.SELF_PACED
    assert (record.attempt, record.correct, record.score, record.max_score) == (2, True, Decimal(2), Decimal(2))
    assert record.status == RecordStatus.ANSWERED
    assert record.student == personas.student and record.actor == learner_actor(personas.student.pk)
    assert (record.lesson_id, record.lesson_title) == (library.lesson.pk, "분수란 무엇일까요?")
    assert (record.block_id, record.kind, record.prompt) == (block, "numeric", "3/4를 소수로 쓰면?")
    assert record.standards == ["[4수01-10]"]
    assert (record.classroom_id, record.assignment_id, record.live_session_id) == (None, None, None)

    # the key was shown: a later wrong try is kept as the answer but the score stays
    answer_submit(user=personas.student, lesson=library.lesson, block_id=block, answer="1")
    [record] = LearningRecord.objects.all()
    assert (record.attempt, record.correct, record.score, record.answer) == (3, True, Decimal(2), "1")


def test_the_score_frozen_after_two_wrong_tries_is_the_one_recorded(personas, library, no_answer_contexts):
    block = library.activity_id("true_false")
    for given in (False, False, True):
        answer_submit(user=personas.student, lesson=library.lesson, block_id=block, answer=given)
    [record] = LearningRecord.objects.all()
    assert (record.attempt, record.correct, record.score, record.answer) == (3, False, Decimal(0), True)


def test_the_class_and_assignment_come_from_the_first_resolver_that_knows(personas, library, no_answer_contexts):
    assignment = Assignment.objects.create(
        classroom=personas.classroom, lesson=library.lesson, assigned_by=personas.teacher, title="숙제"
    )
    asked = []
    no_answer_contexts.register(lambda user, lesson: asked.append(user) or None)
    no_answer_contexts.register(lambda user, lesson: AnswerContext(personas.classroom.pk, assignment.pk))
    assert answer_context_for(personas.student, library.lesson) == AnswerContext(personas.classroom.pk, assignment.pk)

    answer_submit(user=personas.student, lesson=library.lesson, block_id=library.activity_id("poll"), answer=1)
    [record] = LearningRecord.objects.all()
    assert (record.classroom_id, record.assignment_id) == (personas.classroom.pk, assignment.pk)
    assert (record.correct, record.max_score, record.status) == (None, Decimal(0), RecordStatus.ANSWERED)
    assert asked  # the first resolver was asked and passed


def test_no_resolver_means_no_class_and_no_assignment(personas, library, no_answer_contexts):
    assert answer_context_for(personas.student, library.lesson) == AnswerContext(None, None)


def test_an_open_response_waits_for_the_teacher_whose_score_survives_a_new_try(personas, library, no_answer_contexts):
    block = library.activity_id("open_response")
    answer_submit(user=personas.student, lesson=library.lesson, block_id=block, answer="똑같이 나눈 것")
    [record] = LearningRecord.objects.all()
    assert (record.status, record.correct, record.score, record.max_score) == (
        RecordStatus.NEEDS_REVIEW,
        None,
        Decimal(0),
        Decimal(3),
    )

    with translation.override("ko"), pytest.raises(DomainError) as refused:
        review_record(record, score="4", feedback="", reviewer=personas.teacher)
    assert refused.value.code == "invalid_score" and "0" in refused.value.message and "3" in refused.value.message
    with pytest.raises(DomainError):
        review_record(record, score="not a number", feedback="", reviewer=personas.teacher)

    review_record(record, score="2.5", feedback="  잘 설명했어요.  ", reviewer=personas.teacher)
    record.refresh_from_db()
    assert (record.status, record.score, record.feedback) == (RecordStatus.REVIEWED, Decimal("2.5"), "잘 설명했어요.")
    assert record.reviewed_by == personas.teacher and record.reviewed_at is not None

    answer_submit(user=personas.student, lesson=library.lesson, block_id=block, answer="전체를 똑같이 나눈 것")
    [record] = LearningRecord.objects.all()
    assert (record.status, record.score, record.attempt) == (RecordStatus.NEEDS_REVIEW, Decimal("2.5"), 2)
    assert record.answer == "전체를 똑같이 나눈 것"


def test_an_automatically_marked_answer_is_not_reviewed(personas, library, no_answer_contexts):
    answer_submit(user=personas.student, lesson=library.lesson, block_id=library.activity_id("numeric"), answer="1")
    with pytest.raises(DomainError) as refused:
        review_record(LearningRecord.objects.get(), score=1, feedback="", reviewer=personas.teacher)
    assert refused.value.code == "not_reviewable"


def test_actors_are_opaque_stable_and_read_in_few_queries(personas, django_assert_num_queries):
    students = [personas.student.pk, personas.outsider.pk]
    with django_assert_num_queries(3):  # read, insert the missing, read them back
        first = learner_actors(students)
    with django_assert_num_queries(1):
        assert learner_actors(students) == first
    with django_assert_num_queries(0):
        assert learner_actors([]) == {}
    assert learner_actor(personas.student.pk) == first[personas.student.pk]
    assert len(set(first.values())) == 2


def test_unlinking_a_student_leaves_no_record_pointing_to_them(personas, library, no_answer_contexts):
    for user in (personas.student, personas.outsider):
        for kind, given in (("numeric", "0.75"), ("open_response", "설명")):
            answer_submit(user=user, lesson=library.lesson, block_id=library.activity_id(kind), answer=given)
    review_record(
        LearningRecord.objects.get(student=personas.student, kind="open_response"),
        score=1,
        feedback="좋아요",
        reviewer=personas.teacher,
    )
    actor = learner_actor(personas.student.pk)

    assert records_unlink(personas.student) == 2

    assert not LearningRecord.objects.filter(student=personas.student).exists()
    assert not Learner.objects.filter(actor=actor).exists()  # the actor maps to nobody now
    assert LearningRecord.objects.filter(actor=actor, student=None).count() == 2  # kept, nameless
    assert LearningRecord.objects.filter(student=personas.outsider).count() == 2
    assert learner_actor(personas.student.pk) != actor  # a fresh id would never join the old records

    records_unlink(personas.teacher)  # a teacher's erasure takes their name off the reviews they gave
    assert not LearningRecord.objects.filter(reviewed_by=personas.teacher).exists()


def test_deleting_a_student_unlinks_their_records_too(personas, library, no_answer_contexts):
    answer_submit(user=personas.student, lesson=library.lesson, block_id=library.activity_id("numeric"), answer="1")
    actor = learner_actor(personas.student.pk)
    personas.student.delete()  # the answer row goes (CASCADE); the record stays, unlinked
    [record] = LearningRecord.objects.all()
    assert record.student_id is None and not Learner.objects.filter(actor=actor).exists()
