"""Benchmark: Baeum as an LTI platform. (1) A student's launch of an external activity: Baeum's
launch URL (the hint, the class's line item) plus the authorization endpoint (the checks and the
signed id_token); the tool's own login step between them is not counted. (2) A tool's score POST
through AGS with a bearer token (the score, the student's answer, the learning record). Each against
a trivial page of the same Django (the health check) in the same run. Prints medians, p95, ratios and
the queries of one request. Run with `make bench`; nothing here asserts a time."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench._pages import setup

setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def timed(call: object) -> tuple[float, int, object]:
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = call()  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000, len(queries.captured_queries), result


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        from classrooms.assignments.services import assignment_create
        from lti.models import PlatformLineItem
        from lti.platform import scopes as s
        from lti.platform.subjects import subject_for
        from tests.factories import build_personas
        from tests.lti.platform_side.launch_kit import BLOCK_ID, auth_params, make_lesson, make_tool
        from tests.lti.platform_side.launch_kit import key as tool_key
        from tests.lti.platform_side.services_kit import fetch_token

        personas = build_personas()
        tool = make_tool(school=personas.school)
        lesson = make_lesson(tool)
        assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=lesson)
        student = Client()
        student.force_login(personas.student)
        launch_url = reverse("lti_platform:launch", args=[lesson.pk, BLOCK_ID])
        authorize_url = reverse("lti_platform:authorize")

        def launch() -> tuple[float, int]:
            ms1, n1, response = timed(lambda: student.get(launch_url))
            login = {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}  # type: ignore[index]
            ms2, n2, done = timed(lambda: student.get(authorize_url, auth_params(login)))
            assert done.status_code == 200, done.content[:300]  # type: ignore[attr-defined]
            return ms1 + ms2, n1 + n2

        launch()  # the line item, the subject and the key are made on the first one
        launches = [launch() for _ in range(ROUNDS)]

        server = Client()
        token = fetch_token(server, tool, tool_key(), (s.SCOPE_SCORE,))
        item = PlatformLineItem.objects.get(tool=tool)
        scores_url = reverse("lti_platform:scores", args=[personas.classroom.pk, item.pk])
        sub = subject_for(tool, personas.student)

        def score(n: int) -> tuple[float, int]:
            body = {
                "userId": sub,
                "scoreGiven": n % 4,  # 0..3 of 3: each POST changes the answer
                "scoreMaximum": 3,
                "activityProgress": "Completed",
                "gradingProgress": "FullyGraded",
                "timestamp": timezone.now().isoformat(),
            }
            ms, queries, response = timed(
                lambda: server.post(
                    scores_url,
                    json.dumps(body),
                    content_type=s.MEDIA_SCORE,
                    headers={"Authorization": f"Bearer {token}"},
                )
            )
            assert response.status_code in (200, 204), response.content[:300]  # type: ignore[attr-defined]
            return ms, queries

        score(0)
        scores = [score(n) for n in range(ROUNDS)]

        trivial = Client()
        trivial.get("/healthz")
        baseline = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            trivial.get("/healthz")
            baseline.append((time.perf_counter() - started) * 1000)
        bmed, btail = statistics.median(baseline), p95(baseline)
        for name, rows in (
            ("launch (Baeum's launch URL + authorization endpoint)", launches),
            ("AGS score POST", scores),
        ):
            times = [ms for ms, _n in rows]
            med, tail = statistics.median(times), p95(times)
            print(
                f"LTI platform {name}: median {med:.2f} ms, p95 {tail:.2f} ms over {ROUNDS}; "
                f"{rows[-1][1]} queries; ratio to baseline {med / bmed:.1f}x median, {tail / btail:.1f}x p95"
            )
        print(f"trivial page (/healthz, baseline): median {bmed:.2f} ms, p95 {btail:.2f} ms")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
