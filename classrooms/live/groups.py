"""The process's membership in live sessions' channel-layer groups (ADR 0006, ADR 0012).

The hub's one channel joins a session's group *before* the first socket of that session is seated
(so an event committed while the batch reads the database still arrives), stays while joins are
in flight or sockets are registered, and leaves with the last one. A join that fails because the
layer is down is retried at every tick until it is back.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Container
from typing import Any

from classrooms.live.events import group_name

logger = logging.getLogger(__name__)


class Groups:
    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.channel: str | None = None  # set when the hub starts
        self.joined: set[int] = set()  # sessions whose group this process's channel is in
        self.held: dict[int, int] = defaultdict(int)  # session -> joins in flight
        self.to_join: set[int] = set()  # sessions whose group_add failed: retried each tick

    def hold(self, session_id: int) -> None:
        self.held[session_id] += 1

    def unhold(self, session_id: int) -> bool:
        """One join in flight less; True when none is left."""
        self.held[session_id] -= 1
        if self.held[session_id] > 0:
            return False
        del self.held[session_id]
        return True

    async def join(self, session_id: int) -> None:
        if self.layer is None or self.channel is None or session_id in self.joined:
            return
        self.joined.add(session_id)
        try:
            await self.layer.group_add(group_name(session_id), self.channel)
            self.to_join.discard(session_id)
        except Exception as exc:  # the layer is down: keep the socket, join when it is back
            logger.warning("live hub: joining the group of session %s failed (%s); retrying", session_id, exc)
            self.joined.discard(session_id)
            self.to_join.add(session_id)

    async def leave(self, session_id: int) -> None:
        if self.layer is None or self.channel is None or session_id not in self.joined:
            return
        self.joined.discard(session_id)
        try:
            await self.layer.group_discard(group_name(session_id), self.channel)
        except Exception as exc:  # the layer is down; its group entry expires on its own
            logger.warning("live hub: leaving the group of session %s failed (%s)", session_id, exc)

    async def retry(self, occupied: Container[int]) -> None:
        """Join again the groups whose join failed, of the sessions that still have sockets here."""
        for session_id in list(self.to_join):
            if session_id in occupied:
                await self.join(session_id)
            else:
                self.to_join.discard(session_id)
