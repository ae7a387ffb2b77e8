"""Celery tasks of the LTI tool. Thin: each takes an id, calls a named operation, and (for the
outbox) queues the next attempt. Registered through ``CELERY_IMPORTS`` in edu/settings.py; the
periodic ones are scheduled in ``CELERY_BEAT_SCHEDULE`` (edu/settings.py)."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task

log = logging.getLogger("baeum.lti")

ROSTER_MIN_INTERVAL = timedelta(minutes=10)  # instructor launches come often; the roster changes rarely


@shared_task(name="lti.send_score")
def send_score(outbox_id: int) -> str:
    """Send one student's score for one line item (``ags.score_send``); queue the retry it asks for."""
    from lti.tool import ags

    sent = ags.score_send(outbox_id)
    if sent.retry_in is not None:
        send_score.apply_async((outbox_id,), countdown=sent.retry_in)
    return sent.outcome


@shared_task(name="lti.send_due_scores")
def send_due_scores() -> int:
    """The sweep: queue every pending score whose time has come (a task lost with its worker, a
    broker that was down at commit, a retry after backoff). Sending twice is harmless: the claim
    lets one worker through."""
    from lti.tool import ags

    due = ags.scores_due()
    for outbox_id in due:
        send_score.delay(outbox_id)
    return len(due)


@shared_task(name="lti.sync_roster")
def sync_roster(class_link_id: int, force: bool = False) -> str:
    """Sync the linked class's roster from the LMS (``nrps.roster_sync``). Without ``force`` (an
    instructor's launch) a roster synced in the last ``ROSTER_MIN_INTERVAL`` is left alone; the
    teacher's "sync now" forces. A failure is recorded on the link and retried by the next launch."""
    from django.utils import timezone

    from lti.models import ClassLink
    from lti.tool import nrps
    from lti.tool.tokens import ServiceError

    link = ClassLink.objects.filter(pk=class_link_id).select_related("context__deployment__registration").first()
    if link is None:
        return "gone"
    if not force and link.roster_synced_at and link.roster_synced_at > timezone.now() - ROSTER_MIN_INTERVAL:
        return "recent"
    try:
        result = nrps.roster_sync(link)
    except ServiceError as error:
        return f"failed: {error.reason}"
    return f"synced: {result}"


@shared_task(name="lti.rotate_keys")
def rotate_keys() -> str:
    """Daily: rotate Baeum's signing key when it is older than LTI_KEY_MAX_AGE_DAYS; retire old keys."""
    from lti.tool import keys

    rotation = keys.keys_rotate_if_due()
    return f"new key: {bool(rotation.new_key)}, deactivated: {rotation.deactivated}"
