"""Benchmark: live sessions under load, with real WebSocket connections on 127.0.0.1.

For each N (default 40, 250, 1000, 2000 students) it starts uvicorn on `edu.asgi:application` (the
real app) and, with the same flags, on `tests/bench/bare_broadcast.py:app` (a bare ASGI broadcaster:
no Django, no Channels), and measures with the same client:

(c) join storm - N students connect at once: time until every one has its snapshot, and the p95 of
    connect -> snapshot; a socket closed 1013 "busy" (or refused) retries with the real client's
    backoff, within the join's timeout; and the teacher's console meanwhile (the teacher joins
    before the storm): how many `roster` frames arrive between the first connect and the last
    snapshot, the longest and the median gap (counted from the start of the storm to its end);
(d) memory - the server's RSS with the teacher only connected, then with N students connected:
    (RSS after - RSS before) / N, in KiB;
(a) slide push - the teacher sends `slide.goto`; the latency from that moment to receipt of the
    `slide.changed` event at every student (p50/p95/p99/max over every receipt of every push);
(b) answers - the teacher opens a question and all N students send `answer.submit` at the same
    instant: time until all are acknowledged, until the teacher's `tally` frame says answered == N,
    and how many answers the database holds.

Then the scale-out run: N=2000 over two uvicorn processes of the real app (two ports, students
alternating, no stickiness) on PostgreSQL and the Redis channel layer (skipped, with the reason,
when either is unreachable), the same phases, then

(e) the reconnect storm - from now on every student's client reconnects on its own, with the real
    client's policy (`_loadclient.py`); the teacher opens a second question, all N students
    answer at the same instant, and `--kill-after` s into that burst the second worker (N/2
    students, the teacher is on the first) gets SIGKILL and is restarted at once on the same
    port, as a process manager would; a connection refused by the dead worker is passed on to the
    other one within the client's attempt, as the deployment guide's load balancer does
    (`--no-failover`: clients retry the dead port until the restart serves).
    Measured from the kill: the restart, the first, half and
    all of its students back with a snapshot, connection attempts and 1013 closes, the teacher's
    roster meanwhile; and, in the database, each acknowledged answer (of the burst, some
    acknowledged only after a re-send on the new socket, and of the answers before) stored
    exactly once.

Every figure is printed next to the bare app's as a ratio, with the targets of issue 12 (and the
earlier ones of issue 8, marked) and met/MISSED, then all targets again at the end. The machine's
load average is printed at the start and end of the run and of each case (other work on the
machine shows in every figure). Not a test: nothing here asserts a time. Run with `make bench`, or:

    .venv/bin/python tests/bench/live_load.py [--n 40,250] [--pushes 15] [--clients 2]
        [--no-scaleout] [--scaleout-n 2000] [--no-kill] [--kill-after 0.1] [--budget 1500]
        [--no-deflate] [--json results.json] [--keep]

Set-up needs no network: a throwaway database (SQLite in a temporary BAEUM_VAR_DIR; a throwaway
database on the PostgreSQL server of DATABASE_URL when that is set), migrated, with one school, one
teacher, N students, a six-slide lesson with a numeric activity and one running live session per N;
clients sign in with real Django session cookies. Students run in `--clients` subprocesses
(`_loadclient.py`), the teacher in this process; all share the machine's cores with the server(s).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import hashlib
import itertools
import json
import math
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
REAL_APP = "edu.asgi:application"
BARE_APP = "tests.bench.bare_broadcast:app"
# The flags of `make run`; both apps get exactly these (plus --host/--port).
UVICORN_FLAGS = ["--lifespan", "off", "--ws-per-message-deflate", "false", "--no-access-log", "--log-level", "warning"]
DEFAULT_SIZES = "40,250,1000,2000"
SCALEOUT_N = 2000
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
ANSWERS = ["0.75", "3/4", "0.5"]  # two correct forms and one wrong: a tally with a distribution

JOIN_TIMEOUT = 300.0  # a loaded 2-core machine needs minutes for a 2,000 storm before issue 12
PUSH_TIMEOUT = 10.0
SLIDES_PHASE_BUDGET = 90.0
ANSWER_TIMEOUT = 60.0
TALLY_TIMEOUT = 5.0  # after the last ack (or the ack timeout)
RECONNECT_TIMEOUT = 180.0


# --- set-up inside Django (run as a subprocess: `live_load.py fixture` / `live_load.py count`) ---------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu.settings")
    import django

    django.setup()


def fixture(out: Path, students: int, sessions: list[int]) -> None:
    """Migrate, then one school, teacher, lesson, `students` students, a class and running session
    for each size in `sessions` (its first N students); write cookies and ids to `out` as JSON."""
    _django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from classrooms.live import services
    from classrooms.models import MemberRole, Membership, School
    from classrooms.services import StudentEntry, classroom_create, school_member_add, students_add
    from courses.pages import LessonPage
    from edu.accounts.models import Role, User
    from tests.factories import make_course_unit
    from tests.servers import STUDENT_BACKEND, TEACHER_BACKEND, session_key_for

    started = time.monotonic()
    call_command("migrate", "--noinput", verbosity=0)
    migrated = time.monotonic() - started
    with transaction.atomic():
        _course, unit = make_course_unit("벤치 수학", "bench-math", "분수", "bench-fractions")
        body = _lesson_body()
        lesson = LessonPage(title="분수와 소수", slug="bench-lesson", summary="부하 측정용 수업", body=body)
        unit.add_child(instance=lesson)
        lesson.save_revision().publish()
        lesson.refresh_from_db()
        block = next(b["id"] for b in body if b["type"] == "numeric")
        block2 = next(b["id"] for b in body if b["type"] == "multiple_choice")

        school = School.objects.create(name="벤치학교")
        teacher = User.objects.create_user(
            "bench-teacher", password=uuid.uuid4().hex, role=Role.TEACHER, display_name="김선생"
        )
        school_member_add(school=school, user=teacher)
        biggest = classroom_create(teacher=teacher, name=f"bench-{max(sessions)}", grade=4)
        cards = students_add(classroom=biggest, entries=[StudentEntry(f"학생{i:04d}", i + 1) for i in range(students)])
        student_ids = [card.user_id for card in cards]
        classrooms = {max(sessions): biggest}
        for size in sorted(set(sessions) - {max(sessions)}):
            classroom = classroom_create(teacher=teacher, name=f"bench-{size}", grade=4)
            Membership.objects.bulk_create(
                Membership(classroom=classroom, user_id=pk, role=MemberRole.STUDENT) for pk in student_ids[:size]
            )
            classrooms[size] = classroom
        session_ids = {}
        for size, classroom in classrooms.items():
            session = services.session_start(teacher=teacher, lesson=lesson, classroom=classroom)
            session_ids[size] = services.session_run(session).pk

        def cookie(user: User, backend: str) -> str:
            return f"{settings.SESSION_COOKIE_NAME}={session_key_for(user, backend)}"

        users = {user.pk: user for user in User.objects.filter(pk__in=student_ids)}
        data = {
            "teacher": cookie(teacher, TEACHER_BACKEND),
            "students": [cookie(users[pk], STUDENT_BACKEND) for pk in student_ids],
            "sessions": session_ids,
            "block": block,
            "block2": block2,
            "slides": len(lesson.slides()),
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "migrate_s": round(migrated, 1),
            "setup_s": round(time.monotonic() - started, 1),
        }
    out.write_text(json.dumps(data))


def _lesson_body() -> list[dict[str, Any]]:
    def block(kind: str, value: object) -> dict[str, Any]:
        return {"type": kind, "value": value, "id": str(uuid.uuid4())}

    numeric = {
        "prompt": "<p>3/4를 소수로 쓰면?</p>",
        "answer": "0.75",
        "tolerance": "0",
        "unit": "",
        "points": 2,
        "standards": [],
        "explanation": "<p>3÷4=0.75</p>",
    }
    choice = {
        "prompt": "<p>가장 큰 분수는?</p>",
        "choices": [{"text": "1/4", "correct": False}, {"text": "3/4", "correct": True}],
        "multiple": False,
        "points": 1,
        "standards": [],
        "explanation": "",
    }
    return [
        block("text", "<p>피자 한 판을 똑같이 4조각으로 나누었어요.</p>"),
        block("slide_break", {"title": "분수"}),
        block("math", {"latex": "\\frac{3}{4}", "display": True}),
        block("slide_break", {"title": "문제 1"}),
        block("numeric", numeric),
        block("slide_break", {"title": "문제 2"}),
        block("multiple_choice", choice),
        block("slide_break", {"title": "정리"}),
        block("text", "<p>분수는 소수로도 쓸 수 있어요.</p>"),
        block("slide_break", {"title": "마무리"}),
        block("text", "<p>오늘 배운 것을 말해 보세요.</p>"),
    ]


def count(session_id: int, block: str) -> None:
    _django()
    from classrooms.live.models import LiveResponse

    print(LiveResponse.objects.filter(session_id=session_id, block_id=block).count())


def verify(session_id: int, path: Path) -> None:
    """Per block of `path` ({block: [acknowledged answer ids]}): is each acknowledged answer stored
    exactly once, and how many rows and participants the database holds. Prints JSON."""
    _django()
    from classrooms.live.models import LiveResponse

    found = {}
    for block, acked in json.loads(path.read_text()).items():
        rows = list(
            LiveResponse.objects.filter(session_id=session_id, block_id=block).values_list(
                "client_id", "participant_id"
            )
        )
        ids = Counter(str(client_id) for client_id, _ in rows)
        found[block] = {
            "rows": len(rows),
            "participants": len({participant for _, participant in rows}),
            "acked": len(acked),
            "acked_missing": sum(1 for i in acked if ids[i] == 0),
            "acked_doubled": sum(1 for i in acked if ids[i] > 1),
            "unacked_rows": len(set(ids) - set(acked)),
        }
    print(json.dumps(found))


# --- processes -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def raise_open_files() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 1 << 20
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with NO_PROXY.open(url, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@dataclass
class Server:
    app: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, chars: int = 1500) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def log_errors(self) -> Counter[str]:
        """The last line of each traceback in the server's log, counted."""
        found: Counter[str] = Counter()
        lines = self.log.read_text(errors="replace").splitlines()
        for i, line in enumerate(lines):
            if line.startswith("Traceback"):
                j = i + 1
                while j < len(lines) and (lines[j].startswith((" ", "\t")) or not lines[j].strip()):
                    j += 1
                if j < len(lines):
                    found[lines[j][:160]] += 1
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(app: str, env: dict[str, str], log: Path, port: int | None = None) -> Server:
    """Start uvicorn on `port` (a free one by default) and wait until it answers HTTP."""
    port = port or free_port()
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), *UVICORN_FLAGS]
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(app, port, process, log)
    deadline = time.monotonic() + 90
    while True:
        try:
            http_get(f"{server.base}/healthz", timeout=2)  # any HTTP answer: it is serving
            return server
        except OSError:
            pass
        if not server.alive() or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"{app} did not start:\n{server.log_tail()}")
        time.sleep(0.02)


