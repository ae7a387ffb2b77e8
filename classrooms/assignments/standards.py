"""Progress per achievement standard (성취기준), from the learning record: for a class, each
student × standard with the share of correct answers and how many answers it rests on; for a
student, their own share per standard and per subject. Only answers marked right or wrong count
(polls and open responses are not marked automatically)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from classrooms.assignments.selectors import class_students
from classrooms.models import Classroom
from courses.curriculum import AchievementStandard
from edu.accounts.models import User
from edu.records.models import LearningRecord


@dataclass
class Share:
    answers: int = 0
    correct: int = 0

    def add(self, correct: bool | None) -> None:
        self.answers += 1
        self.correct += int(bool(correct))

    @property
    def percent(self) -> int | None:
        return round(100 * self.correct / self.answers) if self.answers else None


@dataclass
class StandardRow:
    code: str
    content: str
    total: Share = field(default_factory=Share)


@dataclass(frozen=True)
class StandardsView:
    students: list[User]
    standards: list[StandardRow]
    cells: dict[tuple[int, str], Share]

    def cell(self, student: User, code: str) -> Share:
        return self.cells.get((student.pk, code), Share())

    @property
    def rows(self) -> list[tuple[User, list[Share]]]:
        return [(s, [self.cell(s, row.code) for row in self.standards]) for s in self.students]


def _contents(codes: set[str]) -> dict[str, str]:
    return dict(AchievementStandard.objects.filter(code__in=codes).values_list("code", "content")) if codes else {}


def class_standards(classroom: Classroom) -> StandardsView:
    """Students × standards of the answers given in this class (assignments and live sessions).
    Three queries, whatever the number of students or answers' standards."""
    students = class_students(classroom)
    cells: dict[tuple[int, str], Share] = defaultdict(Share)
    rows: dict[str, StandardRow] = {}
    records = LearningRecord.objects.filter(
        classroom=classroom, student_id__in=[s.pk for s in students], correct__isnull=False
    ).values_list("student_id", "standards", "correct")
    for student_id, codes, correct in records:
        for code in codes or []:
            cells[(student_id, code)].add(correct)
            rows.setdefault(code, StandardRow(code, "")).total.add(correct)
    contents = _contents(set(rows))
    for row in rows.values():
        row.content = contents.get(row.code, "")
    return StandardsView(students, sorted(rows.values(), key=lambda r: r.code), dict(cells))


@dataclass(frozen=True)
class StudentProgress:
    subjects: list[tuple[str, Share]]
    standards: list[StandardRow]


def student_progress(student: User) -> StudentProgress:
    """A student's own share of correct answers per subject and per standard, over everything they
    answered (self-paced, assignments, live). Two queries."""
    subjects: dict[str, Share] = defaultdict(Share)
    rows: dict[str, StandardRow] = {}
    records = LearningRecord.objects.filter(student=student, correct__isnull=False).values_list(
        "lesson__subject_name", "standards", "correct"
    )
    for subject, codes, correct in records:
        subjects[subject or "–"].add(correct)
        for code in codes or []:
            rows.setdefault(code, StandardRow(code, "")).total.add(correct)
    contents = _contents(set(rows))
    for row in rows.values():
        row.content = contents.get(row.code, "")
    return StudentProgress(sorted(subjects.items()), sorted(rows.values(), key=lambda r: r.code))
