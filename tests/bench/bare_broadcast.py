"""The bare baseline of `tests/bench/live_load.py`: a plain ASGI app (no Django, no Channels).

Run by the same uvicorn, with the same flags, as `edu.asgi:application`, so every figure of the
real server can be printed as a ratio to it. It speaks just enough of the live protocol
(docs/live-protocol.md) for the load client:

- `/ws/live/<id>/` accepts every socket (`?role=teacher` marks the teacher) and sends a small
  snapshot-like frame;
- the teacher's `slide.goto` / `question.open` bump a version and broadcast an event frame of the
  real shape (`{"type":"event","version":v,"kind":"slide.changed","data":{"index":n}}`) to every
  socket of the session, serialised once; the teacher gets `{"type":"ack","ref":…,"version":v}`;
- a student's `answer.submit` is acknowledged at once (`{"type":"ack","ref":id,"duplicate":…}`),
  kept in memory, and the teacher gets a `tally` frame at most every 200 ms, as protocol v2 asks;
- `GET /healthz` answers 200 and `GET /stats` the in-memory answer counts, as JSON.

Each socket has its own queue and writer task, as a Channels consumer has, so one slow socket
never holds up a broadcast. It stores nothing: it is the floor the real server is compared to.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

PATH = re.compile(r"^/ws/live/(\d+)/$")
TALLY_INTERVAL = 0.2  # seconds between two tally frames, as in protocol v2
SLIDE_COUNT = 6


class Socket:
    def __init__(self, role: str, participant: int) -> None:
        self.role = role
        self.participant = participant
        self.queue: asyncio.Queue[str] = asyncio.Queue()

    def put(self, text: str) -> None:
        self.queue.put_nowait(text)


class Room:
    """One live session, in memory."""

    def __init__(self) -> None:
        self.version = 1
        self.slide = 0
        self.block = ""
        self.sockets: set[Socket] = set()
        self.answers: dict[str, dict[str, int]] = {}  # block -> answer id -> participant
        self.tally_sent_at = 0.0
        self.tally_pending = False
        self.next_participant = 1

    def snapshot(self, socket: Socket) -> str:
        frame: dict[str, Any] = {
            "type": "snapshot",
            "protocol": 2,
            "version": self.version,
            "server_time": int(time.time() * 1000),
            "state": "running",
            "slide": {"index": self.slide, "count": SLIDE_COUNT},
            "question": {"block": self.block, "kind": "numeric", "deadline": None, "revealed": False},
            "locked": False,
            "results": None,
        }
        if socket.role == "teacher":
            frame["teacher"] = {"code": "BENCH2", "open": False, "roster": [], "tally": None}
        else:
            frame["me"] = {"participant": socket.participant, "nickname": "학생", "hand": False, "answers": {}}
        return json.dumps(frame, ensure_ascii=False)

    def broadcast(self, kind: str, data: dict[str, Any]) -> int:
        self.version += 1
        text = json.dumps({"type": "event", "version": self.version, "kind": kind, "data": data}, ensure_ascii=False)
        for socket in self.sockets:
            socket.put(text)
        return self.version

    def handle(self, socket: Socket, text: str) -> dict[str, Any] | None:
        try:
            frame = json.loads(text)
        except ValueError:
            return {"type": "error", "code": "invalid_json", "message": "The frame is not valid JSON."}
        if not isinstance(frame, dict):
            return {"type": "error", "code": "invalid_frame", "message": "A frame must be a JSON object."}
        kind = frame.get("type")
        ref = frame.get("id")
        if kind == "snapshot.get":
            socket.put(self.snapshot(socket))
            return None
        if kind == "answer.submit" and socket.role == "student":
            block = frame.get("block")
            if not block or block != self.block:
                return {"type": "error", "code": "question_closed", "message": "This question is not open.", "ref": ref}
            answers = self.answers.setdefault(block, {})
            duplicate = ref in answers
            answers[str(ref)] = socket.participant
            self.tally_soon()
            return {"type": "ack", "ref": ref, "duplicate": duplicate}
        if socket.role != "teacher":
            return {"type": "error", "code": "forbidden", "message": "You may not send this frame.", "ref": ref}
        if kind == "slide.goto":
            index = frame.get("index")
            if not isinstance(index, int) or not 0 <= index < SLIDE_COUNT:
                return {"type": "error", "code": "invalid_slide", "message": "There is no such slide.", "ref": ref}
            self.slide = index
            return {"type": "ack", "ref": ref, "version": self.broadcast("slide.changed", {"index": index})}
        if kind == "question.open":
            self.block = str(frame.get("block", ""))
            data = {"block": self.block, "kind": "numeric", "deadline": None}
            return {"type": "ack", "ref": ref, "version": self.broadcast("question.opened", data)}
        if kind == "question.close":
            closed, self.block = self.block, ""
            return {"type": "ack", "ref": ref, "version": self.broadcast("question.closed", {"block": closed})}
        return {"type": "error", "code": "unknown_type", "message": "Unknown frame type.", "ref": ref}

    def tally_soon(self) -> None:
        """At most one tally frame per TALLY_INTERVAL, the first at once (leading edge)."""
        if self.tally_pending:
            return
        self.tally_pending = True
        delay = max(0.0, self.tally_sent_at + TALLY_INTERVAL - time.monotonic())
        asyncio.get_running_loop().call_later(delay, self.send_tally)

    def send_tally(self) -> None:
        self.tally_pending = False
        self.tally_sent_at = time.monotonic()
        answered = len(set(self.answers.get(self.block, {}).values()))
        total = sum(1 for socket in self.sockets if socket.role == "student")
        text = json.dumps(
            {
                "type": "tally",
                "block": self.block,
                "answered": answered,
                "total": total,
                "correct": None,
                "distribution": [],
            }
        )
        for socket in self.sockets:
            if socket.role == "teacher":
                socket.put(text)


rooms: dict[int, Room] = {}


async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope["type"] == "http":
        await _http(scope, send)
    elif scope["type"] == "websocket":
        await _websocket(scope, receive, send)


async def _http(scope: dict[str, Any], send: Send) -> None:
    if scope["path"] == "/stats":
        body = json.dumps(
            {
                str(room_id): {
                    "sockets": len(room.sockets),
                    "answers": {block: len(ids) for block, ids in room.answers.items()},
                }
                for room_id, room in rooms.items()
            }
        ).encode()
        status = 200
    else:
        status, body = (200, b"ok") if scope["path"] == "/healthz" else (404, b"not found")
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})


async def _writer(socket: Socket, send: Send) -> None:
    while True:
        text = await socket.queue.get()
        await send({"type": "websocket.send", "text": text})


async def _websocket(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    first = await receive()
    if first["type"] != "websocket.connect":
        return
    match = PATH.match(scope["path"])
    if match is None:
        await send({"type": "websocket.close", "code": 4404})
        return
    room = rooms.setdefault(int(match[1]), Room())
    role = "teacher" if b"role=teacher" in scope.get("query_string", b"") else "student"
    socket = Socket(role, room.next_participant)
    room.next_participant += 1
    await send({"type": "websocket.accept"})
    room.sockets.add(socket)
    socket.put(room.snapshot(socket))
    writer = asyncio.create_task(_writer(socket, send))
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                break
            text = message.get("text")
            if text is None:
                continue
            reply = room.handle(socket, text)
            if reply is not None:
                socket.put(json.dumps(reply, ensure_ascii=False))
    finally:
        room.sockets.discard(socket)
        writer.cancel()
