"""A live-session client over a real WebSocket that behaves like the browser's
(`frontend/src/live/client.ts`, `frontend/src/transport/`): it keeps an outbox of reliable frames
until they are acknowledged and re-sends them, in order and with the same id, after every
reconnect; it applies events in version order and asks for a snapshot on a gap or on a ``sync``
frame saying it is behind; it reconnects with a short jittered backoff, trying the other worker
first (a load balancer without sticky sessions), and stops on the terminal close codes. Its
backoff is the browser's (`frontend/src/transport/backoff.ts`, docs/live-protocol.md "Close codes
and reconnecting"): full jitter within 1 s, doubling up to 15 s, and after a busy close (1013) the
longer busy backoff, 1-4 s doubling up to 30 s.

Everything it saw is kept for the test's assertions: snapshots, events, acks, error frames,
rosters and tallies, close codes, and which worker each connection went to."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.typing import Origin

TERMINAL_CLOSE_CODES = {4401, 4403, 4404, 1000}
BUSY_CLOSE_CODE = 1013
SNAPSHOT_RETRY = 5.0
CONNECT_ATTEMPT_TIMEOUT = 30.0
RECHECK = 0.5
MAX_RECONNECT_ATTEMPTS = 30  # one after another without a connection: then the client gives up


def backoff_delay(attempt: int, busy_attempt: int | None) -> float:
    """Seconds before retry ``attempt`` (0 = the first), as the browser waits: uniform in
    [0, min(15, 2**attempt)]; after a busy close, ``busy_attempt`` counting them, uniform in
    [c/4, c] with c = min(30, 4 * 2**busy_attempt)."""
    if busy_attempt is not None:
        ceiling = min(30.0, 4.0 * 2 ** min(busy_attempt, 10))
        return random.uniform(ceiling / 4, ceiling)
    return random.uniform(0, min(15.0, 2.0 ** min(attempt, 10)))


@dataclass
class Connection:
    url: str
    snapshot: dict[str, Any]


@dataclass
class LiveClient:
    urls: list[str]  # the workers' ws URLs; urls[0] is where the client starts
    cookie: str
    name: str = ""
    reconnect: bool = True  # False: a device that dies with its socket (never comes back)

    ws: ClientConnection | None = None
    url_index: int = 0
    version: int = -1
    slide: int | None = None
    participant: int | None = None
    outbox: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> frame, in send order
    acks: dict[str, dict[str, Any]] = field(default_factory=dict)  # ref -> latest ack
    ack_log: list[dict[str, Any]] = field(default_factory=list)  # every ack, in order
    errors: list[dict[str, Any]] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    syncs: list[dict[str, Any]] = field(default_factory=list)
    roster: list[dict[str, Any]] | None = None
    tally: dict[str, Any] | None = None
    closes: list[int | None] = field(default_factory=list)
    failed_attempts: int = 0
    busy_closes: int = 0  # connections the server shed with 1013
    last_close: int | None = None  # close code of the last failed attempt or dropped connection
    gone: bool = False  # stopped for good (terminal close, or reconnect=False after a drop)

    awaiting_snapshot_since: float | None = None
    held: list[dict[str, Any]] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None
    _stopping: bool = False

    # --- life cycle ------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self.urls[self.url_index % len(self.urls)]

    @property
    def connected(self) -> bool:
        return self.ws is not None

    async def start(self, timeout: float) -> None:
        """Open the first connection (its snapshot received), then keep the client running."""
        attempt = busy = 0
        async with asyncio.timeout(timeout):
            while not await self._open():
                shed = self.last_close == BUSY_CLOSE_CODE
                await asyncio.sleep(backoff_delay(attempt, busy if shed else None))
                attempt, busy = attempt + 1, busy + shed
        self._task = asyncio.create_task(self._run(), name=f"live client {self.name}")

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 3)
            self.ws = None

    async def _open(self) -> bool:
        origin = Origin(self.url.replace("ws://", "http://", 1).split("/ws/", 1)[0])
        try:
            ws = await asyncio.wait_for(
                connect(
                    self.url,
                    origin=origin,
                    additional_headers={"Cookie": self.cookie},
                    proxy=None,
                    open_timeout=None,
                    ping_interval=None,
                    close_timeout=1,
                ),
                CONNECT_ATTEMPT_TIMEOUT,
            )
        except (OSError, TimeoutError, InvalidHandshake, InvalidStatus):
            self.failed_attempts += 1
            self.last_close = None
            return False
        try:
            first = json.loads(await asyncio.wait_for(ws.recv(), CONNECT_ATTEMPT_TIMEOUT))
        except (ConnectionClosed, TimeoutError) as exc:
            self.failed_attempts += 1
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), 3)
            code = exc.rcvd.code if isinstance(exc, ConnectionClosed) and exc.rcvd else None
            self.closes.append(code)
            self.last_close = code
            self.busy_closes += code == BUSY_CLOSE_CODE
            if code in TERMINAL_CLOSE_CODES:
                self.gone = True
                raise AssertionError(f"{self.name}: refused with close code {code}") from None
            return False
        assert first.get("type") == "snapshot", f"{self.name}: first frame is not a snapshot: {first}"
        self.ws = ws
        self.connections.append(Connection(self.url, first))
        self._apply_snapshot(first)
        # The outbox goes again, in order, with the same ids: the server stores each once.
        for frame in list(self.outbox.values()):
            with contextlib.suppress(ConnectionClosed):
                await ws.send(json.dumps(frame))
        self._signal()
        return True

    async def _run(self) -> None:
        attempt = busy = 0
        while not self._stopping:
            ws = self.ws
            if ws is not None:
                attempt = busy = 0  # a connection that got its snapshot: the backoff starts afresh
                try:
                    async for message in ws:
                        if isinstance(message, str):
                            await self._receive(json.loads(message))
                    code = ws.close_code
                except ConnectionClosed as exc:
                    code = exc.rcvd.code if exc.rcvd else None
                self.ws = None
                self.closes.append(code)
                self.last_close = code
                self.busy_closes += code == BUSY_CLOSE_CODE
                self._signal()
                if code in TERMINAL_CLOSE_CODES or not self.reconnect:
                    self.gone = True
                    return
                self.url_index += 1  # the other worker first, as a load balancer would
            if attempt >= MAX_RECONNECT_ATTEMPTS:
                self.gone = True
                return
            shed = self.last_close == BUSY_CLOSE_CODE
            await asyncio.sleep(backoff_delay(attempt, busy if shed else None))
            attempt, busy = attempt + 1, busy + shed
            if not await self._open():
                self.url_index += 1

    # --- frames ----------------------------------------------------------------------------------

    async def send(self, frame: dict[str, Any]) -> bool:
        if self.ws is None:
            return False
        try:
            await self.ws.send(json.dumps(frame))
        except ConnectionClosed:
            return False
        return True

    async def send_reliable(self, frame: dict[str, Any]) -> str:
        """Queue a frame with an id in the outbox and send it now if connected: it goes again after
        each reconnect until acknowledged (or refused with an error frame)."""
        frame = {"id": str(uuid.uuid4()), **frame}
        self.outbox[frame["id"]] = frame
        await self.send(frame)
        return str(frame["id"])

    async def request(self, frame: dict[str, Any], timeout: float = 15) -> dict[str, Any]:
        """A teacher action: send it with an id and wait for its ack; an error frame fails the test."""
        ref = str(uuid.uuid4())
        ws = self.ws
        assert await self.send({**frame, "id": ref}), f"{self.name}: not connected"
        await self.wait_for(
            lambda: ref in self.acks or any(e.get("ref") == ref for e in self.errors) or self.ws is not ws, timeout
        )
        assert self.ws is ws or ref in self.acks, f"{self.name}: the server dropped the socket on {frame['type']}"
        assert ref in self.acks, (
            f"{self.name}: {frame['type']} refused: {[e for e in self.errors if e.get('ref') == ref]}"
        )
        return self.acks[ref]

    async def wait_for(self, predicate: Any, timeout: float) -> None:
        async with asyncio.timeout(timeout):
            while not predicate():
                self.changed.clear()
                await self.changed.wait()

    def _signal(self) -> None:
        self.changed.set()
        for listener in _listeners:
            listener.set()

    async def _receive(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind == "snapshot":
            self._apply_snapshot(frame)
        elif kind == "event":
            await self._apply_event(frame)
        elif kind == "sync":
            self.syncs.append(frame)
            if isinstance(frame.get("version"), int) and frame["version"] > self.version:
                await self._request_snapshot()
        elif kind == "ack":
            ref = frame.get("ref")
            self.ack_log.append(frame)
            if isinstance(ref, str):
                self.acks[ref] = frame
                self.outbox.pop(ref, None)
        elif kind == "error":
            self.errors.append(frame)
            ref = frame.get("ref")
            if isinstance(ref, str):
                self.outbox.pop(ref, None)  # refused: re-sending would be refused again
        elif kind == "roster":
            self.roster = frame["participants"]
        elif kind == "tally":
            self.tally = frame
        self._signal()

    def _apply_snapshot(self, frame: dict[str, Any]) -> None:
        self.awaiting_snapshot_since = None
        self.version = int(frame["version"])
        self.slide = int(frame["slide"]["index"])
        me = frame.get("me")
        if me is not None:
            self.participant = int(me["participant"])
        teacher = frame.get("teacher")
        if teacher is not None:
            self.roster = teacher["roster"]
            self.tally = teacher["tally"]
        held, self.held = sorted(self.held, key=lambda e: e["version"]), []
        for event in held:
            if event["version"] == self.version + 1:
                self._apply(event)

    async def _apply_event(self, frame: dict[str, Any]) -> None:
        self.events.append(frame)
        version = int(frame["version"])
        if version <= self.version:
            return  # already applied (or covered by a snapshot)
        if self.awaiting_snapshot_since is not None or version != self.version + 1:
            self.held.append(frame)
            await self._request_snapshot()
            return
        self._apply(frame)

    def _apply(self, frame: dict[str, Any]) -> None:
        self.version = int(frame["version"])
        if frame["kind"] == "slide.changed":
            self.slide = int(frame["data"]["index"])

    async def _request_snapshot(self) -> None:
        now = asyncio.get_running_loop().time()
        if self.awaiting_snapshot_since is not None and now - self.awaiting_snapshot_since < SNAPSHOT_RETRY:
            return
        if await self.send({"type": "snapshot.get"}):
            self.awaiting_snapshot_since = now


_listeners: list[asyncio.Event] = []


async def wait_all(predicate: Any, timeout: float) -> bool:
    """Wait until ``predicate()`` holds, re-checking whenever any client receives something (and
    every ``RECHECK`` seconds, for predicates on the database); False when ``timeout`` passes first."""
    wake = asyncio.Event()
    _listeners.append(wake)
    try:
        async with asyncio.timeout(timeout):
            while not predicate():
                wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), RECHECK)
        return True
    except TimeoutError:
        return predicate()
    finally:
        _listeners.remove(wake)


async def start_all(clients: list[LiveClient], timeout: float) -> None:
    await asyncio.gather(*(c.start(timeout) for c in clients))


async def stop_all(clients: list[LiveClient]) -> None:
    await asyncio.gather(*(c.stop() for c in clients), return_exceptions=True)
