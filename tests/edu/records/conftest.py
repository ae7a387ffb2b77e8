"""Learning-record fixtures: the personas' class and a real published library lesson."""

import pytest

from courses.extensions import answer_contexts
from edu.registry import Registry
from tests.factories import Library, build_library


@pytest.fixture
def library(personas, tmp_path) -> Library:
    return build_library(tmp_path)


@pytest.fixture
def no_answer_contexts(monkeypatch):
    """Self-paced answers with no class or assignment resolver registered (whatever a higher layer
    registered at start-up); a test may register its own into the returned registry."""
    from courses import extensions

    fresh: Registry = Registry(answer_contexts.name)
    monkeypatch.setattr(extensions, "answer_contexts", fresh)
    return fresh
