"""Named operations on live sessions. Every state change runs in a transaction, bumps the
session's version and publishes one event after commit; clients apply events in order and ask
for a snapshot on (re)connect or when they see a gap. Delivery may drop events; the database may not."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from classrooms.live_models import LiveResponse, LiveSession, Participant, SessionState
from classrooms.models import Classroom, MemberRole, Membership
from courses import checking
from courses.access import lesson_visible_to
from courses.blocks import ACTIVITY_TYPES
from courses.pages import LessonPage
from edu.accounts.models import User

logger = logging.getLogger(__name__)

MAX_QUESTION_SECONDS = 60 * 60
PROTOCOL_VERSION = 2


class LiveError(Exception):
    """A rule of live sessions was broken. ``code`` goes into the error frame; the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _publish(session: LiveSession, kind: str, data: dict[str, Any]) -> None:
    """Bump the version in this transaction and publish the event once it commits."""
    LiveSession.objects.filter(pk=session.pk).update(version=F("version") + 1)
    session.refresh_from_db(fields=["version"])
    event = {"type": "live.event", "session": session.pk, "version": session.version, "kind": kind, "data": data}
    group = session.group_name

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(group, event)
        except Exception as exc:  # the change is committed; the hubs' version check resyncs the clients
            logger.warning("live: event %s of session %s not published (%s)", event["version"], event["session"], exc)

    transaction.on_commit(send)


@dataclass(frozen=True)
class LessonOutline:
    """What live sessions need of a lesson: its activities (kind and value by block id) and its
    slide count. Parsed once per process per published revision, not once per socket or answer."""

    revision: int | None
    activities: dict[str, tuple[str, Any]]
    slide_count: int


_OUTLINES: dict[int, LessonOutline] = {}
_OUTLINES_MAX = 64


def lesson_outline(lesson_id: int) -> LessonOutline:
    """The lesson's outline as published now (one small query to check the cached one is current)."""
    revision = LessonPage.objects.filter(pk=lesson_id).values_list("live_revision_id", flat=True).first()
    cached = _OUTLINES.get(lesson_id)
    if cached is not None and cached.revision == revision:
        return cached
    lesson = LessonPage.objects.get(pk=lesson_id)
    outline = LessonOutline(
        revision=revision,
        activities={
            block.id: (block.block_type, block.value) for block in lesson.body if block.block_type in ACTIVITY_TYPES
        },
        slide_count=len(lesson.slides()),
    )
    if len(_OUTLINES) >= _OUTLINES_MAX:
        _OUTLINES.pop(next(iter(_OUTLINES)))
    _OUTLINES[lesson_id] = outline
    return outline


def forget_cached() -> None:
    """Drop the per-process caches (tests: a new database reuses ids)."""
    _OUTLINES.clear()
    _RESULTS.clear()


def _activity(session: LiveSession, block_id: str) -> tuple[str, Any] | None:
    return lesson_outline(session.lesson_id).activities.get(block_id) if block_id else None


def _locked(session: LiveSession) -> LiveSession:
    return LiveSession.objects.select_for_update().get(pk=session.pk)


def session_start(*, teacher: User, lesson: LessonPage, classroom: Classroom | None = None) -> LiveSession:
    if (
        classroom is not None
        and not Membership.objects.filter(classroom=classroom, user=teacher, role=MemberRole.TEACHER).exists()
    ):
        raise LiveError("forbidden", _("You do not teach this class."))
    if not lesson_visible_to(teacher, lesson):
        raise LiveError("not_found", _("This lesson is not available."))
    try:
        with transaction.atomic():
            return LiveSession.objects.create(
                teacher=teacher, lesson=lesson, classroom=classroom, slide_total=len(lesson.slides())
            )
    except IntegrityError:
        raise LiveError("already_running", _("This class already has a live session. End it first.")) from None


def session_run(session: LiveSession) -> LiveSession:
    with transaction.atomic():
        session = _locked(session)
        if session.state != SessionState.LOBBY:
            raise LiveError("invalid_state", _("The session has already started."))
        session.state = SessionState.RUNNING
        session.save(update_fields=["state"])
        _publish(session, "session.state", {"state": session.state})
    return session


