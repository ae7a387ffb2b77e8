"""Small helpers shared by tests: stopping a child process, the language switcher, and signed-in
WebSocket clients of live sessions over the real ASGI application."""

from __future__ import annotations

from channels.testing import WebsocketCommunicator
from django.conf import settings

from edu.asgi import application


def stop_process(process, timeout: float = 20) -> None:  # type: ignore[no-untyped-def]
    """Terminate a child process we started, killing it if it does not exit in time."""
    import subprocess

    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def use_english(client) -> None:  # type: ignore[no-untyped-def]
    """What the language switcher does: the language cookie (the browser's Accept-Language is ignored)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


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


def submit_answer(session, participant, *, client_id, block_id, answer):  # type: ignore[no-untyped-def]
    """One answer through the real batch service (what the hub calls); raises its DomainError."""
    from classrooms.live.answers import AnswerIn, answers_submit

    [result] = answers_submit(session.pk, [AnswerIn(participant.pk, client_id, block_id, answer)])
    if isinstance(result, Exception):
        raise result
    return result
