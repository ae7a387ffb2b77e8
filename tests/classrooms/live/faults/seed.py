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

from classrooms.live import services
from classrooms.models import Membership, School
from classrooms.services import StudentEntry, classroom_create, school_member_add, students_add
from courses.activities import ACTIVITY_TYPES
from edu.accounts.models import User
from tests.factories import build_library
from tests.servers import STUDENT_BACKEND, TEACHER_BACKEND, session_key_for


def main(students: int) -> None:
    lesson = build_library(Path(tempfile.mkdtemp(prefix="baeum-seed-"))).lesson
    school = School.objects.create(name="장애훈련학교")
    teacher = User.objects.create_user(username="fault-teacher", password=None, role="teacher", display_name="교사")
    school_member_add(school=school, user=teacher)
    classroom = classroom_create(teacher=teacher, name="1반", grade=4, school_year=2026)
    for start in range(0, students, 60):
        entries = [StudentEntry(f"학생{i:04d}") for i in range(start, min(start + 60, students))]
        students_add(classroom=classroom, entries=entries)
    session = services.session_run(services.session_start(teacher=teacher, lesson=lesson, classroom=classroom))
    block = next(b["id"] for b in lesson.body.raw_data if b["type"] == "numeric")
    services.question_open(session, block)
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
                "teacher": session_key_for(teacher, TEACHER_BACKEND),
                "students": [session_key_for(user, STUDENT_BACKEND) for user in pupils],
            }
        )
    )
