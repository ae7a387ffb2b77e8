"""Assignments: a lesson set for a class (or chosen students of it) with an opening and a due time,
a policy for late work and one for when answer keys are shown. Same app label and tables as
``classrooms`` (registered through ``classrooms/models.py``, like live sessions)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LatePolicy(models.TextChoices):
    ACCEPT = "accept", _("Accept late work (marked late)")
    REFUSE = "refuse", _("Refuse answers after the due time")


class KeyPolicy(models.TextChoices):
    AFTER_ANSWER = "after_answer", _("After each answer (as in self-paced lessons)")
    AFTER_DUE = "after_due", _("Only after the due time")


class Assignment(models.Model):
    classroom = models.ForeignKey(
        "classrooms.Classroom", on_delete=models.CASCADE, related_name="assignments", verbose_name=_("class")
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.PROTECT, related_name="assignments", verbose_name=_("lesson")
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=255)  # the lesson's title when assigned
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    late_policy = models.CharField(_("late work"), max_length=10, choices=LatePolicy.choices, default=LatePolicy.ACCEPT)
    key_policy = models.CharField(
        _("answer keys shown"), max_length=15, choices=KeyPolicy.choices, default=KeyPolicy.AFTER_ANSWER
    )
    # Empty: the whole class (students who join later included); otherwise only these students.
    students = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="assignments_chosen")
    live_session = models.ForeignKey(
        "classrooms.LiveSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments"
    )  # a lesson taught live, assigned afterwards for those who missed it
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-opens_at", "-pk"]
        indexes = [models.Index(fields=["classroom", "opens_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_at__isnull=True) | models.Q(due_at__gt=models.F("opens_at")),
                name="classrooms_assignment_due_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title
