"""A real Celery worker process against the real Redis broker round-trips a real task."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from edu.health import ping
from tests.helpers import stop_process

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker():
    if not settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI promised Redis but REDIS_URL is not set")
        pytest.skip("needs REDIS_URL (CI sets it)")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "edu",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env={**os.environ, "CELERY_TASK_ALWAYS_EAGER": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield process
    finally:
        stop_process(process)


def test_worker_round_trips_a_task(worker):
    token = uuid.uuid4().hex
    result = ping.delay(token)
    try:
        value = result.get(timeout=60)
    except Exception:
        worker.terminate()
        raise AssertionError(worker.stderr.read().decode()[-2000:]) from None
    assert value["token"] == token
    assert value["worker"]
