"""Live sessions through the real consumer and the real channel layer: versioned events, snapshots,
idempotent answers, and who may send what."""

import json
import uuid

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings

from classrooms import live
from classrooms.live_models import LiveResponse, LiveSession
from edu.asgi import application
from tests.courses.conftest import build_library

pytestmark = pytest.mark.django_db(transaction=True)


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


async def connect(cookie: str, session_id: int) -> tuple[WebsocketCommunicator, bool, int | None]:
    comm = WebsocketCommunicator(
        application,
        f"/ws/live/{session_id}/",
        headers=[
            (b"host", b"127.0.0.1:8000"),
            (b"origin", b"http://127.0.0.1:8000"),
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()),
        ],
    )
    connected, code = await comm.connect()
    return comm, connected, code


async def next_frame(comm: WebsocketCommunicator, *types: str, timeout: float = 3) -> dict:
    """The next frame of one of ``types``, skipping the teacher's roster and tally pushes (they
    arrive whenever the hub's tick finds something changed) and, when waiting for an ack, events
    (the sender's own event may overtake its ack)."""
    skippable = {"roster", "tally"} | ({"event"} if "event" not in types else set())
    while True:
        frame = await comm.receive_json_from(timeout=timeout)
        if frame["type"] in types:
            return frame
        assert frame["type"] in skippable, frame


def numeric_block(lesson) -> str:
    return next(block["id"] for block in lesson.body.raw_data if block["type"] == "numeric")


async def test_teacher_moves_slides_and_students_follow_in_order(client, personas, session, lesson):
    from asgiref.sync import sync_to_async

    teacher_cookie = await sync_to_async(cookie_for)(client, personas.teacher)
    student_cookie = await sync_to_async(cookie_for)(type(client)(), personas.student)
    teacher, ok, _ = await connect(teacher_cookie, session.pk)
    assert ok
    first = await teacher.receive_json_from()
    assert first["type"] == "snapshot" and first["state"] == "running" and first["slide"]["count"] == 2
    student, ok, _ = await connect(student_cookie, session.pk)
    assert ok
    snap = await student.receive_json_from()
    assert snap["version"] == first["version"] and "teacher" not in snap and "teacher" in first

    await teacher.send_json_to({"type": "slide.goto", "index": 1})
    ack = await next_frame(teacher, "ack")
    event = await student.receive_json_from()
    assert event == {"type": "event", "version": ack["version"], "kind": "slide.changed", "data": {"index": 1}}
    assert event["version"] == snap["version"] + 1
    await teacher.disconnect()
    await student.disconnect()


async def test_answers_are_acknowledged_once_and_stored_once(client, personas, session, lesson):
    from asgiref.sync import sync_to_async

    block = numeric_block(lesson)
    await sync_to_async(live.question_open)(session, block)
    student, ok, _ = await connect(await sync_to_async(cookie_for)(client, personas.student), session.pk)
    assert ok
    await student.receive_json_from()  # snapshot
    answer_id = str(uuid.uuid4())
    frame = {"type": "answer.submit", "id": answer_id, "block": block, "answer": "3/4"}
    await student.send_json_to(frame)
    assert await student.receive_json_from() == {"type": "ack", "ref": answer_id, "duplicate": False}
    # the network blinks: the client re-sends the same answer after reconnecting
    await student.disconnect()
    again, _ok, _ = await connect(await sync_to_async(cookie_for)(client, personas.student), session.pk)
    snapshot = await again.receive_json_from()
    assert snapshot["me"]["answers"] == {block: {"answer": "0.75", "correct": None}}
    await again.send_json_to(frame)
    assert await again.receive_json_from() == {"type": "ack", "ref": answer_id, "duplicate": True}
    await again.send_json_to({**frame, "id": str(uuid.uuid4())})
    assert (await again.receive_json_from())["code"] == "already_answered"
    assert await sync_to_async(LiveResponse.objects.filter(session=session).count)() == 1
    await again.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"type": "slide.goto", "index": 1}, "forbidden"),
        ({"type": "session.end"}, "forbidden"),
        ({"type": "answer.submit", "id": "not-a-uuid", "block": "x", "answer": 1}, "invalid_frame"),
        ({"type": "answer.submit", "id": str(uuid.uuid4()), "block": "x", "answer": 1}, "question_closed"),
        ({"type": "teleport"}, "unknown_type"),
    ],
)
async def test_students_cannot_send_teacher_frames_or_bad_ones(client, personas, session, frame, code):
    from asgiref.sync import sync_to_async

    student, _ok, _ = await connect(await sync_to_async(cookie_for)(client, personas.student), session.pk)
    await student.receive_json_from()
    await student.send_to(text_data=json.dumps(frame))
    reply = await student.receive_json_from()
    assert reply["type"] == "error" and reply["code"] == code
    refreshed = await sync_to_async(LiveSession.objects.get)(pk=session.pk)
    assert refreshed.state == "running" and refreshed.slide_index == 0
    await student.disconnect()


@pytest.mark.parametrize("persona", ["outsider", "unrelated_teacher"])
async def test_outsiders_cannot_join(client, personas, session, persona):
    from asgiref.sync import sync_to_async

    comm, _ok, _ = await connect(await sync_to_async(cookie_for)(client, getattr(personas, persona)), session.pk)
    assert await comm.receive_output() == {"type": "websocket.close", "code": 4404}


async def test_ending_the_session_closes_every_socket(client, personas, session):
    from asgiref.sync import sync_to_async

    teacher, _, _ = await connect(await sync_to_async(cookie_for)(client, personas.teacher), session.pk)
    await teacher.receive_json_from()
    student, _, _ = await connect(await sync_to_async(cookie_for)(type(client)(), personas.student), session.pk)
    await student.receive_json_from()
    await teacher.send_json_to({"type": "session.end"})
    event = await next_frame(student, "event")
    assert event["kind"] == "session.state" and event["data"] == {"state": "ended"}
    assert (await student.receive_output())["type"] == "websocket.close"


def test_one_live_session_per_class(personas, session, lesson):
    with pytest.raises(live.LiveError) as info:
        live.session_start(teacher=personas.teacher, lesson=lesson, classroom=personas.classroom)
    assert info.value.code == "already_running"
    live.session_end(session)
    assert live.session_start(teacher=personas.teacher, lesson=lesson, classroom=personas.classroom).state == "lobby"


def test_only_the_class_teacher_starts_a_session(personas, lesson):
    with pytest.raises(live.LiveError):
        live.session_start(teacher=personas.unrelated_teacher, lesson=lesson, classroom=personas.classroom)
