"""What leaves the server about a lesson body: never an answer key before a student answered."""

from __future__ import annotations

from typing import Any

from courses.activities import without_secrets


def student_safe_body(body: Any) -> list[dict[str, Any]]:
    """The stream as JSON-ready data, activities stripped of answers and explanations (each kind's
    secret fields, from the activity registry)."""
    return [
        {
            "type": block.block_type,
            "id": block.id,
            "value": without_secrets(block.block_type, block.block.get_api_representation(block.value)),
        }
        for block in body
    ]
