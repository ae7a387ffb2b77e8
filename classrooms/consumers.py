"""WebSocket consumers. Thin: authenticate from scope, parse against the protocol, act, reply."""

from __future__ import annotations

import json
import time
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer

from classrooms.protocol import ProtocolError, TokenBucket, error_frame, parse_frame

CLOSE_UNAUTHENTICATED = 4401


class EchoConsumer(AsyncWebsocketConsumer):
    """Acknowledges every ``echo`` frame: the transport's round trip, and the network check page.

    ``{"type":"echo","id":"…","payload":…}`` → ``{"type":"ack","ref":"…","payload":…,"server_time":ms}``
    """

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
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
