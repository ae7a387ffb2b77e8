"""The class gradebook for its teachers: an HTML page, a CSV download for Excel, and one student's
answers. Access through the audited helpers: anyone who does not teach the class gets 404."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from classrooms.access import classroom_for_teacher
from classrooms.assignments.gradebook import Gradebook, Row, gradebook, student_answers
from classrooms.assignments.selectors import DONE, IN_PROGRESS, LATE, NOT_STARTED, class_students
from classrooms.assignments.standards import class_standards, student_progress
from classrooms.privacy.models import PrivacyAction
from classrooms.privacy.services import audit
from edu.accounts.access import signed_in_user
from edu.spreadsheets import csv_response


def status_labels() -> dict[str, str]:
    return {NOT_STARTED: _("Not started"), IN_PROGRESS: _("In progress"), DONE: _("Done"), LATE: _("Late")}


def _number(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


@dataclass(frozen=True)
class Shown:
    """One gradebook cell as the page shows it (prepared here: a template loop per cell is slow)."""

    status: str
    score: str
    label: str


def shown_rows(book: Gradebook) -> list[tuple[Row, list[Shown]]]:
    labels, not_assigned = status_labels(), _("Not assigned")
    rows = []
    for row in book.rows:
        cells = []
        for cell in row.cells:
            if not cell.assigned:
                cells.append(Shown("not_assigned", "", not_assigned))
                continue
            progress = cell.progress
            score = _number(progress.score) if progress.answered else ""
            if score and progress.max_score:
                score += "/" + _number(progress.max_score)
            cells.append(Shown(cell.status, score, labels[cell.status]))
        rows.append((row, cells))
    return rows


@never_cache
@login_required
def gradebook_page(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = classroom_for_teacher(request.user, classroom_id)
    audit(signed_in_user(request), PrivacyAction.GRADEBOOK_VIEWED, classroom_id=classroom.pk)
    book = gradebook(classroom, sort=request.GET.get("sort", "number")[:20])
    context = {"book": book, "classroom": classroom, "rows": shown_rows(book)}
    return render(request, "classrooms/gradebook.html", context)


def csv_rows(book: Gradebook) -> Iterable[list[str]]:
    """Header, one row per student (score and status per assignment), then the class averages."""
    labels = status_labels()
    header = [_("No."), _("Name")]
    for column in book.columns:
        title = column.assignment.title
        header += [f"{title} ({_('score')})", f"{title} ({_('status')})"]
    yield header
    for row in book.rows:
        line = ["" if row.student.student_number is None else str(row.student.student_number), row.student.display_name]
        for cell in row.cells:
            if not cell.assigned:
                line += ["", _("Not assigned")]
                continue
            line += [_number(cell.progress.score) if cell.progress.answered else "", labels[cell.status]]
        yield line
    averages = ["", _("Class average")]
    for column in book.columns:
        averages += [_number(column.average), ""]
    yield averages


@never_cache
@login_required
def gradebook_csv(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = classroom_for_teacher(request.user, classroom_id)
    audit(signed_in_user(request), PrivacyAction.GRADEBOOK_VIEWED, classroom_id=classroom.pk)
    day = timezone.localdate().isoformat()
    name = slugify(str(classroom), allow_unicode=True)[:60].strip("-") or f"class-{classroom.pk}"
    return csv_response(f"{name}-gradebook-{day}.csv", csv_rows(gradebook(classroom)))


@never_cache
@login_required
def student_page(request: HttpRequest, classroom_id: int, student_id: int) -> HttpResponse:
    """One student's answers in every assignment of the class, with verdicts and scores."""
    classroom = classroom_for_teacher(request.user, classroom_id)
    student = next((s for s in class_students(classroom) if s.pk == student_id), None)
    if student is None:
        raise Http404
    audit(
        signed_in_user(request), PrivacyAction.GRADEBOOK_VIEWED, subject_user_id=student.pk, classroom_id=classroom.pk
    )
    context = {
        "classroom": classroom,
        "student": student,
        "items": student_answers(classroom, student),
        "statuses": status_labels(),
    }
    return render(request, "classrooms/gradebook_student.html", context)


@never_cache
@login_required
def standards_page(request: HttpRequest, classroom_id: int) -> HttpResponse:
    """Students × achievement standards: the share of correct answers and how many it rests on."""
    classroom = classroom_for_teacher(request.user, classroom_id)
    return render(request, "classrooms/standards.html", {"classroom": classroom, "view": class_standards(classroom)})


@never_cache
@login_required
def standards_csv(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = classroom_for_teacher(request.user, classroom_id)
    view = class_standards(classroom)
    rows: list[list[str]] = [[_("No."), _("Name")] + [f"{row.code} (%)" for row in view.standards]]
    for student, shares in view.rows:
        rows.append(
            [str(student.student_number or ""), student.display_name]
            + ["" if c.percent is None else f"{c.percent} ({c.correct}/{c.answers})" for c in shares]
        )
    name = slugify(str(classroom), allow_unicode=True)[:60].strip("-") or f"class-{classroom.pk}"
    return csv_response(f"{name}-standards-{timezone.localdate().isoformat()}.csv", rows)


@never_cache
@login_required
def my_progress(request: HttpRequest) -> HttpResponse:
    """A student's own progress per subject and per achievement standard."""
    student = signed_in_user(request)
    return render(request, "classrooms/my_progress.html", {"progress": student_progress(student)})
