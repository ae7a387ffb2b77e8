"""Database lanes: a thread of its own, with a database connection kept open while work comes.

Channels' ``database_sync_to_async`` runs every call in one shared thread, first in, first out,
and opens and closes a connection around each call (``close_old_connections``). Under a join
storm that is the whole cost: a thousand trips that each connect (on SQLite, the WAL pragma alone
was a quarter of the thread), and the teacher's roster refresh waits behind all of them. The live
hub therefore runs its own work in lanes (docs/performance.md, "Join storms"):

- ``joins`` seats and snapshots joining sockets in batches, stores answers, marks presence;
- ``views`` runs the teacher's actions (a slide, a question, a reveal) and hands, and recomputes
  the teacher's roster and tally: none of them waits behind a storm.

A lane keeps its connection between calls and closes it ``IDLE`` seconds after its last call (so
an idle worker holds no connection, and a test database can be dropped). A connection that broke
during a call is closed at once, so the next call reconnects. On PostgreSQL, closing hands the
connection back to Django's pool (``DB_POOL_MAX_SIZE``) rather than ending a backend.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, Generic, TypeVar

from asgiref.sync import sync_to_async
from django.db import connections

T = TypeVar("T")
In = TypeVar("In")
Out = TypeVar("Out")
IDLE = 3.0  # seconds without a call before the lane closes its connection

_lanes: set[Lane] = set()  # held until shut down: a lane's thread holds a connection


def _close_connections() -> None:
    for conn in connections.all(initialized_only=True):
        conn.close()


def _call(fn: Callable[..., T], *args: Any) -> T:
    try:
        return fn(*args)
    finally:
        for conn in connections.all(initialized_only=True):
            if conn.connection is not None and (
                conn.get_autocommit() != conn.settings_dict["AUTOCOMMIT"]
                or (conn.errors_occurred and not conn.is_usable())
            ):
                conn.close()
            else:
                conn.errors_occurred = False


class Lane:
    """One thread running database work in order, with its own connection."""

    def __init__(self, name: str, idle: float = IDLE) -> None:
        self.name = name
        self.idle = idle
        self.pending = 0
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=f"live-{name}")
        self._closer: asyncio.TimerHandle | None = None
        _lanes.add(self)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        self.pending += 1
        if self._closer is not None:
            self._closer.cancel()
            self._closer = None
        try:
            # Through asgiref (not a bare run_in_executor): the call sees the caller's context (the
            # language) and an ``async_to_sync`` inside it (an event published on commit) runs on
            # this event loop, where the channel layer lives.
            return await sync_to_async(partial(_call, fn, *args), thread_sensitive=False, executor=self._executor)()
        finally:
            self.pending -= 1
            if self.pending == 0 and not loop.is_closed():
                self._closer = loop.call_later(self.idle, self._close_if_idle)

    def _close_if_idle(self) -> None:
        self._closer = None
        if self.pending == 0:
            self._executor.submit(_close_connections)

    def shutdown(self) -> None:
        """Close the lane's connection and stop its thread (tests; a process ending)."""
        if self._closer is not None:
            self._closer.cancel()
            self._closer = None
        with contextlib.suppress(RuntimeError):  # already shut down
            self._executor.submit(_close_connections).result(timeout=10)
        self._executor.shutdown(wait=True)
        _lanes.discard(self)


def shutdown_all() -> None:
    """Close every lane of this process (the tests' teardown: a test database can then be dropped)."""
    for lane in list(_lanes):
        lane.shutdown()


class Batcher(Generic[In, Out]):
    """Gathers the calls arriving within ``window`` seconds and runs them as one call of ``fn``
    (a list in, a list of the same length out) on ``lane``: up to ``size`` at a time, the next
    batch taking whatever arrived meanwhile. ``delay()`` is how long the oldest waiting call has
    waited (what the hub sheds load by: a queueing delay, not a guess from a rate)."""

    def __init__(self, lane: Lane, fn: Callable[[list[In]], list[Out]], window: float, size: int) -> None:
        self.lane, self.fn, self.window, self.size = lane, fn, window, size
        self.waiting: list[tuple[In, asyncio.Future[Out]]] = []
        self.since: list[float] = []  # when each waiting call arrived (loop time)
        self._task: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return len(self.waiting)

    def delay(self) -> float:
        """Seconds the oldest call not yet taken into a batch has waited."""
        return asyncio.get_running_loop().time() - self.since[0] if self.since else 0.0

    async def submit(self, item: In) -> Out:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Out] = loop.create_future()
        self.waiting.append((item, future))
        self.since.append(loop.time())
        if self._task is None:
            self._task = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        try:
            await asyncio.sleep(self.window)
            while self.waiting:
                batch, self.waiting = self.waiting[: self.size], self.waiting[self.size :]
                self.since = self.since[self.size :]
                try:
                    results = await self.lane.run(self.fn, [item for item, _f in batch])
                except Exception as exc:  # the database failed: every waiting caller gets the error
                    for _item, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_item, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
        finally:
            self._task = None
