"""The home page: a landing page for visitors, "my classes" for teachers and students."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from classrooms.assignments.selectors import assignments_for_student
from classrooms.forms import JoinClassForm
from classrooms.live.selectors import live_sessions_for_home
from classrooms.selectors import classrooms_for_home, school_for_user
from edu.accounts.models import User


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):
        return render(request, "home/landing.html")
    classes = list(classrooms_for_home(user))
    live_now = list(live_sessions_for_home(user))
    if user.is_teacher:
        return render(
            request, "home/teacher.html", {"classes": classes, "school": school_for_user(user), "live_now": live_now}
        )
    context = {
        "classes": classes,
        "join_form": JoinClassForm(),
        "live_now": live_now,
        "assignments": assignments_for_student(user),
    }
    return render(request, "home/student.html", context)
