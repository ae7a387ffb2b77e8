"""Live answers into the learning record (``edu.records``), in the transaction that stores them.

What a record copies of the activity (prompt, standard codes) and of the lesson (title) comes from
the lesson's outline, cached per published revision, so recording a batch costs no reads of the
curriculum: one insert of records, plus the students' opaque ids (one read; two more the first
time a student answers anything).

Guests of open sessions are not recorded: they have no account, hence no class, no gradebook, no
export or erasure to serve, and no stable actor for a statement (a nickname is not an identity);
their answers stay in the session's own report.

A question asked again (peer instruction, ``LiveResponse.attempt`` 2, 3 …) keeps **one record per
student, session and question, and the last attempt counts**: an answer to a later attempt
updates the student's record of that question in this session (answer, verdict, score, attempt,
time), as a retried self-paced answer does, so gradebooks and standards count the question once,
as last answered. A record the teacher already reviewed keeps their score and feedback, and waits
for them again if the answer changed. When the student did not answer the earlier attempt, the later
one makes the record. Both attempts stay in the session's report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from classrooms.live.models import LiveResponse
from courses.activities import kind_of
from courses.outline import LessonOutline
from edu.records.models import LearningRecord, RecordStatus, Source
from edu.records.services import MAX_ATTEMPT, RecordIn, initial_status, records_add


@dataclass(frozen=True)
class SessionFacts:
    """What every record of one batch shares, read once for the batch."""

    session_id: int
    classroom_id: int | None  # None: an open session
    lesson_id: int
    outline: LessonOutline
    users: Mapping[int, int | None]  # participant id -> user id (None: a guest)


Stored = tuple[LiveResponse, Decimal]  # a newly stored answer and its activity's maximum score


def live_answer_key(response_id: int) -> str:
    return f"live:{response_id}"


def _entry(facts: SessionFacts, response: LiveResponse, max_score: Decimal, user_id: int) -> RecordIn:
    assert response.pk is not None, "records are made of stored answers"
    kind_name = facts.outline.activities.get(response.block_id, ("", None))[0]
    kind = kind_of(kind_name)
    about = facts.outline.facts.get(response.block_id)
    return RecordIn(
        key=live_answer_key(response.pk),
        source=Source.LIVE,
        student_id=user_id,
        classroom_id=facts.classroom_id,
        live_session_id=facts.session_id,
        lesson_id=facts.lesson_id,
        lesson_title=facts.outline.title,
        block_id=response.block_id,
        kind=kind_name,
        prompt=about.prompt if about is not None else "",
        standards=about.standards if about is not None else (),
        answer=response.answer,
        correct=response.correct,
        score=response.score,
        max_score=max_score,
        attempt=response.attempt,
        status=initial_status(scored=kind is not None and kind.scored, checked=kind is not None and kind.checked),
        answered_at=response.created_at,
    )


def record_stored(facts: SessionFacts, stored: list[Stored]) -> None:
    """Add one record per newly stored answer of a signed-in student (guests: see the module); an
    answer to a later attempt updates the record of the earlier one (one more read and one update
    for the batch, only when it has such answers)."""
    entries = [
        _entry(facts, response, max_score, user_id)
        for response, max_score in stored
        if (user_id := facts.users.get(response.participant_id)) is not None
    ]
    later = [e for e in entries if e.attempt > 1]
    earlier: dict[tuple[int | None, str], LearningRecord] = {}
    if later:
        for record in LearningRecord.objects.filter(
            source=Source.LIVE,
            live_session_id=facts.session_id,
            student_id__in={e.student_id for e in later},
            block_id__in={e.block_id for e in later},
        ):
            earlier[(record.student_id, record.block_id)] = record
    updated = []
    for entry in later:
        found = earlier.get((entry.student_id, entry.block_id))
        if found is not None:
            _answered_again(found, entry)
            updated.append(found)
    if updated:
        fields = ["answer", "correct", "score", "max_score", "attempt", "status", "answered_at", "updated_at"]
        LearningRecord.objects.bulk_update(updated, fields)
    records_add([e for e in entries if e.attempt <= 1 or (e.student_id, e.block_id) not in earlier])


def _answered_again(record: LearningRecord, entry: RecordIn) -> None:
    """The last attempt counts (as ``edu.records.services.record_answer`` treats a retried answer)."""
    record.attempt, record.answered_at = min(entry.attempt, MAX_ATTEMPT), entry.answered_at
    record.updated_at = timezone.now()
    if record.status == RecordStatus.REVIEWED:
        if entry.answer != record.answer:
            record.answer, record.status = entry.answer, RecordStatus.NEEDS_REVIEW
        return
    record.answer, record.correct, record.status = entry.answer, entry.correct, entry.status
    record.score, record.max_score = entry.score, entry.max_score
