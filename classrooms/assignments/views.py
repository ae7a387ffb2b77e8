"""Pages of assignments: set a lesson for a class (from the lesson page) and withdraw it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from classrooms.access import classroom_for_teacher
from classrooms.assignments.forms import AssignmentForm
from classrooms.assignments.models import Assignment
from classrooms.assignments.selectors import class_students, missed_session, session_attendees
from classrooms.assignments.services import assignment_create, assignment_delete
from courses.access import lesson_for_user
from edu.accounts.access import require_teacher
from edu.errors import DomainError


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@login_required
@require_http_methods(["GET", "POST"])
def assignment_new(request: HttpRequest) -> HttpResponse:
    """?lesson=<id>&classroom=<id>: the form, with the class's students to choose from."""
    teacher = require_teacher(request.user)
    lesson_id = _int(request.GET.get("lesson") or request.POST.get("lesson"))
    if lesson_id is None:
        raise Http404
    lesson = lesson_for_user(teacher, lesson_id)
    classroom_id = _int(request.POST.get("classroom") or request.GET.get("classroom"))
    classroom = classroom_for_teacher(teacher, classroom_id) if classroom_id is not None else None
    students = class_students(classroom) if classroom is not None else []
    missed = _int(request.GET.get("missed") or request.POST.get("missed"))
    session = missed_session(classroom, lesson.pk, missed) if classroom is not None and missed else None
    data = request.POST if request.method == "POST" else None
    initial: dict[str, object] = {"classroom": classroom} if classroom is not None else {}
    if session is not None:  # a lesson taught live, set afterwards for those who were not there
        initial["students"] = [s.pk for s in students if s.pk not in session_attendees(session)]
    form = AssignmentForm(teacher, data, students=students, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assignment_create(
                teacher=teacher,
                classroom=form.cleaned_data["classroom"],
                lesson=lesson,
                opens_at=form.cleaned_data["opens_at"],
                due_at=form.cleaned_data["due_at"],
                late_policy=form.cleaned_data["late_policy"],
                key_policy=form.cleaned_data["key_policy"],
                student_ids=form.cleaned_data["students"],
                live_session=session,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Assigned “%(title)s”.") % {"title": lesson.title})
            return redirect("classrooms:detail", classroom_id=form.cleaned_data["classroom"].pk)
    status = 400 if form.errors else 200
    context = {"form": form, "lesson": lesson, "classroom": classroom, "session": session}
    return render(request, "classrooms/assignment_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_remove(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """Withdraw an assignment, after a confirmation page."""
    assignment = Assignment.objects.select_related("classroom").filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404
    classroom = classroom_for_teacher(request.user, assignment.classroom_id)
    if request.method == "POST":
        assignment_delete(assignment=assignment)
        messages.success(request, _("The assignment was withdrawn. Answers already given are kept."))
        return redirect("classrooms:detail", classroom_id=classroom.pk)
    return render(request, "classrooms/assignment_remove.html", {"assignment": assignment, "classroom": classroom})
