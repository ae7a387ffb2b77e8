"""Benchmark: the cost of an LTI 1.3 launch in Baeum (OIDC login initiation + the launch POST, the
LMS's JWKS already cached) for a returning learner, against a trivial page of the same Django (the
health check) measured in the same run. The LMS's own work (its /auth step, by the test platform on
lti1p3platform) is done between the two requests and not counted. Prints median and p95 and the
ratio to the baseline, and the queries of one launch. Run with `make bench`; nothing here asserts a time.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench._pages import setup

setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    platform = None
    try:
        from django.test import Client

        from tests.factories import build_library, build_personas
        from tests.lti.platform import TestPlatform
        from tests.lti.platform.fixtures import path_of
        from tests.lti.tool.launching import INSTRUCTOR, LEARNER, register_baeum

        personas = build_personas()
        library = build_library(Path(tempfile.mkdtemp()))
        platform = TestPlatform().start()
        reg = register_baeum(platform, personas.school)
        platform.add_context("course-1", title="4학년 1반 수학")
        platform.add_user("teacher-1", [INSTRUCTOR], name="박선생", contexts=["course-1"])
        platform.add_user("learner-1", [LEARNER], name="김민준", contexts=["course-1"])
        platform.add_resource_link("link-1", "course-1", reg.tool, custom={"baeum_lesson": str(library.lesson.pk)})

        def launch(client: Client, user: str) -> tuple[float, int]:
            initiation = platform.login_initiation(reg.tool, user=user, context="course-1", resource_link="link-1")
            started = time.perf_counter()
            response = client.post(path_of(initiation.url), initiation.params)
            spent = time.perf_counter() - started
            action, fields = platform.authorize(response["Location"])  # the LMS's work, not counted
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                done = client.post(path_of(action), fields)
            spent += time.perf_counter() - started
            assert done.status_code == 302, done.content[:300]
            return spent * 1000, len(queries.captured_queries)

        client = Client()
        launch(Client(), "teacher-1")  # creates the class and the assignment
        launch(client, "learner-1")  # first launch of the learner: account, membership; JWKS fetched
        timings, counts = [], []
        browser = (
            Client()
        )  # one client, its cookies cleared each round: a new Client() re-runs every middleware's set-up
        for _ in range(ROUNDS):
            browser.cookies.clear()
            ms, n = launch(browser, "learner-1")
            timings.append(ms)
            counts.append(n)
        baseline = []
        trivial = Client()
        trivial.get("/healthz")
        for _ in range(ROUNDS):
            started = time.perf_counter()
            trivial.get("/healthz")
            baseline.append((time.perf_counter() - started) * 1000)
        med, tail = statistics.median(timings), p95(timings)
        bmed, btail = statistics.median(baseline), p95(baseline)
        print(
            f"LTI launch (login + launch POST, returning learner): median {med:.2f} ms, p95 {tail:.2f} ms over {ROUNDS}; {counts[-1]} queries in the launch POST"
        )
        print(f"trivial page (/healthz, baseline): median {bmed:.2f} ms, p95 {btail:.2f} ms")
        print(f"ratio launch/baseline: {med / bmed:.1f}x median, {tail / btail:.1f}x p95")
    finally:
        if platform is not None:
            platform.stop()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
