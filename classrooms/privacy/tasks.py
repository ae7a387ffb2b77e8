"""Background work of exports: build one (a student with years of answers takes a while) and purge
expired ones. Registered with Celery through ``CELERY_IMPORTS`` in edu/settings.py."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="privacy.build_student_export")
def build_student_export(export_id: int) -> None:
    from classrooms.privacy.services import export_build

    export_build(export_id)


@shared_task(name="privacy.exports_purge")
def purge_exports() -> int:
    from classrooms.privacy.services import exports_purge

    return exports_purge()
