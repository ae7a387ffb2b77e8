"""Benchmark: a class gradebook of 35 students × 30 assignments (with answers) vs a trivial page
of the same site, on a throwaway test database. Prints query counts and median render times and
their ratio. Run with `make bench`. Not a test: nothing here asserts a time.
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
from django.urls import reverse  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
STUDENTS, ASSIGNMENTS = 35, 30


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.test import Client

        from classrooms.assignments.services import assignment_create
        from classrooms.models import School
        from classrooms.services import StudentEntry, classroom_create, school_member_add, students_add
        from courses.services import answer_submit
        from edu.accounts.models import Role, User
        from tests.factories import build_library, make_lesson

        library = build_library(Path(tempfile.mkdtemp()))
        school = School.objects.create(name="벤치학교")
        teacher = User.objects.create_user("bench-teacher", password="x" * 12, role=Role.TEACHER)
        school_member_add(school=school, user=teacher)
        classroom = classroom_create(teacher=teacher, name="4-1", grade=4)
        cards = students_add(
            classroom=classroom, entries=[StudentEntry(f"학생{i:02d}", i + 1) for i in range(STUDENTS)]
        )
        students = list(User.objects.filter(pk__in=[c.user_id for c in cards]))
        lessons = [library.lesson] + [
            make_lesson(library.unit, f"분수 {n}", library.standard) for n in range(ASSIGNMENTS - 1)
        ]
        for lesson in lessons:
            assignment_create(teacher=teacher, classroom=classroom, lesson=lesson)
            numeric = next(b.id for b in lesson.body if b.block_type == "numeric")
            for i, student in enumerate(students):
                answer_submit(user=student, lesson=lesson, block_id=numeric, answer="0.75" if i % 3 else "1")
        client = Client()
        client.force_login(teacher)
        book_q, book_ms = measure(client, reverse("assignments:gradebook", args=[classroom.pk]), ROUNDS)
        trivial_q, trivial_ms = measure(client, library.unit.url, ROUNDS)
        print(f"gradebook ({STUDENTS} students x {ASSIGNMENTS} assignments): {book_q} queries, median {book_ms:.2f} ms")
        print(f"trivial page (unit, baseline): {trivial_q} queries, median {trivial_ms:.2f} ms over {ROUNDS}")
        print(f"ratio gradebook/baseline: {book_ms / trivial_ms:.2f}x time, {book_q - trivial_q:+d} queries")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
