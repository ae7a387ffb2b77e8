"""Live sessions: a teacher runs a lesson for a class (or an open session joined by code), every
tablet follows. State is authoritative here; each change bumps ``version`` (docs/live-protocol.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edu import codes

SESSION_CODE_LENGTH = 6


def new_session_code() -> str:
    return codes.generate(SESSION_CODE_LENGTH)


class SessionState(models.TextChoices):
    LOBBY = "lobby", _("Waiting to start")
    RUNNING = "running", _("Running")
    ENDED = "ended", _("Ended")


class LiveSession(models.Model):
    classroom = models.ForeignKey(
        "classrooms.Classroom", null=True, blank=True, on_delete=models.CASCADE, related_name="live_sessions"
    )
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.PROTECT, related_name="live_sessions")
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=SESSION_CODE_LENGTH, unique=True, default=new_session_code)
    state = models.CharField(max_length=10, choices=SessionState.choices, default=SessionState.LOBBY)
    slide_index = models.PositiveIntegerField(default=0)
    open_block_id = models.CharField(max_length=64, blank=True)  # the question accepting answers now
    last_block_id = models.CharField(max_length=64, blank=True)  # the question opened last (for results)
    # The attempt the open (or last) question is on: 1, then 2, 3 … each time it is asked again.
    attempt = models.PositiveSmallIntegerField(default=1)
    # Every question opened in this session and the highest attempt it was opened at: {block id: n}.
    asked = models.JSONField(default=dict, blank=True)
    # The typed answers (labels) of the revealed free-text question the teacher chose to show.
    picked = models.JSONField(default=list, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    question_opened_at = models.DateTimeField(null=True, blank=True)
    revealed = models.BooleanField(default=False)
    anonymous = models.BooleanField(default=True)
    locked = models.BooleanField(default=False)
    slide_total = models.PositiveIntegerField(default=1)
    version = models.PositiveBigIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["classroom"], condition=~models.Q(state="ended"), name="classrooms_one_live_session_per_class"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.state})"

    @property
    def is_open(self) -> bool:
        """An open session has no class: guests join with the code and a nickname."""
        return self.classroom_id is None


class Participant(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    nickname = models.CharField(max_length=40)
    removed = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    hand_raised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], condition=models.Q(user__isnull=False), name="classrooms_participant_once"
            )
        ]

    def __str__(self) -> str:
        return self.nickname


class LiveResponse(models.Model):
    """A student's answer in a live session (the table keeps its first name): one per (session,
    participant, activity, attempt); ``client_id`` makes re-sends idempotent."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="responses")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="responses")
    block_id = models.CharField(max_length=64)
    attempt = models.PositiveSmallIntegerField(default=1)
    client_id = models.UUIDField(default=uuid.uuid4)
    answer = models.JSONField()
    correct = models.BooleanField(null=True)
    score = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    elapsed_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant", "block_id", "attempt"], name="classrooms_response_once_per_attempt"
            ),
            models.UniqueConstraint(fields=["session", "client_id"], name="classrooms_response_client_id"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}/{self.block_id}#{self.attempt}"
