"""Forms for classes and rosters. Errors name the line and the problem, in the user's language."""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from classrooms.grades import GRADE_CHOICES
from classrooms.models import Classroom
from classrooms.services import StudentEntry
from edu.forms import CodeField

MAX_STUDENTS_PER_PASTE = 60
MAX_NAME_LENGTH = 40
_NUMBERED = re.compile(r"^(?P<number>\d{1,4})\s*[.,):\t ]\s*(?P<name>.+)$")


class ClassroomForm(forms.ModelForm):
    grade = forms.TypedChoiceField(label=_("Grade"), choices=GRADE_CHOICES, coerce=int)

    class Meta:
        model = Classroom
        fields = ["name", "grade", "subject", "school_year"]
        help_texts = {"name": _("For example: 4학년 2반"), "subject": _("Optional, for example: 수학")}


def parse_student_lines(text: str) -> tuple[list[StudentEntry], list[str]]:
    """One student per line, optionally led by a student number ("12 김민준", "12. 김민준")."""
    entries: list[StudentEntry] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = unicodedata.normalize("NFC", raw).strip()
        if not line:
            continue
        number: int | None = None
        match = _NUMBERED.match(line)
        if match:
            number, line = int(match.group("number")), match.group("name").strip()
        name = " ".join(line.split())
        if any(unicodedata.category(ch).startswith("C") for ch in name):
            errors.append(str(_("Line %(line)d: the name has characters that cannot be shown.") % {"line": line_no}))
            continue
        if not any(ch.isalpha() for ch in name):
            errors.append(str(_("Line %(line)d: a name needs at least one letter.") % {"line": line_no}))
            continue
        if len(name) > MAX_NAME_LENGTH:
            errors.append(
                str(
                    _("Line %(line)d: names can be at most %(max)d characters.")
                    % {"line": line_no, "max": MAX_NAME_LENGTH}
                )
            )
            continue
        if name in seen:
            errors.append(
                str(
                    _(
                        "Line %(line)d: “%(name)s” is already on line %(first)d. "
                        "Add a letter or number to tell them apart."
                    )
                    % {"line": line_no, "name": name, "first": seen[name]}
                )
            )
            continue
        seen[name] = line_no
        entries.append(StudentEntry(display_name=name, student_number=number))
    if len(entries) > MAX_STUDENTS_PER_PASTE:
        errors.append(str(_("Add at most %(max)d students at a time.") % {"max": MAX_STUDENTS_PER_PASTE}))
    return entries, errors


class StudentListForm(forms.Form):
    names = forms.CharField(
        label=_("Student names"),
        widget=forms.Textarea(attrs={"rows": 10, "placeholder": "1 김민준\n2 이서연\n3 박지호"}),
        help_text=_("One student per line. A student number in front is optional."),
        max_length=10_000,
    )

    def clean_names(self) -> list[StudentEntry]:
        entries, errors = parse_student_lines(self.cleaned_data["names"])
        if errors:
            raise forms.ValidationError(errors)
        if not entries:
            raise forms.ValidationError(_("Enter at least one name."))
        return entries


class JoinClassForm(forms.Form):
    code = CodeField(label=_("Class code"), max_length=12)


class CoTeacherForm(forms.Form):
    username = forms.CharField(label=_("Co-teacher's username"), max_length=150)


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("I understand that the old cards will stop working."), required=True)


class StudentForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=MAX_NAME_LENGTH)
    student_number = forms.IntegerField(label=_("Student number"), required=False, min_value=1, max_value=9999)

    def clean_display_name(self) -> str:
        name = " ".join(unicodedata.normalize("NFC", self.cleaned_data["display_name"]).split())
        if not any(ch.isalpha() for ch in name) or any(unicodedata.category(ch).startswith("C") for ch in name):
            raise forms.ValidationError(_("Enter a name with at least one letter."))
        return name
