"""Benchmark: where each KiB of a connected student's socket goes (docs/performance.md, "Memory").

Starts the real app (`edu.asgi:application`) under uvicorn with `make run`'s flags in a child
process that traces its allocations (tracemalloc), opens one warm-up socket, takes a snapshot,
connects N students (default 500) that each wait for their snapshot, takes a second snapshot, and
prints the growth per socket grouped by where it was allocated (uvicorn, the websockets protocol,
Channels, asyncio, Baeum, Django, …), next to the RSS growth per socket measured without tracing
in a second run of the same server (tracing itself costs memory). Not a test: run with
`make bench`, or `.venv/bin/python tests/bench/live_memory.py [--n 500]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench import live_load  # noqa: E402

GROUPS = [
    ("uvicorn", "uvicorn (HTTP parser, WebSocket protocol object, ASGI task)"),
    ("websockets", "websockets (frame parser, buffers)"),
    ("channels", "Channels (consumer, middleware, dispatch tasks)"),
    ("asgiref", "asgiref"),
    ("classrooms", "Baeum live (consumer attributes, hub sets, snapshot)"),
    ("django", "Django"),
    ("asyncio", "asyncio (tasks, futures, transports)"),
    ("msgspec", "msgspec"),
]


def group_of(filename: str) -> str:
    parts = Path(filename).parts
    for key, _label in GROUPS:
        if key in parts or f"{key}.py" in parts:
            return key
    if "site-packages" in parts:
        return "other libraries"
    if str(ROOT) in filename:
        return "classrooms"
    return "Python (stdlib, other)"


# --- the traced server (a child process) ---------------------------------------------------------


def serve(port: int, dump_dir: Path, trace: bool) -> None:
    import tracemalloc

    if trace:
        tracemalloc.start(1)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu.settings")
    import uvicorn

    config = uvicorn.Config(
        "edu.asgi:application",
        host="127.0.0.1",
        port=port,
        lifespan="off",
        ws_per_message_deflate=False,
        access_log=False,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    count = 0

    def dump() -> None:
        nonlocal count
        count += 1
        import gc

        gc.collect()
        if trace:
            tracemalloc.take_snapshot().dump(str(dump_dir / f"snap{count}.bin"))
        (dump_dir / f"done{count}").write_text("1")

    async def main() -> None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, dump)
        await server.serve()

    asyncio.run(main())


# --- the parent: clients and the report ------------------------------------------------------------


async def open_sockets(url: str, cookies: list[str], origin: str) -> list[Any]:
    from websockets.asyncio.client import connect

    async def one(cookie: str) -> Any:
        for _attempt in range(20):
            ws = await connect(url, additional_headers={"Cookie": cookie, "Origin": origin}, compression=None)
            first = json.loads(await ws.recv())
            if first.get("type") == "snapshot":
                return ws
            await ws.close()
            await asyncio.sleep(0.5)
        raise RuntimeError("no snapshot")

    sockets = []
    for start in range(0, len(cookies), 100):
        sockets += await asyncio.gather(*(one(c) for c in cookies[start : start + 100]))
    return sockets


def signal_and_wait(process: subprocess.Popen[bytes], dump_dir: Path, n: int) -> None:
    process.send_signal(signal.SIGUSR1)
    deadline = time.time() + 120
    while not (dump_dir / f"done{n}").exists():
        if time.time() > deadline:
            raise RuntimeError("the server did not dump its snapshot")
        time.sleep(0.1)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def run(env: dict[str, str], data: dict[str, Any], n: int, trace: bool, dump_dir: Path) -> dict[str, Any]:
    port = live_load.free_port()
    command = [sys.executable, __file__, "serve", str(port), str(dump_dir), "1" if trace else "0"]
    log = (dump_dir / "server.log").open("wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while True:
            try:
                if live_load.http_get(f"{base}/healthz", timeout=2)[0]:
                    break
            except OSError:
                pass
            if time.time() > deadline or process.poll() is not None:
                raise RuntimeError("server did not start:\n" + (dump_dir / "server.log").read_text()[-2000:])
            time.sleep(0.2)
        session_id = data["sessions"][max(data["sessions"])]
        url = f"ws://127.0.0.1:{port}/ws/live/{session_id}/"

        async def scenario() -> dict[str, Any]:
            warm = await open_sockets(url, [data["teacher"]], base)
            await asyncio.sleep(1)
            signal_and_wait(process, dump_dir, 1)
            rss0 = rss_kib(process.pid)
            sockets = await open_sockets(url, data["students"][:n], base)
            await asyncio.sleep(2)
            signal_and_wait(process, dump_dir, 2)
            rss1 = rss_kib(process.pid)
            for ws in [*sockets, *warm]:
                await ws.close()
            return {"rss_per_socket_kib": (rss1 - rss0) / n}

        result = asyncio.run(scenario())
    finally:
        process.terminate()
        process.wait(timeout=20)
    if trace:
        import tracemalloc

        before = tracemalloc.Snapshot.load(str(dump_dir / "snap1.bin"))
        after = tracemalloc.Snapshot.load(str(dump_dir / "snap2.bin"))
        groups: dict[str, int] = defaultdict(int)
        for stat in after.compare_to(before, "filename"):
            groups[group_of(stat.traceback[0].filename)] += stat.size_diff
        result["traced"] = {name: size / n / 1024 for name, size in groups.items()}
    return result


def main(argv: list[str]) -> None:
    if argv and argv[0] == "serve":
        serve(int(argv[1]), Path(argv[2]), argv[3] == "1")
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=500)
    opts = parser.parse_args(argv)
    live_load.raise_open_files()
    with tempfile.TemporaryDirectory(prefix="baeum-mem-") as tmp:
        var = Path(tmp)
        env = live_load.server_env(var, None, None, "bench-mem")
        data = live_load.make_fixture(env, opts.n, [opts.n], var / "fixture.json")
        plain = run(env, data, opts.n, False, Path(tempfile.mkdtemp(dir=tmp)))
        traced = run(env, data, opts.n, True, Path(tempfile.mkdtemp(dir=tmp)))
    print(f"live_memory: {opts.n} students connected to one process (SQLite, in-memory channel layer)")
    print(f"RSS growth per socket, untraced run: {plain['rss_per_socket_kib']:.1f} KiB (target <= 40 KiB)")
    print(f"traced allocations still held per socket, by where they were made (tracemalloc, {opts.n} sockets):")
    rows = sorted(traced["traced"].items(), key=lambda kv: -kv[1])
    labels = dict(GROUPS)
    for name, kib in rows:
        if abs(kib) >= 0.05:
            print(f"  {kib:6.2f} KiB  {labels.get(name, name)}")
    print(f"  {sum(traced['traced'].values()):6.2f} KiB  in all (Python objects; RSS adds the allocator's slack)")


if __name__ == "__main__":
    main(sys.argv[1:])
