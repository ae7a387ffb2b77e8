"""What leaves the server about a lesson body: never an answer key before a student answered."""

from __future__ import annotations

from typing import Any

from courses.blocks import ACTIVITY_TYPES

# Fields of activity values that give the answer away.
SECRET_FIELDS = {"correct", "answer", "accepted_answers", "tolerance", "explanation", "sample_answer", "case_sensitive"}


def _safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _safe(item) for key, item in value.items() if key not in SECRET_FIELDS}
    if isinstance(value, list):
        return [_safe(item) for item in value]
    return value


def student_safe_body(body: Any) -> list[dict[str, Any]]:
    """The stream as JSON-ready data, activities stripped of answers and explanations."""
    result = []
    for block in body:
        value = block.block.get_api_representation(block.value)
        if block.block_type in ACTIVITY_TYPES:
            value = _safe(value)
        result.append({"type": block.block_type, "id": block.id, "value": value})
    return result
