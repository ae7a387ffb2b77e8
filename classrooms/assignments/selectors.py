"""Reads of assignments: a student's list on their home page, a class's list for its teachers, and
each student's status in an assignment. A fixed number of queries whatever the number of students
or assignments: answers are counted per (student, lesson) in one grouped query of the learning record."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from classrooms.assignments.models import Assignment
from classrooms.models import Classroom, LiveSession, MemberRole, Membership, Participant, SessionState
from courses.activities import KINDS
from courses.outline import raw_activities
from courses.pages import LessonPage
from edu.accounts.models import User
from edu.records.models import LESSON_SOURCES, LearningRecord

NOT_STARTED, IN_PROGRESS, DONE, LATE = "not_started", "in_progress", "done", "late"


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int
    last_answer_at: datetime | None
    score: Decimal = Decimal(0)
    max_score: Decimal = Decimal(0)

    @property
    def percent(self) -> int:
        return round(100 * min(self.answered, self.total) / self.total) if self.total else 0


def status_of(assignment: Assignment, progress: Progress, now: datetime) -> str:
    """not_started, in_progress, done, or late: past the due time and not finished, or finished after it."""
    finished = progress.total > 0 and progress.answered >= progress.total
    due = assignment.due_at
    if finished:
        late = due is not None and progress.last_answer_at is not None and progress.last_answer_at > due
        return LATE if late else DONE
    if due is not None and now > due:
        return LATE
    return IN_PROGRESS if progress.answered else NOT_STARTED


@dataclass(frozen=True)
class LessonSize:
    """What a lesson asks (read from the raw body: no stream conversion, no query)."""

    activities: int
    max_score: Decimal


def lesson_size(lesson: LessonPage) -> LessonSize:
    found = raw_activities(lesson)
    scored = sum((a.points for a in found if (kind := KINDS.get(a.kind)) is not None and kind.scored), Decimal(0))
    return LessonSize(len(found), scored)


Answered = tuple[int, "datetime | None", Decimal]


def _answers(user_ids: set[int], lesson_ids: set[int]) -> dict[tuple[int, int], Answered]:
    """(student, lesson) -> (activities answered, last answer time, score), from the learning record
    of self-paced answers (a reviewed open response counts with the teacher's score): one query."""
    if not user_ids or not lesson_ids:
        return {}
    rows = (
        LearningRecord.objects.filter(source__in=LESSON_SOURCES, student_id__in=user_ids, lesson_id__in=lesson_ids)
        .values("student_id", "lesson_id")
        .annotate(n=Count("id"), last=Max("answered_at"), score=Sum("score"))
    )
    return {(r["student_id"], r["lesson_id"]): (r["n"], r["last"], r["score"] or Decimal(0)) for r in rows}


NOTHING: Answered = (0, None, Decimal(0))


def _progress(answered: Answered, size: LessonSize) -> Progress:
    return Progress(answered[0], size.activities, answered[1], answered[2], size.max_score)


@dataclass(frozen=True)
class StudentAssignment:
    assignment: Assignment
    progress: Progress
    status: str


def assignments_for_student(user: User) -> list[StudentAssignment]:
    """The open assignments of the student's classes (set for the whole class or for them),
    soonest due first: three queries."""
    now = timezone.now()
    mine = (
        Assignment.objects.filter(
            classroom__memberships__user=user,
            classroom__memberships__role=MemberRole.STUDENT,
            opens_at__lte=now,
        )
        .filter(Q(students__isnull=True) | Q(students=user))
        .select_related("lesson", "classroom")
        .distinct()
    )
    assignments = sorted(mine, key=lambda a: (a.due_at is None, a.due_at or a.opens_at, a.pk))
    answers = _answers({user.pk}, {a.lesson_id for a in assignments})
    found = []
    for assignment in assignments:
        progress = _progress(answers.get((user.pk, assignment.lesson_id), NOTHING), lesson_size(assignment.lesson))
        found.append(StudentAssignment(assignment, progress, status_of(assignment, progress, now)))
    return found


def class_assignments(classroom: Classroom) -> QuerySet[Assignment]:
    return Assignment.objects.filter(classroom=classroom).select_related("lesson").prefetch_related("students")


def class_students(classroom: Classroom) -> list[User]:
    """The class's students in roster order (number, then name)."""
    return [
        m.user
        for m in Membership.objects.filter(classroom=classroom, role=MemberRole.STUDENT)
        .select_related("user")
        .order_by("user__student_number", "user__display_name")
    ]


@dataclass(frozen=True)
class Cell:
    assigned: bool
    progress: Progress
    status: str


def class_progress(classroom: Classroom) -> tuple[list[Assignment], list[User], dict[tuple[int, int], Cell]]:
    """Every assignment of the class × every student: whether it is set for them, their progress and
    status. Four queries (assignments with their chosen students, students, answers)."""
    now = timezone.now()
    assignments = list(class_assignments(classroom))
    students = class_students(classroom)
    answers = _answers({s.pk for s in students}, {a.lesson_id for a in assignments})
    cells: dict[tuple[int, int], Cell] = {}
    for assignment in assignments:
        chosen = {s.pk for s in assignment.students.all()}
        size = lesson_size(assignment.lesson)
        for student in students:
            progress = _progress(answers.get((student.pk, assignment.lesson_id), NOTHING), size)
            cells[(assignment.pk, student.pk)] = Cell(
                assigned=not chosen or student.pk in chosen,
                progress=progress,
                status=status_of(assignment, progress, now),
            )
    return assignments, students, cells


def summary(
    assignments: list[Assignment], students: list[User], cells: dict[tuple[int, int], Cell]
) -> list[dict[str, Any]]:
    """Per assignment: how many it is set for, and how many of them are in each status."""
    rows = []
    for assignment in assignments:
        counts: dict[str, int] = defaultdict(int)
        for student in students:
            cell = cells[(assignment.pk, student.pk)]
            if cell.assigned:
                counts["assigned"] += 1
                counts[cell.status] += 1
        rows.append(
            {"assignment": assignment, **{k: counts[k] for k in ("assigned", NOT_STARTED, IN_PROGRESS, DONE, LATE)}}
        )
    return rows


def missed_session(classroom: Classroom, lesson_id: int, session_id: int) -> LiveSession | None:
    """A finished live session of this lesson in this class (its teacher is already checked)."""
    return (
        LiveSession.objects.filter(pk=session_id, classroom=classroom, lesson_id=lesson_id)
        .exclude(state=SessionState.LOBBY)
        .first()
    )


def session_attendees(session: LiveSession) -> set[int]:
    """The students who took part in a live session (removed participants count as absent)."""
    return set(
        Participant.objects.filter(session=session, removed=False, user__isnull=False).values_list("user_id", flat=True)
    )


def open_assignment_of(user: User, lesson_id: int) -> Assignment | None:
    """The assignment a student's self-paced answer to this lesson belongs to: the latest opened
    one set for them (their whole class, or them by name), if any. One query."""
    return (
        Assignment.objects.filter(
            lesson_id=lesson_id,
            classroom__memberships__user=user,
            classroom__memberships__role=MemberRole.STUDENT,
            opens_at__lte=timezone.now(),
        )
        .filter(Q(students__isnull=True) | Q(students=user))
        .order_by("-opens_at", "-pk")
        .first()
    )
