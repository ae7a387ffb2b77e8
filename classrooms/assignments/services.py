"""Named operations on assignments. Views and (later) LTI launches call these."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from classrooms.assignments.models import Assignment, KeyPolicy, LatePolicy
from classrooms.models import Classroom, LiveSession, MemberRole, Membership
from courses.access import lesson_visible_to
from courses.pages import LessonPage
from edu.accounts.models import User
from edu.errors import DomainError


def assignment_create(
    *,
    teacher: User,
    classroom: Classroom,
    lesson: LessonPage,
    opens_at: datetime | None = None,
    due_at: datetime | None = None,
    late_policy: str = LatePolicy.ACCEPT,
    key_policy: str = KeyPolicy.AFTER_ANSWER,
    student_ids: list[int] | None = None,
    live_session: LiveSession | None = None,
) -> Assignment:
    """Set ``lesson`` for ``classroom`` (or only for ``student_ids`` of it). The teacher must teach
    the class and see the lesson; the students it is set for can then open it."""
    if not Membership.objects.filter(classroom=classroom, user=teacher, role=MemberRole.TEACHER).exists():
        raise DomainError("forbidden", _("You do not teach this class."))
    if not lesson_visible_to(teacher, lesson):
        raise DomainError("not_found", _("This lesson is not available."))
    opens_at = opens_at or timezone.now()
    if due_at is not None and due_at <= opens_at:
        raise DomainError("invalid_due", _("The due time must be after the opening time."))
    if late_policy not in LatePolicy.values or key_policy not in KeyPolicy.values:
        raise DomainError("invalid_policy", _("Choose one of the offered policies."))
    chosen: list[int] = []
    if student_ids:
        chosen = sorted(set(student_ids))
        in_class = set(
            Membership.objects.filter(classroom=classroom, role=MemberRole.STUDENT, user_id__in=chosen).values_list(
                "user_id", flat=True
            )
        )
        if in_class != set(chosen):
            raise DomainError("not_in_class", _("Some of the chosen students are not in this class."))
    with transaction.atomic():
        assignment = Assignment.objects.create(
            classroom=classroom,
            lesson=lesson,
            assigned_by=teacher,
            title=lesson.title[:255],
            opens_at=opens_at,
            due_at=due_at,
            late_policy=late_policy,
            key_policy=key_policy,
            live_session=live_session,
        )
        if chosen:
            assignment.students.set(chosen)
    return assignment


def assignment_delete(*, assignment: Assignment) -> None:
    """Withdraw an assignment. Answers already given stay in the learning record (without it)."""
    assignment.delete()
