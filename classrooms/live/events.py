"""Publishing live events: every state change bumps the session's version in its transaction and,
once that commits, sends one typed event (classrooms.live.protocol) to the session's group. The
processes' hubs relay it to their sockets. Delivery may drop an event; the database may not: a
client that sees a gap, or a hub that sees a version it never relayed, fetches a snapshot."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F

from classrooms.live.models import LiveSession
from classrooms.live.protocol import EventData, event_message

logger = logging.getLogger(__name__)


def group_name(session_id: int) -> str:
    return f"live.{session_id}"


def publish(session: LiveSession, data: EventData) -> None:
    """Bump the version in this transaction and publish ``data`` once it commits."""
    LiveSession.objects.filter(pk=session.pk).update(version=F("version") + 1)
    session.refresh_from_db(fields=["version"])
    message = event_message(session.pk, session.version, data)
    group = group_name(session.pk)

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(group, message)
        except Exception as exc:  # the change is committed; the hubs' version check resyncs the clients
            logger.warning("live: event %s of session %s not published (%s)", message["version"], session.pk, exc)

    transaction.on_commit(send)
