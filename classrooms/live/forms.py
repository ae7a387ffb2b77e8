"""Forms of live sessions: starting one (teacher) and joining one with its code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from classrooms.live.services import NICKNAME_MAX
from classrooms.models import Classroom, MemberRole
from courses.access import lesson_visible_to
from courses.pages import LessonPage
from edu.accounts.models import User
from edu.forms import CodeField


class StartSessionForm(forms.Form):
    lesson = forms.IntegerField(widget=forms.HiddenInput)
    classroom = forms.ModelChoiceField(
        label=_("Class"),
        queryset=Classroom.objects.none(),
        required=False,
        empty_label=_("Open session (guests join with a nickname)"),
    )

    def __init__(self, teacher: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.teacher = teacher
        classes = Classroom.objects.filter(memberships__user=teacher, memberships__role=MemberRole.TEACHER).order_by(
            "grade", "name"
        )
        self.fields["classroom"].queryset = classes  # type: ignore[attr-defined]
        if not self.is_bound and "classroom" not in self.initial:
            # The teacher's own class first, not the open session (the empty choice listed first).
            first = classes.values_list("pk", flat=True).first()
            if first is not None:
                self.initial["classroom"] = first

    def clean_lesson(self) -> LessonPage:
        lesson = LessonPage.objects.filter(pk=self.cleaned_data["lesson"]).first()
        if lesson is None or not lesson_visible_to(self.teacher, lesson):
            raise forms.ValidationError(_("This lesson is not available."))
        return lesson


class JoinSessionForm(forms.Form):
    code = CodeField(label=_("Session code"), max_length=12, autofocus=True)
    nickname = forms.CharField(
        label=_("Nickname"),
        max_length=NICKNAME_MAX,
        required=False,
        help_text=_("Guests of an open session only. Do not use your full name."),
    )
    needs_nickname = False
