"""Schools, classes and who belongs to them. Live sessions and assignments hang off Classroom."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from classrooms.grades import GRADE_CHOICES, grade_label
from edu import codes

# Class join codes: 6 characters of edu.codes' alphabet, easy to read off a projector.
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    return codes.generate(JOIN_CODE_LENGTH)


def current_school_year() -> int:
    """The Korean school year starts in March: January and February belong to the previous one."""
    today = timezone.localdate()
    return today.year if today.month >= 3 else today.year - 1


class School(models.Model):
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self) -> str:
        return self.name


class SchoolMembership(models.Model):
    """Which school an account belongs to (one school per account)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="school_membership")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        verbose_name = _("school membership")
        verbose_name_plural = _("school memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.school}"


class Classroom(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="classrooms")
    name = models.CharField(_("class name"), max_length=60)
    school_year = models.PositiveSmallIntegerField(
        _("school year"), default=current_school_year, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    grade = models.PositiveSmallIntegerField(_("grade"), choices=GRADE_CHOICES)
    subject = models.CharField(_("subject"), max_length=40, blank=True)
    join_code = models.CharField(_("join code"), max_length=JOIN_CODE_LENGTH, unique=True, default=new_join_code)
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="classrooms")

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["-school_year", "grade", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year", "name"], name="classrooms_unique_name_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.grade_label} {self.name}"

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade)


class MemberRole(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    STUDENT = "student", _("Student")


class Membership(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["classroom", "user"], name="classrooms_unique_membership")]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.classroom} ({self.role})"


# Django finds an app's models in its ``models`` module: the live and assignment packages' models
# are registered here, under this app's label and tables. The only imports from core into those
# packages, allowed by name in the import-linter contracts (pyproject.toml); nothing else of
# classrooms' core imports them.
from classrooms.assignments.models import Assignment, KeyPolicy, LatePolicy  # noqa: E402
from classrooms.live.models import LiveResponse, LiveSession, Participant, SessionState  # noqa: E402
from classrooms.privacy.models import PrivacyEvent  # noqa: E402, F401

__all__ = [
    "Assignment",
    "Classroom",
    "KeyPolicy",
    "LatePolicy",
    "LiveResponse",
    "LiveSession",
    "MemberRole",
    "Membership",
    "Participant",
    "School",
    "SchoolMembership",
    "SessionState",
]