def server_env(var_dir: Path, database_url: str | None, redis_url: str | None, prefix: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "edu.settings",
        "BAEUM_VAR_DIR": str(var_dir),
        "STATIC_ROOT": str(ROOT / "var" / "static"),
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",
        "REDIS_KEY_PREFIX": prefix,
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "BASE_URL"):
        env.pop(name, None)
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


@contextlib.contextmanager
def postgres_database(url: str) -> Iterator[str]:
    """A throwaway database on the server of `url`, dropped afterwards."""
    import psycopg

    parts = urlsplit(url)
    name = f"baeum_bench_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_fixture(env: dict[str, str], students: int, sessions: list[int], out: Path) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__)),
        "fixture",
        str(out),
        str(students),
        ",".join(map(str, sessions)),
    ]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    if result.returncode:
        raise RuntimeError(f"set-up failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    data: dict[str, Any] = json.loads(out.read_text())
    data["sessions"] = {int(k): v for k, v in data["sessions"].items()}
    return data


def verify_persisted(env: dict[str, str], session_id: int, acked: dict[str, list[str]], out: Path) -> dict[str, Any]:
    out.write_text(json.dumps(acked))
    command = [sys.executable, str(Path(__file__)), "verify", str(session_id), str(out)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if result.returncode:
        return {"error": result.stderr.strip().splitlines()[-1][:160]}
    found: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def count_persisted(env: dict[str, str], session_id: int, block: str) -> int | str:
    command = [sys.executable, str(Path(__file__)), "count", str(session_id), block]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if result.returncode:
        return "error: " + result.stderr.strip().splitlines()[-1][:100]
    return int(result.stdout.strip().splitlines()[-1])


# --- clients ---------------------------------------------------------------------------------------


class Teacher:
    """The teacher's socket, in this process: sends actions, collects acks and tally frames."""

    def __init__(self, url: str, cookie: str, deflate: bool) -> None:
        self.url, self.cookie, self.deflate = url, cookie, deflate
        self.snapshot: dict[str, Any] = {}
        self.acks: dict[str, asyncio.Future[tuple[float, dict[str, Any]]]] = {}
        self.tallies: list[tuple[float, dict[str, Any]]] = []
        self.rosters: list[float] = []  # arrival times of `roster` frames
        self.reader: asyncio.Task[None] | None = None
        self.closed: str | None = None

    async def open(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.typing import Origin

        self.ws = await connect(
            self.url,
            origin=Origin(self.url.replace("ws://", "http://", 1).split("/ws/", 1)[0]),
            additional_headers={"Cookie": self.cookie},
            compression="deflate" if self.deflate else None,
            proxy=None,
            open_timeout=30,
            ping_interval=None,
            close_timeout=2,
            max_queue=None,
            max_size=2**24,
        )
        self.snapshot = json.loads(await asyncio.wait_for(self.ws.recv(), 30))
        if self.snapshot.get("type") != "snapshot":
            raise RuntimeError(f"teacher's first frame is not a snapshot: {str(self.snapshot)[:200]}")
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for message in self.ws:
                now = time.time()
                frame = json.loads(message)
                kind = frame.get("type")
                if kind == "tally":
                    self.tallies.append((now, frame))
                elif kind == "roster" or str(kind).startswith("roster."):
                    self.rosters.append(now)
                elif kind in ("ack", "error") and frame.get("ref") in self.acks:
                    future = self.acks.pop(frame["ref"])
                    if not future.done():
                        future.set_result((now, frame))
        except ConnectionClosed as exc:
            self.closed = f"closed {exc.rcvd.code if exc.rcvd else 'without close frame'}"

    async def act(self, frame: dict[str, Any], timeout: float) -> tuple[float, float | None, dict[str, Any]]:
        """Send a teacher frame; (sent at, acked at or None, reply)."""
        ref = uuid.uuid4().hex
        future: asyncio.Future[tuple[float, dict[str, Any]]] = asyncio.get_running_loop().create_future()
        self.acks[ref] = future
        sent = time.time()
        await self.ws.send(json.dumps({**frame, "id": ref}))
        try:
            acked, reply = await asyncio.wait_for(future, timeout)
        except TimeoutError:
            self.acks.pop(ref, None)
            return sent, None, {}
        return sent, acked, reply

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(), 3)
        if self.reader is not None:
            self.reader.cancel()


class Workers:
    """The student sockets, spread over client subprocesses (`_loadclient.py`)."""

    def __init__(self) -> None:
        self.processes: list[asyncio.subprocess.Process] = []

    async def start(
        self,
        targets: list[list[str]],
        clients: int,
        deflate: bool,
        backoff: tuple[float, float] = (1.0, 15.0),
        failover: list[str] | None = None,
    ) -> None:
        clients = max(1, min(clients, len(targets)))
        size = math.ceil(len(targets) / clients)
        for i in range(clients):
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                str(HERE / "_loadclient.py"),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                limit=2**26,
                cwd=ROOT,
            )
            self.processes.append(process)
            config = {
                "targets": targets[i * size : (i + 1) * size],
                "deflate": deflate,
                "backoff": [*backoff, 0.0],
                "failover": failover or [],
            }
            await self.send(process, config)
        await self.replies(30)

    async def send(self, process: asyncio.subprocess.Process, data: dict[str, Any]) -> None:
        assert process.stdin is not None
        process.stdin.write((json.dumps(data) + "\n").encode())
        await process.stdin.drain()

    async def broadcast(self, data: dict[str, Any]) -> None:
        await asyncio.gather(*(self.send(p, data) for p in self.processes))

    async def replies(self, timeout: float) -> list[dict[str, Any]]:
        async def one(process: asyncio.subprocess.Process) -> dict[str, Any]:
            assert process.stdout is not None
            line = await process.stdout.readline()
            if not line:
                raise RuntimeError(f"load client exited (rc {await process.wait()})")
            reply: dict[str, Any] = json.loads(line)
            return reply

        return list(await asyncio.wait_for(asyncio.gather(*(one(p) for p in self.processes)), timeout))

    async def command(self, data: dict[str, Any], timeout: float) -> list[dict[str, Any]]:
        await self.broadcast(data)
        return await self.replies(timeout)

    async def stop(self) -> int:
        frames = 0
        with contextlib.suppress(Exception):
            frames = sum(r.get("frames", 0) for r in await self.command({"cmd": "close"}, 30))
        for process in self.processes:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
            await process.wait()
        return frames


# --- one run: one app (one or two servers), N students -------------------------------------------------


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def roster_gaps(times: Sequence[float], start: float, end: float) -> dict[str, Any]:
    """The teacher's `roster` frames within [start, end]: how many, and the gaps between
    start, each frame and end (the first gap runs from the start of the storm)."""
    inside = sorted(t for t in times if start <= t <= end)
    marks = [start, *inside, end]
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(marks)]
    return {
        "count": len(inside),
        "max_gap_ms": max(gaps) if gaps else None,
        "median_gap_ms": pct(gaps, 0.5) if gaps else None,
        "window_ms": (end - start) * 1000,
    }


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


