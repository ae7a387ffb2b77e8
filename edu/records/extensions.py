"""Extension point of the learning record: higher layers that must act when a student's record
changes (the LTI outbox owes the LMS gradebook a new score) register a listener here. Listeners
run inside the transaction that wrote the record, so what they write commits or rolls back with it."""

from __future__ import annotations

from collections.abc import Callable

from edu.records.models import LearningRecord
from edu.registry import Registry

RecordListener = Callable[[LearningRecord], None]
record_listeners: Registry[RecordListener] = Registry("learning-record listeners")


def record_changed(record: LearningRecord) -> None:
    for listener in record_listeners:
        listener(record)
