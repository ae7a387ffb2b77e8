"""WebSocket consumers: the live session socket and the echo socket of the network check. Thin:
authenticate from scope, parse against the protocol, call a service, reply."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from classrooms.live import frames, hub, protocol, services, snapshots
from classrooms.live.answers import AnswerIn
from classrooms.live.models import LiveSession
from classrooms.live.snapshots import CLOSE_NOT_FOUND, CLOSE_REMOVED, CLOSE_UNAUTHENTICATED
from edu.errors import DomainError

logger = logging.getLogger(__name__)


class RefusingConsumerMixin:
    """Refuse with a close code the browser can read: a close before accept() turns into an HTTP
    403 on the handshake, which browsers report only as 1006 (and clients would keep retrying)."""

    async def refuse(self, code: int) -> None:
        await self.accept()  # type: ignore[attr-defined]
        await self.close(code=code)  # type: ignore[attr-defined]


class EchoConsumer(RefusingConsumerMixin, AsyncWebsocketConsumer):
    """Acknowledges every ``echo`` frame: the transport's round trip, and the network check page.

    ``{"type":"echo","id":"…","payload":…}`` → ``{"type":"ack","ref":"…","payload":…,"server_time":ms}``
    """

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        self.bucket = frames.TokenBucket()
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            if not self.bucket.take():
                raise frames.rate_limited()
            reply = self.handle(frames.parse_frame(text_data, bytes_data))
        except DomainError as exc:
            await self.send(text_data=protocol.encode(frames.error_frame(exc)))
            return
        await self.send(text_data=json.dumps(reply, ensure_ascii=False))

    def handle(self, frame: dict[str, Any]) -> dict[str, Any]:
        if frame["type"] != "echo":
            raise DomainError("unknown_type", _("Unknown message type %(type)r.") % {"type": frame["type"][:40]})
        ref = frame.get("id")
        if not isinstance(ref, str) or not 1 <= len(ref) <= protocol.MAX_ID:
            raise DomainError("invalid_frame", _("An echo frame needs an 'id' string of 1–64 characters."))
        return {"type": "ack", "ref": ref, "payload": frame.get("payload"), "server_time": int(time.time() * 1000)}


CLOSE_SERVER_ERROR = 1011
MAX_ID = 2**63 - 1  # the database's bigint: a larger id is no session (not an error)
MAX_KEY = 64  # longer than any Django session key


class LiveSessionConsumer(RefusingConsumerMixin, AsyncWebsocketConsumer):
    """One socket of a live session: teacher, student or guest. Thin: authenticate from scope,
    validate the frame against the declared protocol (``frames.validate``), call a service, reply
    with an ack, an error frame or a snapshot. Events reach the socket through the process's hub,
    so the socket has no channel-layer channel of its own. It keeps ids, not the session and its
    lesson: every service reads the session afresh, and a thousand sockets share one lesson."""

    channel_layer_alias = "live sockets have no channel of their own"  # not a configured alias: None

    session_id: int
    role: str
    participant_id: int | None = None
    language: str = settings.LANGUAGE_CODE

    async def connect(self) -> None:
        cookies = self.scope.get("cookies") or {}
        chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME, "")
        self.language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        if not 0 < session_id <= MAX_ID:
            await self.refuse(CLOSE_NOT_FOUND)
            return
        key = cookies.get(settings.SESSION_COOKIE_NAME, "")
        the_hub = hub.hub()
        try:
            seat = await the_hub.join(snapshots.JoinIn(session_id, key[:MAX_KEY], self.language))
        except Exception:
            logger.exception("live: seating a socket of session %s failed", session_id)
            await self.refuse(CLOSE_SERVER_ERROR)
            return
        if isinstance(seat, int):
            await self.refuse(seat)
            return
        self.session_id, self.role, self.participant_id = seat.session_id, seat.role, seat.participant_id
        self.bucket = frames.TokenBucket()
        try:
            await self.accept()
        except OSError:  # the client left while it was being seated (a tablet giving up): not an error
            await the_hub.abandon(self.session_id)
            return
        missed = the_hub.register(self, seat.snapshot.version)
        try:
            await self.send_frame(snapshots.stamped(seat.snapshot))
            if missed:  # an event came between the snapshot's read and now: the client fetches again
                await self.send_frame(protocol.Sync(version=the_hub.relayed[self.session_id]))
        except OSError:  # gone before its snapshot; its disconnect unregisters it
            logger.debug("live: a socket of session %s left before its snapshot", self.session_id)

    async def disconnect(self, code: int) -> None:
        self.closing = True
        if hasattr(self, "session_id"):
            hub.hub().unregister(self)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        with translation.override(self.language):
            await self._receive(text_data, bytes_data)

    async def _receive(self, text_data: str | None, bytes_data: bytes | None) -> None:
        ref, kind = None, "?"
        try:
            if not self.bucket.take():
                raise frames.rate_limited()
            raw = frames.parse_frame(text_data, bytes_data)
            ref = frames.ref_of(raw)
            frame = frames.validate(raw, self.role)
            kind = raw["type"]
            if isinstance(frame, protocol.AnswerSubmit):
                reply: protocol.ServerFrame = await self._answer(frame)
            elif isinstance(frame, protocol.SnapshotGet):
                reply = snapshots.stamped(
                    await hub.hub().snapshot(snapshots.SnapshotIn(self.session_id, self.participant_id, self.language))
                )
            else:
                reply = await hub.hub().views.run(self._handle, frame)
        except DomainError as exc:
            await self.send_frame(frames.error_frame(exc, ref))
            if exc.code == "removed":
                await self.close(code=CLOSE_REMOVED)
            return
        except Exception:  # never let a frame take the socket down; nothing of the frame is logged
            logger.exception("live: a %s frame of session %s failed", kind[:40], self.session_id)
            await self.send_frame(
                frames.error_frame(DomainError("server_error", _("Something went wrong. Try again.")), ref)
            )
            return
        if frame.nudges:
            hub.hub().nudge(self.session_id)
        await self.send_frame(reply)

    async def _answer(self, frame: protocol.AnswerSubmit) -> protocol.Ack:
        assert self.participant_id is not None
        attempt = frame.attempt if isinstance(frame.attempt, int) else None
        item = AnswerIn(self.participant_id, uuid.UUID(frame.id), frame.block, frame.answer, attempt=attempt)
        submitted = await hub.hub().submit(self.session_id, item)
        return protocol.Ack(ref=frame.ref, duplicate=not submitted.created)

    def _session(self) -> LiveSession:
        return LiveSession(pk=self.session_id)  # services lock and read the row themselves

    def _handle(self, frame: protocol.ClientFrame) -> protocol.ServerFrame:
        if isinstance(frame, protocol.HandRaise):
            assert self.participant_id is not None
            services.hand_set(self._session(), self.participant_id, raised=frame.raised)
            return protocol.Ack(ref=frame.ref, hand=frame.raised)
        if isinstance(frame, protocol.HandLower):
            services.hand_set(self._session(), frame.participant, raised=False)
            return protocol.Ack(ref=frame.ref)
        return protocol.Ack(ref=frame.ref, version=_TEACHER_ACTIONS[type(frame)](self._session(), frame).version)

    # --- closing: nothing is sent after the close (a reply to ``session.end`` races the hub's close) ----

    closing = False

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        if self.closing:
            return
        self.closing = True
        await super().close(code=code, reason=reason)

    async def send(self, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False) -> None:
        if self.closing:
            return
        await super().send(text_data=text_data, bytes_data=bytes_data, close=close)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch without its ``aclose_old_connections``: that is a trip through the
        shared database thread for every frame a socket receives (and for every connect), though
        this consumer's database work runs in the hub's lanes, which keep their own connections."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']!r}")
        await handler(message)

    # --- called by the hub ------------------------------------------------------------------------

    def deliver(self, text: str) -> Coroutine[Any, Any, None]:
        """The coroutine that writes one frame to the socket: straight to the server's ``send``
        (no consumer layers in between); the hub runs it without a task when it need not wait."""
        return self.base_send({"type": "websocket.send", "text": text}) if not self.closing else _nothing()

    async def terminate(self, code: int) -> None:
        await self.close(code=code)

    async def send_frame(self, frame: protocol.ServerFrame) -> None:
        await self.send(text_data=protocol.encode(frame))


async def _nothing() -> None:
    return None


# What each teacher frame does (their roles are declared in the protocol; frames.validate checks them).
_TEACHER_ACTIONS: dict[type[protocol.ClientFrame], Callable[[LiveSession, Any], LiveSession]] = {
    protocol.SessionRun: lambda session, frame: services.session_run(session),
    protocol.SlideGoto: lambda session, frame: services.session_goto(session, frame.index),
    protocol.QuestionOpen: lambda session, frame: services.question_open(
        session, frame.block, frame.seconds if isinstance(frame.seconds, int) else None, again=frame.again is True
    ),
    protocol.QuestionClose: lambda session, frame: services.question_close(session),
    protocol.ResultsReveal: lambda session, frame: services.results_reveal(session, anonymous=frame.anonymous),
    protocol.ResultsPick: lambda session, frame: services.results_pick(session, list(frame.labels)),
    protocol.ScreenLock: lambda session, frame: services.screen_lock(session, locked=frame.locked),
    protocol.ParticipantRemove: lambda session, frame: services.participant_remove(session, frame.participant),
    protocol.SessionEnd: lambda session, frame: services.session_end(session),
}