@dataclass
class Case:
    label: str
    n: int
    servers: list[Server]
    session_id: int
    cookies: dict[str, Any]  # the fixture: teacher, students, block, slides
    count_env: dict[str, str] | None  # Django env for counting persisted answers (None: the bare app)
    figures: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    kill: bool = False  # after the answers: SIGKILL the last server, restart it, measure the reconnect storm
    var_dir: Path | None = None

    def cpu(self) -> float:
        return sum(s.cpu_s() for s in self.servers if s.alive())

    def rss(self) -> int:
        return sum(s.rss_kib() for s in self.servers if s.alive())


async def run_case(case: Case, opts: argparse.Namespace, deadline: float) -> None:
    case.figures["loadavg_start"] = loadavg()
    try:
        await _run_case(case, opts, deadline)
    finally:
        case.figures["loadavg_end"] = loadavg()


async def _run_case(case: Case, opts: argparse.Namespace, deadline: float) -> None:
    fig, n = case.figures, case.n
    fixture = case.cookies
    urls = [f"ws://127.0.0.1:{s.port}/ws/live/{case.session_id}/" for s in case.servers]
    targets = [[urls[i % len(urls)], fixture["students"][i]] for i in range(n)]
    teacher = Teacher(urls[0] + "?role=teacher", fixture["teacher"], opts.deflate)
    workers = Workers()
    try:
        base, ceiling = (float(x) for x in opts.backoff.split(","))
        bases = [f"ws://127.0.0.1:{s.port}" for s in case.servers]
        failover = bases if opts.failover and len(bases) > 1 else None
        await workers.start(targets, opts.clients, opts.deflate, (base, ceiling), failover)
        await teacher.open()
        slides = int(teacher.snapshot.get("slide", {}).get("count") or fixture["slides"])
        await asyncio.sleep(0.5)
        rss_before = case.rss()

        # (c) join storm
        cpu0, wall0 = case.cpu(), time.time()
        replies = await workers.command({"cmd": "connect", "timeout": JOIN_TIMEOUT}, JOIN_TIMEOUT + 30)
        starts = [t for r in replies for t in r["started"]]
        pairs = [(s, t) for r in replies for s, t in zip(r["started"], r["snapshot"], strict=True) if t is not None]
        errors: Counter[str] = Counter()
        for r in replies:
            errors.update(r["errors"])
        fig["join_failed"] = sum(errors.values())
        fig["join_errors"] = dict(errors)
        retried: Counter[str] = Counter()
        for r in replies:
            retried.update(r.get("retried", {}))
        if retried:
            fig["join_retried"] = dict(retried)
        fig["join_attempts"] = sum(r.get("attempts", 0) for r in replies)
        if pairs:
            latencies = [(t - s) * 1000 for s, t in pairs]
            fig["join_all_ms"] = (max(t for _, t in pairs) - min(starts)) * 1000
            if errors:
                fig["join_all_ms"] = f"{len(pairs)}/{n} in {fig['join_all_ms'] / 1000:.1f} s"
            fig["join_p50_ms"], fig["join_p95_ms"] = pct(latencies, 0.5), pct(latencies, 0.95)
            fig["join_max_ms"] = max(latencies)
            if case.count_env is not None:  # the real app: the teacher's roster during the storm
                storm = roster_gaps(teacher.rosters, min(starts), max(t for _, t in pairs))
                fig["join_roster_frames"] = storm["count"]
                fig["join_roster_max_gap_ms"] = storm["max_gap_ms"]
                fig["join_roster_median_gap_ms"] = storm["median_gap_ms"]
        fig["join_server_cpu_s"] = case.cpu() - cpu0
        fig["join_wall_s"] = time.time() - wall0
        fig["join_client_cpu_s"] = sum(r["cpu"] for r in replies)
        connected = len(pairs)
        await asyncio.sleep(1.0)
        # (d) memory
        rss_after = case.rss()
        fig["rss_before_mib"], fig["rss_after_mib"] = rss_before / 1024, rss_after / 1024
        if connected:
            fig["mem_kib"] = (rss_after - rss_before) / connected
        if not connected:
            case.notes.append("no student connected; later phases skipped")
            return

        # (a) slide push
        cpu0, phase_start = case.cpu(), time.monotonic()
        receipts: list[float] = []
        acks: list[float] = []
        missing = pushes = client_cpu = 0
        current = int(teacher.snapshot.get("slide", {}).get("index") or 0)
        for i in range(opts.pushes):
            if time.monotonic() - phase_start > SLIDES_PHASE_BUDGET or time.time() > deadline:
                case.notes.append(f"slide pushes stopped after {pushes} (phase budget)")
                break
            index = (current + 1 + i % (slides - 1)) % slides if slides > 1 else 0
            armed = await workers.command(
                {"cmd": "expect", "kind": "slide.changed", "field": "index", "value": index, "timeout": PUSH_TIMEOUT},
                30,
            )
            assert all(r.get("armed") for r in armed), armed
            sent, acked, reply = await teacher.act({"type": "slide.goto", "index": index}, PUSH_TIMEOUT)
            if reply.get("type") == "error":
                case.notes.append(f"slide.goto refused: {reply.get('code')} {reply.get('message')}")
            if acked is not None:
                acks.append((acked - sent) * 1000)
            results = await workers.replies(PUSH_TIMEOUT + 30)
            pushes += 1
            receipts += [(t - sent) * 1000 for r in results for t in r["times"]]
            missing += sum(r["missing"] for r in results)
            client_cpu += sum(r["cpu"] for r in results)
            await asyncio.sleep(opts.gap)
        fig["slide_pushes"] = pushes
        fig["slide_missing"] = missing
        if receipts:
            for q, key in ((0.5, "p50"), (0.95, "p95"), (0.99, "p99")):
                fig[f"slide_{key}_ms"] = pct(receipts, q)
            fig["slide_max_ms"] = max(receipts)
        if missing:
            fig["slide_p95_ms"] = f"{missing} of {pushes * connected} missing"
        if acks:
            fig["slide_ack_p50_ms"] = pct(acks, 0.5)
        fig["slides_server_cpu_s"] = case.cpu() - cpu0
        fig["slides_wall_s"] = time.monotonic() - phase_start
        fig["slides_client_cpu_s"] = client_cpu

        # (b) answers
        if time.time() > deadline:
            case.notes.append("answers skipped (run budget)")
            return
        block = fixture["block"]
        armed = await workers.command(
            {"cmd": "expect", "kind": "question.opened", "field": "block", "value": block, "timeout": PUSH_TIMEOUT}, 30
        )
        sent, acked, reply = await teacher.act({"type": "question.open", "block": block}, PUSH_TIMEOUT)
        if reply.get("type") != "ack":
            case.notes.append(f"question.open: {reply or 'no reply'}")
        await workers.replies(PUSH_TIMEOUT + 30)
        await asyncio.sleep(0.5)
        teacher.tallies.clear()
        cpu0 = case.cpu()
        t0 = time.time() + 0.5
        command = {"cmd": "answer", "at": t0, "block": block, "answers": ANSWERS, "timeout": ANSWER_TIMEOUT}
        results = await workers.command(command, ANSWER_TIMEOUT + 40)
        ack_times = [t for r in results for t in r["acks"]]
        acked_before = [i for r in results for i in r.get("acked_ids", [])]
        errors = Counter()
        for r in results:
            errors.update(r["errors"])
        fig["ans_acked"] = len(ack_times)
        fig["ans_refused"] = sum(r["refused"] for r in results)
        fig["ans_missing"] = sum(r["missing"] for r in results)
        fig["ans_errors"] = dict(errors)
        fig["ans_send_ms"] = (max(r["sent"][1] for r in results) - t0) * 1000
        last_ack = max(ack_times) if ack_times else None
        if last_ack is not None and len(ack_times) == connected:
            fig["ans_all_acked_ms"] = (last_ack - t0) * 1000
            fig["ans_ack_p50_ms"] = pct([(t - t0) * 1000 for t in ack_times], 0.5)
        else:
            fig["ans_all_acked_ms"] = f"{len(ack_times)}/{connected} acked" + (
                " (timeout)" if any(not r["complete"] for r in results) else ""
            )
        tally_deadline = time.monotonic() + TALLY_TIMEOUT
        while time.monotonic() < tally_deadline and not _tally_complete(teacher, block, connected):
            await asyncio.sleep(0.02)
        complete = _tally_complete(teacher, block, connected)
        if complete is not None:
            fig["tally_ms"] = (complete - t0) * 1000
            fig["tally_after_ack_ms"] = (complete - last_ack) * 1000 if last_ack else "n/a"
        elif not teacher.tallies:
            fig["tally_after_ack_ms"] = "n/a (no tally frames)"
        else:
            best = max(int(f.get("answered", 0)) for _, f in teacher.tallies if f.get("block") == block)
            fig["tally_after_ack_ms"] = f"incomplete ({best}/{connected})"
        fig["tally_frames"] = len(teacher.tallies)
        fig["answers_server_cpu_s"] = case.cpu() - cpu0
        fig["answers_client_cpu_s"] = sum(r["cpu"] for r in results)
        if case.count_env is not None:
            fig["persisted"] = await asyncio.to_thread(count_persisted, case.count_env, case.session_id, block)
            if case.kill and time.time() < deadline:
                await kill_phase(case, opts, teacher, workers, {block: acked_before})
        else:
            _status, body = http_get(f"{case.servers[0].base}/stats")
            stats = json.loads(body).get(str(case.session_id), {})
            fig["persisted"] = f"{stats.get('answers', {}).get(block, 0)} (memory)"
    finally:
        fig["student_frames"] = await workers.stop()
        if teacher.closed:
            case.notes.append(f"teacher socket {teacher.closed}")
        with contextlib.suppress(Exception):
            await teacher.close()
        for server in case.servers:
            if not server.alive():
                case.notes.append(f"server on :{server.port} exited with {server.process.returncode}")
            for line, times in server.log_errors().most_common(4):
                case.notes.append(f"server :{server.port} log, {times}x: {line}")


