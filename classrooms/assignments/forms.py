"""The form a teacher fills to set a lesson for a class."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from classrooms.assignments.models import KeyPolicy, LatePolicy
from classrooms.models import Classroom, MemberRole
from edu.accounts.models import User


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class AssignmentForm(forms.Form):
    classroom = forms.ModelChoiceField(label=_("Class"), queryset=Classroom.objects.none(), empty_label=None)
    opens_at = forms.DateTimeField(
        label=_("Opens"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    due_at = forms.DateTimeField(
        label=_("Due"),
        required=False,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Leave empty for no due time."),
    )
    late_policy = forms.ChoiceField(label=_("Late work"), choices=LatePolicy.choices, initial=LatePolicy.ACCEPT)
    key_policy = forms.ChoiceField(
        label=_("Show answer keys"), choices=KeyPolicy.choices, initial=KeyPolicy.AFTER_ANSWER
    )
    students = forms.TypedMultipleChoiceField(
        label=_("Students"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to set it for the whole class, students who join later included."),
    )

    def __init__(self, teacher: User, *args: Any, students: list[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["classroom"].queryset = Classroom.objects.filter(  # type: ignore[attr-defined]
            memberships__user=teacher, memberships__role=MemberRole.TEACHER
        ).order_by("grade", "name")
        self.fields["students"].choices = [  # type: ignore[attr-defined]
            (s.pk, f"{s.student_number or '–'} {s.display_name}") for s in students or []
        ]
        if not self.is_bound:
            self.initial.setdefault("opens_at", timezone.localtime().replace(second=0, microsecond=0))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, due = data.get("opens_at"), data.get("due_at")
        if opens and due and due <= opens:
            self.add_error("due_at", _("The due time must be after the opening time."))
        return data
