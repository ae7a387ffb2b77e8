"""The class gradebook: students × assignments with score and status, the class average of each
assignment, and one student's answers with their verdicts. Built from a fixed number of queries
whatever the number of students or assignments (``selectors.class_progress``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from classrooms.assignments.models import Assignment
from classrooms.assignments.selectors import Cell, class_progress
from classrooms.models import Classroom
from courses import activities
from courses.outline import raw_activities
from edu.accounts.models import User
from edu.records.models import LESSON_SOURCES, LearningRecord

SORTS = ("number", "name")


@dataclass(frozen=True)
class Column:
    assignment: Assignment
    average: Decimal | None  # mean score of the students it is set for who answered anything
    max_score: Decimal

    @property
    def sort(self) -> str:
        return f"a{self.assignment.pk}"


@dataclass(frozen=True)
class Row:
    student: User
    cells: list[Cell]


@dataclass(frozen=True)
class Gradebook:
    classroom: Classroom
    columns: list[Column]
    rows: list[Row]
    sort: str


def _average(cells: list[Cell]) -> Decimal | None:
    scored = [c.progress.score for c in cells if c.assigned and c.progress.answered]
    return (sum(scored, Decimal(0)) / len(scored)).quantize(Decimal("0.1")) if scored else None


def gradebook(classroom: Classroom, *, sort: str = "number") -> Gradebook:
    """``sort``: "number", "name", or "a<assignment id>" (that assignment's score, highest first)."""
    assignments, students, cells = class_progress(classroom)
    rows = [Row(s, [cells[(a.pk, s.pk)] for a in assignments]) for s in students]
    columns = [
        Column(a, _average([row.cells[i] for row in rows]), cells[(a.pk, students[0].pk)].progress.max_score)
        if students
        else Column(a, None, Decimal(0))
        for i, a in enumerate(assignments)
    ]
    key = _sort_key(sort, [a.pk for a in assignments])
    if key is None:
        sort = "number"
        key = _sort_key(sort, [])
    assert key is not None
    rows.sort(key=key)
    return Gradebook(classroom, columns, rows, sort)


def _sort_key(sort: str, assignment_ids: list[int]) -> Any:
    if sort == "name":
        return lambda row: (row.student.display_name, row.student.pk)
    if sort == "number":
        return lambda row: (row.student.student_number is None, row.student.student_number or 0, row.student.pk)
    if sort.startswith("a") and sort[1:].isdigit() and int(sort[1:]) in assignment_ids:
        index = assignment_ids.index(int(sort[1:]))
        return lambda row: (-row.cells[index].progress.score, row.student.display_name)
    return None


@dataclass(frozen=True)
class AnswerLine:
    number: int
    kind_label: str
    prompt: str
    answer: str
    correct: bool | None
    score: Decimal | None
    max_points: Decimal
    status: str  # the record's: answered, needs_review, reviewed ("" when not answered)
    feedback: str


@dataclass(frozen=True)
class AssignmentAnswers:
    assignment: Assignment
    cell: Cell
    lines: list[AnswerLine]


def student_answers(classroom: Classroom, student: User) -> list[AssignmentAnswers]:
    """Every assignment of the class with this student's answer to each activity, its verdict and
    the teacher's feedback, from the learning record."""
    assignments, _students, cells = class_progress(classroom)
    given = {
        (r.lesson_id, r.block_id): r
        for r in LearningRecord.objects.filter(
            source__in=LESSON_SOURCES, student=student, lesson_id__in={x.lesson_id for x in assignments}
        )
    }
    found = []
    for assignment in assignments:
        lines = []
        for number, activity in enumerate(raw_activities(assignment.lesson), start=1):
            record = given.get((assignment.lesson_id, activity.block_id))
            kind = activities.kind_of(activity.kind)
            lines.append(
                AnswerLine(
                    number=number,
                    kind_label=kind.label if kind is not None else activity.kind,
                    prompt=activity.prompt,
                    answer=activities.answer_text(activity.kind, activity.value, record.answer) if record else "",
                    correct=record.correct if record else None,
                    score=record.score if record else None,
                    max_points=activity.points if kind is not None and kind.scored else Decimal(0),
                    status=record.status if record else "",
                    feedback=record.feedback if record else "",
                )
            )
        found.append(AssignmentAnswers(assignment, cells[(assignment.pk, student.pk)], lines))
    return found
