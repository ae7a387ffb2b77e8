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

It is the floor the real server is compared to, so it is minimal: a broadcast serialises the
frame once, builds one ASGI message and awaits each socket's ASGI `send` with it in a plain loop,
with nothing else in the loop (no per-socket queue, no writer task, no gather). Under uvicorn's
default WebSocket implementation (websockets-sansio) `send` writes the frame to the transport at
once and only suspends when that transport is paused (a full buffer), so the loop costs one
frame encoding per socket and nothing more. It stores nothing but the in-memory answers.

Measured against the two other ways to write the same broadcast (set `BARE_BROADCAST=gather` or
`=queue` to run them; `live_load.py` prints the mode): N = 1,000, 15 pushes, three runs each on
the 2-core machine (2026-12-03, load average 1.6-2.9, others' tests running):

| mode | push p50 (ms) | push p95 (ms) | memory per socket (KiB) |
| --- | --- | --- | --- |
| `loop` (this) | 24.9, 32.6, 30.9 | 57.9, 63.1, 55.2 | 25.8, 25.5, 25.8 |
| `gather` | 29.3, 41.4, 43.3 | 112.7, 131.8, 100.4 | 26.2, 24.2, 26.3 |
| `queue` (before issue 12) | 43.7, 29.7, 50.5 | 94.2, 56.9, 137.5 | 28.2, 28.3, 26.3 |

`loop` is the lowest and the steadiest, so it is the floor. `gather` wraps every send in a task
(one more object and one more scheduling round per socket); `queue` (a queue and a writer task
per socket, the shape of a Channels consumer) adds a queue put, a task wake-up per socket and
2-3 KiB per socket, and its tail depends on how the writer tasks happen to be scheduled. The price
of the loop: a socket whose buffer is full holds up the sockets after it in that broadcast -
acceptable for a floor, not for the real server.
"""

from __future__ import annotations

import asyncio
import json
import os
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
MODES = ("loop", "gather", "queue")
MODE = os.environ.get("BARE_BROADCAST", "loop")
if MODE not in MODES:
    raise SystemExit(f"BARE_BROADCAST must be one of {', '.join(MODES)}, not {MODE!r}")


class Socket:
    __slots__ = ("participant", "queue", "role", "send")

    def __init__(self, role: str, participant: int, send: Send) -> None:
        self.role = role
        self.participant = participant
        self.send = send
        self.queue: asyncio.Queue[Message] | None = asyncio.Queue() if MODE == "queue" else None


async def _quiet(send: Send, message: Message) -> None:
    try:  # noqa: SIM105 - the socket went away: its receive loop cleans up
        await send(message)
    except Exception:  # noqa: S110
        pass


async def deliver(sockets: list[Socket], text: str) -> None:
    """Write one frame to every socket, in the mode of this run."""
    message: Message = {"type": "websocket.send", "text": text}
    if MODE == "loop":
        for socket in sockets:
            # try/except costs nothing when nothing is raised (contextlib.suppress would, per socket)
            try:  # noqa: SIM105
                await socket.send(message)
            except Exception:  # noqa: S110 - a socket that went away: its receive loop cleans up
                pass
    elif MODE == "gather":
        await asyncio.gather(*(_quiet(socket.send, message) for socket in sockets))
    else:
        for socket in sockets:
            assert socket.queue is not None
            socket.queue.put_nowait(message)


class Room:
    """One live session, in memory."""

    def __init__(self) -> None:
        self.version = 1
        self.slide = 0
        self.block = ""
        self.sockets: dict[Socket, None] = {}
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

    async def broadcast(self, kind: str, data: dict[str, Any]) -> int:
        self.version += 1
        version = self.version
        text = json.dumps({"type": "event", "version": version, "kind": kind, "data": data}, ensure_ascii=False)
        await deliver(list(self.sockets), text)
        return version

    async def handle(self, socket: Socket, text: str) -> dict[str, Any] | None:
        try:
            frame = json.loads(text)
        except ValueError:
            return {"type": "error", "code": "invalid_json", "message": "The frame is not valid JSON."}
        if not isinstance(frame, dict):
            return {"type": "error", "code": "invalid_frame", "message": "A frame must be a JSON object."}
        kind = frame.get("type")
        ref = frame.get("id")
        if kind == "snapshot.get":
            await deliver([socket], self.snapshot(socket))
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
            return {"type": "ack", "ref": ref, "version": await self.broadcast("slide.changed", {"index": index})}
        if kind == "question.open":
            self.block = str(frame.get("block", ""))
            data = {"block": self.block, "kind": "numeric", "deadline": None}
            return {"type": "ack", "ref": ref, "version": await self.broadcast("question.opened", data)}
        if kind == "question.close":
            closed, self.block = self.block, ""
            return {"type": "ack", "ref": ref, "version": await self.broadcast("question.closed", {"block": closed})}
        return {"type": "error", "code": "unknown_type", "message": "Unknown frame type.", "ref": ref}

    def tally_soon(self) -> None:
        """At most one tally frame per TALLY_INTERVAL, the first at once (leading edge)."""
        if self.tally_pending:
            return
        self.tally_pending = True
        delay = max(0.0, self.tally_sent_at + TALLY_INTERVAL - time.monotonic())
        asyncio.get_running_loop().call_later(delay, lambda: asyncio.ensure_future(self.send_tally()))

    async def send_tally(self) -> None:
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
        await deliver([socket for socket in self.sockets if socket.role == "teacher"], text)


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
    elif scope["path"] == "/mode":
        status, body = 200, MODE.encode()
    else:
        status, body = (200, b"ok") if scope["path"] == "/healthz" else (404, b"not found")
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})


async def _writer(queue: asyncio.Queue[Message], send: Send) -> None:
    while True:
        await send(await queue.get())


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
    socket = Socket(role, room.next_participant, send)
    room.next_participant += 1
    await send({"type": "websocket.accept"})
    writer = asyncio.create_task(_writer(socket.queue, send)) if socket.queue is not None else None
    room.sockets[socket] = None
    await deliver([socket], room.snapshot(socket))
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                break
            text = message.get("text")
            if text is None:
                continue
            reply = await room.handle(socket, text)
            if reply is not None:
                await deliver([socket], json.dumps(reply, ensure_ascii=False))
    finally:
        room.sockets.pop(socket, None)
        if writer is not None:
            writer.cancel()
