"""Fault tests on real processes: two uvicorn workers of the real app, a private redis-server, the
throwaway database of the fixture (`conftest.py`), and real WebSocket clients (`client.py`) that
behave like the browser's. Nothing of ours is mocked.

- SIGKILL one worker while students answer: every acknowledged answer is stored exactly once, the
  students resume on the other worker, and the killed worker's presence does not linger.
- Restart Redis mid-session: the servers stay up and healthy again, and every client converges on
  the teacher's slide (live event or resync); live events flow again afterwards.
- 500 students answer at once: 500 acks, no error frame, 500 rows, and no error (pool, capacity or
  any other) in the servers' logs, also once all 500 have left at once.
- SIGKILL the worker all 500 students are on, while they answer: every student is back on the other
  worker with a snapshot of the server's version, every answer acknowledged (before, during or
  after the kill) is stored exactly once, and live events reach everyone afterwards. This holds
  whether or not the survivor sheds part of the storm (close 1013, "busy": the clients back off
  as the browser does and come again).

Every wait is bounded (the bounds are generous: they are not measurements). The module is not
marked ``services``: it brings its own redis-server (a missing binary fails the run, it is never
skipped) and uses PostgreSQL when DATABASE_URL is set, SQLite otherwise, so a plain `make test`
runs it too."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from tests.classrooms.live.faults.client import LiveClient, start_all, stop_all, wait_all
from tests.classrooms.live.faults.deployment import STUDENTS, Deployment

NUMERIC_ANSWERS = ["0.75", "3/4", "0.5"]
SHORT_ANSWERS = ["단위분수", "unit fraction", "진분수"]
LOG_PROBLEMS = ["traceback", "connectionerror", "maxconnections", "too many connections", "capacity"]
LOG_LEVELS = [" ERROR ", "ERROR:", " CRITICAL ", "CRITICAL:"]  # Django's and uvicorn's log formats


def urls_from(deployment: Deployment, worker: int) -> list[str]:
    """The workers' URLs, starting with ``worker`` (where the client connects first)."""
    urls = [deployment.ws_url(w) for w in range(len(deployment.ports))]
    return urls[worker:] + urls[:worker]


def student_clients(deployment: Deployment, indexes: range) -> list[LiveClient]:
    """Students of the seeded class, alternating between the two workers (no stickiness)."""
    seed = deployment.seed
    return [LiveClient(urls_from(deployment, i % 2), seed.cookie(seed.students[i]), f"student{i}") for i in indexes]


async def teacher_client(deployment: Deployment, worker: int) -> LiveClient:
    seed = deployment.seed
    teacher = LiveClient(urls_from(deployment, worker), seed.cookie(seed.teacher), "teacher")
    await teacher.start(30)
    return teacher


