"""Named operations on the learning record. Plain values in (ids, texts, decimals), so that every
layer above can write here without this app importing any of them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edu.accounts.models import User
from edu.errors import DomainError
from edu.records.extensions import record_changed
from edu.records.models import PROMPT_CHARS, Learner, LearningRecord, RecordStatus, Source

MAX_ATTEMPT = 32767  # the column is a small integer; a source may count further


@dataclass(frozen=True)
class RecordIn:
    """One scored event as its path knows it. ``standards`` are codes ("[4수01-10]"), not ids:
    the record must read the same after the curriculum tables change."""

    key: str
    source: Source
    block_id: str
    kind: str
    answered_at: datetime
    answer: Any = None
    student_id: int | None = None
    classroom_id: int | None = None
    assignment_id: int | None = None
    live_session_id: int | None = None
    lesson_id: int | None = None
    lesson_title: str = ""
    prompt: str = ""
    standards: tuple[str, ...] = field(default_factory=tuple)
    correct: bool | None = None
    score: Decimal = Decimal(0)
    max_score: Decimal = Decimal(0)
    attempt: int = 1
    status: RecordStatus = RecordStatus.ANSWERED


def initial_status(*, scored: bool, checked: bool) -> RecordStatus:
    """A scored answer nobody can mark automatically (an open response) waits for the teacher."""
    return RecordStatus.NEEDS_REVIEW if scored and not checked else RecordStatus.ANSWERED


# --- the opaque actor --------------------------------------------------------------------------


def learner_actor(user_id: int) -> uuid.UUID:
    """The student's opaque id for statements, made on first use."""
    return learner_actors([user_id])[user_id]


def learner_actors(user_ids: Iterable[int]) -> dict[int, uuid.UUID]:
    """The opaque ids of many students: one query when they all have one, three when some are new
    (read, insert the missing ones ignoring a concurrent insert, read those back)."""
    wanted = set(user_ids)
    if not wanted:
        return {}
    found = dict(Learner.objects.filter(user_id__in=wanted).values_list("user_id", "actor"))
    missing = wanted - found.keys()
    if missing:
        Learner.objects.bulk_create([Learner(user_id=u) for u in sorted(missing)], ignore_conflicts=True)
        found.update(Learner.objects.filter(user_id__in=missing).values_list("user_id", "actor"))
    return found


# --- writing records ---------------------------------------------------------------------------


def _new(entry: RecordIn, actor: uuid.UUID | None) -> LearningRecord:
    return LearningRecord(
        key=entry.key,
        source=entry.source,
        student_id=entry.student_id,
        actor=actor,
        classroom_id=entry.classroom_id,
        assignment_id=entry.assignment_id,
        live_session_id=entry.live_session_id,
        lesson_id=entry.lesson_id,
        lesson_title=entry.lesson_title[:255],
        block_id=entry.block_id,
        kind=entry.kind,
        prompt=entry.prompt[:PROMPT_CHARS],
        standards=list(entry.standards),
        answer=entry.answer,
        correct=entry.correct,
        score=entry.score,
        max_score=entry.max_score,
        attempt=min(entry.attempt, MAX_ATTEMPT),
        status=entry.status,
        answered_at=entry.answered_at,
    )


def _apply(record: LearningRecord, entry: RecordIn) -> None:
    """A new attempt on a known key. Where it happened stays as first recorded. A reviewed answer
    keeps the teacher's score and feedback; if the answer itself changed it waits for them again."""
    record.attempt, record.answered_at = min(entry.attempt, MAX_ATTEMPT), entry.answered_at
    if record.status == RecordStatus.REVIEWED:
        if entry.answer != record.answer:
            record.answer, record.status = entry.answer, RecordStatus.NEEDS_REVIEW
        return
    record.answer, record.correct, record.status = entry.answer, entry.correct, entry.status
    record.score, record.max_score = entry.score, entry.max_score


def record_answer(entry: RecordIn) -> LearningRecord:
    """Create the record of ``entry.key``, or update it (a retried answer never adds a second one).
    Runs in the caller's transaction when there is one."""
    with transaction.atomic(savepoint=False):  # no savepoint of its own inside the caller's transaction
        record = LearningRecord.objects.select_for_update().filter(key=entry.key).first()
        if record is None:
            actors = learner_actors([entry.student_id] if entry.student_id is not None else [])
            record = _new(entry, actors.get(entry.student_id) if entry.student_id is not None else None)
            try:
                with transaction.atomic():
                    record.save(force_insert=True)
                record_changed(record)
                return record
            except IntegrityError:  # another process recorded the same key a moment ago
                record = LearningRecord.objects.select_for_update().get(key=entry.key)
        _apply(record, entry)
        record.save()
        record_changed(record)
    return record


def records_add(entries: list[RecordIn]) -> list[LearningRecord]:
    """Insert records of new events in one statement (the live batch; SQLite splits it every ~38
    rows, its 999-parameter limit), in the caller's transaction: if the keys are not new the insert
    fails and so does the caller's whole batch."""
    if not entries:
        return []
    actors = learner_actors(e.student_id for e in entries if e.student_id is not None)
    rows = [_new(e, actors.get(e.student_id) if e.student_id is not None else None) for e in entries]
    return LearningRecord.objects.bulk_create(rows)


# --- the teacher's review ----------------------------------------------------------------------


def _valid_score(score: object, max_score: Decimal) -> Decimal:
    try:
        value = Decimal(str(score)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        value = Decimal(-1)
    if not value.is_finite() or value < 0 or value > max_score:
        raise DomainError("invalid_score", _("Give a score from 0 to %(max)s.") % {"max": f"{max_score.normalize():f}"})
    return value


def review_record(record: LearningRecord, *, score: object, feedback: str, reviewer: User) -> LearningRecord:
    """The teacher's score and comment on an answer that waits for them (an open response)."""
    if record.status == RecordStatus.ANSWERED:
        raise DomainError("not_reviewable", _("This answer is marked automatically."))
    record.score = _valid_score(score, record.max_score)
    record.feedback = feedback.strip()
    record.reviewed_by = reviewer
    record.reviewed_at = timezone.now()
    record.status = RecordStatus.REVIEWED
    with transaction.atomic():
        record.save(update_fields=["score", "feedback", "reviewed_by", "reviewed_at", "status", "updated_at"])
        record_changed(record)
    return record


# --- erasure -----------------------------------------------------------------------------------


def records_unlink(user: User) -> int:
    """Erasure: forget the student's opaque id and unlink every record of theirs (kept, nameless, for
    class statistics). The teacher's name on reviews they gave goes too. Returns the records unlinked."""
    with transaction.atomic():
        Learner.objects.filter(user_id=user.pk).delete()
        LearningRecord.objects.filter(reviewed_by_id=user.pk).update(reviewed_by=None)
        return LearningRecord.objects.filter(student_id=user.pk).update(student=None)
