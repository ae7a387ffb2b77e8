"""A real Baeum server (uvicorn, the same ASGI app `make run` serves) on a fresh database, and a
real Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.steps import SERVER_ENV
from tests.servers import demo_server, free_port

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
    with demo_server(var_dir, port, base) as env:
        SERVER_ENV.update(env)
        yield base


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
