"""Real Baeum servers for tests that cross process boundaries (browser journeys, fault tests):
a throwaway database, uvicorn processes serving the same ASGI app as `make run`, a private Redis."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The flags `make run` serves with (Makefile UVICORN_FLAGS): no lifespan, no per-message deflate.
SERVE_FLAGS = ["--lifespan", "off", "--ws-per-message-deflate", "false"]


TEACHER_BACKEND = "edu.accounts.backends.TeacherPasswordBackend"
STUDENT_BACKEND = "edu.accounts.backends.LoginCodeBackend"  # how students sign in (login codes)


def session_key_for(user: object, backend: str) -> str:
    """A signed-in Django session, as the sign-in page would leave it (with a backend the settings
    list), for clients that connect to a real server without going through its sign-in pages."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
    store.create()
    assert store.session_key is not None
    return store.session_key


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_database(url: str) -> Iterator[str]:
    """A throwaway database next to the one in DATABASE_URL, dropped afterwards."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = f"baeum_tmp_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_env(var_dir: Path, base: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "BAEUM_VAR_DIR": str(var_dir),
        "STATIC_ROOT": str(ROOT / "var" / "static"),
        "BASE_URL": base,
        "DJANGO_SETTINGS_MODULE": "edu.settings",
        **extra,
    }
    env.pop("DJANGO_LIVE_TEST_SERVER_ADDRESS", None)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run ``manage.py`` with ``env``; its standard output, or a failure that shows its errors."""
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)[:200]} exited with {done.returncode}:\n"
            + (done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace"))[-4000:]
        )
    return done.stdout.decode()


def start_uvicorn(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen[bytes]:
    log = open(log_path, "ab")  # noqa: SIM115 - the child writes to it for its whole life
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "edu.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *SERVE_FLAGS,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_healthy(base: str, process: subprocess.Popen[bytes], log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310 - our own URL
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"server at {base} did not start:\n" + log_path.read_text()[-3000:])
        time.sleep(0.3)


class PrivateRedis:
    """A real redis-server of our own on a free port, so a test may stop and restart it."""

    def __init__(self, work_dir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server not found: install Debian's redis-server package")
        self.binary = binary
        self.port = free_port()
        self.work_dir = work_dir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.work_dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@contextmanager
def demo_server(var_dir: Path, port: int, base: str, **extra: str) -> Iterator[dict[str, str]]:
    """A uvicorn on 127.0.0.1:``port`` serving ``base``, on a fresh, migrated database with the demo
    data (a throwaway PostgreSQL database when DATABASE_URL is set, dropped after). Yields its env."""
    env = server_env(var_dir, base, **extra)
    databases: Iterator[str] | None = None
    if os.environ.get("DATABASE_URL"):
        databases = postgres_database(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = next(databases)
    log_path = var_dir / "server.log"
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "demo_data")
        server = start_uvicorn(env, port, log_path)
        try:
            wait_healthy(f"http://127.0.0.1:{port}", server, log_path)
            yield env
        finally:
            from tests.helpers import stop_process

            stop_process(server)
    finally:
        if databases is not None:
            next(databases, None)
