"""The demo content tool (`demo_tool/`, on PyLTI1p3) as a real subprocess for tests: its own port,
data directory and RSA key, exactly as `make run` starts it (`python -m demo_tool`), without Django
in its environment. Reusable against any platform (the test LMS here; Baeum's platform side):

    with DemoTool(tmp_path / "demo_tool") as tool:
        tool.url, tool.login_url, tool.launch_url, tool.jwks_url, tool.register_url
        tool.add_platform(issuer=..., client_id=..., deployment_ids=[...], auth_login_url=..., ...)
        tool.registrations()  # what it is registered with (manual or dynamic registration)

or the `demo_tool` fixture (import it explicitly:
`from tests.lti.platform_side.demo_tool_process import demo_tool  # noqa: F401`)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest
import requests

from demo_tool.healthcheck import healthy
from demo_tool.registrations import PlatformRegistration, RegistrationStore
from tests.helpers import stop_process
from tests.servers import ROOT, free_port

START_TIMEOUT = 20.0


class DemoTool:
    __test__ = False

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = self.data_dir.parent / f"{self.data_dir.name}.log"

    # --- addresses -------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def login_url(self) -> str:
        return self.url + "/login"

    @property
    def launch_url(self) -> str:
        return self.url + "/launch"

    @property
    def jwks_url(self) -> str:
        return self.url + "/jwks"

    @property
    def register_url(self) -> str:
        return self.url + "/register"

    def exercise_url(self, exercise_id: str) -> str:
        return f"{self.launch_url}?exercise={exercise_id}"

    # --- lifecycle -------------------------------------------------------------------------------
    def start(self) -> DemoTool:
        if self.process is not None:
            return self
        for attempt in range(3):  # a free port may be taken between the probe and the bind
            self.process = self._spawn()
            if self._wait_healthy():
                return self
            stop_process(self.process)
            self.process = None
            if attempt < 2:
                self.port = free_port()
        raise RuntimeError(f"the demo tool did not start:\n{self.log()[-3000:]}")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None

    def restart(self) -> DemoTool:
        self.stop()
        return self.start()

    def __enter__(self) -> DemoTool:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def _spawn(self) -> subprocess.Popen[bytes]:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
        command = [sys.executable, "-m", "demo_tool", "--host", "127.0.0.1", "--port", str(self.port)]
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child writes to it for its whole life
        try:
            return subprocess.Popen(
                [*command, "--data-dir", str(self.data_dir)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        finally:
            log.close()

    def _wait_healthy(self) -> bool:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if healthy(self.url):
                return True
            if self.process.poll() is not None:
                return False
            time.sleep(0.1)
        return False

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    # --- registrations ---------------------------------------------------------------------------
    @property
    def store(self) -> RegistrationStore:
        return RegistrationStore(self.data_dir)

    def registrations(self) -> list[PlatformRegistration]:
        return self.store.all()

    def add_platform(
        self,
        *,
        issuer: str,
        client_id: str,
        deployment_ids: list[str],
        auth_login_url: str,
        auth_token_url: str,
        key_set_url: str,
        **extra: Any,
    ) -> PlatformRegistration:
        """The tool's half of a manual registration (the tool reads the store on every launch)."""
        return self.store.save(
            PlatformRegistration(
                issuer=issuer,
                client_id=client_id,
                deployment_ids=list(deployment_ids),
                auth_login_url=auth_login_url,
                auth_token_url=auth_token_url,
                key_set_url=key_set_url,
                **extra,
            )
        )

    def jwks(self) -> dict[str, Any]:
        response = requests.get(self.jwks_url, timeout=10)
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data


@pytest.fixture
def demo_tool(tmp_path: Path) -> Iterator[DemoTool]:
    """The demo tool started on a free 127.0.0.1 port with a fresh data directory, stopped after."""
    with DemoTool(tmp_path / "demo_tool") as tool:
        yield tool
