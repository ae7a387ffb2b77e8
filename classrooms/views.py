"""Class pages: create a class, its roster, adding students, login cards, joining with a code."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from classrooms import cards as login_cards
from classrooms.access import classroom_for_teacher, classroom_for_user
from classrooms.extensions import sections_for
from classrooms.forms import ClassroomForm, ConfirmForm, CoTeacherForm, JoinClassForm, StudentForm, StudentListForm
from classrooms.models import Classroom, MemberRole, Membership
from classrooms.selectors import classroom_roster
from classrooms.services import (
    classroom_create,
    classroom_join,
    co_teacher_add,
    login_cards_reissue,
    student_remove,
    student_update,
    students_add,
)
from edu.accounts.access import require_teacher, signed_in_user
from edu.errors import DomainError

ROSTER_PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def classroom_new(request: HttpRequest) -> HttpResponse:
    teacher = require_teacher(request.user)
    form = ClassroomForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            classroom = classroom_create(teacher=teacher, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Class created. Add your students next."))
            return redirect("classrooms:detail", classroom_id=classroom.pk)
    return render(request, "classrooms/classroom_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def classroom_detail(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = classroom_for_user(request.user, classroom_id)
    if not signed_in_user(request).is_teacher:
        return render(request, "classrooms/classroom_student.html", {"classroom": classroom})
    classroom = classroom_for_teacher(request.user, classroom_id)
    roster = classroom_roster(classroom)
    teachers = [m for m in roster if m.role == MemberRole.TEACHER]
    students = Paginator([m for m in roster if m.role == MemberRole.STUDENT], ROSTER_PAGE_SIZE)
    page = students.get_page(request.GET.get("page"))
    return render(
        request,
        "classrooms/classroom_teacher.html",
        {
            "classroom": classroom,
            "teachers": teachers,
            "page": page,
            "student_total": students.count,
            "co_teacher_form": CoTeacherForm(),
            "sections": sections_for(classroom),
        },
    )


@login_required
@require_http_methods(["POST"])
def co_teacher_new(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = classroom_for_teacher(request.user, classroom_id)
    form = CoTeacherForm(request.POST)
    if form.is_valid():
        try:
            teacher = co_teacher_add(classroom=classroom, username=form.cleaned_data["username"])
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(name)s now teaches this class too.") % {"name": teacher.get_full_name()})
    else:
        messages.error(request, _("Enter a username."))
    return redirect("classrooms:detail", classroom_id=classroom.pk)


@login_required
@require_http_methods(["GET", "POST"])
def students_new(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = classroom_for_teacher(request.user, classroom_id)
    form = StudentListForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cards = students_add(classroom=classroom, entries=form.cleaned_data["names"])
        except DomainError as exc:
            form.add_error("names", str(exc))
        else:
            login_cards.remember(request, classroom.pk, cards)
            messages.success(
                request,
                ngettext("%(count)d student added.", "%(count)d students added.", len(cards)) % {"count": len(cards)},
            )
            return redirect("classrooms:cards", classroom_id=classroom.pk)
    status = 400 if form.errors else 200
    return render(request, "classrooms/students_form.html", {"classroom": classroom, "form": form}, status=status)


def _student_membership(classroom_id: int, student_id: int, request: HttpRequest) -> tuple[Classroom, Membership]:
    classroom = classroom_for_teacher(request.user, classroom_id)
    membership = classroom_roster(classroom).filter(user_id=student_id, role=MemberRole.STUDENT).first()
    if membership is None:
        raise Http404
    return classroom, membership


@login_required
@require_http_methods(["GET", "POST"])
def student_edit(request: HttpRequest, classroom_id: int, student_id: int) -> HttpResponse:
    classroom, membership = _student_membership(classroom_id, student_id, request)
    initial = {"display_name": membership.user.display_name, "student_number": membership.user.student_number}
    form = StudentForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            student_update(classroom=classroom, student_id=student_id, **form.cleaned_data)
        except DomainError as exc:
            form.add_error("display_name", str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("classrooms:detail", classroom_id=classroom.pk)
    context = {"classroom": classroom, "membership": membership, "form": form}
    return render(request, "classrooms/student_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def student_delete(request: HttpRequest, classroom_id: int, student_id: int) -> HttpResponse:
    classroom, membership = _student_membership(classroom_id, student_id, request)
    if request.method == "POST":
        student_remove(classroom=classroom, student_id=student_id)
        messages.success(request, _("%(name)s was removed from the class.") % {"name": membership.user.display_name})
        return redirect("classrooms:detail", classroom_id=classroom.pk)
    return render(request, "classrooms/student_delete.html", {"classroom": classroom, "membership": membership})


@login_required
def cards(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = classroom_for_teacher(request.user, classroom_id)
    issued = login_cards.recall(request, classroom.pk)
    items = [
        {
            "card": card,
            "url": login_cards.login_url(card.code),
            "qr": login_cards.qr_svg(login_cards.login_url(card.code)),
        }
        for card in issued
    ]
    return render(request, "classrooms/cards.html", {"classroom": classroom, "items": items})


@login_required
@require_http_methods(["GET", "POST"])
def cards_reissue(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = classroom_for_teacher(request.user, classroom_id)
    student_id = request.GET.get("student") or request.POST.get("student")
    student_ids = [int(student_id)] if student_id and student_id.isdigit() else None
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        issued = login_cards_reissue(classroom=classroom, student_ids=student_ids)
        if not issued:
            messages.error(request, _("There are no students to issue cards for."))
            return redirect("classrooms:detail", classroom_id=classroom.pk)
        login_cards.remember(request, classroom.pk, issued)
        return redirect("classrooms:cards", classroom_id=classroom.pk)
    student = None
    if student_ids:
        student = classroom_roster(classroom).filter(user_id=student_ids[0], role=MemberRole.STUDENT).first()
    context = {"classroom": classroom, "form": form, "student": student}
    return render(request, "classrooms/cards_reissue.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = JoinClassForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            classroom = classroom_join(user=signed_in_user(request), code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(request, _("You joined %(name)s.") % {"name": classroom})
            return redirect("classrooms:detail", classroom_id=classroom.pk)
    return render(request, "classrooms/join.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def live_check(request: HttpRequest) -> HttpResponse:
    """Checks that this network lets live lessons through (WebSocket round trips)."""
    labels = {
        "connecting": _("Connecting…"),
        "open": _("Connected"),
        "reconnecting": _("Reconnecting…"),
        "closed": _("Disconnected"),
        "sent": _("Sent"),
        "acked": _("Received"),
        "rtt": _("round trip"),
        "busy": _("Server busy, retrying…"),
    }
    return render(request, "classrooms/live_check.html", {"labels": labels})