def session_goto(session: LiveSession, index: int) -> LiveSession:
    with transaction.atomic():
        session = _locked(session)
        _require_running(session)
        session.slide_total = lesson_outline(session.lesson_id).slide_count  # the lesson may have been edited
        if not 0 <= index < session.slide_total:
            raise LiveError("invalid_slide", _("There is no such slide."))
        session.slide_index = index
        session.save(update_fields=["slide_index", "slide_total"])
        _publish(session, "slide.changed", {"index": index})
    return session


def question_open(session: LiveSession, block_id: str, seconds: int | None = None) -> LiveSession:
    with transaction.atomic():
        session = _locked(session)
        _require_running(session)
        activity = _activity(session, block_id)
        if activity is None:
            raise LiveError("unknown_activity", _("This question is not part of the lesson."))
        if seconds is not None and not 1 <= seconds <= MAX_QUESTION_SECONDS:
            raise LiveError("invalid_timer", _("The timer must be between 1 second and 1 hour."))
        now = timezone.now()
        session.open_block_id = session.last_block_id = block_id
        session.revealed, session.question_opened_at = False, now
        session.deadline = now + timedelta(seconds=seconds) if seconds else None
        session.save(update_fields=["open_block_id", "last_block_id", "revealed", "question_opened_at", "deadline"])
        _publish(
            session,
            "question.opened",
            {"block": block_id, "kind": activity[0], "deadline": _iso(session.deadline)},
        )
    return session


def question_close(session: LiveSession) -> LiveSession:
    with transaction.atomic():
        session = _locked(session)
        _require_running(session)
        closed = session.open_block_id
        if not closed:
            raise LiveError("invalid_state", _("No question is open."))
        session.open_block_id, session.deadline = "", None
        session.save(update_fields=["open_block_id", "deadline"])
        _publish(session, "question.closed", {"block": closed})
    return session


def results_reveal(session: LiveSession, *, anonymous: bool = True) -> LiveSession:
    """Close the current question (if open) and show its results to everyone."""
    with transaction.atomic():
        session = _locked(session)
        _require_running(session)
        block_id = session.open_block_id or session.last_block_id
        if not block_id:
            raise LiveError("invalid_state", _("Open a question before revealing its results."))
        session.open_block_id, session.deadline = "", None
        session.revealed, session.anonymous = True, anonymous
        session.save(update_fields=["open_block_id", "deadline", "revealed", "anonymous"])
        _publish(session, "results.revealed", {"block": block_id, "results": results_of(session)})
    return session


def screen_lock(session: LiveSession, *, locked: bool) -> LiveSession:
    with transaction.atomic():
        session = _locked(session)
        if session.state == SessionState.ENDED:
            raise LiveError("invalid_state", _("The session has ended."))
        session.locked = locked
        session.save(update_fields=["locked"])
        _publish(session, "screen.locked", {"locked": locked})
    return session


def participant_remove(session: LiveSession, participant_id: int) -> LiveSession:
    """Remove someone from the session: their sockets close and they cannot rejoin it."""
    with transaction.atomic():
        session = _locked(session)
        if not Participant.objects.filter(session=session, pk=participant_id, removed=False).update(removed=True):
            raise LiveError("unknown_participant", _("This participant is not in the session."))
        _publish(session, "participant.removed", {"participant": participant_id})
    return session


def hand_set(session: LiveSession, participant_id: int, *, raised: bool) -> None:
    """Raise or lower a hand. Not a versioned event: the teacher's roster shows the queue."""
    updated = Participant.objects.filter(session=session, pk=participant_id, removed=False).update(
        hand_raised_at=timezone.now() if raised else None
    )
    if not updated:
        raise LiveError("unknown_participant", _("This participant is not in the session."))


