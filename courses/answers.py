"""A student's answers to self-paced lesson activities: one row per (student, lesson, activity)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LessonAnswer(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_answers")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="answers")
    block_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=30)
    answer = models.JSONField()
    correct = models.BooleanField(null=True)
    score = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    max_score = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    attempts = models.PositiveIntegerField(default=1)
    revealed = models.BooleanField(default=False, help_text="The answer key was shown; the score no longer changes.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Not a field: the teacher's review of this answer (a reviewed learning record, or None), set
    # by courses.selectors.answers_for for the lesson page.
    review: Any = None

    class Meta:
        verbose_name = _("lesson answer")
        verbose_name_plural = _("lesson answers")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson", "block_id"], name="courses_answer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.lesson_id}/{self.block_id}"
