"""The audited access helpers: every view and consumer asks these, never its own query.

They answer "not found" (Http404) for a class the user may not see, so a URL never reveals
whether a class exists. Role checks that are not about one class raise PermissionDenied (403).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from classrooms.models import Classroom, MemberRole, Membership
from edu.accounts.models import User

if TYPE_CHECKING:
    from classrooms.live_models import LiveSession, Participant

AnyUser = User | AnonymousUser


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, known to be signed in (views are behind login_required)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def require_teacher(user: AnyUser) -> User:
    if not (isinstance(user, User) and user.is_teacher):
        raise PermissionDenied
    return user


def classrooms_visible_to(user: AnyUser) -> QuerySet[Classroom]:
    if not user.is_authenticated:
        return Classroom.objects.none()
    return Classroom.objects.filter(memberships__user=user)


def classroom_for_user(user: AnyUser, classroom_id: int) -> Classroom:
    """A class ``user`` belongs to in any role, or 404."""
    classroom = classrooms_visible_to(user).select_related("school").filter(pk=classroom_id).first()
    if classroom is None:
        raise Http404
    return classroom


def classroom_for_teacher(user: AnyUser, classroom_id: int) -> Classroom:
    """A class ``user`` teaches, or 404 (students and other teachers get the same answer)."""
    if not (isinstance(user, User) and user.is_teacher):
        raise Http404
    classroom = (
        Classroom.objects.select_related("school")
        .filter(pk=classroom_id, memberships__user=user, memberships__role=MemberRole.TEACHER)
        .first()
    )
    if classroom is None:
        raise Http404
    return classroom


def live_session_for_user(user: AnyUser, session_id: int) -> tuple[LiveSession, str]:
    """A live session and the user's role in it ("teacher" or "student"), or 404 for anyone else."""
    from classrooms.live_models import LiveSession

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
    anyone else, and ``LiveError("removed")`` for a removed participant."""
    from classrooms import live
    from classrooms.live_models import Participant

    if isinstance(user, User):
        session, role = live_session_for_user(user, session_id)
        if role == "teacher":
            return session, role, None
        return session, role, live.participant_join(session, user)
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
        raise live.LiveError("removed", "removed")
    live.presence_refresh(session_id, [participant.pk])
    return participant.session, "student", participant