def session_end(session: LiveSession) -> LiveSession:
    with transaction.atomic():
        session = _locked(session)
        if session.state == SessionState.ENDED:
            return session
        session.state, session.ended_at, session.open_block_id = SessionState.ENDED, timezone.now(), ""
        session.deadline = None
        session.save(update_fields=["state", "ended_at", "open_block_id", "deadline"])
        _publish(session, "session.state", {"state": session.state})
    return session


def participant_join(session: LiveSession, user: User) -> Participant:
    """A student of the session's class, or a signed-in user of an open session, joins (again:
    the same participant after a reload or on another device)."""
    if session.state == SessionState.ENDED:
        raise LiveError("ended", _("This session has ended."))
    if (
        session.classroom_id is not None
        and not Membership.objects.filter(
            classroom_id=session.classroom_id, user=user, role=MemberRole.STUDENT
        ).exists()
    ):
        raise LiveError("not_found", _("This session does not exist."))
    participant, _created = Participant.objects.get_or_create(
        session=session, user=user, defaults={"nickname": user.get_short_name()[:NICKNAME_MAX]}
    )
    if participant.removed:
        raise LiveError("removed", _("Your teacher removed you from this session."))
    presence_refresh(session.pk, [participant.pk])
    return participant


NICKNAME_MAX = 20
MAX_PARTICIPANTS = 3000  # an assembly; bounds what a script with the code can add to an open session


def guest_join(session: LiveSession, nickname: str) -> Participant:
    """Someone without an account joins an open session with a nickname (assemblies, guests)."""
    if not session.is_open:
        raise LiveError("not_found", _("This session does not exist."))
    if session.state == SessionState.ENDED:
        raise LiveError("ended", _("This session has ended."))
    name = " ".join(nickname.split())
    if not name:
        raise LiveError("invalid_nickname", _("Enter a nickname."))
    if Participant.objects.filter(session=session).count() >= MAX_PARTICIPANTS:
        raise LiveError("session_full", _("This session is full."))
    if len(name) > NICKNAME_MAX:
        message = _("A nickname can have at most %(max)d characters.") % {"max": NICKNAME_MAX}
        raise LiveError("invalid_nickname", message)
    taken = set(
        Participant.objects.filter(session=session, nickname__startswith=name).values_list("nickname", flat=True)
    )
    shown, n = name, 1
    while shown in taken:
        n += 1
        shown = f"{name} ({n})"
    return Participant.objects.create(session=session, nickname=shown, last_seen=timezone.now())


@dataclass(frozen=True)
class Submitted:
    response: LiveResponse
    created: bool


@dataclass(frozen=True)
class AnswerIn:
    participant_id: int
    client_id: uuid.UUID
    block_id: str
    answer: Any


ANSWER_GRACE = timedelta(seconds=2)  # an answer sent as time ran out may arrive a moment late


def response_submit(
    session: LiveSession, participant: Participant, *, client_id: uuid.UUID, block_id: str, answer: Any
) -> Submitted:
    """At-least-once in, exactly-once stored: a re-sent ``client_id`` returns the stored answer.
    No event per answer: the caller nudges the teacher's tally, which is coalesced (live_hub)."""
    [result] = responses_submit(session.pk, [AnswerIn(participant.pk, client_id, block_id, answer)])
    if isinstance(result, LiveError):
        raise result
    return result


