"""Load the demo library (courses/fixtures/demo_lessons.json) and the core standards. Idempotent:
pages are found by slug and refreshed; standards import is itself idempotent."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from courses.activities import ACTIVITY_TYPES
from courses.blocks import clean_raw_block
from courses.curriculum import AchievementStandard
from courses.pages import CoursePage, LessonPage, LessonStandard, UnitPage
from courses.services import library_root_ensure
from courses.standards_import import standards_import

FIXTURES = Path(__file__).resolve().parent / "fixtures"
STANDARDS_FILE = FIXTURES / "k-curriculum-2022" / "standards_core.csv"
LESSONS_FILE = FIXTURES / "demo_lessons.json"


class DemoDataError(Exception):
    pass


def load(log: Callable[[str], None] = lambda _message: None) -> int:
    report = standards_import(STANDARDS_FILE)
    if report.rolled_back:
        raise DemoDataError(f"standards import rejected {len(report.rejected)} rows")
    log(f"Standards: {report.created} created, {report.unchanged + report.updated} already there.")
    data = json.loads(LESSONS_FILE.read_text(encoding="utf-8"))
    count = 0
    with transaction.atomic():
        library = library_root_ensure()
        for course_data in data["courses"]:
            course = _child(
                library,
                CoursePage,
                course_data["title"],
                grade=course_data["grade"],
                subject_name=course_data["subject"],
                intro=course_data.get("intro", ""),
            )
            standards = {
                s.code: s
                for s in AchievementStandard.objects.filter(
                    subject__name=course_data["csv_subject"], subject__grade_band=course_data["grade_group"]
                )
            }
            for unit_data in course_data["units"]:
                unit = _child(course, UnitPage, unit_data["title"], intro=unit_data.get("intro", ""))
                for lesson_data in unit_data["lessons"]:
                    _lesson(unit, lesson_data, standards)
                    count += 1
    log(f"Library: {count} demo lessons.")
    return count


def _child(parent: Any, model: Any, title: str, **fields: Any) -> Any:
    slug = slugify(title, allow_unicode=True)
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(title=title, slug=slug, **fields)
        parent.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    page.save_revision().publish()
    return page


def _resolve(codes: list[str], standards: dict[str, AchievementStandard]) -> list[AchievementStandard]:
    missing = [code for code in codes if code not in standards]
    if missing:
        raise DemoDataError(f"unknown standard codes in demo lessons: {', '.join(missing)}")
    return [standards[code] for code in codes]


def _lesson(unit: UnitPage, data: dict[str, Any], standards: dict[str, AchievementStandard]) -> LessonPage:
    covered = _resolve(data["standards"], standards)
    body: list[dict[str, Any]] = []
    for block in data["body"]:
        value = clean_raw_block(block["type"], block["value"])
        if block["type"] in ACTIVITY_TYPES and isinstance(value, dict) and "standards" in value:
            value["standards"] = [s.pk for s in _resolve(value["standards"], standards)]
        body.append(
            {
                "type": block["type"],
                "value": value,
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{data['title']}/{len(body)}")),
            }
        )
    slug = slugify(data["title"], allow_unicode=True)
    lesson = LessonPage.objects.child_of(unit).filter(slug=slug).first()
    if lesson is None:
        lesson = LessonPage(title=data["title"], slug=slug)
        lesson.summary, lesson.minutes, lesson.body = data.get("summary", ""), data.get("minutes", 40), body
        unit.add_child(instance=lesson)
    lesson.summary, lesson.minutes, lesson.body = data.get("summary", ""), data.get("minutes", 40), body
    lesson.standard_links = [LessonStandard(standard=standard) for standard in covered]
    lesson.save_revision().publish()
    return lesson
