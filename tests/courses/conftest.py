"""Library fixtures: a small real library (tests/factories.py) and English messages."""

from __future__ import annotations

import pytest

from tests.factories import Library, build_library


@pytest.fixture
def library(db, tmp_path) -> Library:
    return build_library(tmp_path)


@pytest.fixture
def in_english():
    """Messages in English for assertions (Korean is the default language)."""
    from django.utils import translation

    with translation.override("en"):
        yield
