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
- ``{"cmd":"watch","on":true}`` - from now on a socket that drops reconnects on its own, as the
  real client does (`frontend/src/transport/backoff.ts` and `socket.ts`: full jitter, the first
  retry within 0-1 s, the ceiling doubling per failed attempt up to 15 s; after a close 1013
  "busy" the longer busy backoff, 1-4 s, 2-8 s ... up to 30 s; 4401/4403/4404/1000 are terminal),
  and an answer not yet acknowledged is sent again, with the same id, once the new socket has its
  snapshot;
- ``{"cmd":"back","match":":8001/","timeout":s}`` - wait until every socket whose URL contains
  ``match`` has dropped and is back with a snapshot; per such socket: drop time, back time,
  attempts, close codes seen while reconnecting;
- ``{"cmd":"close"}`` - close the sockets and exit.

``connect`` also retries (same policy) a socket refused with 1013 or a connection error, until its
timeout: a server that sheds a storm is measured as the clients would live it.

Frames are matched by a substring test before any JSON parsing, so a flood of unrelated events
costs the client as little as possible.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sys
import time
import uuid
from collections import Counter
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin

TERMINAL = {1000, 4401, 4403, 4404}


class Student:
    def __init__(self, url: str, cookie: str) -> None:
        self.url = url  # where the next attempt goes
        self.home = url  # the worker it joined first (the kill phase finds the killed worker's students by it)
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
        self.joined = False  # had a snapshot once
        self.attempts = 0  # connection attempts of the current (re)connect
        self.busy_attempts = 0  # of those, closed 1013 "busy"
        self.codes: Counter[str] = Counter()  # why attempts failed (close codes, errors)
        self.dropped_at: float | None = None
        self.back_at: float | None = None
        self.pending_frame: str | None = None  # an answer not yet acknowledged (re-sent after a reconnect)
        self.duplicate = False  # its ack said duplicate (stored before: a re-send of an answer kept)
        self.reconnecting = False


def close_code(exc: ConnectionClosed) -> int | None:
    return exc.rcvd.code if exc.rcvd else None


