"""The learning record: one row per scored event, whichever path produced it.

Decision (issue 9; worth an ADR):

- **One table, written by every path.** Self-paced answers (``courses``), live answers
  (``classrooms.live``) and, with LTI, scores that an external tool posts each write a
  ``LearningRecord`` in the same transaction as their own row. Gradebooks, standards views, exports
  and the learning record store read this table instead of joining the paths' tables.
- **Recorded once.** ``key`` names the event in its source (``self:<LessonAnswer id>``,
  ``live:<LiveResponse id>``, ``tool:…``) and is unique: writing the same key again updates the
  record (a retried self-paced answer) and never adds a second one.
- **A statement without a query.** Everything an xAPI statement needs is on the row: ids of the
  class, assignment, live session and lesson (IRIs are built from ids), and the lesson's title, the
  activity's kind, prompt and achievement-standard *codes* copied at the time of the answer. A
  lesson edited later does not rewrite history; a lesson deleted later leaves the record whole.
- **Pseudonymous actor.** Statements name the student by ``actor``, an opaque UUID kept in
  ``Learner`` (never an email, name or user id). Erasure deletes the ``Learner`` row and sets
  ``student`` to NULL: the records stay for class statistics, but nothing links them to a person.
- **Lowest layer.** This app imports neither ``classrooms`` nor ``courses``; it refers to their
  models by string only, and every link is ``SET_NULL`` so deleting a class, session or lesson
  never deletes a student's record.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PROMPT_CHARS = 200


class Learner(models.Model):
    """The opaque id that stands for a student in statements. Deleting this row is what makes the
    student's records unlinkable (their ``actor`` then maps to nobody)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner")
    actor = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("learner")
        verbose_name_plural = _("learners")

    def __str__(self) -> str:
        return str(self.actor)


class Source(models.TextChoices):
    SELF_PACED = "self_paced", _("Self-paced lesson")
    LIVE = "live", _("Live session")
    TOOL = "tool", _("External tool")


# A student's answers to a lesson outside live sessions: their own (self-paced) and those an external
# tool scored for them (LTI AGS). Gradebooks, progress and outgoing LMS scores count both alike.
LESSON_SOURCES = (Source.SELF_PACED, Source.TOOL)


class RecordStatus(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    NEEDS_REVIEW = "needs_review", _("Waiting for the teacher")
    REVIEWED = "reviewed", _("Reviewed")


class LearningRecord(models.Model):
    """One scored event (see the module docstring for why it looks like this)."""

    key = models.CharField(max_length=100, unique=True)
    source = models.CharField(max_length=12, choices=Source.choices)
    # Foreign keys whose lookups the composite indexes below already serve have no index of their own.
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="learning_records",
        db_index=False,
    )
    actor = models.UUIDField(null=True, blank=True, db_index=True)
    classroom = models.ForeignKey(
        "classrooms.Classroom", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    assignment = models.ForeignKey(
        "classrooms.Assignment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    live_session = models.ForeignKey(
        "classrooms.LiveSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    lesson = models.ForeignKey("courses.LessonPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lesson_title = models.CharField(max_length=255, blank=True)
    block_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=30)
    prompt = models.CharField(max_length=PROMPT_CHARS, blank=True)
    standards = models.JSONField(default=list, blank=True)  # codes such as "[4수01-10]"
    answer = models.JSONField(null=True, blank=True)
    correct = models.BooleanField(null=True)  # None: not marked automatically
    score = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    max_score = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    attempt = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=RecordStatus.choices, default=RecordStatus.ANSWERED)
    feedback = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("learning record")
        verbose_name_plural = _("learning records")
        indexes = [
            models.Index(fields=["classroom", "assignment"], name="records_class_assignment"),
            models.Index(fields=["student", "classroom"], name="records_student_class"),
            models.Index(fields=["live_session"], name="records_live_session"),
        ]

    def __str__(self) -> str:
        return self.key
