"""Seeds a server's database for the fault tests (run inside `manage.py shell`): a class of N
students, the test lesson, a running session with its numeric question open, and a signed-in
Django session per person. Prints JSON for the test to use (the last line of the output):
session id, the open block, every activity's block id by kind, the session cookie name and one
cookie value for the teacher and for each student."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from classrooms import live
from classrooms.models import Membership, School
from classrooms.services import StudentEntry, classroom_create, school_member_add, students_add
from courses.blocks import ACTIVITY_TYPES
from edu.accounts.models import User
from tests.courses.conftest import build_library

TEACHER_BACKEND = "edu.accounts.backends.TeacherPasswordBackend"
STUDENT_BACKEND = "edu.accounts.backends.LoginCodeBackend"  # how students sign in (login codes)


def cookie(user: User, backend: str) -> str:
    """A signed-in Django session as the sign-in page would leave it (with a backend the settings list)."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def main(students: int) -> None:
    lesson = build_library(Path(tempfile.mkdtemp(prefix="baeum-seed-"))).lesson
    school = School.objects.create(name="장애훈련학교")
    teacher = User.objects.create_user(username="fault-teacher", password=None, role="teacher", display_name="교사")
    school_member_add(school=school, user=teacher)
    classroom = classroom_create(teacher=teacher, name="1반", grade=4, school_year=2026)
    for start in range(0, students, 60):
        entries = [StudentEntry(f"학생{i:04d}") for i in range(start, min(start + 60, students))]
        students_add(classroom=classroom, entries=entries)
    session = live.session_run(live.session_start(teacher=teacher, lesson=lesson, classroom=classroom))
    block = next(b["id"] for b in lesson.body.raw_data if b["type"] == "numeric")
    live.question_open(session, block)
    pupils = [
        m.user
        for m in Membership.objects.filter(classroom=classroom, role="student")
        .select_related("user")
        .order_by("user_id")
    ]
    print(
        json.dumps(
            {
                "session": session.pk,
                "block": block,
                "blocks": {b["type"]: b["id"] for b in lesson.body.raw_data if b["type"] in ACTIVITY_TYPES},
                "cookie_name": settings.SESSION_COOKIE_NAME,
                "teacher": cookie(teacher, TEACHER_BACKEND),
                "students": [cookie(user, STUDENT_BACKEND) for user in pupils],
            }
        )
    )
