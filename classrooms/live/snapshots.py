"""Joining sockets in batches: who each one is, their seat, and their first snapshot.

A live socket's handshake carries only its Django session cookie (the live route has no
per-socket auth middleware). The hub gathers the sockets that arrive together (a class opening
their tablets, a school reconnecting after a deploy) and ``join_batch`` answers all of them in
one transaction and a fixed number of queries: their Django sessions, their users, their seats
(``access.live_seats``, the same rules as one ``live_seat``), their answers so far, and the
snapshot. The part of a snapshot that is the same for everyone is built once per session,
version and language (``shared_part``) and reused by every socket until the version changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import msgspec
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from classrooms.live import selectors
from classrooms.live.access import GUESTS_SESSION_KEY, Seeker, live_seats
from classrooms.live.models import LiveResponse, LiveSession, Participant
from classrooms.live.protocol import Snapshot, TeacherInfo
from edu.accounts.models import User
from edu.errors import DomainError

CLOSE_UNAUTHENTICATED = 4401  # the close codes of a refused live socket (docs/live-protocol.md)
CLOSE_REMOVED = 4403
CLOSE_NOT_FOUND = 4404
SHARED_CACHE = 256

_DB_SESSIONS = "django.contrib.sessions.backends.db"


@dataclass(frozen=True)
class JoinIn:
    session_id: int
    session_key: str  # the Django session cookie ("" when none was sent)
    language: str


@dataclass(frozen=True)
class Joined:
    session_id: int
    role: str  # "teacher" or "student"
    participant_id: int | None
    snapshot: Snapshot  # server_time is stamped again when it is sent


JoinOut = Joined | int  # a seat, or the close code that refuses it


@dataclass(frozen=True)
class SnapshotIn:
    """A seated socket asking for a snapshot again (``snapshot.get``)."""

    session_id: int
    participant_id: int | None  # None for the teacher
    language: str


def join_batch(requests: Sequence[JoinIn]) -> list[JoinOut]:
    """Seat and snapshot every request; a refusal is the close code the consumer sends."""
    with transaction.atomic():
        who = session_data([r.session_key for r in requests])
        seekers = []
        for r in requests:
            user, guests = who.get(r.session_key, (None, {}))
            seekers.append(Seeker(user, guests, r.session_id))
        seats = live_seats(seekers)
        rows = _answers_of([seat[2].pk for seat in seats if isinstance(seat, tuple) and seat[2] is not None])
        build = _Builder(rows)
        out: list[JoinOut] = []
        for request, seat in zip(requests, seats, strict=True):
            if isinstance(seat, Exception):
                out.append(_close_code(seat))
                continue
            session, role, participant = seat
            frame = build(session, participant, request.language)
            out.append(Joined(session.pk, role, participant.pk if participant is not None else None, frame))
        return out


def snapshot_batch(requests: Sequence[SnapshotIn]) -> list[Snapshot | Exception]:
    """The snapshots of seated sockets, in a fixed number of queries (a removed student gets
    ``DomainError("removed")`` instead)."""
    sessions = LiveSession.objects.in_bulk({r.session_id for r in requests})
    pids = {r.participant_id for r in requests if r.participant_id is not None}
    participants = (
        Participant.objects.only("session_id", "nickname", "removed", "hand_raised_at").in_bulk(pids) if pids else {}
    )
    build = _Builder(_answers_of(list(pids)))
    out: list[Snapshot | Exception] = []
    for r in requests:
        session = sessions.get(r.session_id)
        participant = participants.get(r.participant_id) if r.participant_id is not None else None
        if session is None or (
            r.participant_id is not None and (participant is None or participant.session_id != session.pk)
        ):
            out.append(DomainError("not_found", _("This session does not exist.")))
        elif participant is not None and participant.removed:
            out.append(DomainError("removed", _("Your teacher removed you from this session.")))
        else:
            out.append(build(session, participant, r.language))
    return out


def _answers_of(participant_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows: dict[int, list[dict[str, Any]]] = {}
    if participant_ids:
        for row in LiveResponse.objects.filter(participant_id__in=participant_ids).values(
            "participant_id", "block_id", "attempt", "answer", "correct"
        ):
            rows.setdefault(row["participant_id"], []).append(dict(row))
    return rows


class _Builder:
    """Builds each socket's snapshot from the shared part of its session (built once per version)
    and its own part; the teacher's part once per session and language in a batch."""

    def __init__(self, rows: dict[int, list[dict[str, Any]]]) -> None:
        self.rows = rows
        self.teacher_infos: dict[tuple[int, str], TeacherInfo] = {}

    def __call__(self, session: LiveSession, participant: Participant | None, language: str) -> Snapshot:
        with translation.override(language):
            shared = shared_part(session)
            if participant is not None:
                me = selectors.me_of(session, participant, self.rows.get(participant.pk, []))
                return msgspec.structs.replace(shared, me=me)
            key = (session.pk, language)
            if key not in self.teacher_infos:
                self.teacher_infos[key] = selectors.teacher_info(session)
            return msgspec.structs.replace(shared, teacher=self.teacher_infos[key])


