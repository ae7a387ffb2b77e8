"""Live-session fixtures: a real lesson and a running session of the personas' class."""

import pytest

from classrooms.live import services
from tests.factories import build_library, ensure_wagtail_roots


@pytest.fixture
def lesson(personas, tmp_path):
    ensure_wagtail_roots()  # transactional tests flush what Wagtail's migrations created
    return build_library(tmp_path).lesson


@pytest.fixture
def session(personas, lesson):
    started = services.session_start(teacher=personas.teacher, lesson=lesson, classroom=personas.classroom)
    return services.session_run(started)
