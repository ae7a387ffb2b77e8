"""What assignments add to the pages of lower layers (registered from ClassroomsConfig.ready()):
an "assign" form on a lesson page for teachers, and the class page's list of assignments."""

from __future__ import annotations

from django.http import HttpRequest

from classrooms.assignments.selectors import class_progress, open_assignment_of, summary
from classrooms.extensions import classroom_sections
from classrooms.models import Classroom, MemberRole
from courses.extensions import AnswerContext, answer_contexts, lesson_actions
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


def register() -> None:
    lesson_actions.register(assign_lesson)
    classroom_sections.register(assignments_section)
    answer_contexts.register(answer_context)
