"""Named operations on live sessions. Every state change runs in a transaction, bumps the
session's version and publishes one event after commit; clients apply events in order and ask
for a snapshot on (re)connect or when they see a gap. Delivery may drop events; the database may not."""

from __future__ import annotations

import uuid
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

MAX_QUESTION_SECONDS = 60 * 60


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
    event = {"type": "live.event", "version": session.version, "kind": kind, "data": data}
    group = session.group_name

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, event)

    transaction.on_commit(send)


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
            return LiveSession.objects.create(teacher=teacher, lesson=lesson, classroom=classroom)
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


def slide_count(session: LiveSession) -> int:
    return len(session.lesson.slides())


def session_goto(session: LiveSession, index: int) -> LiveSession:
    with transaction.atomic():
        session = _locked(session)
        _require_running(session)
        if not 0 <= index < slide_count(session):
            raise LiveError("invalid_slide", _("There is no such slide."))
        session.slide_index = index
        session.save(update_fields=["slide_index"])
        _publish(session, "slide.changed", {"index": index})
    return session


def question_open(session: LiveSession, block_id: str, seconds: int | None = None) -> LiveSession:
    with transaction.atomic():
        session = _locked(session)
        _require_running(session)
        block = session.lesson.activity(block_id)
        if block is None or block.block_type not in ACTIVITY_TYPES:
            raise LiveError("unknown_activity", _("This question is not part of the lesson."))
        if seconds is not None and not 1 <= seconds <= MAX_QUESTION_SECONDS:
            raise LiveError("invalid_timer", _("The timer must be between 1 second and 1 hour."))
        session.open_block_id, session.revealed = block_id, False
        session.deadline = timezone.now() + timedelta(seconds=seconds) if seconds else None
        session.save(update_fields=["open_block_id", "revealed", "deadline"])
        _publish(session, "question.opened", {"block": block_id, "deadline": _iso(session.deadline)})
    return session


def question_close(session: LiveSession) -> LiveSession:
    with transaction.atomic():
        session = _locked(session)
        _require_running(session)
        closed = session.open_block_id
        session.open_block_id, session.deadline = "", None
        session.save(update_fields=["open_block_id", "deadline"])
        _publish(session, "question.closed", {"block": closed})
    return session


def session_end(session: LiveSession) -> LiveSession:
    with transaction.atomic():
        session = _locked(session)
        if session.state == SessionState.ENDED:
            return session
        session.state, session.ended_at, session.open_block_id = SessionState.ENDED, timezone.now(), ""
        session.save(update_fields=["state", "ended_at", "open_block_id"])
        _publish(session, "session.state", {"state": session.state})
    return session


def participant_join(session: LiveSession, user: User) -> Participant:
    """A student of the session's class joins (again: the same participant after a reload)."""
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
        session=session, user=user, defaults={"nickname": user.get_short_name()}
    )
    if participant.removed:
        raise LiveError("removed", _("Your teacher removed you from this session."))
    return participant


@dataclass(frozen=True)
class Submitted:
    response: LiveResponse
    created: bool


def response_submit(
    session: LiveSession, participant: Participant, *, client_id: uuid.UUID, block_id: str, answer: Any
) -> Submitted:
    """At-least-once in, exactly-once stored: a re-sent ``client_id`` returns the stored answer."""
    existing = LiveResponse.objects.filter(session=session, client_id=client_id).first()
    if existing is not None:
        if existing.participant_id != participant.pk:
            raise LiveError("invalid_frame", _("This answer id is already used."))
        return Submitted(existing, created=False)
    session.refresh_from_db(fields=["state", "open_block_id", "deadline"])
    _require_running(session)
    if session.open_block_id != block_id:
        raise LiveError("question_closed", _("This question is not open."))
    if session.deadline is not None and timezone.now() > session.deadline:
        raise LiveError("question_closed", _("Time is up for this question."))
    block = session.lesson.activity(block_id)
    assert block is not None  # open_block_id was validated when the question opened
    try:
        verdict = checking.check(block.block_type, block.value, answer)
    except checking.AnswerError as exc:
        raise LiveError("invalid_answer", str(exc)) from None
    try:
        with transaction.atomic():
            response = LiveResponse.objects.create(
                session=session,
                participant=participant,
                block_id=block_id,
                client_id=client_id,
                answer=verdict.stored,
                correct=verdict.correct,
                score=verdict.score,
            )
            _publish(session, "response.counted", {"block": block_id})
    except IntegrityError:
        again = LiveResponse.objects.filter(session=session, client_id=client_id).first()
        if again is not None:  # the same id raced in from another connection
            return Submitted(again, created=False)
        raise LiveError("already_answered", _("You have already answered this question.")) from None
    return Submitted(response, created=True)


def snapshot(session: LiveSession, *, participant: Participant | None, is_teacher: bool) -> dict[str, Any]:
    session.refresh_from_db()
    data: dict[str, Any] = {
        "type": "snapshot",
        "version": session.version,
        "state": session.state,
        "slide": {"index": session.slide_index, "count": slide_count(session)},
        "question": {"block": session.open_block_id, "deadline": _iso(session.deadline), "revealed": session.revealed},
    }
    if participant is not None:
        data["my_answers"] = {
            r.block_id: r.answer for r in LiveResponse.objects.filter(session=session, participant=participant)
        }
    if is_teacher:
        data["participants"] = list(Participant.objects.filter(session=session, removed=False).values("id", "nickname"))
        data["answered"] = (
            LiveResponse.objects.filter(session=session, block_id=session.open_block_id).count()
            if session.open_block_id
            else 0
        )
    return data


def _require_running(session: LiveSession) -> None:
    if session.state != SessionState.RUNNING:
        raise LiveError("invalid_state", _("The session is not running."))


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None