def responses_submit(session_id: int, items: list[AnswerIn]) -> list[Submitted | LiveError]:
    """Store a batch of answers to one session (the hub groups what arrives within a few ms), in a
    fixed number of queries and one transaction, and say for each what became of it: stored,
    already stored under the same ``client_id`` (a re-send), or refused with a reason. The
    session's state is read afresh here, never taken from a socket's copy."""
    row = (
        LiveSession.objects.filter(pk=session_id)
        .values("state", "open_block_id", "deadline", "question_opened_at", "revealed", "lesson_id")
        .first()
    )
    if row is None:
        return [LiveError("not_found", _("This session does not exist.")) for _item in items]
    now = timezone.now()
    existing = {
        r.client_id: r
        for r in LiveResponse.objects.filter(session_id=session_id, client_id__in=[i.client_id for i in items])
    }
    seats = {i.participant_id for i in items}
    removed = set(
        Participant.objects.filter(session_id=session_id, pk__in=seats, removed=True).values_list("pk", flat=True)
    )
    taken = set(
        LiveResponse.objects.filter(session_id=session_id, block_id=row["open_block_id"], participant_id__in=seats)
        .values_list("participant_id", flat=True)
        .distinct()
    )
    activity = lesson_outline(row["lesson_id"]).activities.get(row["open_block_id"]) if row["open_block_id"] else None
    opened = row["question_opened_at"]
    elapsed = max(int((now - opened).total_seconds() * 1000), 0) if opened else None

    results: list[Submitted | LiveError | None] = [None] * len(items)
    fresh: dict[uuid.UUID, tuple[int, LiveResponse]] = {}
    same_as: dict[int, int] = {}
    for n, item in enumerate(items):
        found = existing.get(item.client_id)
        if found is not None:
            results[n] = (
                Submitted(found, created=False)
                if found.participant_id == item.participant_id
                else LiveError("invalid_frame", _("This answer id is already used."))
            )
            continue
        if item.client_id in fresh:  # sent twice in one batch (two sockets of one tablet)
            first_n, first = fresh[item.client_id]
            if first.participant_id == item.participant_id:
                same_as[n] = first_n  # resolved below to the first one's outcome
            else:
                results[n] = LiveError("invalid_frame", _("This answer id is already used."))
            continue
        try:
            _admit(row, activity, item, now, removed, taken)
        except LiveError as exc:
            results[n] = exc
            continue
        assert activity is not None
        try:
            verdict = checking.check(activity[0], activity[1], item.answer)
        except checking.AnswerError as exc:
            results[n] = LiveError("invalid_answer", str(exc))
            continue
        response = LiveResponse(
            session_id=session_id,
            participant_id=item.participant_id,
            block_id=item.block_id,
            client_id=item.client_id,
            answer=verdict.stored,
            correct=verdict.correct,
            score=verdict.score,
            elapsed_ms=elapsed,
        )
        fresh[item.client_id] = (n, response)
        taken.add(item.participant_id)
    _store(session_id, fresh, results)
    for n, first_n in same_as.items():
        outcome = results[first_n]
        results[n] = Submitted(outcome.response, created=False) if isinstance(outcome, Submitted) else outcome
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
        raise LiveError("removed", _("Your teacher removed you from this session."))
    if row["state"] != SessionState.RUNNING:
        raise LiveError("invalid_state", _("The session is not running."))
    if row["open_block_id"] != item.block_id or row["revealed"] or activity is None:
        raise LiveError("question_closed", _("This question is not open."))
    if row["deadline"] is not None and now > row["deadline"] + ANSWER_GRACE:
        raise LiveError("question_closed", _("Time is up for this question."))
    if item.participant_id in taken:
        raise LiveError("already_answered", _("You have already answered this question."))


def _store(
    session_id: int, fresh: dict[uuid.UUID, tuple[int, LiveResponse]], results: list[Submitted | LiveError | None]
) -> None:
    """Insert the batch in one statement; if another process raced one of them in, insert one by one
    so that only the raced answers are refused (or recognised as re-sends)."""
    if not fresh:
        return
    try:
        with transaction.atomic():
            LiveResponse.objects.bulk_create([response for _n, response in fresh.values()])
        for n, response in fresh.values():
            results[n] = Submitted(response, created=True)
        return
    except IntegrityError:
        pass
    for n, response in fresh.values():
        try:
            with transaction.atomic():
                response.pk = None
                response.save(force_insert=True)
            results[n] = Submitted(response, created=True)
        except IntegrityError:
            again = LiveResponse.objects.filter(session_id=session_id, client_id=response.client_id).first()
            if again is not None and again.participant_id == response.participant_id:
                results[n] = Submitted(again, created=False)
            else:
                results[n] = LiveError("already_answered", _("You have already answered this question."))


