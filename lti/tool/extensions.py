"""What the LTI layer registers into lower layers' extension points (from LtiConfig.ready())."""

from __future__ import annotations

from django.db import transaction

from edu.records.extensions import record_listeners
from edu.records.models import LearningRecord
from lti.tool import ags, tasks


def score_changed(record: LearningRecord) -> None:
    """A learning record changed: if an LMS gradebook waits for this student's score, re-arm the
    outbox row (in the record's transaction) and send it after commit. A broker that is down at
    commit loses only the nudge: the sweep (``lti.send_due_scores``) finds the row."""
    outbox_id = ags.score_owed(record)
    if outbox_id is not None:
        transaction.on_commit(lambda: tasks.send_score.delay(outbox_id), robust=True)


def register() -> None:
    record_listeners.register(score_changed)
