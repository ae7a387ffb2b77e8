"""Reads of the library: browsing, search, a user's answers."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from courses import standard_codes
from courses.answers import LessonAnswer
from courses.curriculum import AchievementStandard
from courses.pages import CoursePage, LessonPage, LibraryIndexPage
from courses.recording import lesson_answer_key
from edu.accounts.access import AnyUser
from edu.accounts.models import User
from edu.records.models import LearningRecord, RecordStatus

LEVELS = [("elementary", range(1, 7)), ("middle", range(7, 10)), ("high", range(10, 13))]


def courses_by_level(library: LibraryIndexPage) -> list[tuple[str, list[CoursePage]]]:
    courses = CoursePage.objects.child_of(library).live().order_by("grade", "subject_name")
    grouped: dict[str, list[CoursePage]] = defaultdict(list)
    for course in courses:
        for level, grades in LEVELS:
            if course.grade in grades:
                grouped[level].append(course)
    return [(level, grouped[level]) for level, _grades in LEVELS if grouped[level]]


def library_lessons() -> QuerySet[LessonPage]:
    return LessonPage.objects.live().filter(workspace_teacher__isnull=True, shared_school__isnull=True)


def lessons_search(
    query: str = "",
    *,
    grade: int | None = None,
    subject: str = "",
    area: str = "",
    standard: AchievementStandard | None = None,
    within: QuerySet[LessonPage] | None = None,
) -> QuerySet[LessonPage]:
    """Library lessons (or the lessons ``within``, e.g. a teacher's own) matching a Korean query
    (substring, so "분수" finds "분수의 덧셈"), a standard code ("[4수01-05]" or "4수01") and the filters."""
    lessons = library_lessons() if within is None else within
    query = " ".join(query.split())
    if query:
        condition = Q(search_text__icontains=query)
        if standard_codes.looks_like_code(query):
            key = standard_codes.normalise(query)
            condition |= Q(standard_links__standard__key__startswith=key)
        lessons = lessons.filter(condition)
    if grade:
        lessons = lessons.filter(grade=grade)
    if subject:
        lessons = lessons.filter(subject_name=subject)
    if area:
        lessons = lessons.filter(standard_links__standard__area__name=area)
    if standard is not None:
        lessons = lessons.filter(standard_links__standard=standard)
    return lessons.distinct().order_by("grade", "subject_name", "path")


def standards_matching(query: str) -> Q:
    """Korean-friendly match: a substring of the text, or a (partial) code such as "4수01"."""
    query = " ".join(query.split())
    condition = Q(content__icontains=query) | Q(subject__name__icontains=query) | Q(area__name__icontains=query)
    if standard_codes.looks_like_code(query):
        condition |= Q(key__startswith=standard_codes.normalise(query))
    return condition


def standards_search(query: str, *, limit: int = 20) -> QuerySet[AchievementStandard]:
    if not query.strip():
        return AchievementStandard.objects.none()
    return AchievementStandard.objects.filter(standards_matching(query)).select_related("subject", "area")[:limit]


def subjects_in_library() -> list[str]:
    return sorted(set(library_lessons().exclude(subject_name="").values_list("subject_name", flat=True)))


def areas_in_library() -> list[str]:
    """The curriculum areas (영역) that library lessons cover, for the search filter."""
    names = AchievementStandard.objects.filter(
        lesson_links__page__in=library_lessons(), area__isnull=False
    ).values_list("area__name", flat=True)
    return sorted(set(names))


def lessons_for_standard(standard: AchievementStandard) -> QuerySet[LessonPage]:
    return library_lessons().filter(standard_links__standard=standard).distinct().order_by("grade", "path")


def answers_for(user: AnyUser, lesson: LessonPage) -> dict[str, Any]:
    """The student's answers by activity, each with the teacher's ``review`` (the learning record
    of a reviewed open response: score and feedback) or None. Two queries."""
    if not isinstance(user, User):
        return {}
    answers = {answer.block_id: answer for answer in LessonAnswer.objects.filter(user=user, lesson=lesson)}
    reviews = {
        record.key: record
        for record in LearningRecord.objects.filter(
            key__in=[lesson_answer_key(a.pk) for a in answers.values()], status=RecordStatus.REVIEWED
        )
    }
    for answer in answers.values():
        answer.review = reviews.get(lesson_answer_key(answer.pk))
    return answers


def my_lessons(user: User) -> QuerySet[LessonPage]:
    return (
        LessonPage.objects.filter(workspace_teacher=user)
        .select_related("source_lesson")
        .order_by("-latest_revision_created_at")
    )


def progress_of(answers: dict[str, LessonAnswer], lesson: LessonPage) -> dict[str, Decimal | int]:
    activities = lesson.activities()
    return {
        "answered": sum(1 for block in activities if block.id in answers),
        "total": len(activities),
        "score": sum((answer.score for answer in answers.values()), Decimal(0)),
    }