async def kill_phase(
    case: Case, opts: argparse.Namespace, teacher: Teacher, workers: Workers, acked: dict[str, list[str]]
) -> None:
    """(e) The reconnect storm: every student's client reconnects on its own from now on (the real
    client's policy); the teacher opens a second question and every student answers at the same
    instant; `KILL_AFTER` s into that burst the last server gets SIGKILL and is restarted at once
    on the same port, as a process manager would. Clients model the load balancer of the
    deployment guide: an attempt refused by the dead worker goes to the other one (`--no-failover`:
    they keep retrying the dead port until the restart serves). Measured: from the kill until each of its students
    is back with a snapshot, the teacher's roster meanwhile (the teacher is on the first server),
    and in the database: each acknowledged answer, of the burst and of the answers before, stored
    exactly once."""
    fig = case.figures
    fixture = case.cookies
    victim = case.servers[-1]
    block2 = fixture["block2"]
    await workers.command({"cmd": "watch", "on": True}, 30)
    await workers.command(
        {"cmd": "expect", "kind": "question.opened", "field": "block", "value": block2, "timeout": PUSH_TIMEOUT}, 30
    )
    _sent, _acked, reply = await teacher.act({"type": "question.open", "block": block2}, PUSH_TIMEOUT)
    if reply.get("type") != "ack":
        case.notes.append(f"kill phase: question.open: {reply or 'no reply'}")
    await workers.replies(PUSH_TIMEOUT + 30)
    await asyncio.sleep(0.5)
    t0 = time.time() + 0.5
    await workers.broadcast(
        {"cmd": "answer", "at": t0, "block": block2, "answers": [[1], [0]], "timeout": RECONNECT_TIMEOUT}
    )
    await asyncio.sleep(max(0.0, t0 + opts.kill_after - time.time()))
    killed_at = time.time()
    os.kill(victim.process.pid, signal.SIGKILL)
    await asyncio.to_thread(victim.process.wait)
    try:
        restarted = await asyncio.to_thread(start_server, victim.app, victim_env(case), victim.log, victim.port)
    except Exception as exc:
        case.notes.append(f"kill phase: restart failed: {exc}"[:300])
        return
    ready_at = time.time()
    case.servers[-1] = restarted
    fig["kill_restart_ms"] = (ready_at - killed_at) * 1000
    results = await workers.replies(RECONNECT_TIMEOUT + 40)
    back = await workers.command(
        {"cmd": "back", "match": f":{victim.port}/", "timeout": RECONNECT_TIMEOUT}, RECONNECT_TIMEOUT + 40
    )
    students = sum(b["students"] for b in back)
    times = [t for b in back for t in b["back"]]
    not_back = sum(b["not_back"] + b["not_dropped"] for b in back)
    codes: Counter[str] = Counter()
    for b in back:
        codes.update(b["codes"])
    attempts = [a for b in back for a in b["attempts"]]
    fig["kill_students"] = students
    fig["kill_not_back"] = not_back
    fig["kill_codes"] = dict(codes)
    fig["kill_busy_closes"] = sum(v for k, v in codes.items() if k.startswith("closed 1013"))
    if times:
        fig["kill_first_back_ms"] = (min(times) - killed_at) * 1000
        fig["kill_p50_back_ms"] = pct([(t - killed_at) * 1000 for t in times], 0.5)
        fig["kill_all_back_ms"] = (max(times) - killed_at) * 1000
        fig["kill_all_after_ready_ms"] = (max(times) - ready_at) * 1000
        fig["kill_attempts_mean"] = sum(attempts) / len(attempts)
        fig["kill_attempts_max"] = max(attempts)
        storm = roster_gaps(teacher.rosters, killed_at, max(times))
        fig["kill_roster_frames"] = storm["count"]
        fig["kill_roster_max_gap_ms"] = storm["max_gap_ms"]
        fig["kill_roster_median_gap_ms"] = storm["median_gap_ms"]
    if not_back:
        fig["kill_all_back_ms"] = f"{len(times)}/{students} back in {RECONNECT_TIMEOUT:.0f} s"
    # the burst: acknowledged (some after a re-send on the new socket), duplicates = re-sends of stored answers
    acked[block2] = [i for r in results for i in r.get("acked_ids", [])]
    fig["kill_burst_acked"] = len(acked[block2])
    fig["kill_burst_acked_before_kill"] = sum(1 for r in results for t in r["acks"] if t < killed_at)
    fig["kill_burst_resent_dup"] = sum(r.get("duplicates", 0) for r in results)
    fig["kill_burst_unacked"] = sum(r["missing"] + r["refused"] for r in results)
    burst_errors: Counter[str] = Counter()
    for r in results:
        burst_errors.update(r["errors"])
    if burst_errors:
        fig["kill_burst_errors"] = dict(burst_errors)
    assert case.count_env is not None and case.var_dir is not None
    found = await asyncio.to_thread(
        verify_persisted, case.count_env, case.session_id, acked, case.var_dir / "acked.json"
    )
    fig["kill_db"] = found
    if "error" in found:
        fig["kill_lost_or_doubled"] = found["error"]
    else:
        fig["kill_lost_or_doubled"] = sum(v["acked_missing"] + v["acked_doubled"] for v in found.values()) + sum(
            max(0, v["rows"] - v["participants"]) for v in found.values()
        )


