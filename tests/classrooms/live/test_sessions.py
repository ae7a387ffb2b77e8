"""Live sessions through the real consumer and the real channel layer: versioned events, snapshots,
idempotent answers, and who may send what."""

import json
import uuid

import pytest

from classrooms.live import services
from classrooms.live.models import LiveResponse, LiveSession
from edu.errors import DomainError
from tests.helpers import connect, cookie_for, next_frame, numeric_block

pytestmark = pytest.mark.django_db(transaction=True)


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
    await sync_to_async(services.question_open)(session, block)
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
    assert snapshot["me"]["answers"] == {block: {"answer": "0.75", "correct": None, "attempt": 1}}
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
    with pytest.raises(DomainError) as info:
        services.session_start(teacher=personas.teacher, lesson=lesson, classroom=personas.classroom)
    assert info.value.code == "already_running"
    services.session_end(session)
    assert (
        services.session_start(teacher=personas.teacher, lesson=lesson, classroom=personas.classroom).state == "lobby"
    )


def test_only_the_class_teacher_starts_a_session(personas, lesson):
    with pytest.raises(DomainError):
        services.session_start(teacher=personas.unrelated_teacher, lesson=lesson, classroom=personas.classroom)
