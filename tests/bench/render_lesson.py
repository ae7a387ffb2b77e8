"""Benchmark: render a 40-block lesson page vs. a trivial page, on a throwaway test database.

Prints query counts and the median render time of each, and their ratio. Run with `make bench`.
Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench._pages import measure, setup

setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "60"))


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.test import Client

        from classrooms.models import School
        from classrooms.services import StudentEntry, classroom_create, school_member_add, students_add
        from edu.accounts.models import Role, User
        from tests.factories import build_library

        library = build_library(Path(tempfile.mkdtemp()), extra_text_blocks=31)
        lesson, unit = library.lesson, library.unit
        school = School.objects.create(name="벤치학교")
        teacher = User.objects.create_user("bench-teacher", password="x" * 12, role=Role.TEACHER)
        school_member_add(school=school, user=teacher)
        classroom = classroom_create(teacher=teacher, name="4-1", grade=4)
        [card] = students_add(classroom=classroom, entries=[StudentEntry("학생")])
        client = Client()
        client.force_login(User.objects.get(pk=card.user_id))

        lesson_q, lesson_ms = measure(client, lesson.url, ROUNDS)
        trivial_q, trivial_ms = measure(client, unit.url, ROUNDS)
        print(f"lesson page ({len(lesson.body)} blocks): {lesson_q} queries, median {lesson_ms:.2f} ms over {ROUNDS}")
        print(f"trivial page (unit, baseline):  {trivial_q} queries, median {trivial_ms:.2f} ms over {ROUNDS}")
        print(f"ratio lesson/baseline: {lesson_ms / trivial_ms:.2f}x time, {lesson_q - trivial_q:+d} queries")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