def victim_env(case: Case) -> dict[str, str]:
    assert case.count_env is not None
    return case.count_env


def _tally_complete(teacher: Teacher, block: str, n: int) -> float | None:
    for received, frame in teacher.tallies:
        if frame.get("block") == block and int(frame.get("answered", 0)) >= n:
            return received
    return None


def run_async(coroutine: Any) -> Any:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coroutine)


# --- report ----------------------------------------------------------------------------------------

ROWS = [
    # (key, label, unit)
    ("join_all_ms", "join storm: all N have a snapshot", "ms"),
    ("join_p95_ms", "join: connect -> snapshot p95", "ms"),
    ("join_failed", "join: failed connections", ""),
    ("join_roster_frames", "join storm: teacher's roster frames", ""),
    ("join_roster_max_gap_ms", "join storm: roster max gap", "ms"),
    ("join_roster_median_gap_ms", "join storm: roster median gap", "ms"),
    ("mem_kib", "memory per connected student", "KiB"),
    ("slide_p50_ms", "slide push p50", "ms"),
    ("slide_p95_ms", "slide push p95", "ms"),
    ("slide_p99_ms", "slide push p99", "ms"),
    ("slide_max_ms", "slide push max", "ms"),
    ("slide_ack_p50_ms", "slide push: teacher's ack p50", "ms"),
    ("ans_all_acked_ms", "answers: all acknowledged", "ms"),
    ("tally_after_ack_ms", "answers: tally complete after last ack", "ms"),
    ("persisted", "answers: persisted", ""),
    ("join_server_cpu_s", "server CPU, join storm", "s"),
    ("slides_server_cpu_s", "server CPU, slide pushes", "s"),
    ("answers_server_cpu_s", "server CPU, answers", "s"),
    ("kill_students", "kill: students on the killed worker", ""),
    ("kill_restart_ms", "kill: SIGKILL -> restarted worker serves", "ms"),
    ("kill_first_back_ms", "kill: first back with a snapshot", "ms"),
    ("kill_p50_back_ms", "kill: half back with a snapshot", "ms"),
    ("kill_all_back_ms", "kill: all back with a snapshot", "ms"),
    ("kill_all_after_ready_ms", "kill: all back, after the restart", "ms"),
    ("kill_attempts_mean", "kill: connection attempts per student", ""),
    ("kill_busy_closes", "kill: closes 1013 busy seen", ""),
    ("kill_roster_frames", "kill: teacher's roster frames", ""),
    ("kill_roster_max_gap_ms", "kill: roster max gap", "ms"),
    ("kill_burst_acked", "kill: burst answers acknowledged", ""),
    ("kill_burst_acked_before_kill", "kill: of those, before the kill", ""),
    ("kill_burst_resent_dup", "kill: re-sent, already stored", ""),
    ("kill_lost_or_doubled", "kill: acknowledged lost or doubled", ""),
]

