"""WebSocket consumers. Thin: authenticate from scope, parse against the protocol, act, reply."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.http import Http404

from classrooms import live, live_hub, live_protocol
from classrooms.protocol import ProtocolError, TokenBucket, error_frame, parse_frame

CLOSE_UNAUTHENTICATED = 4401


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
            await self.send_json(error_frame("rate_limited", "Too many frames; slow down."))
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
            raise ProtocolError("unknown_type", f"Unknown frame type {frame['type'][:40]!r}.")
        ref = frame.get("id")
        if not isinstance(ref, str) or not 1 <= len(ref) <= 64:
            raise ProtocolError("invalid_frame", "An echo frame needs an 'id' string of 1–64 characters.")
        return {"type": "ack", "ref": ref, "payload": frame.get("payload"), "server_time": int(time.time() * 1000)}

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content, ensure_ascii=False))


CLOSE_NOT_FOUND = 4404
CLOSE_REMOVED = 4403
GUESTS_SESSION_KEY = "live_guests"


class LiveSessionConsumer(RefusingConsumerMixin, AsyncWebsocketConsumer):
    """One socket of a live session: teacher, student or guest. Thin: authenticate from scope,
    validate the frame against ``live_protocol``, call a ``live`` service, reply with an ack, an
    error frame or a snapshot. Events reach the socket through the process's hub (``live_hub``),
    so the socket has no channel-layer channel of its own."""

    channel_layer_alias = "live sockets have no channel of their own"  # not a configured alias: None

    session_id: int
    role: str
    participant_id: int | None = None

    async def connect(self) -> None:
        from classrooms.access import live_seat

        session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        guests = (self.scope.get("session") or {}).get(GUESTS_SESSION_KEY) or {}
        try:
            self.session, self.role, self.participant = await database_sync_to_async(live_seat)(
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
        self.session_id = self.session.pk
        self.participant_id = self.participant.pk if self.participant is not None else None
        self.bucket = TokenBucket()
        await self.accept()
        await live_hub.hub().register(self)
        await self.send_json(await self._snapshot())

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "session_id"):
            await live_hub.hub().unregister(self)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not self.bucket.take():
            await self.send_json(error_frame("rate_limited", "Too many frames; slow down."))
            return
        ref = None
        try:
            frame = live_protocol.validate(parse_frame(text_data, bytes_data), self.role)
            ref = frame.get("id") if isinstance(frame.get("id"), str) else None
            reply = await database_sync_to_async(self._handle)(frame)
        except (ProtocolError, live.LiveError) as exc:
            await self.send_json(error_frame(exc.code, exc.message, ref))
            return
        if frame["type"] in live_protocol.NUDGING:
            live_hub.hub().nudge(self.session_id)
        await self.send_json(reply)

    def _handle(self, frame: dict[str, Any]) -> dict[str, Any]:
        kind = frame["type"]
        if kind == "snapshot.get":
            return live.snapshot(self.session, participant=self.participant, is_teacher=self.role == "teacher")
        if kind == "answer.submit":
            assert self.participant is not None
            submitted = live.response_submit(
                self.session,
                self.participant,
                client_id=uuid.UUID(frame["id"]),
                block_id=frame["block"],
                answer=frame["answer"],
            )
            return {"type": "ack", "ref": frame["id"], "duplicate": not submitted.created}
        if kind == "hand.raise":
            assert self.participant is not None
            live.hand_set(self.session, self.participant.pk, raised=frame["raised"])
            return {"type": "ack", "ref": frame.get("id"), "hand": frame["raised"]}
        if kind == "hand.lower":
            live.hand_set(self.session, frame["participant"], raised=False)
            return {"type": "ack", "ref": frame.get("id")}
        actions = {
            "session.run": lambda: live.session_run(self.session),
            "slide.goto": lambda: live.session_goto(self.session, frame["index"]),
            "question.open": lambda: live.question_open(self.session, frame["block"], frame.get("seconds")),
            "question.close": lambda: live.question_close(self.session),
            "results.reveal": lambda: live.results_reveal(self.session, anonymous=frame["anonymous"]),
            "screen.lock": lambda: live.screen_lock(self.session, locked=frame["locked"]),
            "participant.remove": lambda: live.participant_remove(self.session, frame["participant"]),
            "session.end": lambda: live.session_end(self.session),
        }
        self.session = actions[kind]()
        return {"type": "ack", "ref": frame.get("id"), "version": self.session.version}

    async def _snapshot(self) -> dict[str, Any]:
        return await database_sync_to_async(live.snapshot)(
            self.session, participant=self.participant, is_teacher=self.role == "teacher"
        )

    # --- called by the hub ------------------------------------------------------------------------

    async def deliver(self, text: str) -> None:
        await self.send(text_data=text)

    async def terminate(self, code: int) -> None:
        await self.close(code=code)

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=live_hub.encode(content))
