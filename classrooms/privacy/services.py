"""Every state change of the privacy package: the audit log, exports and erasure."""

from __future__ import annotations

import logging
import uuid

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from classrooms.live.models import Participant
from classrooms.privacy import storage
from classrooms.privacy.exporting import build_zip
from classrooms.privacy.models import (
    ERASED_SUBJECT,
    ExportStatus,
    PrivacyAction,
    PrivacyEvent,
    StudentExport,
    subject_for,
)
from edu.accounts.models import User
from edu.records.services import records_unlink

logger = logging.getLogger(__name__)

# What a live session's report shows instead of an erased student's name (max 40 characters).
ERASED_NICKNAME = "삭제된 학생"


def audit(
    actor: User | None, action: str, *, subject_user_id: int | None = None, classroom_id: int | None = None
) -> PrivacyEvent:
    """Record that ``actor`` did ``action`` (a PrivacyAction), about a student or a whole class."""
    subject = subject_for(subject_user_id) if subject_user_id is not None else ""
    return PrivacyEvent.objects.create(actor=actor, action=action, subject=subject, classroom_id=classroom_id)


# --- exports -----------------------------------------------------------------------------------


def student_export_request(steward: User, student: User) -> StudentExport:
    """Queue an export of ``student``; the task starts once the row is committed."""
    from classrooms.privacy.tasks import build_student_export

    with transaction.atomic():
        export = StudentExport.objects.create(requested_by=steward, student=student)
        audit(steward, PrivacyAction.EXPORT_REQUESTED, subject_user_id=student.pk)
        transaction.on_commit(lambda: build_student_export.delay(export.pk))
    return export


def _set_progress(export_id: int, progress: int) -> None:
    StudentExport.objects.filter(pk=export_id).update(progress=progress)


def export_build(export_id: int) -> None:
    """Build the ZIP of one export (the task's body). Failures mark the export failed and are
    logged by id only: no name or answer reaches the log."""
    export = StudentExport.objects.select_related("student").filter(pk=export_id).first()
    if export is None or export.status != ExportStatus.QUEUED:
        return
    StudentExport.objects.filter(pk=export_id).update(status=ExportStatus.RUNNING, progress=5)
    file_name = f"export-{export_id}-{uuid.uuid4().hex}.zip"
    target = storage.exports_dir() / file_name
    try:
        build_zip(export.student, target, lambda p: _set_progress(export_id, p))
    except Exception:
        target.unlink(missing_ok=True)
        StudentExport.objects.filter(pk=export_id).update(status=ExportStatus.FAILED)
        logger.exception("student export %s failed", export_id)
        return
    updated = StudentExport.objects.filter(pk=export_id).update(
        status=ExportStatus.READY, progress=100, file_name=file_name
    )
    if not updated:  # erased while it was being built
        target.unlink(missing_ok=True)


def export_delete(export: StudentExport) -> None:
    storage.export_file_delete(export.file_name)
    export.delete()


def exports_purge() -> int:
    """Delete expired exports, files first (for a periodic task). Returns how many went."""
    expired = list(StudentExport.objects.filter(expires_at__lte=timezone.now()))
    for export in expired:
        export_delete(export)
    return len(expired)


def export_downloaded(steward: User, export: StudentExport) -> None:
    audit(steward, PrivacyAction.EXPORT_DOWNLOADED, subject_user_id=export.student_id)


# --- erasure -----------------------------------------------------------------------------------


def _sessions_delete(user_id: int) -> int:
    """Sign the student out everywhere: delete every Django session that carries their id."""
    doomed = []
    for session in Session.objects.iterator():
        try:
            data = session.get_decoded()
        except Exception:  # noqa: S112 -- a session we cannot read holds nothing we can find either
            continue
        if str(data.get("_auth_user_id", "")) == str(user_id):
            doomed.append(session.session_key)
    Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)


def student_erase(steward: User, student: User, *, classroom_id: int | None = None) -> None:
    """Erase a student in one transaction. What stays, stays nameless: learning records and live
    participations (for class statistics) are unlinked; everything else about them is deleted."""
    user_id = student.pk
    with transaction.atomic():
        records_unlink(student)
        Participant.objects.filter(user_id=user_id).update(user=None, nickname=ERASED_NICKNAME)
        _sessions_delete(user_id)
        PrivacyEvent.objects.filter(subject=subject_for(user_id)).update(subject=ERASED_SUBJECT)
        files = list(StudentExport.objects.filter(student_id=user_id).values_list("file_name", flat=True))
        StudentExport.objects.filter(student_id=user_id).delete()
        student.delete()  # answers, memberships, school membership, assignment choices cascade
        PrivacyEvent.objects.create(
            actor=steward, action=PrivacyAction.ERASED, subject=ERASED_SUBJECT, classroom_id=classroom_id
        )
        # Last, once every row change succeeded: a file cannot be rolled back.
        for name in files:
            storage.export_file_delete(name)
