"""Named operations on live sessions: the state changes. Every change runs in a transaction, bumps
the session's version and publishes one typed event after commit (``events.publish``); clients
apply events in order and fetch a snapshot on (re)connect or when they see a gap. Students'
answers are stored by ``answers.answers_submit``; reads are in ``selectors``."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from classrooms.live import protocol
from classrooms.live.events import publish
from classrooms.live.models import LiveSession, Participant, SessionState
from classrooms.live.protocol import (
    ParticipantRemoved,
    QuestionClosed,
    QuestionOpened,
    ResultsRevealed,
    ScreenLocked,
    SessionStateChanged,
    SlideChanged,
)
from classrooms.live.selectors import CONNECTED_SECONDS, iso, results_of
from classrooms.models import Classroom, MemberRole, Membership
from courses import activities
from courses.access import lesson_visible_to
from courses.outline import lesson_outline
from courses.pages import LessonPage
from edu.accounts.models import User
from edu.errors import DomainError

NICKNAME_MAX = 20
MAX_PARTICIPANTS = 3000  # an assembly; bounds what a script with the code can add to an open session


def _locked(session: LiveSession) -> LiveSession:
    return LiveSession.objects.select_for_update().get(pk=session.pk)


def _require_running(session: LiveSession) -> None:
    if session.state != SessionState.RUNNING:
        raise DomainError("invalid_state", _("The session is not running."))


def session_start(*, teacher: User, lesson: LessonPage, classroom: Classroom | None = None) -> LiveSession:
    if (
        classroom is not None
        and not Membership.objects.filter(classroom=classroom, user=teacher, role=MemberRole.TEACHER).exists()
    ):
        raise DomainError("forbidden", _("You do not teach this class."))
    if not lesson_visible_to(teacher, lesson):
        raise DomainError("not_found", _("This lesson is not available."))
    try:
        with transaction.atomic():
            return LiveSession.objects.create(
                teacher=teacher, lesson=lesson, classroom=classroom, slide_total=len(lesson.slides())
            )
    except IntegrityError:
        raise DomainError("already_running", _("This class already has a live session. End it first.")) from None


def session_run(session: LiveSession) -> LiveSession:
    with transaction.atomic():
        session = _locked(session)
        if session.state != SessionState.LOBBY:
            raise DomainError("invalid_state", _("The session has already started."))
        session.state = SessionState.RUNNING
        session.save(update_fields=["state"])
        publish(session, SessionStateChanged(state=session.state))  # type: ignore[arg-type]
    return session


def session_goto(session: LiveSession, index: int) -> LiveSession:
    """Move everyone to another slide. A question that is closed (or whose results show) is left
    behind: the session forgets it as its last question, so neither its results nor the teacher's
    tally stay on screen (``slide.changed`` means exactly that when no question is open). An open
    question stays open."""
    with transaction.atomic():
        session = _locked(session)
        _require_running(session)
        session.slide_total = lesson_outline(session.lesson_id).slide_count  # the lesson may have been edited
        if not 0 <= index < session.slide_total:
            raise DomainError("invalid_slide", _("There is no such slide."))
        session.slide_index = index
        if not session.open_block_id:
            session.last_block_id, session.revealed, session.picked = "", False, []
        session.save(update_fields=["slide_index", "slide_total", "last_block_id", "revealed", "picked"])
        publish(session, SlideChanged(index=index))
    return session


def question_open(
    session: LiveSession, block_id: str, seconds: int | None = None, *, again: bool = False
) -> LiveSession:
    """Open a question for answers. ``again``: ask a question already asked in this session once
    more, as its next attempt (up to ``protocol.MAX_ATTEMPTS``); students answer afresh and the
    earlier attempt's answers are kept for the comparison and the report. Without ``again`` an
    asked question re-opens at its current attempt (latecomers answer; who answered stays answered)."""
    with transaction.atomic():
        session = _locked(session)
        _require_running(session)
        activity = lesson_outline(session.lesson_id).activities.get(block_id)
        if activity is None:
            raise DomainError("unknown_activity", _("This question is not part of the lesson."))
        if activities.is_answered_in_tool(activity[0]):
            raise DomainError(
                "answered_in_tool", _("This activity is answered in its outside tool; students open it from the slide.")
            )
        if seconds is not None and not 1 <= seconds <= protocol.MAX_QUESTION_SECONDS:
            raise DomainError("invalid_timer", _("The timer must be between 1 second and 1 hour."))
        asked = dict(session.asked or {})
        attempt = int(asked.get(block_id) or 0)
        if again:
            if not attempt:
                raise DomainError("not_asked", _("This question has not been asked yet, so it cannot be asked again."))
            if attempt >= protocol.MAX_ATTEMPTS:
                message = _("A question can be asked at most %(max)d times.") % {"max": protocol.MAX_ATTEMPTS}
                raise DomainError("too_many_attempts", message)
            attempt += 1
        attempt = max(attempt, 1)
        asked[block_id] = attempt
        now = timezone.now()
        session.open_block_id = session.last_block_id = block_id
        session.attempt, session.asked, session.picked = attempt, asked, []
        session.revealed, session.question_opened_at = False, now
        session.deadline = now + timedelta(seconds=seconds) if seconds else None
        session.save(
            update_fields=[
                "open_block_id",
                "last_block_id",
                "attempt",
                "asked",
                "picked",
                "revealed",
                "question_opened_at",
                "deadline",
            ]
        )
        opened = QuestionOpened(block=block_id, activity=activity[0], deadline=iso(session.deadline), attempt=attempt)
        publish(session, opened)
    return session


def question_close(session: LiveSession) -> LiveSession:
    with transaction.atomic():
        session = _locked(session)
        _require_running(session)
        closed = session.open_block_id
        if not closed:
            raise DomainError("invalid_state", _("No question is open."))
        session.open_block_id, session.deadline = "", None
        session.save(update_fields=["open_block_id", "deadline"])
        publish(session, QuestionClosed(block=closed))
    return session


def results_reveal(session: LiveSession, *, anonymous: bool = True) -> LiveSession:
    """Close the current question (if open) and show its results to everyone."""
    with transaction.atomic():
        session = _locked(session)
        _require_running(session)
        block_id = session.open_block_id or session.last_block_id
        if not block_id:
            raise DomainError("invalid_state", _("Open a question before revealing its results."))
        session.open_block_id, session.deadline = "", None
        session.revealed, session.anonymous, session.picked = True, anonymous, []
        session.save(update_fields=["open_block_id", "deadline", "revealed", "anonymous", "picked"])
        publish(session, ResultsRevealed(block=block_id, results=results_of(session)))
    return session


def results_pick(session: LiveSession, labels: list[str]) -> LiveSession:
    """Show these typed answers of the revealed free-text question to the class (the labels of the
    teacher's tally; an empty list hides them all again). Typed answers are never shown to the
    class unless picked. Publishes the results again, with the picked answers."""
    with transaction.atomic():
        session = _locked(session)
        _require_running(session)
        if not session.revealed or not session.last_block_id:
            raise DomainError("invalid_state", _("Show the results before choosing answers to show."))
        activity = lesson_outline(session.lesson_id).activities.get(session.last_block_id)
        if activity is None or not activities.is_free_text(activity[0]):
            raise DomainError("invalid_pick", _("Only typed answers are chosen; this question shows all its answers."))
        known = {d.label for d in results_of(session, everything=True).distribution} - {"…"}
        chosen = list(dict.fromkeys(labels))
        if any(label not in known for label in chosen):
            raise DomainError("invalid_pick", _("Choose answers from this question's answers."))
        session.picked = chosen
        session.save(update_fields=["picked"])
        publish(session, ResultsRevealed(block=session.last_block_id, results=results_of(session)))
    return session


def screen_lock(session: LiveSession, *, locked: bool) -> LiveSession:
    with transaction.atomic():
        session = _locked(session)
        if session.state == SessionState.ENDED:
            raise DomainError("invalid_state", _("The session has ended."))
        session.locked = locked
        session.save(update_fields=["locked"])
        publish(session, ScreenLocked(locked=locked))
    return session


def participant_remove(session: LiveSession, participant_id: int) -> LiveSession:
    """Remove someone from the session: their sockets close and they cannot rejoin it."""
    with transaction.atomic():
        session = _locked(session)
        if not Participant.objects.filter(session=session, pk=participant_id, removed=False).update(removed=True):
            raise DomainError("unknown_participant", _("This participant is not in the session."))
        publish(session, ParticipantRemoved(participant=participant_id))
    return session


def hand_set(session: LiveSession, participant_id: int, *, raised: bool) -> None:
    """Raise or lower a hand. Not a versioned event: the teacher's roster shows the queue."""
    updated = Participant.objects.filter(session=session, pk=participant_id, removed=False).update(
        hand_raised_at=timezone.now() if raised else None
    )
    if not updated:
        raise DomainError("unknown_participant", _("This participant is not in the session."))


def session_end(session: LiveSession) -> LiveSession:
    with transaction.atomic():
        session = _locked(session)
        if session.state == SessionState.ENDED:
            return session
        session.state, session.ended_at, session.open_block_id = SessionState.ENDED, timezone.now(), ""
        session.deadline = None
        session.save(update_fields=["state", "ended_at", "open_block_id", "deadline"])
        publish(session, SessionStateChanged(state=session.state))  # type: ignore[arg-type]
    return session


def participant_join(session: LiveSession, user: User) -> Participant:
    """A student of the session's class, or a signed-in user of an open session, joins (again:
    the same participant after a reload or on another device)."""
    if session.state == SessionState.ENDED:
        raise DomainError("ended", _("This session has ended."))
    if (
        session.classroom_id is not None
        and not Membership.objects.filter(
            classroom_id=session.classroom_id, user=user, role=MemberRole.STUDENT
        ).exists()
    ):
        raise DomainError("not_found", _("This session does not exist."))
    participant, _created = Participant.objects.get_or_create(
        session=session, user=user, defaults={"nickname": user.get_short_name()[:NICKNAME_MAX]}
    )
    if participant.removed:
        raise DomainError("removed", _("Your teacher removed you from this session."))
    presence_refresh(session.pk, [participant.pk])
    return participant


def guest_join(session: LiveSession, nickname: str) -> Participant:
    """Someone without an account joins an open session with a nickname (assemblies, guests)."""
    if not session.is_open:
        raise DomainError("not_found", _("This session does not exist."))
    if session.state == SessionState.ENDED:
        raise DomainError("ended", _("This session has ended."))
    name = " ".join(nickname.split())
    if not name:
        raise DomainError("invalid_nickname", _("Enter a nickname."))
    if Participant.objects.filter(session=session).count() >= MAX_PARTICIPANTS:
        raise DomainError("session_full", _("This session is full."))
    if len(name) > NICKNAME_MAX:
        message = _("A nickname can have at most %(max)d characters.") % {"max": NICKNAME_MAX}
        raise DomainError("invalid_nickname", message)
    taken = set(
        Participant.objects.filter(session=session, nickname__startswith=name).values_list("nickname", flat=True)
    )
    shown, n = name, 1
    while shown in taken:
        n += 1
        shown = f"{name} ({n})"
    return Participant.objects.create(session=session, nickname=shown, last_seen=timezone.now())


def presence_refresh(session_id: int, participant_ids: list[int], *, left: bool = False) -> None:
    """A process marks its own sockets as seen (every few seconds), or as just left."""
    moment = timezone.now() - timedelta(seconds=CONNECTED_SECONDS + 1) if left else timezone.now()
    Participant.objects.filter(session_id=session_id, pk__in=participant_ids).update(last_seen=moment)


def presence_mark(seen: dict[int, list[int]], left: bool = False) -> None:
    """``presence_refresh`` for several sessions at once (a process's tick: one query per session)."""
    for session_id, ids in seen.items():
        if ids:
            presence_refresh(session_id, ids, left=left)
