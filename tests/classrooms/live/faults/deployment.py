"""The deployment the fault tests share: a private Redis, a throwaway database, a seeded class and
two uvicorn workers of the real app (started by the ``deployment`` fixture in conftest.py)."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.servers import (
    PrivateRedis,
    start_uvicorn,
    wait_healthy,
)

STUDENTS = 500
WORKERS = 2


def raise_open_files_limit(wanted: int = 8192) -> None:
    """Sockets of 500 clients and two servers (which inherit the limit) must fit comfortably."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


@dataclass
class Seed:
    session: int
    blocks: dict[str, str]  # activity kind -> block id of the lesson
    cookie_name: str
    teacher: str
    students: list[str]

    def cookie(self, key: str) -> str:
        return f"{self.cookie_name}={key}"


@dataclass
class Deployment:
    env: dict[str, str]
    var_dir: Path
    redis: PrivateRedis
    seed: Seed
    database_url: str | None  # None: the SQLite file in var_dir
    ports: list[int] = field(default_factory=list)
    servers: list[subprocess.Popen[bytes] | None] = field(default_factory=list)

    # --- workers ---------------------------------------------------------------------------------

    def base(self, worker: int) -> str:
        return f"http://127.0.0.1:{self.ports[worker]}"

    def ws_url(self, worker: int) -> str:
        return f"ws://127.0.0.1:{self.ports[worker]}/ws/live/{self.seed.session}/"

    def log_path(self, worker: int) -> Path:
        return self.var_dir / f"worker-{worker}.log"

    def start(self, worker: int) -> None:
        process = start_uvicorn(self.env, self.ports[worker], self.log_path(worker))
        self.servers[worker] = process
        wait_healthy(self.base(worker), process, self.log_path(worker))

    def kill(self, worker: int) -> None:
        """SIGKILL: no shutdown, no disconnect handlers, no last presence update."""
        process = self.servers[worker]
        assert process is not None and process.poll() is None
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        self.servers[worker] = None

    def ensure_up(self) -> None:
        """Redis and both workers running and healthy (an earlier test may have killed one)."""
        if self.redis.process is None or self.redis.process.poll() is not None:
            self.redis.start()
        for worker in range(WORKERS):
            process = self.servers[worker]
            if process is None or process.poll() is not None:
                self.start(worker)
            else:
                wait_healthy(self.base(worker), process, self.log_path(worker))

    def health(self, worker: int) -> int:
        """HTTP status of the worker's /healthz (0 when it does not answer at all)."""
        try:
            with urllib.request.urlopen(f"{self.base(worker)}/healthz", timeout=5) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except OSError:
            return 0

    def log_offsets(self) -> list[int]:
        return [self.log_path(w).stat().st_size if self.log_path(w).exists() else 0 for w in range(WORKERS)]

    def logs_since(self, offsets: list[int]) -> list[str]:
        texts = []
        for worker, offset in enumerate(offsets):
            with open(self.log_path(worker), "rb") as log:
                log.seek(offset)
                texts.append(log.read().decode(errors="replace"))
        return texts

    # --- the database, read directly (never through the servers under test) --------------------

    def query(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        """Rows of ``sql`` (placeholders written ``%s``) from the servers' database."""
        if self.database_url is not None:
            import psycopg

            with psycopg.connect(self.database_url) as conn:
                return list(conn.execute(sql, params).fetchall())
        conn = sqlite3.connect(f"file:{self.var_dir / 'baeum.sqlite3'}?mode=ro", uri=True, timeout=30)
        try:
            return list(conn.execute(sql.replace("%s", "?"), params).fetchall())
        finally:
            conn.close()

    def responses(self, block: str) -> list[tuple[uuid.UUID, int]]:
        """(client id, participant id) of every stored answer to ``block`` in the session."""
        rows = self.query(
            "SELECT client_id, participant_id FROM classrooms_liveresponse WHERE session_id = %s AND block_id = %s",
            self.seed.session,
            block,
        )
        return [(uuid.UUID(str(client_id)), int(str(participant_id))) for client_id, participant_id in rows]

    def session_slide(self) -> tuple[int, int]:
        """(slide index, version) of the session as committed."""
        [(index, version)] = self.query(
            "SELECT slide_index, version FROM classrooms_livesession WHERE id = %s", self.seed.session
        )
        return int(str(index)), int(str(version))
