"""Writing one frame to many sockets: the hub's fan-out loop (ADR 0006).

Each socket's write runs at once, without a task (``send_eagerly``): the server's ``send`` only
waits while a socket's transport is paused, so a push to a thousand sockets with room in their
buffers makes no task at all (Python 3.12's eager tasks do the same). A write that must wait goes
on in a task; a socket that cannot take the frame within the timeout (a stalled tablet with a
full buffer) is returned to the hub, which closes it, so one device never holds up a session.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Sequence
from typing import Any, Protocol

logger = logging.getLogger(__name__)


class LocalSocket(Protocol):
    session_id: int
    role: str
    participant_id: int | None

    def deliver(self, text: str) -> Coroutine[Any, Any, None]: ...

    async def terminate(self, code: int) -> None: ...


async def write_all(sockets: Sequence[LocalSocket], text: str, timeout: float) -> list[LocalSocket]:
    """Write ``text`` to every socket; the sockets that could not take it within ``timeout``."""
    waiting: list[tuple[LocalSocket, asyncio.Task[None]]] = []
    for socket in sockets:
        rest = send_eagerly(socket.deliver(text))
        if rest is not None:
            waiting.append((socket, rest))
    if not waiting:
        return []
    done, stalled = await asyncio.wait([task for _s, task in waiting], timeout=timeout)
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            logger.debug("live hub: a socket went away during delivery: %r", task.exception())
    for _socket, task in waiting:
        if task in stalled:
            task.cancel()
    return [socket for socket, task in waiting if task in stalled]


def send_eagerly(write: Coroutine[Any, Any, None]) -> asyncio.Task[None] | None:
    """Run a socket's write until it finishes (None) or has to wait (a task that finishes it)."""
    try:
        awaiting = write.send(None)
    except StopIteration:
        return None
    except Exception as exc:  # the socket went away
        logger.debug("live hub: a socket went away during delivery: %r", exc)
        return None
    return asyncio.ensure_future(_finish(write, awaiting))


async def _finish(write: Coroutine[Any, Any, None], awaiting: Any) -> None:
    """Drive a write that ``send_eagerly`` started, as a task would (cancelling it closes it)."""
    try:
        while True:
            if awaiting is None:
                await asyncio.sleep(0)
            else:
                with contextlib.suppress(Exception):  # the write sees the error when resumed
                    await awaiting
            awaiting = write.send(None)
    except StopIteration:
        return
    finally:
        write.close()