class Worker:
    def __init__(self, config: dict[str, Any]) -> None:
        self.deflate = bool(config.get("deflate", True))
        self.students = [Student(url, cookie) for url, cookie in config["targets"]]
        # A load balancer in front of the workers: an attempt refused by a dead worker goes to the
        # next one (``ws://host:port`` bases), as a balancer's health check would route it.
        self.failover: list[str] = [str(base) for base in config.get("failover") or []]
        self.pending = 0
        self.done = asyncio.Event()
        self.readers: list[asyncio.Task[None]] = []
        # (first ceiling s, max ceiling s, floor share), as DEFAULT_BACKOFF and BUSY_BACKOFF in backoff.ts
        self.backoff = tuple(float(x) for x in config.get("backoff", (1.0, 15.0, 0.0)))
        self.busy_backoff = tuple(float(x) for x in config.get("busy_backoff", (4.0, 30.0, 0.25)))
        self.watch = False
        self.closing = False
        self.back = asyncio.Event()

    # --- connections ---------------------------------------------------------------------------

    def delay(self, student: Student, first: int = 0) -> float:
        """The wait before the next attempt, as `backoffDelay` in the browser: uniform in
        [floor * ceiling, ceiling], ceiling = min(max, base * 2^n); n counts the failed attempts of
        this episode (the busy backoff counts only the busy closes); `first`: attempts made before the
        first retry (1 when joining: the browser retries after its first attempt failed)."""
        if student.error == "closed 1013":
            (base, most, floor), n = self.busy_backoff, student.busy_attempts - 1
        else:
            (base, most, floor), n = self.backoff, student.attempts - first
        ceiling = min(most, base * 2 ** max(0, n))
        return ceiling * (floor + (1 - floor) * random.random())

    async def attempt(self, student: Student, timeout: float, relayed: bool = False) -> bool:
        """One connection attempt: True when the socket is open and its first frame is a snapshot.
        With ``failover`` (a load balancer in front), a connection refused by a dead worker is
        passed on to the next one within the same attempt, as a balancer does (nginx's
        ``proxy_next_upstream error``), before the client sees any failure."""
        origin = Origin(student.url.replace("ws://", "http://", 1).split("/ws/", 1)[0])
        student.attempts += 1
        student.error = None
        ws: ClientConnection | None = None
        try:
            async with asyncio.timeout(timeout):
                ws = await connect(
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
                first = await ws.recv()
            if '"snapshot"' not in first:
                student.error = "first frame not a snapshot"
        except TimeoutError:
            student.error = "timeout"
        except ConnectionClosed as exc:
            student.error = f"closed {close_code(exc) or 'without close frame'}"
        except InvalidStatus as exc:
            student.error = f"http {exc.response.status_code}"
        except OSError as exc:
            student.error = f"refused ({type(exc).__name__})" if isinstance(exc, ConnectionError) else str(exc)[:80]
        except Exception as exc:
            student.error = f"{type(exc).__name__}: {exc}"[:120]
        if student.error is not None:
            student.codes[student.error] += 1
            if student.error.startswith("refused") and len(self.failover) > 1 and not relayed:
                self.fail_over(student)
                student.attempts -= 1  # the same attempt, passed on by the balancer
                return await self.attempt(student, timeout, relayed=True)
            if student.error == "closed 1013":
                student.busy_attempts += 1
            if ws is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(ws.close(), 1)
            return False
        assert ws is not None
        student.ws = ws
        student.snapshot_at = time.time()
        student.joined = True
        return True

    def fail_over(self, student: Student) -> None:
        for i, base in enumerate(self.failover):
            if student.url.startswith(base + "/"):
                following = self.failover[(i + 1) % len(self.failover)]
                student.url = following + student.url[len(base) :]
                return

    @staticmethod
    def terminal(error: str | None) -> bool:
        """What the real client does not retry: 4401/4403/4404/1000, and a refused handshake (4xx)."""
        if error is None:
            return False
        if error.startswith("http 4") and error != "http 429":
            return True
        return any(error == f"closed {code}" for code in TERMINAL)

    async def open(self, student: Student, timeout: float) -> None:
        """The join: attempts with backoff (a 1013 or a refused connection is retried) until `timeout`."""
        student.started = time.time()
        deadline = time.monotonic() + timeout
        student.attempts = student.busy_attempts = 0
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                student.error = student.error or "timeout"
                return
            if await self.attempt(student, left):
                self.readers.append(asyncio.create_task(self.read(student, student.ws)))  # type: ignore[arg-type]
                return
            if self.terminal(student.error) or student.error in ("timeout", "first frame not a snapshot"):
                return
            await asyncio.sleep(min(self.delay(student, 1), max(0.0, deadline - time.monotonic())))

    async def reconnect(self, student: Student) -> None:
        """The real client after a drop: jittered backoff, first attempt soon; then re-send what is unacked."""
        student.reconnecting = True
        student.attempts = student.busy_attempts = 0  # the dropped connection had been healthy (open > 5 s)
        student.back_at = None
        try:
            while not self.closing:
                await asyncio.sleep(self.delay(student))
                if self.closing:
                    return
                # No timeout of our own on an attempt (the browser has none): a slow server is waited for.
                if await self.attempt(student, 600):
                    student.back_at = student.snapshot_at
                    assert student.ws is not None
                    if student.pending_frame is not None:
                        with contextlib.suppress(Exception):
                            await student.ws.send(student.pending_frame)
                    self.readers.append(asyncio.create_task(self.read(student, student.ws)))
                    self.back.set()
                    return
                if self.terminal(student.error):
                    self.back.set()
                    return
        finally:
            student.reconnecting = False

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
                        student.pending_frame = None
                        student.duplicate = bool(frame.get("duplicate"))
                        self.settle()
                elif '"error"' in message:
                    frame = json.loads(message)
                    student.errors[str(frame.get("code"))] += 1
                    if student.answer_id is not None and frame.get("ref") == student.answer_id:
                        student.acked_at = -1.0  # refused: not acknowledged, but settled
                        student.pending_frame = None
                        self.settle()
        except ConnectionClosed as exc:
            student.error = f"closed {close_code(exc) or 'without close frame'} while open"
        if ws is not student.ws:
            return
        if (
            self.watch
            and not self.closing
            and not self.terminal(student.error.removesuffix(" while open") if student.error else None)
        ):
            student.dropped_at = time.time()
            student.codes[student.error or "ended"] += 1
            student.ws = None
            self.readers.append(asyncio.create_task(self.reconnect(student)))
            return
        if student.expect_token is not None or (student.answer_id is not None and student.acked_at is None):
            student.expect_token = None
            self.settle()

    def settle(self) -> None:
        self.pending -= 1
        if self.pending <= 0:
            self.done.set()

    def open_students(self) -> list[Student]:
        if self.watch:  # a socket that is reconnecting still counts: it will get there
            return [s for s in self.students if s.joined]
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
        retried: Counter[str] = Counter()
        for s in self.students:
            retried.update(s.codes)
            s.codes.clear()
        return {
            "started": [s.started for s in self.students],
            "snapshot": [s.snapshot_at if s.error is None else None for s in self.students],
            "errors": dict(errors),
            "retried": dict(retried),
            "attempts": sum(s.attempts for s in self.students),
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
            s.answer_id, s.acked_at, s.duplicate = str(uuid.uuid4()), None, False
            s.errors.clear()
            answer = answers[i % len(answers)]
            frames.append(
                json.dumps({"type": "answer.submit", "id": s.answer_id, "block": command["block"], "answer": answer})
            )
        await asyncio.sleep(max(0.0, float(command["at"]) - time.time()))
        cpu = time.process_time()
        sent_at = time.time()

        async def send(s: Student, frame: str) -> None:
            s.pending_frame = frame  # kept until acknowledged: re-sent after a reconnect
            if s.ws is None:
                raise ConnectionError("reconnecting")
            await s.ws.send(frame)

        results = await asyncio.gather(
            *(send(s, frame) for s, frame in zip(students, frames, strict=True)), return_exceptions=True
        )
        sent_done = time.time()
        send_errors = sum(1 for r in results if isinstance(r, BaseException))
        complete = await self.wait(float(command["timeout"])) if students else True
        errors: Counter[str] = Counter()
        acked_ids = [s.answer_id for s in students if s.acked_at is not None and s.acked_at > 0]
        for s in students:
            errors.update(s.errors)
            s.answer_id = None
            s.pending_frame = None
        return {
            "acks": [s.acked_at for s in students if s.acked_at is not None and s.acked_at > 0],
            "acked_ids": acked_ids,
            "duplicates": sum(1 for s in students if s.duplicate),
            "refused": sum(1 for s in students if s.acked_at == -1.0),
            "missing": sum(1 for s in students if s.acked_at is None),
            "errors": dict(errors),
            "send_errors": send_errors,
            "sent": [sent_at, sent_done],
            "complete": complete,
            "cpu": time.process_time() - cpu,
        }

    def cmd_watch(self, command: dict[str, Any]) -> dict[str, Any]:
        self.watch = bool(command.get("on", True))
        for s in self.students:
            s.dropped_at = s.back_at = None
            s.codes.clear()
        return {"watching": self.watch}

    async def cmd_back(self, command: dict[str, Any]) -> dict[str, Any]:
        match = str(command["match"])
        mine = [s for s in self.students if match in s.home and s.joined]
        deadline = time.monotonic() + float(command["timeout"])

        def settled(s: Student) -> bool:
            if s.dropped_at is None or s.reconnecting:
                return False
            return s.back_at is not None or self.terminal(s.error)

        while not all(settled(s) for s in mine) and time.monotonic() < deadline:
            self.back.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.back.wait(), min(0.2, max(0.01, deadline - time.monotonic())))
        codes: Counter[str] = Counter()
        for s in mine:
            codes.update(s.codes)
        return {
            "students": len(mine),
            "dropped": [s.dropped_at for s in mine if s.dropped_at is not None],
            "back": [s.back_at for s in mine if s.back_at is not None],
            "not_dropped": sum(1 for s in mine if s.dropped_at is None),
            "not_back": sum(1 for s in mine if s.dropped_at is not None and s.back_at is None),
            "attempts": [s.attempts for s in mine if s.back_at is not None],
            "codes": dict(codes),
        }

    async def cmd_close(self) -> dict[str, Any]:
        self.closing = True

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
        elif command["cmd"] == "watch":
            worker.reply(worker.cmd_watch(command))
        elif command["cmd"] == "back":
            worker.reply(await worker.cmd_back(command))
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
