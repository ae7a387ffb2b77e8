"""The privacy audit log and the student exports. Registered through ``classrooms.models`` (same
app label and tables); imports nothing but Django so that core may import it."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EXPORT_LIFETIME = timedelta(hours=24)
ERASED_SUBJECT = "student:erased"


def subject_for(user_id: int | None) -> str:
    """The audit subject of a student: their id while they exist, a constant once erased."""
    return ERASED_SUBJECT if user_id is None else f"student:{user_id}"


class PrivacyAction(models.TextChoices):
    EXPORT_REQUESTED = "export_requested", _("Export requested")
    EXPORT_DOWNLOADED = "export_downloaded", _("Export downloaded")
    ERASED = "erased", _("Erased")
    GRADEBOOK_VIEWED = "gradebook_viewed", _("Gradebook viewed")


class PrivacyEvent(models.Model):
    """Who looked at or acted on a student's data. ``subject`` is a string, not a foreign key, so
    erasure can rewrite it to ``student:erased`` and keep the event without the person."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=PrivacyAction.choices)
    subject = models.CharField(max_length=40, blank=True, db_index=True)
    classroom_id = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("privacy event")
        verbose_name_plural = _("privacy events")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.subject}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Preparing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def export_expiry() -> object:
    return timezone.now() + EXPORT_LIFETIME


class StudentExport(models.Model):
    """A ZIP of everything Baeum holds about one student, built by a Celery task into
    ``VAR_DIR/exports`` (never MEDIA: it is not served publicly) and kept for 24 hours."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file_name = models.CharField(max_length=100, blank=True)  # relative to VAR_DIR/exports
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=export_expiry)

    class Meta:
        verbose_name = _("student export")
        verbose_name_plural = _("student exports")

    def __str__(self) -> str:
        return f"export {self.pk} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