# Targets met/missed over the whole run, printed at the end: (where, figure, value, target, ok).
SUMMARY: list[tuple[str, str, str, str, bool]] = []


def targets_for(n: int, scaleout: bool) -> dict[str, tuple[str, Any]]:
    """Target text and a check (number -> bool, or "ratio2": real/bare) per figure. Issue 12's
    targets first; those of issue 8 (marked) still guard against regressions."""
    found: dict[str, tuple[str, Any]] = {
        "mem_kib": ("<= 40 KiB", lambda v: v <= 40),
        "join_roster_max_gap_ms": ("<= 1000 ms (roster once a second)", lambda v: v <= 1000),
    }
    if n >= 2000:
        found["join_all_ms"] = ("<= 3000 ms", lambda v: v <= 3000)
    if scaleout:
        found["slide_p95_ms"] = ("<= 250 ms (issue 8)", lambda v: v <= 250)
        found["kill_all_back_ms"] = ("<= 3000 ms", lambda v: v <= 3000)
        found["kill_lost_or_doubled"] = ("= 0", lambda v: v == 0)
        found["kill_roster_max_gap_ms"] = ("<= 1000 ms (roster once a second)", lambda v: v <= 1000)
    elif n == 1000:
        found["slide_p95_ms"] = ("<= 2x bare", "ratio2")
    if n >= 2000:
        found["ans_all_acked_ms"] = ("<= 2000 ms (issue 8)", lambda v: v <= 2000)
        found["tally_after_ack_ms"] = ("<= 500 ms (issue 8)", lambda v: v <= 500)
        found["persisted"] = (f"= {n} (issue 8)", lambda v: v == n)
    return found


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) < 10_000 else f"{value:.0f}"
    return str(value)


