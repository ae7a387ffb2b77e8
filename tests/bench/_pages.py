"""What the page benchmarks share: Django on a throwaway database (call ``setup()`` first, before
importing models) and ``measure()``, which counts a page's queries and takes its median time."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu.settings")
    os.environ.setdefault("BAEUM_VAR_DIR", tempfile.mkdtemp(prefix="baeum-bench-"))
    os.environ.setdefault("STATIC_ROOT", str(ROOT / "var" / "static"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def measure(client, url: str, rounds: int) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    """(queries of one request after a warm-up, median milliseconds over ``rounds`` requests)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    count = len(queries.captured_queries)  # read now: the log is reset by the next request
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return count, statistics.median(timings)
