"""xAPI 1.0.3 statements derived from learning records: pure functions, no query, so that a batch
of records read in one query becomes a batch of statements for a learning record store.

IRIs are built from ids under the site's base URL; the student is an ``account`` Agent named by
their opaque ``actor`` (never an email, name or user id)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC
from decimal import Decimal
from typing import Any

from edu.records.models import LearningRecord, RecordStatus

VERB_ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
VERB_SCORED = "http://adlnet.gov/expapi/verbs/scored"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
LESSON = "http://adlnet.gov/expapi/activities/lesson"
COURSE = "http://adlnet.gov/expapi/activities/course"
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
MEETING = "http://adlnet.gov/expapi/activities/meeting"
STANDARDS_EXTENSION = "https://baeum.kr/xapi/extensions/achievement-standards"
XAPI_VERSION = "1.0.3"

# Statement ids are name-based: the same record version always yields the same statement.
STATEMENT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://baeum.kr/xapi/statements")

INTERACTION_TYPES = {
    "multiple_choice": "choice",
    "true_false": "true-false",
    "short_answer": "fill-in",
    "numeric": "numeric",
    "poll": "other",
    "open_response": "long-fill-in",
}

_VERBS = {
    VERB_ANSWERED: {"en-US": "answered", "ko": "응답함"},
    VERB_SCORED: {"en-US": "scored", "ko": "채점됨"},
}


def statement_id(record: LearningRecord) -> uuid.UUID:
    """uuid5 of the key and the record's version (``updated_at``). A statement is immutable in an
    LRS (a different statement under a known id is refused), while a record changes with a retry or
    a review: each version is its own statement, and re-sending one version is idempotent."""
    version = record.updated_at.astimezone(UTC).isoformat() if record.updated_at else ""
    return uuid.uuid5(STATEMENT_NAMESPACE, f"{record.key}@{version}")


def _timestamp(record: LearningRecord) -> str:
    return record.answered_at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def lesson_iri(base_url: str, record: LearningRecord) -> str:
    return f"{base_url}/library/lessons/{record.lesson_id}/"


def activity_iri(base_url: str, record: LearningRecord) -> str:
    if record.lesson_id is None:  # the lesson was deleted; block ids are unique on their own
        return f"{base_url}/library/activities/{record.block_id}"
    return f"{lesson_iri(base_url, record)}#activity-{record.block_id}"


def response_text(kind: str, answer: Any) -> str:
    """The stored answer in the interaction type's response format (choices joined by ``[,]``)."""
    if isinstance(answer, bool):
        return "true" if answer else "false"
    if isinstance(answer, list):
        return "[,]".join(str(item) for item in answer)
    if isinstance(answer, (str, int, float)):
        return str(answer)
    return "" if answer is None else json.dumps(answer, ensure_ascii=False)


def _object(base_url: str, record: LearningRecord) -> dict[str, Any]:
    definition: dict[str, Any] = {
        "type": INTERACTION,
        "interactionType": INTERACTION_TYPES.get(record.kind, "other"),
    }
    if record.prompt:
        definition["name"] = {"ko": record.prompt}
    return {"objectType": "Activity", "id": activity_iri(base_url, record), "definition": definition}


def _result(record: LearningRecord) -> dict[str, Any]:
    """``success`` only when marked; ``score`` only when the activity has points and its score is
    known (an open response waiting for the teacher has none yet, not zero)."""
    result: dict[str, Any] = {"completion": True, "response": response_text(record.kind, record.answer)}
    if record.correct is not None:
        result["success"] = record.correct
    if record.max_score > 0 and record.status != RecordStatus.NEEDS_REVIEW:
        score = min(max(record.score, Decimal(0)), record.max_score)
        result["score"] = {
            "raw": _number(score),
            "min": 0,
            "max": _number(record.max_score),
            "scaled": round(float(score / record.max_score), 4),
        }
    return result


def _grouping(base_url: str, record: LearningRecord) -> list[dict[str, Any]]:
    found = []
    if record.classroom_id is not None:
        found.append((f"{base_url}/classes/{record.classroom_id}/", COURSE))
    if record.assignment_id is not None:
        found.append((f"{base_url}/assignments/{record.assignment_id}/", ASSESSMENT))
    if record.live_session_id is not None:
        found.append((f"{base_url}/live/{record.live_session_id}/", MEETING))
    return [{"objectType": "Activity", "id": iri, "definition": {"type": kind}} for iri, kind in found]


def _context(base_url: str, record: LearningRecord) -> dict[str, Any]:
    activities: dict[str, Any] = {}
    if record.lesson_id is not None:
        parent: dict[str, Any] = {"type": LESSON}
        if record.lesson_title:
            parent["name"] = {"ko": record.lesson_title}
        activities["parent"] = [{"objectType": "Activity", "id": lesson_iri(base_url, record), "definition": parent}]
    grouping = _grouping(base_url, record)
    if grouping:
        activities["grouping"] = grouping
    context: dict[str, Any] = {
        "platform": "Baeum",
        "language": "ko",
        "extensions": {STANDARDS_EXTENSION: list(record.standards or [])},
    }
    if activities:
        context["contextActivities"] = activities
    return context


def statement(record: LearningRecord, *, base_url: str) -> dict[str, Any]:
    """The xAPI statement of one record. Records without an actor (none are written today; a tool's
    score for nobody could be) have no statement: ValueError."""
    if record.actor is None:
        raise ValueError(f"record {record.key} has no actor")
    base = base_url.rstrip("/")
    verb = VERB_SCORED if record.status == RecordStatus.REVIEWED else VERB_ANSWERED
    return {
        "id": str(statement_id(record)),
        "version": XAPI_VERSION,
        "actor": {"objectType": "Agent", "account": {"homePage": base, "name": str(record.actor)}},
        "verb": {"id": verb, "display": _VERBS[verb]},
        "object": _object(base, record),
        "result": _result(record),
        "context": _context(base, record),
        "timestamp": _timestamp(record),
    }
