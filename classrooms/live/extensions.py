"""What live sessions add to the pages of lower layers, through their extension points (registered
from ClassroomsConfig.ready()): the "teach live" form on a lesson page, the class page's list of
live sessions, and the rule that a student belongs in the live view while their class runs a
lesson live (no reading ahead on the self-paced page, no answers there)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from classrooms.extensions import classroom_sections
from classrooms.live.forms import StartSessionForm
from classrooms.live.selectors import classroom_live_sessions, live_session_of_lesson_for_student
from classrooms.models import Classroom
from courses.extensions import Elsewhere, lesson_actions, student_gates
from courses.pages import LessonPage
from edu.accounts.models import User
from edu.registry import Section

LIVE_SESSIONS_SHOWN = 20


def teach_live(request: HttpRequest, lesson: LessonPage) -> Section | None:
    user = request.user
    if not (isinstance(user, User) and user.is_teacher):
        return None
    form = StartSessionForm(user, initial={"lesson": lesson.pk})
    return Section("classrooms/live_start_action.html", {"form": form})


def in_live_lesson(user: User, lesson: LessonPage) -> Elsewhere | None:
    running = live_session_of_lesson_for_student(user, lesson.pk)
    if running is None:
        return None
    return Elsewhere(
        url=reverse("live:student", args=[running.pk]),
        code="live_in_progress",
        message=_("This lesson is running live: answer in the live lesson."),
    )


def live_sessions_section(classroom: Classroom) -> Section:
    sessions, total = classroom_live_sessions(classroom, limit=LIVE_SESSIONS_SHOWN)
    return Section("classrooms/live_sessions_section.html", {"sessions": sessions, "total": total})


def register() -> None:
    lesson_actions.register(teach_live)
    student_gates.register(in_live_lesson)
    classroom_sections.register(live_sessions_section)
