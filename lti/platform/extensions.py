"""What the platform side adds to lower layers from ``LtiConfig.ready()``: the part of a student's
data export that external tools hold about them (``classrooms.privacy.exporting.export_parts``)."""

from __future__ import annotations

from typing import Any

from classrooms.privacy.exporting import export_parts
from edu.accounts.models import User
from lti.models import PlatformScore, ToolSubject


def tools_part(student: User) -> dict[str, Any]:
    """The pseudonymous ID each tool knows the student by, and the latest score each tool column holds for them."""
    subjects = ToolSubject.objects.filter(user=student).select_related("tool").order_by("tool__name", "pk")
    scores = (
        PlatformScore.objects.filter(student=student)
        .select_related("line_item__tool", "line_item__classroom")
        .order_by("timestamp", "pk")
    )
    return {
        "tools": [{"tool": s.tool.name, "id_known_to_the_tool": s.sub} for s in subjects],
        "scores": [
            {
                "tool": score.line_item.tool.name,
                "class": str(score.line_item.classroom),
                "column": score.line_item.label,
                "score_given": score.score_given,
                "score_maximum": score.score_maximum,
                "activity_progress": score.activity_progress,
                "grading_progress": score.grading_progress,
                "comment": score.comment,
                "timestamp": score.timestamp,
            }
            for score in scores
        ],
    }


def register() -> None:
    export_parts.register(("external_tools.json", tools_part))
