"""The data migration turns existing answers (self-paced and live) into records exactly once, as
the running code would have recorded them, and its reverse takes them out again."""

import importlib
import uuid

import pytest
from django.apps import apps
from django.core.management import call_command

from classrooms.assignments.models import Assignment
from classrooms.live import services as live
from classrooms.live.models import LiveResponse
from courses.answers import LessonAnswer
from courses.services import answer_submit
from edu.records.models import Learner, LearningRecord
from tests.factories import build_library, ensure_wagtail_roots
from tests.helpers import submit_answer

pytestmark = pytest.mark.django_db

migration = importlib.import_module("edu.records.migrations.0002_existing_answers")

COMPARED = (
    "key",
    "source",
    "student_id",
    "actor",
    "classroom_id",
    "assignment_id",
    "live_session_id",
    "lesson_id",
    "lesson_title",
    "block_id",
    "kind",
    "prompt",
    "standards",
    "answer",
    "correct",
    "score",
    "max_score",
    "attempt",
    "status",
    "answered_at",
)


def snapshot() -> dict:
    return {r["key"]: r for r in LearningRecord.objects.values(*COMPARED)}


def answers_of_every_kind(personas, library):
    """Self-paced answers (one retried), live answers of a class and of an open session (a guest's
    too): what existed before the learning record."""
    for kind, given in (("numeric", "0.5"), ("numeric", "0.75"), ("open_response", "설명"), ("poll", 1)):
        answer_submit(user=personas.student, lesson=library.lesson, block_id=library.activity_id(kind), answer=given)
    block = library.activity_id("numeric")
    session = live.session_run(
        live.session_start(teacher=personas.teacher, lesson=library.lesson, classroom=personas.classroom)
    )
    live.question_open(session, block)
    submit_answer(
        session, live.participant_join(session, personas.student), client_id=uuid.uuid4(), block_id=block, answer="3/4"
    )
    open_session = live.session_run(live.session_start(teacher=personas.teacher, lesson=library.lesson))
    live.question_open(open_session, library.activity_id("open_response"))
    for participant in (live.participant_join(open_session, personas.outsider), live.guest_join(open_session, "별")):
        submit_answer(
            open_session,
            participant,
            client_id=uuid.uuid4(),
            block_id=library.activity_id("open_response"),
            answer="전체를 나눈 것",
        )


def test_existing_answers_become_records_once_as_the_running_code_records_them(personas, library, no_answer_contexts):
    answers_of_every_kind(personas, library)
    recorded_at_run_time = snapshot()
    assert len(recorded_at_run_time) == LessonAnswer.objects.count() + 2  # the guest's live answer is not recorded
    assert LiveResponse.objects.count() == 3
    LearningRecord.objects.all().delete()  # as before the learning record existed

    migration.forwards(apps, None)
    assert snapshot() == recorded_at_run_time

    migration.forwards(apps, None)  # again: nothing added, nothing changed
    assert snapshot() == recorded_at_run_time

    migration.backwards(apps, None)
    assert not LearningRecord.objects.exists()


def test_students_without_an_actor_get_one_and_batches_add_up(personas, library, no_answer_contexts, monkeypatch):
    answers_of_every_kind(personas, library)
    LearningRecord.objects.all().delete()
    Learner.objects.all().delete()
    monkeypatch.setattr(migration, "BATCH", 2)

    migration.forwards(apps, None)

    assert LearningRecord.objects.count() == LessonAnswer.objects.count() + 2
    actors = dict(Learner.objects.values_list("user_id", "actor"))
    assert set(actors) == {personas.student.pk, personas.outsider.pk}
    for record in LearningRecord.objects.all():
        assert record.actor == actors[record.student_id]


def test_a_self_paced_answer_is_placed_in_the_assignment_of_its_lesson(personas, library, no_answer_contexts):
    mine = Assignment.objects.create(
        classroom=personas.classroom, lesson=library.lesson, assigned_by=personas.teacher, title="숙제"
    )
    Assignment.objects.create(  # another class's assignment of the same lesson
        classroom=personas.other_classroom, lesson=library.lesson, assigned_by=personas.unrelated_teacher, title="숙제"
    )
    answer_submit(user=personas.student, lesson=library.lesson, block_id=library.activity_id("numeric"), answer="1")
    answer_submit(user=personas.outsider, lesson=library.lesson, block_id=library.activity_id("numeric"), answer="1")
    LearningRecord.objects.all().delete()

    migration.forwards(apps, None)

    placed = dict(LearningRecord.objects.values_list("student_id", "assignment_id"))
    assert placed[personas.student.pk] == mine.pk
    assert placed[personas.outsider.pk] != mine.pk
    assert LearningRecord.objects.get(student=personas.student).classroom_id == personas.classroom.pk


@pytest.mark.django_db(transaction=True)
def test_the_migration_runs_on_the_historical_models_both_ways(personas, tmp_path, no_answer_contexts):
    ensure_wagtail_roots()  # a transactional test flushes what Wagtail's migrations created
    library = build_library(tmp_path)
    answers_of_every_kind(personas, library)
    recorded_at_run_time = snapshot()

    call_command("migrate", "records", "0001_initial", verbosity=0)
    assert not LearningRecord.objects.exists()
    call_command("migrate", "records", verbosity=0)
    assert snapshot() == recorded_at_run_time


def test_the_migration_places_self_paced_answers_as_the_assignments_resolver_does(personas, library):
    """No stand-in resolver here: the assignments' own one (registered at start-up) places the
    answers at run time, and the migration must agree with it."""
    Assignment.objects.create(
        classroom=personas.classroom, lesson=library.lesson, assigned_by=personas.teacher, title="숙제"
    )
    answers_of_every_kind(personas, library)
    recorded_at_run_time = snapshot()
    assert any(r["assignment_id"] for r in recorded_at_run_time.values())
    LearningRecord.objects.all().delete()

    migration.forwards(apps, None)

    assert snapshot() == recorded_at_run_time
