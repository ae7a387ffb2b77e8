"""Per-process fan-out for live sessions (ADR 0006).

Each ASGI process joins a session's channel-layer group once, with one channel of its own, and
hands every event to its local sockets itself: the frame is encoded once and written to each
socket, instead of one channel-layer message, one queue and one task wake-up per socket. The
hub also keeps the teacher's roster and tally fresh without a message per answer:

- an answer, a join, a leave or a hand marks the session; every ``TICK`` seconds the hub sends
  one ``live.nudge`` per marked session to the group;
- the process holding a teacher's socket recomputes roster and tally from the database on a
  nudge (at most once per tick) and every ``REFRESH`` seconds regardless, and pushes them when
  they changed;
- every ``REFRESH`` seconds it stamps ``last_seen`` on its own participants, so the sockets of a
  killed process turn "reconnecting", then "gone" on the teacher's screen by themselves;
- every ``REFRESH`` seconds it compares each local session's version in the database with the
  highest version it relayed. An event committed a whole ``REFRESH`` ago and still not relayed was
  lost (the channel layer dropped it, or Redis restarted): the hub sends its sockets one
  ``{"type": "sync", "version": N}`` and the clients that are behind fetch a snapshot. A client
  detects a gap itself when a later event arrives; this covers the *last* event being lost.

Nothing here is authoritative: the database is. Losing a hub (a killed worker) or a message (the
channel layer delivers at most once) costs a resync, never an answer.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import defaultdict
from collections.abc import Coroutine
from functools import partial
from typing import Any

import msgspec
from channels.layers import get_channel_layer

from classrooms.live import selectors, services
from classrooms.live.answers import AnswerIn, Submitted, answers_submit
from classrooms.live.delivery import LocalSocket, write_all
from classrooms.live.events import group_name
from classrooms.live.groups import Groups
from classrooms.live.lanes import Batcher, Lane
from classrooms.live.protocol import Roster, Snapshot, Sync, Tally, encode
from classrooms.live.snapshots import CLOSE_REMOVED, JoinIn, JoinOut, SnapshotIn, join_batch, snapshot_batch
from edu.errors import DomainError

logger = logging.getLogger(__name__)

TICK = 0.2
REFRESH = 5.0
ANSWER_WINDOW = 0.01  # answers arriving within this window are stored in one batch
ANSWER_BATCH = 500
JOIN_WINDOW = 0.005  # sockets arriving within this window are seated in one batch
JOIN_BATCH = 500
SHED_AFTER = 3.0  # while the oldest waiting join has waited this long, new ones are told to come back later (1013)
JOIN_QUEUE_MAX = 6000  # and so is any join beyond this many waiting, whatever the measured rate
CLOSE_BUSY = 1013  # "Try Again Later" (RFC 6455): the client backs off with jitter and retries
SEND_TIMEOUT = 5.0  # a socket that cannot take a frame for this long is closed, not waited for
CLOSE_STALLED = 1011
CLOSE_ENDED = 1000


class Hub:
    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.groups = Groups(self.layer)
        self.sockets: dict[int, set[LocalSocket]] = defaultdict(set)
        self.to_nudge: set[int] = set()
        self.stale: set[int] = set()
        self.pushed: dict[int, dict[str, str]] = {}
        self.answers: dict[int, Batcher[AnswerIn, Submitted | DomainError]] = {}  # per session
        self.relayed: dict[int, int] = {}  # session -> highest event version handed to local sockets
        self.suspect: dict[int, int] = {}  # session -> a committed version not relayed at the last check
        self.leaving: dict[int, set[int]] = defaultdict(set)  # session -> participants whose last socket left
        self.work = Lane("work")  # joins, answers, presence
        self.views = Lane("views")  # teacher actions, hands, roster and tally: never behind a join storm
        self.joins: Batcher[JoinIn, JoinOut] = Batcher(self.work, join_batch, JOIN_WINDOW, JOIN_BATCH)
        self.snapshots: Batcher[SnapshotIn, Snapshot | Exception] = Batcher(
            self.work, snapshot_batch, JOIN_WINDOW, JOIN_BATCH
        )
        self._start_lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self._background: set[asyncio.Task[None]] = set()
        self._running: set[str] = set()

    # --- sockets -------------------------------------------------------------------------------

    async def join(self, request: JoinIn) -> JoinOut:
        """Seat a joining socket and build its snapshot, batched with the others arriving now (one
        transaction for a class, not one trip each). The process joins the session's group
        before the batch reads the database, so an event committed after that read still reaches
        it (``register`` then tells the socket to resync). Returns the close code that refuses
        the socket instead: ``CLOSE_BUSY`` while the oldest waiting join has waited more than
        ``SHED_AFTER`` seconds (the lane is not keeping up: the client backs off with jitter)."""
        await self._start()
        if len(self.joins) >= JOIN_QUEUE_MAX or self.joins.delay() > SHED_AFTER:
            return CLOSE_BUSY
        session_id = request.session_id
        self.groups.hold(session_id)
        seated = False
        try:
            await self.groups.join(session_id)
            result = await self.joins.submit(request)
            seated = not isinstance(result, int)
            return result
        finally:
            if not seated:  # a seated socket is registered next, and lets go of the group then
                await self._release(session_id)

    async def abandon(self, session_id: int) -> None:
        """A socket seated by ``join`` that will not be registered (its client left meanwhile)."""
        await self._release(session_id)

    async def _release(self, session_id: int) -> None:
        if self.groups.unhold(session_id) and session_id not in self.sockets:
            await self._forget(session_id)

    async def snapshot(self, request: SnapshotIn) -> Snapshot:
        """A seated socket's snapshot on request (a client that saw a gap, or a ``sync``),
        batched like joins: a thousand clients resyncing at once read the database together."""
        found = await self.snapshots.submit(request)
        if isinstance(found, Exception):
            raise found
        return found

    def register(self, socket: LocalSocket, seen_version: int) -> bool:
        """Add a seated socket (after ``join``). True when an event newer than its snapshot
        (``seen_version``) was relayed meanwhile: the caller sends it a ``sync``."""
        self.sockets[socket.session_id].add(socket)
        self.groups.unhold(socket.session_id)
        self.nudge(socket.session_id)
        return self.relayed.get(socket.session_id, 0) > seen_version

    async def _forget(self, session_id: int) -> None:
        """The last socket of a session left this process (and none is being seated)."""
        if not len(self.answers.get(session_id, ())):
            self.answers.pop(session_id, None)
        self.relayed.pop(session_id, None)
        self.suspect.pop(session_id, None)
        self.pushed.pop(session_id, None)
        await self.groups.leave(session_id)

    def unregister(self, socket: LocalSocket) -> None:
        """Remove a socket. Its student, if no other socket of theirs is here, is marked as gone
        at the next tick, together with everyone else who left meanwhile (one query)."""
        members = self.sockets.get(socket.session_id)
        if members is None or socket not in members:
            return
        members.discard(socket)
        pid = socket.participant_id
        if pid is not None and not any(s.participant_id == pid for s in members):
            self.leaving[socket.session_id].add(pid)
        if not members:
            del self.sockets[socket.session_id]
            if not self.groups.held.get(socket.session_id):
                self._spawn(self._forget_if_empty(socket.session_id))
        self.nudge(socket.session_id)

    async def _forget_if_empty(self, session_id: int) -> None:
        if session_id not in self.sockets and not self.groups.held.get(session_id):
            await self._forget(session_id)

    async def submit(self, session_id: int, item: AnswerIn) -> Submitted:
        """Store one answer, batched with the others of its session arriving in the same few
        milliseconds (one transaction for many students: one commit, not one per tablet)."""
        batcher = self.answers.get(session_id)
        if batcher is None:
            store = partial(answers_submit, session_id)
            batcher = self.answers[session_id] = Batcher(self.work, store, ANSWER_WINDOW, ANSWER_BATCH)
        result = await batcher.submit(item)
        if isinstance(result, DomainError):
            raise result
        return result

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)  # keep a reference until it is done
        task.add_done_callback(self._background.discard)

    def nudge(self, session_id: int) -> None:
        """Something the teacher's roster or tally shows changed; coalesced to one message a tick."""
        self.to_nudge.add(session_id)

    def has_teacher(self, session_id: int) -> bool:
        return any(s.role == "teacher" for s in self.sockets.get(session_id, ()))

    # --- the process's one channel ---------------------------------------------------------------

    async def _start(self) -> None:
        async with self._start_lock:
            if self._tasks:
                return
            if self.layer is not None:
                self.groups.channel = await self.layer.new_channel("live-hub.")
                self._tasks.append(asyncio.create_task(self._receive_forever()))
            self._tasks.append(asyncio.create_task(self._tick_forever()))

    async def _receive_forever(self) -> None:
        assert self.layer is not None and self.groups.channel is not None
        while True:
            try:
                message = await self.layer.receive(self.groups.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # the layer's backend is down: keep trying, the clients resync
                logger.warning("live hub: channel layer receive failed; retrying", exc_info=True)
                await asyncio.sleep(1)
                continue
            try:
                await self.dispatch(message)
            except Exception:
                logger.exception("live hub: dispatch failed")

    async def dispatch(self, message: dict[str, Any]) -> None:
        session_id = message.get("session")
        if not isinstance(session_id, int):
            return
        if message.get("type") == "live.nudge":
            if self.has_teacher(session_id):
                self.stale.add(session_id)
            return
        if message.get("type") != "live.event":
            return
        if isinstance(message.get("version"), int) and session_id in self.groups.joined:
            self.relayed[session_id] = max(self.relayed.get(session_id, 0), message["version"])
        sockets = list(self.sockets.get(session_id, ()))
        if not sockets:
            return
        kind, data = message["kind"], message["data"]
        frame = {"type": "event", "version": message["version"], "kind": kind, "data": data}
        text = encode(frame)
        self.stale.add(session_id)
        if kind == "results.revealed":
            await self._deliver_results(session_id, sockets, frame, text)
        else:
            await self._deliver(sockets, text)
        if kind == "session.state" and data.get("state") == "ended":
            await asyncio.gather(*(s.terminate(CLOSE_ENDED) for s in sockets), return_exceptions=True)
        elif kind == "participant.removed":
            gone = [s for s in sockets if s.participant_id == data.get("participant")]
            await asyncio.gather(*(s.terminate(CLOSE_REMOVED) for s in gone), return_exceptions=True)

    async def _deliver(self, sockets: list[LocalSocket], text: str) -> None:
        """Write one frame to many sockets (``delivery.write_all``); close the stalled ones (their
        clients reconnect and resync)."""
        for socket in await write_all(sockets, text, SEND_TIMEOUT):
            logger.info("live hub: closing a stalled socket of session %s", socket.session_id)
            self.unregister(socket)
            self._spawn(socket.terminate(CLOSE_STALLED))

    async def _deliver_results(
        self, session_id: int, sockets: list[LocalSocket], frame: dict[str, Any], text: str
    ) -> None:
        """Results go to everyone; each student's frame also says whether *they* were right (one
        query for this process's students)."""
        students = [s for s in sockets if s.participant_id is not None]
        verdicts = await self.work.run(
            selectors.verdicts_for,
            session_id,
            frame["data"]["block"],
            [s.participant_id for s in students if s.participant_id is not None],
        )
        await self._deliver([s for s in sockets if s.participant_id is None], text)
        by_verdict: dict[bool | None, list[LocalSocket]] = defaultdict(list)
        for s in students:
            by_verdict[verdicts.get(s.participant_id) if s.participant_id is not None else None].append(s)
        for verdict, group in by_verdict.items():
            mine = {**frame, "data": {**frame["data"], "mine": {"correct": verdict}}}
            await self._deliver(group, encode(mine))

    # --- the tick: nudges out, teacher views, presence -----------------------------------------

    async def _tick_forever(self) -> None:
        loop = asyncio.get_running_loop()
        next_refresh = loop.time() + REFRESH
        while True:
            await asyncio.sleep(TICK)
            try:
                if loop.time() >= next_refresh:
                    next_refresh = loop.time() + REFRESH
                    self._in_background("presence", self._refresh_presence())
                    await self._check_versions()
                    self.stale.update(sid for sid in self.sockets if self.has_teacher(sid))
                await self.groups.retry(self.sockets)
                if self.leaving:
                    self._in_background("leaves", self._send_leaves())
                await self._send_nudges()
                await self._push_teacher_views()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("live hub: tick failed; retrying", exc_info=True)

    def _in_background(self, name: str, work: Coroutine[Any, Any, None]) -> None:
        """Database work of the tick that goes through the work lane (presence, leaves) runs beside
        the tick, one of each kind at a time: the tick, and the teacher's roster it pushes, never
        waits behind a batch of joins."""
        if name in self._running:
            work.close()
            return
        self._running.add(name)

        async def run() -> None:
            try:
                await work
            except Exception:
                logger.warning("live hub: %s update failed; retrying at the next tick", name, exc_info=True)
            finally:
                self._running.discard(name)

        self._spawn(run())

    async def _send_nudges(self) -> None:
        pending, self.to_nudge = self.to_nudge, set()
        for session_id in pending:
            if self.has_teacher(session_id):
                self.stale.add(session_id)  # no need to wait for our own message to come back
            if self.layer is None:
                continue
            try:
                await self.layer.group_send(group_name(session_id), {"type": "live.nudge", "session": session_id})
            except Exception as exc:  # the layer is down: other processes' teachers catch up every REFRESH
                logger.warning("live hub: nudge for session %s not sent (%s)", session_id, exc)

    async def _push_teacher_views(self) -> None:
        stale, self.stale = self.stale, set()
        for session_id in stale:
            teachers = [s for s in self.sockets.get(session_id, ()) if s.role == "teacher"]
            if not teachers:
                continue
            view = await self.views.run(selectors.teacher_view_of, session_id)
            if view is None or session_id not in self.sockets:  # the last socket may have left meanwhile
                continue
            roster, tally = view
            frames = {
                "roster": encode(Roster(participants=roster)),
                "tally": encode(Tally(**msgspec.structs.asdict(tally))) if tally is not None else "",
            }
            last = self.pushed.setdefault(session_id, {})
            for name, text in frames.items():
                if text and last.get(name) != text:
                    last[name] = text
                    await self._deliver(teachers, text)

    async def _check_versions(self) -> None:
        """Tell local sockets to resync when an event committed at the previous check has still not
        been relayed here: it was lost, not late (one query for all of this process's sessions)."""
        local = list(self.sockets)
        if not local:
            return
        versions = await self.views.run(selectors.versions_of, local)
        for session_id, version in versions.items():
            if session_id not in self.sockets:  # left during the query
                continue
            relayed = self.relayed.get(session_id)
            if relayed is None or version <= relayed:
                self.relayed.setdefault(session_id, version)  # the sockets' own snapshots are this recent
                self.suspect.pop(session_id, None)
                continue
            lost = self.suspect.get(session_id)
            if lost is None or lost <= relayed:
                self.suspect[session_id] = version
                continue
            logger.info(
                "live hub: session %s missed events up to version %s; asking clients to resync", session_id, lost
            )
            self.relayed[session_id] = version
            self.suspect.pop(session_id, None)
            await self._deliver(list(self.sockets.get(session_id, ())), encode(Sync(version=version)))

    async def _refresh_presence(self) -> None:
        seen = {
            session_id: sorted({s.participant_id for s in sockets if s.participant_id is not None})
            for session_id, sockets in self.sockets.items()
        }
        if any(seen.values()):
            await self.work.run(services.presence_mark, seen)

    async def _send_leaves(self) -> None:
        leaving, self.leaving = self.leaving, defaultdict(set)
        for session_id, pids in leaving.items():  # someone who came back meanwhile is not gone
            pids -= {s.participant_id for s in self.sockets.get(session_id, ())}
        if any(leaving.values()):
            await self.work.run(services.presence_mark, {sid: sorted(pids) for sid, pids in leaving.items()}, True)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """The hub of the running event loop (one per process in production; one per test loop)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        found = _hubs[loop] = Hub()
    return found
