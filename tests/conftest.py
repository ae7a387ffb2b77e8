"""Fixtures every test can use. The personas and the library are built by tests/factories.py."""

from __future__ import annotations

import pytest

from tests.factories import Personas, build_personas


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Throttle counters live in the cache; each test starts from a clean one."""
    from django.core.cache import cache

    from classrooms.live import selectors, snapshots
    from courses import outline

    cache.clear()
    outline.forget_cached()  # lesson outlines and revealed results are keyed by ids a new test reuses
    selectors.forget_cached()
    snapshots.forget_cached()


@pytest.fixture(autouse=True)
def _live_lanes_closed():  # type: ignore[no-untyped-def]
    """The live hub's database lanes, and asgiref's thread, keep a connection open in their own
    thread; they close it when each test ends (a dropped test database must have no user)."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    from classrooms.live import lanes

    lanes.shutdown_all()
    # asgiref's thread for sync_to_async keeps its connection (on PostgreSQL, checked out of the pool)
    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=10)


def pytest_collection_modifyitems(config, items) -> None:  # type: ignore[no-untyped-def]
    """Browser journeys run last. Playwright's sync API keeps an event loop running in the main
    thread for as long as its session-scoped browser lives, and asyncio tests after it could not
    start their own loop."""
    items.sort(key=lambda item: "/e2e/" in str(item.path).replace("\\", "/"))
