"""Privacy fixtures: exports written under a temporary VAR_DIR, a real library, and a student with
self-paced and live answers, a reviewed record and a signed-in session."""

from __future__ import annotations

import uuid

import pytest

from classrooms.live import services as live
from courses.services import answer_submit
from edu.records.models import LearningRecord
from edu.records.services import review_record
from tests.factories import Library, build_library
from tests.helpers import submit_answer


@pytest.fixture(autouse=True)
def _exports_in_tmp(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def library(personas, tmp_path) -> Library:
    return build_library(tmp_path)


@pytest.fixture
def answered(personas, library):  # type: ignore[no-untyped-def]
    """The student answered two self-paced activities (one reviewed) and one live question."""
    student, lesson = personas.student, library.lesson
    answer_submit(user=student, lesson=lesson, block_id=library.activity_id("numeric"), answer="3/4")
    open_id = library.activity_id("open_response")
    answer_submit(user=student, lesson=lesson, block_id=open_id, answer="전체를 똑같이 나눈 것")
    record = LearningRecord.objects.get(student=student, block_id=open_id)
    review_record(record, score="2", feedback="예를 하나 더 들어 봐요.", reviewer=personas.teacher)
    session = live.session_run(
        live.session_start(teacher=personas.teacher, lesson=lesson, classroom=personas.classroom)
    )
    participant = live.participant_join(session, student)
    block = library.activity_id("true_false")
    live.question_open(session, block)
    submit_answer(session, participant, client_id=uuid.uuid4(), block_id=block, answer=True)
    return live.session_end(session)
