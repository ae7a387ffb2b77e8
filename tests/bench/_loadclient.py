"""Student sockets for `tests/bench/live_load.py`, run as a subprocess (one or more per run).

The parent writes one JSON line of configuration on stdin, then one JSON command per line; the
worker answers each command with one JSON line on stdout (``expect`` first answers
``{"armed": true}``, then its result). Receipt times are ``time.time()`` on the machine clock,
shared with the parent, which stamps the teacher's actions with the same clock.

Commands:
- ``{"cmd":"connect","timeout":s}`` - open every socket at once; per socket: start, snapshot time;
- ``{"cmd":"expect","kind":"slide.changed","field":"index","value":2,"timeout":s}`` - arm, then
  report when every open socket has received that event;
- ``{"cmd":"answer","at":t0,"block":id,"answers":["0.75","3/4"],"timeout":s}`` - at wall time ``t0``
  every open socket sends one ``answer.submit`` (a fresh UUID, the answers in turn); report the ack
  times and error codes;
- ``{"cmd":"close"}`` - close the sockets and exit.

Frames are matched by a substring test before any JSON parsing, so a flood of unrelated events
costs the client as little as possible.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
import uuid
from collections import Counter
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin


class Student:
    def __init__(self, url: str, cookie: str) -> None:
        self.url = url
        self.cookie = cookie
        self.ws: ClientConnection | None = None
        self.started = 0.0
        self.snapshot_at: float | None = None
        self.error: str | None = None
        self.expect_token: str | None = None
        self.expect_field = ""
        self.expect_value: Any = None
        self.received_at: float | None = None
        self.answer_id: str | None = None
        self.acked_at: float | None = None
        self.errors: Counter[str] = Counter()
        self.frames = 0


class Worker:
    def __init__(self, config: dict[str, Any]) -> None:
        self.deflate = bool(config.get("deflate", True))
        self.students = [Student(url, cookie) for url, cookie in config["targets"]]
        self.pending = 0
        self.done = asyncio.Event()
        self.readers: list[asyncio.Task[None]] = []

    # --- connections ---------------------------------------------------------------------------

    async def open(self, student: Student, timeout: float) -> None:
        origin = Origin(student.url.replace("ws://", "http://", 1).split("/ws/", 1)[0])
        student.started = time.time()
        try:
            async with asyncio.timeout(timeout):
                student.ws = await connect(
                    student.url,
                    origin=origin,
                    additional_headers={"Cookie": student.cookie},
                    compression="deflate" if self.deflate else None,
                    proxy=None,
                    open_timeout=None,
                    ping_interval=None,
                    close_timeout=2,
                    max_queue=None,
                )
                first = await student.ws.recv()
            student.snapshot_at = time.time()
            if '"snapshot"' not in first:
                student.error = "first frame not a snapshot"
        except TimeoutError:
            student.error = "timeout"
        except ConnectionClosed as exc:
            student.error = f"closed {exc.rcvd.code if exc.rcvd else 'without close frame'}"
        except Exception as exc:
            student.error = f"{type(exc).__name__}: {exc}"[:120]
        if student.error is None and student.ws is not None:
            self.readers.append(asyncio.create_task(self.read(student, student.ws)))

    async def read(self, student: Student, ws: ClientConnection) -> None:
        try:
            async for message in ws:
                now = time.time()
                student.frames += 1
                if not isinstance(message, str):
                    continue
                if student.expect_token is not None and student.expect_token in message:
                    frame = json.loads(message)
                    if frame.get("data", {}).get(student.expect_field) == student.expect_value:
                        student.received_at = now
                        student.expect_token = None
                        self.settle()
                elif student.answer_id is not None and student.acked_at is None and '"ack"' in message:
                    frame = json.loads(message)
                    if frame.get("ref") == student.answer_id:
                        student.acked_at = now
                        self.settle()
                elif '"error"' in message:
                    frame = json.loads(message)
                    student.errors[str(frame.get("code"))] += 1
                    if student.answer_id is not None and frame.get("ref") == student.answer_id:
                        student.acked_at = -1.0  # refused: not acknowledged, but settled
                        self.settle()
        except ConnectionClosed as exc:
            student.error = f"closed {exc.rcvd.code if exc.rcvd else 'without close frame'} while open"
        if student.expect_token is not None or (student.answer_id is not None and student.acked_at is None):
            student.expect_token = None
            self.settle()

    def settle(self) -> None:
        self.pending -= 1
        if self.pending <= 0:
            self.done.set()

    def open_students(self) -> list[Student]:
        return [s for s in self.students if s.ws is not None and s.error is None]

    async def wait(self, timeout: float) -> bool:
        try:
            async with asyncio.timeout(timeout):
                await self.done.wait()
            return True
        except TimeoutError:
            return False

    # --- commands ------------------------------------------------------------------------------

    async def cmd_connect(self, command: dict[str, Any]) -> dict[str, Any]:
        cpu = time.process_time()
        timeout = float(command["timeout"])
        await asyncio.gather(*(self.open(s, timeout) for s in self.students))
        errors = Counter(s.error for s in self.students if s.error is not None)
        return {
            "started": [s.started for s in self.students],
            "snapshot": [s.snapshot_at for s in self.students],
            "errors": dict(errors),
            "cpu": time.process_time() - cpu,
        }

    async def cmd_expect(self, command: dict[str, Any]) -> dict[str, Any]:
        students = self.open_students()
        self.done.clear()
        self.pending = len(students)
        token = '"' + str(command["kind"]) + '"'
        for s in students:
            s.received_at = None
            s.expect_field, s.expect_value = command["field"], command["value"]
            s.expect_token = token
        self.reply({"armed": True})
        cpu = time.process_time()
        complete = await self.wait(float(command["timeout"])) if students else True
        for s in students:
            s.expect_token = None
        return {
            "times": [s.received_at for s in students if s.received_at is not None],
            "missing": sum(1 for s in students if s.received_at is None),
            "complete": complete,
            "cpu": time.process_time() - cpu,
        }

    async def cmd_answer(self, command: dict[str, Any]) -> dict[str, Any]:
        students = self.open_students()
        self.done.clear()
        self.pending = len(students)
        answers = command["answers"]
        frames = []
        for i, s in enumerate(students):
            s.answer_id, s.acked_at = str(uuid.uuid4()), None
            s.errors.clear()
            answer = answers[i % len(answers)]
            frames.append(
                json.dumps({"type": "answer.submit", "id": s.answer_id, "block": command["block"], "answer": answer})
            )
        await asyncio.sleep(max(0.0, float(command["at"]) - time.time()))
        cpu = time.process_time()
        sent_at = time.time()
        results = await asyncio.gather(
            *(s.ws.send(frame) for s, frame in zip(students, frames, strict=True) if s.ws is not None),
            return_exceptions=True,
        )
        sent_done = time.time()
        send_errors = sum(1 for r in results if isinstance(r, BaseException))
        complete = await self.wait(float(command["timeout"])) if students else True
        errors: Counter[str] = Counter()
        for s in students:
            errors.update(s.errors)
            s.answer_id = None
        return {
            "acks": [s.acked_at for s in students if s.acked_at is not None and s.acked_at > 0],
            "refused": sum(1 for s in students if s.acked_at == -1.0),
            "missing": sum(1 for s in students if s.acked_at is None),
            "errors": dict(errors),
            "send_errors": send_errors,
            "sent": [sent_at, sent_done],
            "complete": complete,
            "cpu": time.process_time() - cpu,
        }

    async def cmd_close(self) -> dict[str, Any]:
        async def close(s: Student) -> None:
            if s.ws is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(s.ws.close(), 3)

        await asyncio.gather(*(close(s) for s in self.students))
        for reader in self.readers:
            reader.cancel()
        return {"closed": len(self.students), "frames": sum(s.frames for s in self.students)}

    def reply(self, data: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(data) + "\n")
        sys.stdout.flush()


async def serve() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**24)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    worker = Worker(json.loads(await reader.readline()))
    worker.reply({"ready": len(worker.students)})
    while line := await reader.readline():
        command = json.loads(line)
        if command["cmd"] == "connect":
            worker.reply(await worker.cmd_connect(command))
        elif command["cmd"] == "expect":
            worker.reply(await worker.cmd_expect(command))
        elif command["cmd"] == "answer":
            worker.reply(await worker.cmd_answer(command))
        elif command["cmd"] == "close":
            worker.reply(await worker.cmd_close())
            return


def main() -> None:
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve())
    else:
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            runner.run(serve())


if __name__ == "__main__":
    main()
