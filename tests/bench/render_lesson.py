"""Benchmark: render a 40-block lesson page vs. a trivial page, on a throwaway test database.

Prints query counts and the median render time of each, and their ratio. Run with `make bench`.
Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu.settings")
os.environ.setdefault("BAEUM_VAR_DIR", tempfile.mkdtemp(prefix="baeum-bench-"))
os.environ.setdefault("STATIC_ROOT", str(ROOT / "var" / "static"))
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "60"))


def measure(client, url: str) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    query_count = len(queries.captured_queries)  # read now: the log is reset by the next request
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return query_count, statistics.median(timings)


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

        lesson_q, lesson_ms = measure(client, lesson.url)
        trivial_q, trivial_ms = measure(client, unit.url)
        print(f"lesson page ({len(lesson.body)} blocks): {lesson_q} queries, median {lesson_ms:.2f} ms over {ROUNDS}")
        print(f"trivial page (unit, baseline):  {trivial_q} queries, median {trivial_ms:.2f} ms over {ROUNDS}")
        print(f"ratio lesson/baseline: {lesson_ms / trivial_ms:.2f}x time, {lesson_q - trivial_q:+d} queries")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
