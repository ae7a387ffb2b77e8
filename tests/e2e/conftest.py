"""A real Baeum server (uvicorn, the same ASGI app `make run` serves) on a fresh database, and a
real Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.steps import SERVER_ENV
from tests.helpers import stop_process
from tests.servers import free_port, manage, postgres_database, server_env, start_uvicorn, wait_healthy

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One uvicorn (HTTP and WebSockets, as `make run` serves) on a fresh, migrated database with
    the demo data; on PostgreSQL when DATABASE_URL is set (a throwaway database, dropped after)."""
    var_dir = tmp_path_factory.mktemp("e2e-var")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_env(var_dir, base)
    databases: Iterator[str] | None = None
    if os.environ.get("DATABASE_URL"):
        databases = postgres_database(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = next(databases)
    log_path = var_dir / "server.log"
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "demo_data")
        SERVER_ENV.update(env)
        server = start_uvicorn(env, port, log_path)
        try:
            wait_healthy(base, server, log_path)
            yield base
        finally:
            stop_process(server)
    finally:
        if databases is not None:
            next(databases, None)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser` (installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):  # type: ignore[no-untyped-def]
    contexts = []

    def make(width: int = 1024, height: int = 768, locale: str = "ko-KR"):  # tablet landscape by default
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
