"""Reviewing open responses: a queue per assignment where the teacher scores and comments each
answer that waits for them. The result is the learning record's, so it flows into the gradebook,
the student's lesson page and the statements derived from the record."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from classrooms.access import classroom_for_teacher
from classrooms.assignments.models import Assignment
from classrooms.assignments.selectors import class_students
from courses import activities
from edu.accounts.access import signed_in_user
from edu.accounts.models import User
from edu.errors import DomainError
from edu.records.models import LearningRecord, RecordStatus, Source
from edu.records.services import review_record


class ReviewForm(forms.Form):
    score = forms.DecimalField(label=gettext_lazy("Score"), min_value=0, max_digits=7, decimal_places=2)
    feedback = forms.CharField(
        label=gettext_lazy("Feedback for the student"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@dataclass(frozen=True)
class Waiting:
    record: LearningRecord
    student: User
    answer: str
    form: ReviewForm


def review_queue(assignment: Assignment) -> list[Waiting]:
    """The open responses of the assignment's lesson given by students of its class: those waiting
    first, then those reviewed, each in roster order. Two queries."""
    students = {s.pk: s for s in class_students(assignment.classroom)}
    order = {pk: n for n, pk in enumerate(students)}
    records = LearningRecord.objects.filter(
        source=Source.SELF_PACED,
        lesson_id=assignment.lesson_id,
        student_id__in=students,
        status__in=[RecordStatus.NEEDS_REVIEW, RecordStatus.REVIEWED],
    )
    waiting = sorted(records, key=lambda r: (r.status != RecordStatus.NEEDS_REVIEW, order[r.student_id or 0], r.pk))
    return [
        Waiting(
            record=r,
            student=students[r.student_id or 0],
            answer=activities.answer_text(r.kind, {}, r.answer),
            form=ReviewForm(initial={"score": r.score, "feedback": r.feedback}, prefix=f"r{r.pk}"),
        )
        for r in waiting
    ]


def _teacher_assignment(request: HttpRequest, assignment_id: int) -> Assignment:
    assignment = Assignment.objects.select_related("classroom", "lesson").filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404
    classroom_for_teacher(request.user, assignment.classroom_id)  # 404 for anyone else
    return assignment


@login_required
@require_http_methods(["GET", "POST"])
def review_page(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _teacher_assignment(request, assignment_id)
    queue = review_queue(assignment)
    status = 200
    if request.method == "POST":
        pk = request.POST.get("record", "")
        found = next((w for w in queue if str(w.record.pk) == pk), None)
        if found is None:
            raise Http404
        form = ReviewForm(request.POST, prefix=f"r{found.record.pk}")
        if form.is_valid():
            try:
                review_record(
                    found.record,
                    score=form.cleaned_data["score"],
                    feedback=form.cleaned_data["feedback"],
                    reviewer=signed_in_user(request),
                )
            except DomainError as exc:
                form.add_error("score", exc.message)
            else:
                messages.success(request, _("Saved the review of %(name)s.") % {"name": found.student.display_name})
                return redirect("assignments:review", assignment_id=assignment.pk)
        queue = [Waiting(w.record, w.student, w.answer, form) if w is found else w for w in queue]
        status = 400
    waiting = sum(1 for w in queue if w.record.status == RecordStatus.NEEDS_REVIEW)
    context = {"assignment": assignment, "queue": queue, "waiting": waiting}
    return render(request, "classrooms/assignment_review.html", context, status=status)
