"""The audited access helpers of live sessions: every live view and consumer asks these, never
its own query. Anyone who may not see a session gets "not found" (Http404), whether or not it exists."""

from __future__ import annotations

from django.http import Http404

from classrooms.live.models import LiveSession, Participant
from classrooms.live.services import participant_join, presence_refresh
from classrooms.models import MemberRole, Membership
from edu.accounts.access import AnyUser
from edu.accounts.models import User
from edu.errors import DomainError

GUESTS_SESSION_KEY = "live_guests"  # a guest's seats: {session id: participant id} in their Django session


def live_session_for_user(user: AnyUser, session_id: int) -> tuple[LiveSession, str]:
    """A live session and the user's role in it ("teacher" or "student"), or 404 for anyone else."""
    if not isinstance(user, User):
        raise Http404
    session = LiveSession.objects.select_related("lesson").filter(pk=session_id).first()
    if session is None:
        raise Http404
    roles = set(
        Membership.objects.filter(classroom_id=session.classroom_id, user=user).values_list("role", flat=True)
        if session.classroom_id is not None
        else []
    )
    if MemberRole.TEACHER in roles or (session.classroom_id is None and session.teacher_id == user.pk):
        return session, "teacher"  # a class's session: its teachers now (not whoever started it once)
    if MemberRole.STUDENT in roles:
        return session, "student"
    if session.classroom_id is None and session.participants.filter(user=user).exists():
        return session, "student"  # joined this open session through the join page
    raise Http404


def live_seat(
    user: AnyUser | None, guests: dict[str, int], session_id: int
) -> tuple[LiveSession, str, Participant | None]:
    """Who a live socket is: ``(session, "teacher", None)``, ``(session, "student", participant)``
    for a student of the class (joined again as the same participant) or a guest of an open
    session (their participant id kept in their Django session by the join page).

    Raises PermissionError when nobody is signed in and no guest seat is held, Http404 for
    anyone else, and ``DomainError("removed")`` for a removed participant."""
    if isinstance(user, User):
        session, role = live_session_for_user(user, session_id)
        if role == "teacher":
            return session, role, None
        return session, role, participant_join(session, user)
    seat = guests.get(str(session_id)) if isinstance(guests, dict) else None
    if not isinstance(seat, int):
        raise PermissionError
    participant = (
        Participant.objects.select_related("session__lesson")
        .filter(pk=seat, session_id=session_id, user__isnull=True)
        .first()
    )
    if participant is None or participant.session.state == "ended":
        raise Http404
    if participant.removed:
        raise DomainError("removed", "removed")
    presence_refresh(session_id, [participant.pk])
    return participant.session, "student", participant
