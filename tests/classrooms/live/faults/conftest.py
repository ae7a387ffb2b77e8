"""One deployment shared by the fault tests: a private redis-server, a throwaway database (a
throwaway PostgreSQL database when DATABASE_URL is set, as in CI; otherwise an SQLite file that
both processes share), a seeded class of students in a running session, and two uvicorn workers
of the real app on two ports of 127.0.0.1. Tests may kill a worker or restart Redis: every test
starts by calling ``ensure_up()``."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator

import pytest

from tests.classrooms.live.faults.deployment import STUDENTS, WORKERS, Deployment, Seed, raise_open_files_limit
from tests.helpers import stop_process
from tests.servers import PrivateRedis, free_port, manage, postgres_database, server_env


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    raise_open_files_limit()
    var_dir = tmp_path_factory.mktemp("live-faults")
    redis = PrivateRedis(var_dir)
    databases: Iterator[str] | None = None
    servers: list[subprocess.Popen[bytes] | None] = [None] * WORKERS
    redis.start()
    try:
        ports = [free_port() for _ in range(WORKERS)]
        extra = {
            "REDIS_URL": redis.url,
            "REDIS_KEY_PREFIX": f"faults{uuid.uuid4().hex[:8]}",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        database_url = None
        if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
            databases = postgres_database(os.environ["DATABASE_URL"])
            database_url = extra["DATABASE_URL"] = next(databases)
        env = server_env(var_dir, f"http://127.0.0.1:{ports[0]}", **extra)
        if database_url is None:
            env.pop("DATABASE_URL", None)  # the embedded SQLite default under BAEUM_VAR_DIR
        manage(env, "migrate", "--noinput")
        out = manage(env, "shell", "-c", f"from tests.classrooms.live.faults.seed import main; main({STUDENTS})")
        data = json.loads(out.strip().splitlines()[-1])
        seed = Seed(
            session=data["session"],
            blocks=data["blocks"],
            cookie_name=data["cookie_name"],
            teacher=data["teacher"],
            students=data["students"],
        )
        deployment = Deployment(env=env, var_dir=var_dir, redis=redis, seed=seed, database_url=database_url)
        deployment.ports, deployment.servers = ports, servers
        for worker in range(WORKERS):
            deployment.start(worker)
        yield deployment
    finally:
        for process in servers:
            if process is not None and process.poll() is None:
                stop_process(process)
        redis.stop()
        if databases is not None:
            next(databases, None)
