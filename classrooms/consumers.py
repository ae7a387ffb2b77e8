"""WebSocket consumers. Thin: authenticate from scope, parse against the protocol, act, reply."""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from classrooms import live, live_hub, live_protocol
from classrooms.live_models import LiveSession, Participant
from classrooms.protocol import ProtocolError, TokenBucket, error_frame, parse_frame, rate_limited_frame

CLOSE_UNAUTHENTICATED = 4401
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
        self.bucket = TokenBucket()
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not self.bucket.take():
            await self.send_json(rate_limited_frame())
            return
        try:
            frame = parse_frame(text_data, bytes_data)
            reply = self.handle(frame)
        except ProtocolError as exc:
            await self.send_json(error_frame(exc.code, exc.message))
            return
        await self.send_json(reply)

    def handle(self, frame: dict[str, Any]) -> dict[str, Any]:
        if frame["type"] != "echo":
            raise ProtocolError("unknown_type", _("Unknown message type %(type)r.") % {"type": frame["type"][:40]})
        ref = frame.get("id")
        if not isinstance(ref, str) or not 1 <= len(ref) <= 64:
            raise ProtocolError("invalid_frame", _("An echo frame needs an 'id' string of 1–64 characters."))
        return {"type": "ack", "ref": ref, "payload": frame.get("payload"), "server_time": int(time.time() * 1000)}

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content, ensure_ascii=False))


CLOSE_NOT_FOUND = 4404
CLOSE_SERVER_ERROR = 1011
CLOSE_REMOVED = 4403
GUESTS_SESSION_KEY = "live_guests"


class LiveSessionConsumer(RefusingConsumerMixin, AsyncWebsocketConsumer):
    """One socket of a live session: teacher, student or guest. Thin: authenticate from scope,
    validate the frame against ``live_protocol``, call a ``live`` service, reply with an ack, an
    error frame or a snapshot. Events reach the socket through the process's hub (``live_hub``),
    so the socket has no channel-layer channel of its own. It keeps ids, not the session and its
    lesson: every service reads the session afresh, and a thousand sockets share one lesson."""

    channel_layer_alias = "live sockets have no channel of their own"  # not a configured alias: None

    session_id: int
    role: str
    participant_id: int | None = None
    participant: Participant | None = None
    language: str = settings.LANGUAGE_CODE

    async def connect(self) -> None:
        from classrooms.access import live_seat

        cookies = self.scope.get("cookies") or {}
        chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME, "")
        self.language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        guests = (self.scope.get("session") or {}).get(GUESTS_SESSION_KEY) or {}
        try:
            session, self.role, self.participant = await database_sync_to_async(live_seat)(
                self.scope.get("user"), guests, session_id
            )
        except PermissionError:
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        except live.LiveError as exc:
            await self.refuse(CLOSE_REMOVED if exc.code == "removed" else CLOSE_NOT_FOUND)
            return
        except Http404:
            await self.refuse(CLOSE_NOT_FOUND)
            return
        self.session_id = session.pk
        if self.participant is not None:  # keep the id only, not the session and lesson it has loaded
            self.participant_id = self.participant.pk
            self.participant = Participant(pk=self.participant.pk, session_id=session.pk)
        self.bucket = TokenBucket()
        await self.accept()
        try:
            await live_hub.hub().register(self)
            await self.send_json(await self._snapshot())
        except Exception:
            logger.exception("live: opening a socket of session %s failed", self.session_id)
            await live_hub.hub().unregister(self)
            await self.close(code=CLOSE_SERVER_ERROR)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "session_id"):
            await live_hub.hub().unregister(self)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        with translation.override(self.language):
            await self._receive(text_data, bytes_data)

    async def _receive(self, text_data: str | None, bytes_data: bytes | None) -> None:
        if not self.bucket.take():
            await self.send_json(rate_limited_frame())
            return
        ref, kind = None, "?"
        try:
            raw = parse_frame(text_data, bytes_data)
            ref = raw["id"] if isinstance(raw.get("id"), str) and len(raw["id"]) <= live_protocol.MAX_ID else None
            frame = live_protocol.validate(raw, self.role)
            kind = frame["type"]
            if kind == "answer.submit":
                reply = await self._answer(frame)
            else:
                reply = await database_sync_to_async(self._handle)(frame)
        except (ProtocolError, live.LiveError) as exc:
            await self.send_json(error_frame(exc.code, exc.message, ref))
            if exc.code == "removed":
                await self.close(code=CLOSE_REMOVED)
            return
        except Exception:  # never let a frame take the socket down; nothing of the frame is logged
            logger.exception("live: a %s frame of session %s failed", kind[:40], self.session_id)
            await self.send_json(error_frame("server_error", _("Something went wrong. Try again."), ref))
            return
        if kind in live_protocol.NUDGING:
            live_hub.hub().nudge(self.session_id)
        await self.send_json(reply)

    async def _answer(self, frame: dict[str, Any]) -> dict[str, Any]:
        assert self.participant_id is not None
        item = live.AnswerIn(self.participant_id, uuid.UUID(frame["id"]), frame["block"], frame["answer"])
        submitted = await live_hub.hub().submit(self.session_id, item)
        return {"type": "ack", "ref": frame["id"], "duplicate": not submitted.created}

    def _session(self) -> LiveSession:
        return LiveSession(pk=self.session_id)  # services lock and read the row themselves

    def _handle(self, frame: dict[str, Any]) -> dict[str, Any]:
        kind = frame["type"]
        if kind == "snapshot.get":
            return live.snapshot(self._session(), participant=self.participant, is_teacher=self.role == "teacher")
        if kind == "hand.raise":
            assert self.participant_id is not None
            live.hand_set(self._session(), self.participant_id, raised=frame["raised"])
            return {"type": "ack", "ref": frame.get("id"), "hand": frame["raised"]}
        if kind == "hand.lower":
            live.hand_set(self._session(), frame["participant"], raised=False)
            return {"type": "ack", "ref": frame.get("id")}
        session = self._session()
        actions = {
            "session.run": lambda: live.session_run(session),
            "slide.goto": lambda: live.session_goto(session, frame["index"]),
            "question.open": lambda: live.question_open(session, frame["block"], frame.get("seconds")),
            "question.close": lambda: live.question_close(session),
            "results.reveal": lambda: live.results_reveal(session, anonymous=frame["anonymous"]),
            "screen.lock": lambda: live.screen_lock(session, locked=frame["locked"]),
            "participant.remove": lambda: live.participant_remove(session, frame["participant"]),
            "session.end": lambda: live.session_end(session),
        }
        return {"type": "ack", "ref": frame.get("id"), "version": actions[kind]().version}

    async def _snapshot(self) -> dict[str, Any]:
        with translation.override(self.language):
            return await database_sync_to_async(live.snapshot)(
                self._session(), participant=self.participant, is_teacher=self.role == "teacher"
            )

    # --- called by the hub ------------------------------------------------------------------------

    async def deliver(self, text: str) -> None:
        await self.send(text_data=text)

    async def terminate(self, code: int) -> None:
        await self.close(code=code)

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=live_hub.encode(content))
