"""The audited access helpers of live sessions: every live view and consumer asks these, never
its own query. Anyone who may not see a session gets "not found" (Http404), whether or not it exists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from classrooms.live.models import LiveSession, Participant, SessionState
from classrooms.live.services import NICKNAME_MAX
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


@dataclass(frozen=True)
class Seeker:
    """Someone asking for a seat in a live session: a signed-in user, or a guest holding seats
    (``{session id: participant id}`` from their Django session)."""

    user: AnyUser | None
    guests: Mapping[str, int]
    session_id: int


Seat = tuple[LiveSession, str, Participant | None]


def live_seat(user: AnyUser | None, guests: Mapping[str, int], session_id: int) -> Seat:
    """Who a live socket is: ``(session, "teacher", None)``, ``(session, "student", participant)``
    for a student of the class (joined again as the same participant) or a guest of an open
    session (their participant id kept in their Django session by the join page).

    Raises PermissionError when nobody is signed in and no guest seat is held, Http404 for
    anyone else, and ``DomainError("removed")`` for a removed participant."""
    found = live_seats([Seeker(user, guests, session_id)])[0]
    if isinstance(found, Exception):
        raise found
    return found


def live_seats(seekers: Sequence[Seeker]) -> list[Seat | Exception]:
    """``live_seat`` for many seekers at once (a class joining together, a whole school
    reconnecting): the same rules, each answer a seat or the exception ``live_seat`` would raise,
    in a fixed number of queries whatever the number of seekers. Students and guests who get a
    seat are marked present."""
    user_ids = {s.user.pk for s in seekers if isinstance(s.user, User)}
    seat_ids = {g for s in seekers if not isinstance(s.user, User) and isinstance(g := _guest_seat(s), int)}
    sessions = LiveSession.objects.select_related("lesson").in_bulk({s.session_id for s in seekers})
    class_ids = {s.classroom_id for s in sessions.values() if s.classroom_id is not None}
    roles: dict[tuple[int, int], set[str]] = {}
    if user_ids and class_ids:
        for classroom_id, user_id, role in Membership.objects.filter(
            classroom_id__in=class_ids, user_id__in=user_ids
        ).values_list("classroom_id", "user_id", "role"):
            roles.setdefault((classroom_id, user_id), set()).add(role)
    joined: dict[tuple[int, int | None], Participant] = {}
    if user_ids:
        joined = {
            (p.session_id, p.user_id): p
            for p in Participant.objects.filter(session_id__in=list(sessions), user_id__in=user_ids)
        }
    guests = Participant.objects.filter(pk__in=seat_ids, user__isnull=True).in_bulk() if seat_ids else {}

    answers: list[Seat | Exception | tuple[LiveSession, User]] = []
    for seeker in seekers:
        session = sessions.get(seeker.session_id)
        if isinstance(seeker.user, User):
            answers.append(_user_seat(seeker.user, session, roles, joined))
        else:
            answers.append(_guest_seat_of(seeker, session, guests))

    to_create = {
        (a[0].pk, a[1].pk): Participant(session=a[0], user=a[1], nickname=a[1].get_short_name()[:NICKNAME_MAX])
        for a in answers
        if isinstance(a, tuple) and isinstance(a[1], User)
    }
    if to_create:  # first joins: created together (another worker may create the same row meanwhile)
        Participant.objects.bulk_create(to_create.values(), ignore_conflicts=True)
        for p in Participant.objects.filter(
            session_id__in={k[0] for k in to_create}, user_id__in={k[1] for k in to_create}
        ):
            joined[(p.session_id, p.user_id)] = p
    seats: list[Seat | Exception] = []
    for answer in answers:
        if isinstance(answer, tuple) and isinstance(answer[1], User):
            session, user = answer
            seats.append(_student_seat(session, joined.get((session.pk, user.pk))))
        else:
            seats.append(answer)
    present = [seat[2].pk for seat in seats if isinstance(seat, tuple) and seat[2] is not None]
    if present:
        Participant.objects.filter(pk__in=present).update(last_seen=timezone.now())
    return seats


def _guest_seat(seeker: Seeker) -> object:
    return seeker.guests.get(str(seeker.session_id)) if isinstance(seeker.guests, Mapping) else None


def _user_seat(
    user: User,
    session: LiveSession | None,
    roles: dict[tuple[int, int], set[str]],
    joined: dict[tuple[int, int | None], Participant],
) -> Seat | Exception | tuple[LiveSession, User]:
    """A signed-in user's seat (as ``live_session_for_user`` and ``participant_join`` decide), or
    ``(session, user)`` when a student of the class joins for the first time."""
    if session is None:
        return Http404()
    mine = roles.get((session.classroom_id, user.pk), set()) if session.classroom_id is not None else set()
    if MemberRole.TEACHER in mine or (session.classroom_id is None and session.teacher_id == user.pk):
        return session, "teacher", None
    participant = joined.get((session.pk, user.pk))
    if MemberRole.STUDENT not in mine and not (session.classroom_id is None and participant is not None):
        return Http404()
    if session.state == SessionState.ENDED:
        return DomainError("ended", _("This session has ended."))
    if participant is None:
        return session, user
    return _student_seat(session, participant)


def _student_seat(session: LiveSession, participant: Participant | None) -> Seat | Exception:
    if participant is None:  # pragma: no cover - the row was just created or found
        return Http404()
    if participant.removed:
        return DomainError("removed", _("Your teacher removed you from this session."))
    participant.session = session
    return session, "student", participant


def _guest_seat_of(seeker: Seeker, session: LiveSession | None, guests: dict[int, Participant]) -> Seat | Exception:
    seat = _guest_seat(seeker)
    if not isinstance(seat, int):
        return PermissionError()
    participant = guests.get(seat)
    if participant is None or session is None or participant.session_id != session.pk or session.state == "ended":
        return Http404()
    if participant.removed:
        return DomainError("removed", "removed")
    participant.session = session
    return session, "student", participant