async def health_becomes(deployment: Deployment, ok: bool, timeout: float) -> list[int]:
    """Poll both workers' /healthz until each is 200 (ok) or each is not 200; the last statuses."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        statuses = [await asyncio.to_thread(deployment.health, w) for w in range(len(deployment.ports))]
        if all((s == 200) == ok for s in statuses) or loop.time() > deadline:
            return statuses
        await asyncio.sleep(0.3)


def log_problems(deployment: Deployment, offsets: list[int], workers: list[int]) -> list[str]:
    """Lines of the workers' logs (since ``offsets``) that name a problem; a traceback is shown by
    the exception that ends it."""
    found = []
    for worker in workers:
        lines = deployment.logs_since(offsets)[worker].splitlines()
        for n, line in enumerate(lines):
            if not (any(p in line.lower() for p in LOG_PROBLEMS) or any(level in line for level in LOG_LEVELS)):
                continue
            if line.startswith("Traceback"):
                end = next(
                    (rest for rest in lines[n + 1 :] if rest and not rest[0].isspace() and "Traceback" not in rest),
                    "",
                )
                line = f"{line} ... {end}"
            found.append(f"worker {worker}: {line}")
    return found


# --- SIGKILL one worker while students answer ------------------------------------------------------

KILLED, SURVIVOR = 0, 1
KILL_STUDENTS = 80


async def test_sigkill_one_worker_while_students_answer(deployment: Deployment) -> None:
    deployment.ensure_up()
    offsets = deployment.log_offsets()
    block = deployment.seed.blocks["numeric"]
    teacher = await teacher_client(deployment, SURVIVOR)
    students = student_clients(deployment, range(KILL_STUDENTS))
    clients = [teacher, *students]
    try:
        await teacher.request({"type": "question.open", "block": block})
        await start_all(students, timeout=60)
        assert all(s.connections[0].snapshot["question"]["block"] == block for s in students)
        on_killed = [i for i in range(KILL_STUDENTS) if i % 2 == KILLED]
        # Devices that die with the worker and never come back: some answered, some did not.
        absent = {on_killed[0], on_killed[1], on_killed[-1], on_killed[-2]}
        for i in absent:
            students[i].reconnect = False
        frames: dict[int, dict[str, str]] = {}

        async def answer(i: int) -> None:
            frame = {"type": "answer.submit", "block": block, "answer": NUMERIC_ANSWERS[i % 3]}
            answer_id = await students[i].send_reliable(frame)
            frames[i] = {"id": answer_id, **frame}

        # 1. A first wave, acknowledged before the kill.
        first = range(0, 30)
        for i in first:
            await answer(i)
            await asyncio.sleep(0.02)
        assert await wait_all(lambda: all(frames[i]["id"] in students[i].acks for i in first), 30), "first wave"
        # 2. A burst, and the worker is killed while it is handling it (some answers committed and
        #    acknowledged, some committed and not acknowledged, some never read).
        burst = range(30, 50)
        await asyncio.gather(*(answer(i) for i in burst))
        await asyncio.sleep(0.03)
        acked_before_kill = {i for i in frames if frames[i]["id"] in students[i].acks}
        deployment.kill(KILLED)
        # 3. The rest answer while their sockets are dropping: unsent answers wait in the outbox.
        for i in range(50, KILL_STUDENTS):
            await answer(i)
            await asyncio.sleep(0.02)

        resumers = [i for i in range(KILL_STUDENTS) if i not in absent]
        moved = [i for i in resumers if i % 2 == KILLED]

        def settled() -> bool:
            return all(
                students[i].connected and not students[i].outbox and frames[i]["id"] in students[i].acks
                for i in resumers
            )

        assert await wait_all(settled, 60), "not every student resumed and was acknowledged: " + str(
            {
                students[i].name: {"connected": students[i].connected, "outbox": len(students[i].outbox)}
                for i in resumers
                if not (students[i].connected and not students[i].outbox)
            }
        )
        survivor_url = deployment.ws_url(SURVIVOR)
        for i in moved:
            s = students[i]
            assert len(s.connections) >= 2 and s.connections[-1].url == survivor_url, (s.name, s.connections)
            resumed = s.connections[1].snapshot
            assert resumed["me"]["participant"] == s.connections[0].snapshot["me"]["participant"]
            if i in acked_before_kill:  # the other worker knows the answer the killed one acknowledged
                assert block in resumed["me"]["answers"], (s.name, resumed["me"])
        for i in absent:
            assert students[i].gone and not students[i].connected

        # A client that lost an ack with its socket sends the same id again: same answer, not stored twice.
        again = [i for i in moved if i in acked_before_kill][:6]
        assert again, "no answer was acknowledged by the killed worker before the kill"
        for i in again:
            assert await students[i].send(frames[i])
        assert await wait_all(
            lambda: all(sum(a.get("ref") == frames[i]["id"] for a in students[i].ack_log) >= 2 for i in again), 30
        ), "re-sent answers not acknowledged"
        for i in again:
            repeats = [a for a in students[i].ack_log if a.get("ref") == frames[i]["id"]]
            assert repeats[-1]["duplicate"] is True, (students[i].name, repeats)

        errors = {c.name: c.errors for c in clients if c.errors}
        assert not errors, errors

        # The database: every acknowledged answer exactly once, one per student, none invented.
        participant_of = {i: students[i].participant for i in range(KILL_STUDENTS)}
        mine = set(participant_of.values())
        rows = [(cid, pid) for cid, pid in deployment.responses(block) if pid in mine]
        per_id = Counter(cid for cid, _pid in rows)
        per_participant = Counter(pid for _cid, pid in rows)
        assert all(n == 1 for n in per_id.values()), per_id.most_common(3)
        assert all(n == 1 for n in per_participant.values()), per_participant.most_common(3)
        stored = dict(rows)
        for i in range(KILL_STUDENTS):
            answer_id = uuid.UUID(frames[i]["id"])
            if frames[i]["id"] in students[i].acks:
                assert stored.get(answer_id) == participant_of[i], (students[i].name, "acknowledged, not stored")
        sent = {uuid.UUID(f["id"]) for f in frames.values()}
        assert set(stored) <= sent
        assert {participant_of[i] for i in resumers} <= set(per_participant)

        # Presence: those who moved show "connected" on the teacher's screen; the devices that died
        # with the worker stop showing "connected" on their own (nobody stamps them any more).
        def presence() -> dict[int, str]:
            return {p["id"]: p["status"] for p in teacher.roster or []}

        def presence_settled() -> bool:
            status = presence()
            return all(status.get(participant_of[i]) == "connected" for i in resumers) and all(
                status.get(participant_of[i]) not in (None, "connected") for i in absent
            )

        assert await wait_all(presence_settled, 30), {
            students[i].name: presence().get(participant_of[i]) for i in range(KILL_STUDENTS)
        }
        assert teacher.connections[-1].url == survivor_url and len(teacher.connections) == 1
        assert not log_problems(deployment, offsets, [SURVIVOR]), log_problems(deployment, offsets, [SURVIVOR])
    finally:
        await stop_all(clients)


# --- Restart Redis mid-session ---------------------------------------------------------------------

REDIS_STUDENTS = range(100, 140)


async def test_redis_restart_mid_session_clients_resync(deployment: Deployment) -> None:
    deployment.ensure_up()
    teacher = await teacher_client(deployment, 0)
    students = student_clients(deployment, REDIS_STUDENTS)
    clients = [teacher, *students]
    try:
        await start_all(students, timeout=60)
        count = int(teacher.connections[0].snapshot["slide"]["count"])
        assert count >= 2

        def on(index: int, version: int) -> bool:
            return all(s.slide == index and s.version >= version for s in students)

        def lagging(index: int, version: int) -> dict[str, tuple[int | None, int]]:
            return {s.name: (s.slide, s.version) for s in students if not (s.slide == index and s.version >= version)}

        # Before the fault: the teacher's slide reaches everyone on both workers.
        index = (teacher.slide + 1) % count
        version = int((await teacher.request({"type": "slide.goto", "index": index}))["version"])
        assert await wait_all(lambda: on(index, version), 20), lagging(index, version)

        # Redis goes away (killed): the servers notice it (health 503) and keep their sockets.
        deployment.redis.stop()
        statuses = await health_becomes(deployment, ok=False, timeout=20)
        assert all(s != 200 for s in statuses), statuses
        # The teacher moves on meanwhile: the change is committed, its event cannot be published.
        # (Whether the teacher gets an ack for it is test_teacher_action_while_redis_is_down.)
        index = (index + 1) % count
        await teacher.send({"type": "slide.goto", "index": index})
        assert await wait_all(lambda: deployment.session_slide()[0] == index, 15), deployment.session_slide()
        committed = deployment.session_slide()

        # Redis is back on the same port, empty (no subscriptions, no keys): the servers are healthy
        # again and every client converges on the committed slide, though its event was never sent.
        deployment.redis.start()
        statuses = await health_becomes(deployment, ok=True, timeout=30)
        assert statuses == [200, 200], statuses
        assert await wait_all(lambda: on(*committed), 30), (committed, lagging(*committed))
        assert all(len(s.connections) == 1 and s.connected for s in students), "a student socket dropped"

        # And the fan-out works again: the teacher's next slide reaches everyone as a live event.
        index = (index + 1) % count
        version = int((await teacher.request({"type": "slide.goto", "index": index}))["version"])
        assert await wait_all(lambda: on(index, version), 20), lagging(index, version)
        missed = [
            s.name
            for s in students
            if not any(e["version"] == version and e["kind"] == "slide.changed" for e in s.events)
        ]
        assert not missed, f"no live slide.changed after the Redis restart for {missed}"
        student_errors = {s.name: s.errors for s in students if s.errors}
        assert not student_errors, student_errors
    finally:
        await stop_all(clients)


async def test_teacher_action_while_redis_is_down_is_acknowledged(deployment: Deployment) -> None:
    deployment.ensure_up()
    offsets = deployment.log_offsets()
    teacher = await teacher_client(deployment, 0)
    try:
        count = int(teacher.connections[0].snapshot["slide"]["count"])
        deployment.redis.stop()
        statuses = await health_becomes(deployment, ok=False, timeout=20)
        assert all(s != 200 for s in statuses), statuses
        index = (teacher.slide + 1) % count
        ack = await teacher.request({"type": "slide.goto", "index": index}, timeout=15)
        assert deployment.session_slide() == (index, ack["version"])
        assert len(teacher.connections) == 1 and teacher.connected
        crashed = [
            line for text in deployment.logs_since(offsets) for line in text.splitlines() if "Exception in ASGI" in line
        ]
        assert not crashed, crashed
    finally:
        if deployment.redis.process is None:
            deployment.redis.start()
            await health_becomes(deployment, ok=True, timeout=30)
        await stop_all([teacher])


# --- 500 students answer at once --------------------------------------------------------------------


async def test_500_students_answer_at_once(deployment: Deployment) -> None:
    deployment.ensure_up()
    offsets = deployment.log_offsets()
    block = deployment.seed.blocks["short_answer"]
    teacher = await teacher_client(deployment, 1)
    students = student_clients(deployment, range(STUDENTS))
    clients = [teacher, *students]
    try:
        await teacher.request({"type": "question.open", "block": block})
        await start_all(students, timeout=120)
        assert {s.connections[-1].url for s in students} == {deployment.ws_url(0), deployment.ws_url(1)}
        frames = [
            {"type": "answer.submit", "id": str(uuid.uuid4()), "block": block, "answer": SHORT_ANSWERS[i % 3]}
            for i in range(STUDENTS)
        ]
        for s, frame in zip(students, frames, strict=True):
            s.outbox[frame["id"]] = frame
        sent = await asyncio.gather(*(s.send(frame) for s, frame in zip(students, frames, strict=True)))
        assert all(sent)

        def answered() -> bool:
            return all(not s.outbox for s in students)

        assert await wait_all(answered, 90), sum(1 for s in students if s.outbox)
        errors = {c.name: c.errors for c in clients if c.errors}
        assert not errors, errors
        acks = [s.acks.get(frame["id"]) for s, frame in zip(students, frames, strict=True)]
        assert all(a is not None and a["duplicate"] is False for a in acks)
        assert all(len(s.connections) == 1 and s.connected for s in students), "a socket dropped"

        rows = deployment.responses(block)
        assert len(rows) == STUDENTS
        assert {cid for cid, _pid in rows} == {uuid.UUID(f["id"]) for f in frames}
        assert sorted(pid for _cid, pid in rows) == sorted(s.participant for s in students)

        assert await wait_all(
            lambda: (
                teacher.tally is not None and teacher.tally["block"] == block and teacher.tally["answered"] == STUDENTS
            ),
            20,
        ), teacher.tally

        # All 500 leave at once (the bell rings): the teacher sees them go, and nothing fails.
        await stop_all(students)
        mine = {s.participant for s in students}

        def all_left() -> bool:
            return all(p["status"] != "connected" for p in teacher.roster or [] if p["id"] in mine)

        assert await wait_all(all_left, 30), Counter(p["status"] for p in teacher.roster or [] if p["id"] in mine)
        await stop_all([teacher])
        await asyncio.sleep(1)  # the servers finish handling the teacher's close before the logs are read
        problems = log_problems(deployment, offsets, [0, 1])
        assert not problems, problems[:20]
    finally:
        await stop_all(clients)


# --- SIGKILL the worker 500 students are on ---------------------------------------------------------

STORM_KILLED, STORM_SURVIVOR = 0, 1
STORM_TIMEOUT = 120  # generous: how fast they come back is the benchmark's business


async def test_sigkill_worker_with_500_students_all_resync(deployment: Deployment) -> None:
    deployment.ensure_up()
    offsets = deployment.log_offsets()
    seed = deployment.seed
    block = seed.blocks["true_false"]
    killed_url, survivor_url = deployment.ws_url(STORM_KILLED), deployment.ws_url(STORM_SURVIVOR)
    teacher = await teacher_client(deployment, STORM_SURVIVOR)
    urls = urls_from(deployment, STORM_KILLED)
    students = [LiveClient(urls, seed.cookie(seed.students[i]), f"student{i}") for i in range(STUDENTS)]
    clients = [teacher, *students]
    try:
        await teacher.request({"type": "question.open", "block": block})
        await start_all(students, timeout=STORM_TIMEOUT)
        assert all(s.connections[-1].url == killed_url for s in students)
        frames: dict[int, dict[str, object]] = {}

        async def answer(i: int) -> None:
            frame = {"type": "answer.submit", "block": block, "answer": i % 3 != 0}
            answer_id = await students[i].send_reliable(frame)
            frames[i] = {"id": answer_id, **frame}

        # 1. Answers acknowledged before the kill.
        before = range(0, 200)
        await asyncio.gather(*(answer(i) for i in before))
        assert await wait_all(lambda: all(frames[i]["id"] in students[i].acks for i in before), 60), "before"
        # 2. A burst the worker is killed in the middle of: some answers committed and acknowledged,
        #    some committed and never acknowledged, some never read.
        await asyncio.gather(*(answer(i) for i in range(200, 350)))
        await asyncio.sleep(0.03)
        acked_before_kill = {i for i in frames if frames[i]["id"] in students[i].acks}
        deployment.kill(STORM_KILLED)
        # 3. The rest answer while their sockets drop: their answers wait in the outbox.
        await asyncio.gather(*(answer(i) for i in range(350, STUDENTS)))
        [(version,)] = deployment.query("SELECT version FROM classrooms_livesession WHERE id = %s", seed.session)

        def back(s: LiveClient) -> bool:
            return (
                s.connected
                and len(s.connections) >= 2
                and s.connections[-1].url == survivor_url
                and s.connections[-1].snapshot["version"] == version
                and s.version == version
            )

        def settled() -> bool:
            return all(back(s) and not s.outbox and frames[i]["id"] in s.acks for i, s in enumerate(students))

        loop = asyncio.get_running_loop()
        killed_at = loop.time()
        ok = await wait_all(settled, STORM_TIMEOUT)
        took = loop.time() - killed_at
        busy = sum(s.busy_closes for s in students)
        assert ok, (
            f"after {took:.0f} s (shed with 1013: {busy}): "
            f"{sum(not back(s) for s in students)} students not back with a snapshot of version {version}, "
            f"{sum(bool(s.outbox) for s in students)} with unacknowledged answers; e.g. "
            + str(
                [(s.name, s.connected, len(s.connections), s.version, s.closes[-3:]) for s in students if not back(s)][
                    :5
                ]
            )
        )
        print(f"500 students back on the survivor {took:.1f} s after the kill; shed with 1013: {busy}")
        # The version did not move meanwhile (nothing the storm does bumps it).
        assert deployment.session_slide()[1] == version
        for i, s in enumerate(students):
            assert s.connections[-1].snapshot["me"]["participant"] == s.connections[0].snapshot["me"]["participant"]
            if i in acked_before_kill:  # the survivor knows what the killed worker acknowledged
                assert block in s.connections[-1].snapshot["me"]["answers"], (s.name, s.connections[-1].snapshot["me"])
        errors = {c.name: c.errors for c in clients if c.errors}
        assert not errors, errors
        assert teacher.connected and len(teacher.connections) == 1

        # The database: all 500 answers, each exactly once, under the student who sent it.
        participant_of = {i: s.participant for i, s in enumerate(students)}
        mine = set(participant_of.values())
        rows = [(cid, pid) for cid, pid in deployment.responses(block) if pid in mine]
        per_id = Counter(cid for cid, _pid in rows)
        per_participant = Counter(pid for _cid, pid in rows)
        assert all(n == 1 for n in per_id.values()), per_id.most_common(3)
        assert all(n == 1 for n in per_participant.values()), per_participant.most_common(3)
        stored = dict(rows)
        assert set(stored) == {uuid.UUID(str(f["id"])) for f in frames.values()}
        assert all(stored[uuid.UUID(str(frames[i]["id"]))] == participant_of[i] for i in range(STUDENTS))

        # Everyone shows as connected to the teacher, and live events reach everyone again.
        def all_present() -> bool:
            status = {p["id"]: p["status"] for p in teacher.roster or []}
            return all(status.get(p) == "connected" for p in mine)

        assert await wait_all(all_present, 30), Counter(p["status"] for p in teacher.roster or [] if p["id"] in mine)
        count = int(teacher.connections[0].snapshot["slide"]["count"])
        index = (teacher.slide + 1) % count
        moved = int((await teacher.request({"type": "slide.goto", "index": index}))["version"])
        assert await wait_all(lambda: all(s.slide == index and s.version >= moved for s in students), 30), sum(
            1 for s in students if s.version < moved
        )
        crashed = [
            line
            for line in deployment.logs_since(offsets)[STORM_SURVIVOR].splitlines()
            if line.startswith("Traceback") or "Exception in ASGI" in line
        ]
        assert not crashed, crashed[:10]
    finally:
        await stop_all(clients)