def snapshot(session: LiveSession, *, participant: Participant | None, is_teacher: bool) -> dict[str, Any]:
    session.refresh_from_db()
    activity = _activity(session, session.open_block_id)
    data: dict[str, Any] = {
        "type": "snapshot",
        "protocol": PROTOCOL_VERSION,
        "version": session.version,
        "server_time": int(timezone.now().timestamp() * 1000),
        "state": session.state,
        "slide": {"index": session.slide_index, "count": session.slide_total},
        "question": {
            "block": session.open_block_id,
            "kind": activity[0] if activity is not None else "",
            "deadline": _iso(session.deadline),
            "revealed": session.revealed,
        },
        "locked": session.locked,
        "results": _revealed_results(session) if session.revealed else None,
    }
    if participant is not None:
        participant.refresh_from_db(fields=["hand_raised_at", "nickname", "removed"])
        if participant.removed:  # even if the removal event never reached this socket
            raise LiveError("removed", _("Your teacher removed you from this session."))
        data["me"] = {
            "participant": participant.pk,
            "nickname": participant.nickname,
            "hand": participant.hand_raised_at is not None,
            "answers": {
                r.block_id: {
                    "answer": r.answer,
                    "correct": r.correct if _verdict_visible(session, r.block_id) else None,
                }
                for r in LiveResponse.objects.filter(session=session, participant=participant)
            },
        }
    if is_teacher:
        data["teacher"] = {"code": session.code, "open": session.is_open, **teacher_view(session)}
    return data


_RESULTS: dict[tuple[int, int], dict[str, Any]] = {}


def _revealed_results(session: LiveSession) -> dict[str, Any]:
    """Revealed results change only with the version (no answers are taken while they show), so a
    burst of reconnects after a worker restart reads the answers once per process, not once each."""
    key = (session.pk, session.version)
    found = _RESULTS.get(key)
    if found is None:
        if len(_RESULTS) >= _OUTLINES_MAX:
            _RESULTS.pop(next(iter(_RESULTS)))
        found = _RESULTS[key] = results_of(session)
    return found


def _verdict_visible(session: LiveSession, block_id: str) -> bool:
    """A student sees whether they were right once the teacher reveals, or once the class has
    moved on to another question; never while the question is still running."""
    if block_id == session.open_block_id:
        return False
    return session.revealed or block_id != session.last_block_id


def teacher_view(session: LiveSession) -> dict[str, Any]:
    """The roster with presence and the tally of the current question: two or three queries,
    whatever the number of students (the teacher's process recomputes it, coalesced)."""
    now = timezone.now()
    block_id = session.open_block_id or session.last_block_id
    answered: set[int] = set()
    if block_id:
        answered = set(
            LiveResponse.objects.filter(session=session, block_id=block_id).values_list("participant_id", flat=True)
        )
    roster = [
        {
            "id": p["id"],
            "nickname": p["nickname"],
            "status": presence(p["last_seen"], now),
            "hand": _iso(p["hand_raised_at"]),
            "answered": p["id"] in answered,
        }
        for p in Participant.objects.filter(session=session, removed=False)
        .order_by("nickname", "id")
        .values("id", "nickname", "last_seen", "hand_raised_at")
    ]
    tally = None
    if block_id:
        summary = results_of(session, block_id=block_id, names=False)
        tally = {
            "block": block_id,
            "open": session.open_block_id == block_id,
            "answered": summary["answered"],
            "total": len(roster),
            "correct": summary["correct_count"],
            "distribution": summary["distribution"],
        }
    return {"roster": roster, "tally": tally}


CONNECTED_SECONDS, RECONNECTING_SECONDS = 10, 60
DISTRIBUTION_LABELS = 12


def presence(last_seen: Any, now: Any) -> str:
    if last_seen is None:
        return "gone"
    age = (now - last_seen).total_seconds()
    if age <= CONNECTED_SECONDS:
        return "connected"
    return "reconnecting" if age <= RECONNECTING_SECONDS else "gone"


