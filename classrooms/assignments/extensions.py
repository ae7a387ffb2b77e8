"""What assignments add to the pages of lower layers (registered from ClassroomsConfig.ready()):
an "assign" form on a lesson page for teachers, and the class page's list of assignments."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from classrooms.assignments.models import KeyPolicy, LatePolicy
from classrooms.assignments.selectors import class_progress, open_assignment_of, summary
from classrooms.extensions import classroom_sections
from classrooms.models import Classroom, MemberRole
from courses.extensions import AnswerContext, AnswerPolicy, Elsewhere, answer_contexts, answer_policies, lesson_actions
from courses.pages import LessonPage
from edu.accounts.models import User
from edu.registry import Section


def assign_lesson(request: HttpRequest, lesson: LessonPage) -> Section | None:
    user = request.user
    if not (isinstance(user, User) and user.is_teacher):
        return None
    classes = Classroom.objects.filter(memberships__user=user, memberships__role=MemberRole.TEACHER).order_by(
        "grade", "name"
    )
    return Section("classrooms/assign_action.html", {"lesson": lesson, "classes": classes})


def assignments_section(classroom: Classroom) -> Section:
    assignments, students, cells = class_progress(classroom)
    return Section(
        "classrooms/assignments_section.html",
        {"classroom": classroom, "rows": summary(assignments, students, cells)},
    )


def answer_context(user: User, lesson: LessonPage) -> AnswerContext | None:
    """A self-paced answer to an assigned lesson belongs to that assignment and its class."""
    if user.is_teacher:
        return None
    assignment = open_assignment_of(user, lesson.pk)
    return AnswerContext(assignment.classroom_id, assignment.pk) if assignment is not None else None


def answer_policy(user: User, lesson: LessonPage) -> AnswerPolicy | None:
    """An assigned lesson follows its assignment's policies: no answers after the due time when
    late work is refused, and no answer keys before the due time when they show only after it."""
    if user.is_teacher:
        return None
    assignment = open_assignment_of(user, lesson.pk)
    if assignment is None or assignment.due_at is None:
        return None
    past_due = timezone.now() > assignment.due_at
    refused = None
    if past_due and assignment.late_policy == LatePolicy.REFUSE:
        message = _("The due time of this assignment has passed: answers are no longer taken.")
        refused = Elsewhere(url="", code="past_due", message=message)
    hide = not past_due and assignment.key_policy == KeyPolicy.AFTER_DUE
    return AnswerPolicy(refused, hide) if refused or hide else None


def register() -> None:
    lesson_actions.register(assign_lesson)
    classroom_sections.register(assignments_section)
    answer_contexts.register(answer_context)
    answer_policies.register(answer_policy)
