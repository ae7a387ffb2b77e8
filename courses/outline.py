"""What other parts of Baeum need of a lesson without rendering it: its activities and slide count
(parsed once per process per published revision), and its activities read straight from the
body's raw JSON (no stream conversion, no snippet or image queries) for reports. The outline also
carries what a learning record copies of each activity (prompt, standard codes), so a live batch
records its answers without reading the curriculum again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.html import strip_tags
from django.utils.text import Truncator

from courses.activities import ACTIVITY_TYPES, list_items
from courses.curriculum import AchievementStandard
from courses.pages import LessonPage

PROMPT_CHARS = 200


@dataclass(frozen=True)
class ActivityFacts:
    """What a learning record copies of an activity: its prompt as plain text and its achievement
    standards as codes ("[4수01-10]"), in the order the author chose them."""

    kind: str
    prompt: str
    standards: tuple[str, ...]


@dataclass(frozen=True)
class LessonOutline:
    """A lesson's activities (kind and value by block id) and its slide count, as published."""

    revision: int | None
    activities: dict[str, tuple[str, Any]]
    slide_count: int
    title: str = ""
    facts: dict[str, ActivityFacts] = field(default_factory=dict)


_OUTLINES: dict[int, LessonOutline] = {}
CACHE_MAX = 64


def lesson_outline(lesson_id: int) -> LessonOutline:
    """The lesson's outline as published now (one small query to check the cached one is current)."""
    revision = LessonPage.objects.filter(pk=lesson_id).values_list("live_revision_id", flat=True).first()
    cached = _OUTLINES.get(lesson_id)
    if cached is not None and cached.revision == revision:
        return cached
    lesson = LessonPage.objects.get(pk=lesson_id)
    outline = LessonOutline(
        revision=revision,
        activities={
            block.id: (block.block_type, block.value) for block in lesson.body if block.block_type in ACTIVITY_TYPES
        },
        slide_count=len(lesson.slides()),
        title=lesson.title,
        facts=activity_facts(raw_activities(lesson)),
    )
    if len(_OUTLINES) >= CACHE_MAX:
        _OUTLINES.pop(next(iter(_OUTLINES)))
    _OUTLINES[lesson_id] = outline
    return outline


def forget_cached() -> None:
    """Drop the per-process outlines (tests: a new database reuses ids)."""
    _OUTLINES.clear()


@dataclass(frozen=True)
class RawActivity:
    """One activity of a lesson as stored: enough for a report, without converting the stream."""

    block_id: str
    kind: str
    value: dict[str, Any]
    points: Decimal
    standard_ids: list[int]
    prompt: str  # plain text, shortened


def _points(value: dict[str, Any]) -> Decimal:
    try:
        return Decimal(str(value.get("points") or 0))
    except ArithmeticError:
        return Decimal(0)


def _standard_ids(value: dict[str, Any]) -> list[int]:
    ids: list[int] = []
    for item in list_items(value.get("standards")):
        if isinstance(item, int) and not isinstance(item, bool) and item not in ids:
            ids.append(item)
    return ids


def _prompt_text(value: dict[str, Any]) -> str:
    text = " ".join(strip_tags(str(value.get("prompt") or value.get("title") or "")).split())
    return Truncator(text).chars(PROMPT_CHARS)


def raw_activities(lesson: LessonPage) -> list[RawActivity]:
    """The lesson's activities in order, read from the body's raw JSON."""
    raw = lesson.body.raw_data if lesson.body else []
    found = []
    for item in raw:
        kind = item.get("type")
        if kind not in ACTIVITY_TYPES:
            continue
        value = item.get("value") if isinstance(item.get("value"), dict) else {}
        found.append(
            RawActivity(
                block_id=str(item.get("id")),
                kind=kind,
                value=value,
                points=_points(value),
                standard_ids=_standard_ids(value),
                prompt=_prompt_text(value),
            )
        )
    return found


def standard_codes(ids: Iterable[int]) -> dict[int, str]:
    """Achievement standards' codes by id, in one query (none when there are no ids)."""
    wanted = set(ids)
    if not wanted:
        return {}
    # no ordering: the model's default one would join the subjects for nothing
    return dict(AchievementStandard.objects.filter(pk__in=wanted).order_by().values_list("pk", "code"))


def activity_facts(found: list[RawActivity]) -> dict[str, ActivityFacts]:
    """The facts of these activities by block id, their standards resolved in one query (a
    standard deleted since the lesson was written is left out)."""
    codes = standard_codes(i for activity in found for i in activity.standard_ids)
    return {
        a.block_id: ActivityFacts(a.kind, a.prompt, tuple(codes[i] for i in a.standard_ids if i in codes))
        for a in found
    }


def facts_of(lesson: LessonPage, block_id: str) -> ActivityFacts | None:
    """One activity's facts, read from the lesson's raw body (one query, for its standards)."""
    found = [a for a in raw_activities(lesson) if a.block_id == block_id]
    return activity_facts(found).get(block_id)
