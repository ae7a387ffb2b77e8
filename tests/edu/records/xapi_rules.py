"""The structure rules of an xAPI 1.0.3 statement that Baeum's statements must keep (shared by the
record tests here and the live ones: a helper module, not a conftest)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from urllib.parse import urlparse

INTERACTION_TYPES = {
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
}


def assert_iri(value: object) -> None:
    parsed = urlparse(str(value))
    assert parsed.scheme in {"http", "https"} and parsed.netloc, f"not an absolute IRI: {value!r}"


def assert_language_map(value: object) -> None:
    assert isinstance(value, dict) and value
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def assert_activity(activity: dict) -> None:
    assert activity.get("objectType", "Activity") == "Activity"
    assert_iri(activity["id"])
    definition = activity.get("definition", {})
    if "type" in definition:
        assert_iri(definition["type"])
    if "name" in definition:
        assert_language_map(definition["name"])
    if "interactionType" in definition:
        assert definition["interactionType"] in INTERACTION_TYPES


def assert_result(result: dict) -> None:
    assert set(result) <= {"score", "success", "completion", "response", "duration", "extensions"}
    if "success" in result:
        assert isinstance(result["success"], bool)
    if "completion" in result:
        assert isinstance(result["completion"], bool)
    if "response" in result:
        assert isinstance(result["response"], str)
    score = result.get("score")
    if score is not None:
        assert -1 <= score["scaled"] <= 1
        assert score["min"] <= score["raw"] <= score["max"]
        assert score["min"] < score["max"]


def assert_context(context: dict) -> None:
    for key, activities in context.get("contextActivities", {}).items():
        assert key in {"parent", "grouping", "category", "other"}
        assert isinstance(activities, list) and activities
        for activity in activities:
            assert_activity(activity)
    for key in context.get("extensions", {}):
        assert_iri(key)


def assert_statement(statement: dict) -> None:
    """Required properties present, IRIs absolute, the actor an account (no name, no mbox)."""
    json.dumps(statement)  # plain JSON all the way down
    assert {"actor", "verb", "object"} <= set(statement)
    uuid.UUID(statement["id"])
    actor = statement["actor"]
    assert actor["objectType"] == "Agent"
    assert set(actor) == {"objectType", "account"}, "no name, mbox, mbox_sha1sum or openid"
    assert_iri(actor["account"]["homePage"])
    assert actor["account"]["name"]
    assert_iri(statement["verb"]["id"])
    assert_language_map(statement["verb"]["display"])
    assert_activity(statement["object"])
    assert_result(statement.get("result", {}))
    assert_context(statement.get("context", {}))
    stamp = statement["timestamp"]
    assert stamp.endswith("Z")
    assert datetime.fromisoformat(stamp.replace("Z", "+00:00")).utcoffset().total_seconds() == 0