def table(title: str, real: Case | None, bare: Case | None, scaleout: bool = False) -> str:
    either = real or bare
    n = either.n if either is not None else 0
    targets = targets_for(n, scaleout)
    head = f"{'figure':<42}{'real':>22}{'bare':>16}{'real/bare':>11}   target"
    lines = [title, head, "-" * len(head)]
    for key, label, unit in ROWS:
        r = real.figures.get(key) if real else None
        b = bare.figures.get(key) if bare else None
        if r is None and b is None:
            continue
        ratio = ""
        numeric_r = isinstance(r, int | float) and not isinstance(r, bool)
        numeric_b = isinstance(b, int | float) and not isinstance(b, bool)
        if numeric_r and numeric_b and b:
            ratio = f"{r / b:.2f}x"
        target, verdict = targets.get(key, ("", None))
        if target and r is not None:
            if verdict == "ratio2":
                ok = bool(ratio) and r / b <= 2
            elif callable(verdict) and numeric_r:
                ok = bool(verdict(r))
            else:
                ok = False
            SUMMARY.append(
                (title.split(":")[0].split(";")[0], label, fmt(r) + (f" ({ratio})" if ratio else ""), target, ok)
            )
            target += "  met" if ok else "  MISSED"
        elif target and real is not None:
            SUMMARY.append((title.split(":")[0].split(";")[0], label, "not measured", target, False))
            target += "  not measured"
        name = f"{label} ({unit})" if unit else label
        lines.append(f"{name:<42}{fmt(r):>22}{fmt(b):>16}{ratio:>11}   {target}")
    for case in (real, bare):
        if case is None:
            continue
        f = case.figures
        extra = []
        if f.get("join_errors"):
            extra.append(f"join errors {f['join_errors']}")
        if f.get("ans_errors") or f.get("ans_refused") or f.get("ans_missing"):
            extra.append(
                f"answers: {f.get('ans_acked')} acked, {f.get('ans_refused')} refused, "
                f"{f.get('ans_missing')} unanswered, error frames {f.get('ans_errors')}"
            )
        if f.get("join_retried"):
            extra.append(f"join: {f.get('join_attempts')} attempts, retried after {f['join_retried']}")
        if f.get("kill_codes") or f.get("kill_db"):
            extra.append(
                f"kill: attempts failed {f.get('kill_codes')}; not back {f.get('kill_not_back')}; "
                f"burst unacked {f.get('kill_burst_unacked')}, errors {f.get('kill_burst_errors', {})}; "
                f"database {f.get('kill_db')}"
            )
        if f.get("slide_missing"):
            extra.append(f"slide events missing: {f['slide_missing']} over {f.get('slide_pushes')} pushes")
        extra.append(
            f"RSS {fmt(f.get('rss_before_mib'))} -> {fmt(f.get('rss_after_mib'))} MiB; "
            f"tally frames {f.get('tally_frames', '-')}; frames received by students {f.get('student_frames', '-')}; "
            f"client CPU s: join {fmt(f.get('join_client_cpu_s'))}, slides {fmt(f.get('slides_client_cpu_s'))}, "
            f"answers {fmt(f.get('answers_client_cpu_s'))}; "
            f"load average {f.get('loadavg_start')} -> {f.get('loadavg_end')}"
        )
        for note in [*extra, *case.notes]:
            lines.append(f"  [{case.label}] {note}")
    return "\n".join(lines)


def header(opts: argparse.Namespace, nofile: int) -> str:
    import uvicorn
    import websockets

    cpu = "?"
    with contextlib.suppress(OSError):
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if "model name" in line
            ),
            "?",
        )

    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=20)
        return result.stdout.rstrip()

    # The server's code as measured: HEAD, the files changed since, and a digest of their contents.
    dirty = sorted(
        line[3:] for line in git("status", "--porcelain", "-uall", "--", "classrooms", "edu", "courses").splitlines()
    )
    digest = hashlib.sha256()
    for name in dirty:
        path = ROOT / name
        digest.update(name.encode() + (path.read_bytes() if path.is_file() else b"-"))
    return "\n".join(
        [
            f"live_load: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, {os.cpu_count()} cores ({cpu}), "
            f"Python {platform.python_version()}, uvicorn {uvicorn.__version__} (ws auto, loop auto), "
            f"websockets {websockets.__version__}, open files {nofile}",
            f"server code: {git('rev-parse', '--short', 'HEAD')}"
            + (
                f" + {len(dirty)} changed files (digest {digest.hexdigest()[:12]}): {' '.join(dirty)}"
                if dirty
                else " (clean)"
            ),
            f"uvicorn flags (both apps): {' '.join(UVICORN_FLAGS)}; client offers permessage-deflate: {opts.deflate}; "
            f"{opts.clients} client processes + the teacher in this one, all on the same cores as the server",
            f"per N: join storm, memory, {opts.pushes} slide pushes ({opts.gap}s apart), N simultaneous answers; "
            f"bare broadcaster mode: {os.environ.get('BARE_BROADCAST', 'loop')}",
            f"load average (1, 5, 15 min) at the start: {loadavg()}",
        ]
    )


# --- main ------------------------------------------------------------------------------------------


def single_runs(opts: argparse.Namespace, var_dir: Path, deadline: float, out: dict[str, Any]) -> None:
    sizes = opts.sizes
    with contextlib.ExitStack() as stack:
        database_url = os.environ.get("DATABASE_URL", "")
        if database_url.startswith(("postgres://", "postgresql://")):
            database_url = stack.enter_context(postgres_database(database_url))
        else:
            database_url = ""
        env = server_env(var_dir, database_url or None, None, f"bench{uuid.uuid4().hex[:6]}")
        data = make_fixture(env, max(sizes), sizes, var_dir / "fixture.json")
        print(
            f"set-up: {data['database']}, {max(sizes)} students, {data['slides']} slides, "
            f"migrate {data['migrate_s']} s, total {data['setup_s']} s; one uvicorn process per app; "
            f"channel layer: in-memory (REDIS_URL unset)\n",
            flush=True,
        )
        for n in sizes:
            cases: dict[str, Case] = {}
            for app in opts.apps:
                if time.time() > deadline - 20:
                    print(f"N={n} {app}: skipped (run budget of {opts.budget:.0f} s spent)")
                    continue
                log = var_dir / f"{app}-{n}.log"
                server = start_server(REAL_APP if app == "real" else BARE_APP, env, log)
                case = Case(
                    app, n, [server], data["sessions"][n], data, env if app == "real" else None, var_dir=var_dir
                )
                try:
                    run_async(run_case(case, opts, deadline))
                except Exception as exc:
                    case.notes.append(f"run aborted: {type(exc).__name__}: {exc}"[:300])
                finally:
                    server.stop()
                cases[app] = case
                out[f"{app}-{n}"] = {"figures": case.figures, "notes": case.notes}
            print(table(f"N = {n}", cases.get("real"), cases.get("bare")) + "\n", flush=True)
            out.setdefault("_bare", {})[n] = cases.get("bare")