def results_of(session: LiveSession, *, block_id: str | None = None, names: bool | None = None) -> dict[str, Any]:
    """The results of one question: counts, distribution in display form, the correct answer."""
    block_id = block_id or session.open_block_id or session.last_block_id
    activity = _activity(session, block_id)
    kind, value = activity if activity is not None else ("", {})
    rows = list(
        LiveResponse.objects.filter(session=session, block_id=block_id, participant__removed=False).values(
            "answer", "correct", "participant__nickname"
        )
    )
    counts: dict[str, int] = {}
    if kind != "open_response":
        for row in rows:
            label = answer_label(kind, value, row["answer"])
            counts[label] = counts.get(label, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    distribution = [{"label": label, "count": n} for label, n in ranked[:DISTRIBUTION_LABELS]]
    if len(ranked) > DISTRIBUTION_LABELS:
        distribution.append({"label": "…", "count": sum(n for _label, n in ranked[DISTRIBUTION_LABELS:])})
    if kind == "poll" or (kind == "multiple_choice" and not value.get("multiple")):
        options = value.get("options") if kind == "poll" else [c["text"] for c in value.get("choices") or []]
        shown = {d["label"] for d in distribution}
        distribution += [{"label": str(o), "count": 0} for o in options or [] if str(o) not in shown]
    show_names = (not session.anonymous) if names is None else names
    results: dict[str, Any] = {
        "block": block_id,
        "kind": kind,
        "anonymous": not show_names,
        "answered": len(rows),
        "total": Participant.objects.filter(session=session, removed=False).count(),
        "correct_count": sum(1 for row in rows if row["correct"]),
        "answer": correct_label(kind, value),
        "explanation": str(value.get("explanation") or "") if activity is not None else "",
        "distribution": distribution,
    }
    if show_names:
        results["names"] = sorted(row["participant__nickname"] for row in rows if row["correct"])
    return results


def answer_label(kind: str, value: Any, stored: Any) -> str:
    """A stored answer as people read it (choice texts rather than indexes)."""
    if kind == "multiple_choice" and isinstance(stored, list):
        choices = list(value.get("choices") or [])
        return ", ".join(
            str(choices[i]["text"]) if isinstance(i, int) and 0 <= i < len(choices) else str(i) for i in stored
        )
    if kind == "true_false" and isinstance(stored, bool):
        return _("True") if stored else _("False")
    if kind == "poll" and isinstance(stored, int):
        options = list(value.get("options") or [])
        return str(options[stored]) if 0 <= stored < len(options) else str(stored)
    return str(stored)[:80]


def correct_label(kind: str, value: Any) -> str:
    if kind == "multiple_choice":
        return answer_label(kind, value, [i for i, c in enumerate(value.get("choices") or []) if c.get("correct")])
    if kind == "true_false":
        return answer_label(kind, value, bool(value.get("answer")))
    if kind == "short_answer":
        return ", ".join(str(a) for a in value.get("accepted_answers") or [])
    if kind == "numeric":
        unit = value.get("unit") or ""
        return f"{value.get('answer')}" + (f" {unit}" if unit else "")
    return ""


def verdicts_for(session_id: int, block_id: str, participant_ids: list[int]) -> dict[int, bool | None]:
    """Each local student's own verdict for a revealed question: one query per process."""
    return dict(
        LiveResponse.objects.filter(
            session_id=session_id, block_id=block_id, participant_id__in=participant_ids
        ).values_list("participant_id", "correct")
    )


def versions_of(session_ids: list[int]) -> dict[int, int]:
    """The current version of each session (the hub checks it missed no event)."""
    return dict(LiveSession.objects.filter(pk__in=session_ids).values_list("pk", "version"))


def presence_refresh(session_id: int, participant_ids: list[int], *, left: bool = False) -> None:
    """A process marks its own sockets as seen (every few seconds), or as just left."""
    moment = timezone.now() - timedelta(seconds=CONNECTED_SECONDS + 1) if left else timezone.now()
    Participant.objects.filter(session_id=session_id, pk__in=participant_ids).update(last_seen=moment)


def _require_running(session: LiveSession) -> None:
    if session.state != SessionState.RUNNING:
        raise LiveError("invalid_state", _("The session is not running."))


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None
