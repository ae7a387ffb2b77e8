"""The report of a live session for its teachers: an HTML page and a CSV download for Excel."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from classrooms.live.access import live_session_for_user
from classrooms.live.models import LiveSession
from classrooms.live.report import MARK_CORRECT, Report, session_report
from edu.spreadsheets import csv_response


def _teacher_session(request: HttpRequest, session_id: int) -> LiveSession:
    session, role = live_session_for_user(request.user, session_id)
    if role != "teacher":
        raise Http404
    return session


@never_cache
@login_required
def report(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _teacher_session(request, session_id)
    data = session_report(session)
    classroom = session.classroom  # None for an open session
    return render(request, "classrooms/live_report.html", {"report": data, "session": session, "classroom": classroom})


def _number(value: Decimal | float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return f"{value:.1f}"


def csv_rows(data: Report) -> Iterable[list[str]]:
    """One row per student × asked question, header first; a question asked again has one row per
    attempt the student answered, "Counts" marking the last one (the answer that counts)."""
    yield [
        _("No."),
        _("Name"),
        _("Notes"),
        _("Question"),
        _("Attempt"),
        _("Counts"),
        _("Question text"),
        _("Type"),
        _("Student answer"),
        _("Result"),
        _("Score"),
        _("Points"),
        _("Seconds"),
        _("Achievement standards"),
    ]
    for student in data.students:
        notes = ", ".join(label for label, on in ((_("Guest"), student.guest), (_("Removed"), student.removed)) if on)
        for cell in student.cells:
            q = cell.question
            if not q.asked:
                continue
            head = ["" if student.student_number is None else str(student.student_number), student.name, notes, q.label]
            tail = [
                _number(q.points) if q.is_checked else "",
            ]
            standards = " ".join(s.code for s in q.standards)
            for earlier in cell.earlier:
                yield [
                    *head,
                    str(earlier.attempt),
                    "",
                    q.prompt,
                    q.kind_label,
                    earlier.answer,
                    earlier.mark,
                    _number(earlier.score),
                    *tail,
                    _number(earlier.seconds),
                    standards,
                ]
            yield [
                *head,
                str(cell.attempt) if cell.answered else "",
                MARK_CORRECT if cell.answered else "",
                q.prompt,
                q.kind_label,
                cell.answer,
                cell.mark,
                _number(cell.score),
                *tail,
                _number(cell.seconds),
                standards,
            ]


def csv_filename(session: LiveSession) -> str:
    day = timezone.localdate(session.created_at).isoformat()
    slug = slugify(session.lesson.title, allow_unicode=True)[:60].strip("-") or f"live-{session.pk}"
    return f"{slug}-{day}.csv"


@never_cache
@login_required
def report_csv(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _teacher_session(request, session_id)
    return csv_response(csv_filename(session), csv_rows(session_report(session)))
