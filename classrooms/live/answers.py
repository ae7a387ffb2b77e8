"""Storing students' answers in live sessions: at-least-once in, exactly-once stored.

A client sends each answer with an id it made (``client_id``) and re-sends it until acknowledged;
a re-sent id returns the stored answer and stores nothing. The hub batches the answers that
arrive within a few milliseconds, so a class answering at once commits in one transaction. Each
stored answer of a signed-in student is written to the learning record in that same transaction
(``classrooms/live/records.py``)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from classrooms.live.models import LiveResponse, LiveSession, Participant, SessionState
from classrooms.live.records import SessionFacts, record_stored
from courses import activities
from courses.outline import lesson_outline
from edu.errors import DomainError


@dataclass(frozen=True)
class Submitted:
    answer: LiveResponse
    created: bool


@dataclass(frozen=True)
class AnswerIn:
    participant_id: int
    client_id: uuid.UUID
    block_id: str
    answer: Any
    attempt: int | None = None  # the attempt the student answered (None: whatever is open now)


ANSWER_GRACE = timedelta(seconds=2)  # an answer sent as time ran out may arrive a moment late


def answers_submit(session_id: int, items: list[AnswerIn]) -> list[Submitted | DomainError]:
    """Store a batch of answers to one session (the hub groups what arrives within a few ms), in a
    fixed number of queries and one transaction, and say for each what became of it: stored,
    already stored under the same ``client_id`` (a re-send), or refused with a reason. The
    session's state is read afresh here, never taken from a socket's copy. A new answer is stored
    as the session's current attempt of the open question (``LiveSession.attempt``): one answer
    per student and attempt; a re-send keeps returning what was stored, whatever attempt is open."""
    row = (
        LiveSession.objects.filter(pk=session_id)
        .values(
            "state",
            "open_block_id",
            "attempt",
            "deadline",
            "question_opened_at",
            "revealed",
            "lesson_id",
            "classroom_id",
        )
        .first()
    )
    if row is None:
        return [DomainError("not_found", _("This session does not exist.")) for _item in items]
    now = timezone.now()
    existing = {
        r.client_id: r
        for r in LiveResponse.objects.filter(session_id=session_id, client_id__in=[i.client_id for i in items])
    }
    seats = {i.participant_id for i in items}
    seated = list(
        Participant.objects.filter(session_id=session_id, pk__in=seats).values_list("pk", "user_id", "removed")
    )
    removed = {pk for pk, _user, gone in seated if gone}
    taken = set(
        LiveResponse.objects.filter(
            session_id=session_id, block_id=row["open_block_id"], attempt=row["attempt"], participant_id__in=seats
        )
        .values_list("participant_id", flat=True)
        .distinct()
    )
    outline = lesson_outline(row["lesson_id"])
    activity = outline.activities.get(row["open_block_id"]) if row["open_block_id"] else None
    opened = row["question_opened_at"]
    elapsed = max(int((now - opened).total_seconds() * 1000), 0) if opened else None

    results: list[Submitted | DomainError | None] = [None] * len(items)
    fresh: dict[uuid.UUID, tuple[int, LiveResponse, Decimal]] = {}
    same_as: dict[int, int] = {}
    for n, item in enumerate(items):
        found = existing.get(item.client_id)
        if found is not None:
            results[n] = (
                Submitted(found, created=False)
                if found.participant_id == item.participant_id
                else DomainError("invalid_frame", _("This answer id is already used."))
            )
            continue
        if item.client_id in fresh:  # sent twice in one batch (two sockets of one tablet)
            first_n, first, _max = fresh[item.client_id]
            if first.participant_id == item.participant_id:
                same_as[n] = first_n  # resolved below to the first one's outcome
            else:
                results[n] = DomainError("invalid_frame", _("This answer id is already used."))
            continue
        try:
            _admit(row, activity, item, now, removed, taken)
        except DomainError as exc:
            results[n] = exc
            continue
        assert activity is not None
        try:
            verdict = activities.check(activity[0], activity[1], item.answer)
        except DomainError as exc:
            results[n] = DomainError("invalid_answer", exc.message)
            continue
        stored = LiveResponse(
            session_id=session_id,
            participant_id=item.participant_id,
            block_id=item.block_id,
            attempt=row["attempt"],
            client_id=item.client_id,
            answer=verdict.stored,
            correct=verdict.correct,
            score=verdict.score,
            elapsed_ms=elapsed,
        )
        fresh[item.client_id] = (n, stored, verdict.max_score)
        taken.add(item.participant_id)
    facts = SessionFacts(session_id, row["classroom_id"], row["lesson_id"], outline, {p: u for p, u, _r in seated})
    _store(facts, fresh, results)
    for n, first_n in same_as.items():
        outcome = results[first_n]
        results[n] = Submitted(outcome.answer, created=False) if isinstance(outcome, Submitted) else outcome
    done = [r for r in results if r is not None]
    assert len(done) == len(items)
    return done


def _admit(
    row: Mapping[str, Any],
    activity: tuple[str, Any] | None,
    item: AnswerIn,
    now: Any,
    removed: set[int],
    taken: set[int],
) -> None:
    """Raise why this new answer may not be stored, if it may not."""
    if item.participant_id in removed:
        raise DomainError("removed", _("Your teacher removed you from this session."))
    if row["state"] != SessionState.RUNNING:
        raise DomainError("invalid_state", _("The session is not running."))
    if row["open_block_id"] != item.block_id or row["revealed"] or activity is None:
        raise DomainError("question_closed", _("This question is not open."))
    if item.attempt is not None and item.attempt < row["attempt"]:  # made before it was asked again
        raise DomainError("question_closed", _("This question was asked again. Answer it once more."))
    if item.attempt is not None and item.attempt > row["attempt"]:
        raise DomainError("question_closed", _("This question is not open."))
    if row["deadline"] is not None and now > row["deadline"] + ANSWER_GRACE:
        raise DomainError("question_closed", _("Time is up for this question."))
    if item.participant_id in taken:
        raise DomainError("already_answered", _("You have already answered this question."))


def _store(
    facts: SessionFacts,
    fresh: dict[uuid.UUID, tuple[int, LiveResponse, Decimal]],
    results: list[Submitted | DomainError | None],
) -> None:
    """Insert the batch and its learning records in one statement each; if another process raced
    one of the answers in, insert one by one so that only the raced answers are refused (or
    recognised as re-sends)."""
    if not fresh:
        return
    try:
        with transaction.atomic():
            LiveResponse.objects.bulk_create([stored for _n, stored, _max in fresh.values()])
            record_stored(facts, [(stored, max_score) for _n, stored, max_score in fresh.values()])
        for n, stored, _max in fresh.values():
            results[n] = Submitted(stored, created=True)
        return
    except IntegrityError:
        pass
    for n, stored, max_score in fresh.values():
        try:
            with transaction.atomic():
                stored.pk = None
                stored.save(force_insert=True)
                record_stored(facts, [(stored, max_score)])
            results[n] = Submitted(stored, created=True)
        except IntegrityError:
            again = LiveResponse.objects.filter(session_id=facts.session_id, client_id=stored.client_id).first()
            if again is not None and again.participant_id == stored.participant_id:
                results[n] = Submitted(again, created=False)
            else:
                results[n] = DomainError("already_answered", _("You have already answered this question."))