def _close_code(refusal: Exception) -> int:
    if isinstance(refusal, PermissionError):
        return CLOSE_UNAUTHENTICATED
    if isinstance(refusal, DomainError) and refusal.code == "removed":
        return CLOSE_REMOVED
    if isinstance(refusal, DomainError | Http404):
        return CLOSE_NOT_FOUND
    raise refusal


_SHARED: dict[tuple[int, int, str, str], Snapshot] = {}


def shared_part(session: LiveSession) -> Snapshot:
    """The snapshot every socket of ``session`` (freshly read) gets at its version, built once per
    version and language: a thousand reconnecting students read it once, not once each."""
    key = (session.pk, session.version, session.state, translation.get_language() or "")
    found = _SHARED.get(key)
    if found is None:
        if len(_SHARED) >= SHARED_CACHE:
            _SHARED.pop(next(iter(_SHARED)))
        found = _SHARED[key] = selectors.snapshot_shared(session)
    return found


def forget_cached() -> None:
    """Drop the shared parts kept by this process (tests: a new database reuses ids)."""
    _SHARED.clear()


def stamped(frame: Snapshot) -> Snapshot:
    return msgspec.structs.replace(frame, server_time=int(timezone.now().timestamp() * 1000))


# --- who the sockets are: their Django sessions and users, read together ---------------------------


def session_data(keys: Sequence[str]) -> dict[str, tuple[User | None, dict[str, int]]]:
    """Each session key's signed-in user (or None) and guest seats, as Django's ``get_user`` would
    find them (active user, known backend, session hash verified), in two queries."""
    wanted = sorted({k for k in keys if k})
    if not wanted:
        return {}
    data = _decoded_sessions(wanted)
    user_ids: dict[str, Any] = {}
    pk_field = User._meta.pk
    assert pk_field is not None
    for key, values in data.items():
        backend = values.get(BACKEND_SESSION_KEY)
        if values.get(SESSION_KEY) is None or backend not in settings.AUTHENTICATION_BACKENDS:
            continue
        try:
            user_ids[key] = pk_field.to_python(values[SESSION_KEY])
        except Exception:  # noqa: S112 - a tampered or stale session: anonymous, as get_user decides
            continue
    users = User.objects.in_bulk(set(user_ids.values())) if user_ids else {}
    found: dict[str, tuple[User | None, dict[str, int]]] = {}
    for key, values in data.items():
        user = users.get(user_ids[key]) if key in user_ids else None
        if user is not None and not _verified(user, values):
            user = None
        guests = values.get(GUESTS_SESSION_KEY)
        found[key] = (user, guests if isinstance(guests, dict) else {})
    return found


def _decoded_sessions(keys: list[str]) -> dict[str, dict[str, Any]]:
    engine = import_module(settings.SESSION_ENGINE)
    if settings.SESSION_ENGINE != _DB_SESSIONS:  # another engine: one load each, as Channels does
        return {key: dict(engine.SessionStore(key).load()) for key in keys}
    from django.contrib.sessions.models import Session

    store = engine.SessionStore()
    rows = Session.objects.filter(session_key__in=keys, expire_date__gt=timezone.now()).values_list(
        "session_key", "session_data"
    )
    return {key: store.decode(data) for key, data in rows}


def _verified(user: User, values: dict[str, Any]) -> bool:
    backend = load_backend(values[BACKEND_SESSION_KEY])
    if type(backend).get_user is not ModelBackend.get_user:  # pragma: no cover - all ours are ModelBackends
        if backend.get_user(user.pk) is None:
            return False
    elif not isinstance(backend, ModelBackend) or not backend.user_can_authenticate(user):
        return False
    session_hash = values.get(HASH_SESSION_KEY)
    if not session_hash:
        return False
    if constant_time_compare(session_hash, user.get_session_auth_hash()):
        return True
    return any(constant_time_compare(session_hash, h) for h in user.get_session_auth_fallback_hash())
