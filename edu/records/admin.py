"""Learning records in the Django admin: read-only, and by id only (no student or teacher names on
screen: an operator looking into a record has no need to know whose it is). The links are shown
through ``*_ref`` methods because the admin would render a foreign key by its object's name."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from edu.records.models import LearningRecord


@admin.register(LearningRecord)
class LearningRecordAdmin(admin.ModelAdmin[LearningRecord]):
    list_display = (
        "id",
        "key",
        "source",
        "student_ref",
        "classroom_ref",
        "assignment_ref",
        "live_session_ref",
        "lesson_ref",
        "kind",
        "correct",
        "score",
        "max_score",
        "attempt",
        "status",
        "answered_at",
    )
    list_filter = ("source", "status", "kind")
    search_fields = ("key", "block_id")
    ordering = ("-answered_at", "-id")
    list_select_related = False
    fields = (
        "key",
        "source",
        "actor",
        "student_ref",
        "classroom_ref",
        "assignment_ref",
        "live_session_ref",
        "lesson_ref",
        "lesson_title",
        "block_id",
        "kind",
        "prompt",
        "standards",
        "answer",
        "correct",
        "score",
        "max_score",
        "attempt",
        "status",
        "feedback",
        "reviewer_ref",
        "reviewed_at",
        "answered_at",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    @admin.display(description=_("student (id)"))
    def student_ref(self, record: LearningRecord) -> int | None:
        return record.student_id

    @admin.display(description=_("class (id)"))
    def classroom_ref(self, record: LearningRecord) -> int | None:
        return record.classroom_id

    @admin.display(description=_("assignment (id)"))
    def assignment_ref(self, record: LearningRecord) -> int | None:
        return record.assignment_id

    @admin.display(description=_("live session (id)"))
    def live_session_ref(self, record: LearningRecord) -> int | None:
        return record.live_session_id

    @admin.display(description=_("lesson (id)"))
    def lesson_ref(self, record: LearningRecord) -> int | None:
        return record.lesson_id

    @admin.display(description=_("reviewed by (id)"))
    def reviewer_ref(self, record: LearningRecord) -> int | None:
        return record.reviewed_by_id

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: LearningRecord | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: LearningRecord | None = None) -> bool:
        return False