def scaleout_run(opts: argparse.Namespace, var_dir: Path, deadline: float, out: dict[str, Any]) -> None:
    n = opts.scaleout_n
    title = f"N = {n}, scale-out: two uvicorn processes of the real app (students alternate ports), PostgreSQL, Redis"
    postgres = os.environ.get("BENCH_POSTGRES_URL") or (
        os.environ["DATABASE_URL"]
        if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
        else DEFAULT_POSTGRES
    )
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    reason = ""
    try:
        import psycopg

        psycopg.connect(postgres, connect_timeout=3).close()
    except Exception as exc:
        reason = f"PostgreSQL not reachable at {postgres}: {type(exc).__name__}: {exc}"
    try:
        import redis

        redis.Redis.from_url(redis_url, socket_timeout=3, socket_connect_timeout=3).ping()
    except Exception as exc:
        reason = reason or f"Redis not reachable at {redis_url}: {type(exc).__name__}: {exc}"
    if time.time() > deadline - 60:
        reason = reason or f"run budget of {opts.budget:.0f} s spent"
    if reason:
        print(f"{title}: skipped ({reason})")
        return
    with postgres_database(postgres) as database_url:
        env = server_env(var_dir / "scaleout", database_url, redis_url, f"bench{uuid.uuid4().hex[:6]}")
        (var_dir / "scaleout").mkdir(exist_ok=True)
        fixture_env = {**env}
        fixture_env.pop("REDIS_URL")
        data = make_fixture(fixture_env, n, [n], var_dir / "fixture-scaleout.json")
        print(f"set-up: {data['database']}, {n} students, total {data['setup_s']} s; Redis {redis_url}")
        servers = [start_server(REAL_APP, env, var_dir / f"scaleout-{i}.log") for i in range(2)]
        case = Case("real x2", n, servers, data["sessions"][n], data, env, kill=opts.kill, var_dir=var_dir)
        try:
            run_async(run_case(case, opts, deadline + 60))
        except Exception as exc:
            case.notes.append(f"run aborted: {type(exc).__name__}: {exc}"[:300])
        finally:
            for server in servers:
                server.stop()
        bare = out.get("_bare", {}).get(n)
        out[f"scaleout-{n}"] = {"figures": case.figures, "notes": case.notes}
        print(table(title + ("; bare: one process, same N" if bare else ""), case, bare, scaleout=True), flush=True)


def main(argv: list[str]) -> None:
    if argv[:1] == ["fixture"]:
        fixture(Path(argv[1]), int(argv[2]), [int(s) for s in argv[3].split(",")])
        return
    if argv[:1] == ["count"]:
        count(int(argv[1]), argv[2])
        return
    if argv[:1] == ["verify"]:
        verify(int(argv[1]), Path(argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--n", default=os.environ.get("BENCH_LIVE_N", DEFAULT_SIZES), help="student counts")
    parser.add_argument("--pushes", type=int, default=int(os.environ.get("BENCH_LIVE_PUSHES", "15")))
    parser.add_argument("--gap", type=float, default=0.3, help="seconds between slide pushes")
    parser.add_argument("--clients", type=int, default=int(os.environ.get("BENCH_LIVE_CLIENTS", "2")))
    parser.add_argument("--apps", default="bare,real", help="which apps to run (bare,real)")
    parser.add_argument("--scaleout-n", type=int, default=SCALEOUT_N)
    parser.add_argument("--no-scaleout", action="store_true", default=os.environ.get("BENCH_LIVE_SCALEOUT") == "0")
    parser.add_argument(
        "--no-kill", dest="kill", action="store_false", help="scale-out run without the SIGKILL reconnect storm"
    )
    parser.add_argument(
        "--no-failover",
        dest="failover",
        action="store_false",
        help="kill phase without a load balancer: clients retry the killed worker's port until it is restarted",
    )
    parser.add_argument("--kill-after", type=float, default=0.1, help="s into the answer burst the worker is killed")
    parser.add_argument(
        "--backoff", default="1,15", help="the clients' reconnect backoff: first ceiling, max (s), as backoff.ts"
    )
    parser.add_argument("--no-deflate", dest="deflate", action="store_false", help="clients offer no compression")
    parser.add_argument("--budget", type=float, default=float(os.environ.get("BENCH_LIVE_BUDGET", "1500")))
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (server logs)")
    opts = parser.parse_args(argv)
    opts.sizes = sorted({int(s) for s in opts.n.split(",") if s.strip()})
    opts.apps = [a.strip() for a in opts.apps.split(",") if a.strip()]
    nofile = raise_open_files()
    start_load = loadavg()
    print(header(opts, nofile) + "\n", flush=True)
    deadline = time.time() + opts.budget
    var_dir = Path(tempfile.mkdtemp(prefix="baeum-live-bench-"))
    out: dict[str, Any] = {}
    try:
        if opts.sizes:
            single_runs(opts, var_dir, deadline, out)
        if not opts.no_scaleout and "real" in opts.apps:
            scaleout_run(opts, var_dir, deadline, out)
    finally:
        out.pop("_bare", None)
        out["_loadavg"] = {"start": start_load, "end": loadavg()}
        out["_targets"] = [
            dict(zip(("where", "figure", "value", "target", "met"), row, strict=True)) for row in SUMMARY
        ]
        print(f"\nload average (1, 5, 15 min) at the start: {start_load}, at the end: {loadavg()}")
        if SUMMARY:
            print("\ntargets (issue 12; issue 8 marked)")
            for where, label, value, target, ok in SUMMARY:
                print(f"  {'met   ' if ok else 'MISSED'}  {where:<20} {label:<38} {value:>20}   target {target}")
        if opts.json:
            opts.json.write_text(json.dumps(out, indent=1, default=str))
        if opts.keep:
            print(f"logs and fixtures kept in {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
