"""The steward's pages: what Baeum holds about a student, export (request, status, download) and
erasure (confirm, erase). Every view asks the audited helpers in ``access``; others get 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from classrooms.privacy import services, storage
from classrooms.privacy.access import export_for_steward, steward_classrooms, student_for_steward
from classrooms.privacy.forms import EraseForm
from classrooms.privacy.selectors import holdings
from edu.accounts.access import signed_in_user


@never_cache
@login_required
@require_GET
def student_page(request: HttpRequest, student_id: int) -> HttpResponse:
    student = student_for_steward(request.user, student_id)
    return render(request, "classrooms/privacy_student.html", {"student": student, "held": holdings(student)})


@never_cache
@login_required
@require_POST
def export_new(request: HttpRequest, student_id: int) -> HttpResponse:
    student = student_for_steward(request.user, student_id)
    export = services.student_export_request(signed_in_user(request), student)
    return redirect("privacy:export", export.pk)


@never_cache
@login_required
@require_GET
def export_page(request: HttpRequest, export_id: int) -> HttpResponse:
    export = export_for_steward(request.user, export_id)
    return render(request, "classrooms/privacy_export.html", {"export": export, "student": export.student})


@never_cache
@login_required
@require_GET
def export_download(request: HttpRequest, export_id: int) -> FileResponse:
    export = export_for_steward(request.user, export_id)
    path = storage.export_path(export.file_name)
    if path is None or not path.is_file():
        raise Http404
    services.export_downloaded(signed_in_user(request), export)
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"baeum-export-{export.pk}.zip", content_type="application/zip"
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def erase_page(request: HttpRequest, student_id: int) -> HttpResponse:
    student = student_for_steward(request.user, student_id)
    steward = signed_in_user(request)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        classroom = steward_classrooms(steward, student).first()
        services.student_erase(steward, student, classroom_id=classroom.pk if classroom else None)
        messages.success(request, _("The student's data was erased."))
        return redirect("classrooms:detail", classroom.pk) if classroom else redirect("home")
    context = {"student": student, "held": holdings(student), "form": form}
    return render(request, "classrooms/privacy_erase.html", context)
