"""Live-session fixtures: a real lesson, a running session, signed-in sockets over the real ASGI app."""

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings

from classrooms import live
from edu.asgi import application
from tests.courses.conftest import build_library


@pytest.fixture
def lesson(personas, tmp_path):
    ensure_wagtail_roots()  # transactional tests flush what Wagtail's migrations created
    return build_library(tmp_path).lesson


def ensure_wagtail_roots() -> None:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(language_code="ko")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page)))


@pytest.fixture
def session(personas, lesson):
    started = live.session_start(teacher=personas.teacher, lesson=lesson, classroom=personas.classroom)
    return live.session_run(started)


def cookie_for(client, user) -> str:
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def connect(cookie: str, session_id: int, language: str = "") -> tuple[WebsocketCommunicator, bool, int | None]:
    cookies = f"{settings.SESSION_COOKIE_NAME}={cookie}"
    if language:
        cookies += f"; {settings.LANGUAGE_COOKIE_NAME}={language}"
    comm = WebsocketCommunicator(
        application,
        f"/ws/live/{session_id}/",
        headers=[
            (b"host", b"127.0.0.1:8000"),
            (b"origin", b"http://127.0.0.1:8000"),
            (b"cookie", cookies.encode()),
        ],
    )
    connected, code = await comm.connect()
    return comm, connected, code


async def next_frame(comm: WebsocketCommunicator, *types: str, timeout: float = 3) -> dict:
    """The next frame of one of ``types``, skipping the pushes that arrive on their own schedule
    (roster and tally from the hub's tick, events, acks of earlier frames). An error or a snapshot
    that was not asked for fails the test."""
    skippable = {"roster", "tally", "event", "ack"} - set(types)
    while True:
        frame = await comm.receive_json_from(timeout=timeout)
        if frame["type"] in types:
            return frame
        assert frame["type"] in skippable, frame


def numeric_block(lesson) -> str:
    return next(block["id"] for block in lesson.body.raw_data if block["type"] == "numeric")
