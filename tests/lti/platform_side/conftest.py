"""The platform side's tests that serve Baeum for real (pytest-django's live server) are
transactional: the flush after each one removes what Wagtail's migrations created, which the next
such test needs again (pytest-django runs transactional tests after the others)."""

from __future__ import annotations

import pytest

from tests.factories import ensure_wagtail_roots


@pytest.fixture(autouse=True)
def _wagtail_roots(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("django_db")
    if "live_server" in request.fixturenames or (marker is not None and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
        ensure_wagtail_roots()
