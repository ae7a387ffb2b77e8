"""The live protocol exists once: the Python declarations (classrooms/live/protocol.py), the JSON
Schema generated from them for the browser, and the docs' tables agree; every event the services
publish and every frame a socket receives has its declared shape."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from pathlib import Path

import msgspec
import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from classrooms.live import protocol, schema, services
from classrooms.live.events import group_name
from tests.helpers import connect, cookie_for, next_frame, numeric_block

DOCS = Path(__file__).resolve().parents[3] / "docs" / "live-protocol.md"


def test_the_generated_schema_is_current():
    """Change a field in protocol.py without `make schema` and this fails."""
    assert schema.SCHEMA_FILE.read_text(encoding="utf-8") == schema.render(), (
        "frontend/src/live/protocol.schema.json is stale: run `make schema`"
    )


def test_the_schema_declares_every_frame_and_event():
    data = json.loads(schema.SCHEMA_FILE.read_text(encoding="utf-8"))
    client_tags = {d["properties"]["type"]["enum"][0] for d in _defs(data, data["client"])}
    server_tags = {d["properties"]["type"]["enum"][0] for d in _defs(data, data["server"])}
    assert client_tags == set(protocol.CLIENT_FRAMES) == set(data["roles"])
    assert server_tags == {"snapshot", "event", "roster", "tally", "ack", "error", "sync"}
    assert set(data["events"]) == set(protocol.EVENTS)
    assert data["roles"]["answer.submit"] == ["student"] and data["roles"]["snapshot.get"] == ["student", "teacher"]


def _defs(data: dict, union: dict) -> list[dict]:
    return [data["$defs"][ref["$ref"].rsplit("/", 1)[1]] for ref in union["anyOf"]]


def _table(heading: str) -> list[list[str]]:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    rows = []
    for line in section.splitlines()[1:]:
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
        elif rows:
            break
    return [row for row in rows[2:]]  # without the header and the rule


def test_the_docs_table_of_client_frames_matches_the_declarations():
    rows = {re.sub(r"`", "", row[0]): row for row in _table("#### Client → server")}
    assert set(rows) == set(protocol.CLIENT_FRAMES)
    who = {"both": {"teacher", "student"}, "teacher": {"teacher"}, "student": {"student"}}
    for tag, frame in protocol.CLIENT_FRAMES.items():
        assert who[rows[tag][1]] == set(frame.roles), tag
        documented = set(re.findall(r"`(\w+)`", rows[tag][2]))
        declared = {f.encode_name for f in msgspec.structs.fields(frame)} - {"type", "id"}
        assert declared <= documented, (tag, declared - documented)


def test_the_docs_table_of_events_matches_the_declarations():
    rows = {row[0].strip("`"): row for row in _table("Event kinds and their `data`")}
    assert set(rows) == set(protocol.EVENTS)
    for kind, data in protocol.EVENTS.items():
        documented = set(re.findall(r'"(\w+)"', rows[kind][1]))
        declared = {f.encode_name for f in msgspec.structs.fields(data) if f.required}
        assert declared == documented, kind


@pytest.mark.django_db(transaction=True)
async def test_every_published_event_has_its_declared_shape(personas, session, lesson):
    """Events go out after commit through the real channel layer (Redis pub/sub in CI)."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(group_name(session.pk), channel)
    participant = await database_sync_to_async(services.participant_join)(session, personas.student)
    block = numeric_block(lesson)
    for change in (
        lambda: services.session_goto(session, 1),
        lambda: services.question_open(session, block, 30),
        lambda: services.question_close(session),
        lambda: services.results_reveal(session, anonymous=False),
        lambda: services.screen_lock(session, locked=True),
        lambda: services.participant_remove(session, participant.pk),
        lambda: services.session_end(session),
    ):
        await database_sync_to_async(change)()
    kinds = []
    for _ in range(7):
        message = await asyncio.wait_for(layer.receive(channel), timeout=5)
        declared = protocol.EVENTS[message["kind"]]
        typed = msgspec.convert(message["data"], declared, strict=True)
        assert msgspec.to_builtins(typed) == message["data"]
        kinds.append(message["kind"])
    await layer.group_discard(group_name(session.pk), channel)
    assert kinds == [
        "slide.changed",
        "question.opened",
        "question.closed",
        "results.revealed",
        "screen.locked",
        "participant.removed",
        "session.state",
    ]


@pytest.mark.django_db(transaction=True)
async def test_frames_a_socket_receives_decode_as_declared(client, personas, session, lesson):
    from asgiref.sync import sync_to_async

    server_frame = (
        protocol.Snapshot
        | protocol.Event
        | protocol.Roster
        | protocol.Tally
        | protocol.Ack
        | protocol.Error
        | protocol.Sync
    )
    teacher, ok, _ = await connect(await sync_to_async(cookie_for)(client, personas.teacher), session.pk)
    assert ok
    student, ok, _ = await connect(await sync_to_async(cookie_for)(client, personas.student), session.pk)
    assert ok
    for comm in (teacher, student):
        raw = await comm.receive_from(timeout=3)
        snapshot = msgspec.json.decode(raw, type=server_frame)
        assert isinstance(snapshot, protocol.Snapshot)
    block = numeric_block(lesson)
    await teacher.send_json_to({"type": "question.open", "block": block, "id": "open-1"})
    assert (await next_frame(teacher, "ack"))["ref"] == "open-1"
    await student.send_json_to({"type": "answer.submit", "id": str(uuid.uuid4()), "block": block, "answer": "0.75"})
    await student.send_json_to({"type": "slide.goto", "index": 1})  # not the student's to send: an error frame
    await teacher.send_json_to({"type": "slide.goto", "index": 1})
    seen: dict[str, set[str]] = {"teacher": set(), "student": set()}
    for name, comm in (("teacher", teacher), ("student", student)):
        while not await comm.receive_nothing(timeout=1.5):
            raw = await comm.receive_from()
            seen[name].add(msgspec.json.decode(raw, type=server_frame).__struct_config__.tag)
    assert {"ack", "event", "tally", "roster"} <= seen["teacher"]
    assert {"ack", "error", "event"} <= seen["student"]
    await teacher.disconnect()
    await student.disconnect()


ANSWER_ID = "9f1b6f0e-8a6e-4e9b-9a53-3c1e2f5a6b7c"


@pytest.mark.parametrize(
    ("frame", "role", "code", "message"),
    [
        (
            {"type": "session.run", "id": None},
            "teacher",
            "invalid_frame",
            "Field 'id' must be a string of at most 64 characters.",
        ),
        (
            {"type": "session.run", "id": "x" * 65},
            "teacher",
            "invalid_frame",
            "Field 'id' must be a string of at most 64 characters.",
        ),
        (
            {"type": "question.open", "block": "b", "seconds": None},
            "teacher",
            "invalid_frame",
            "Field 'seconds' must be a whole number.",
        ),
        (
            {"type": "question.open", "block": "b", "seconds": True},
            "teacher",
            "invalid_frame",
            "Field 'seconds' must be a whole number.",
        ),
        ({"type": "slide.goto"}, "teacher", "invalid_frame", "Field 'index' is missing or has the wrong type."),
        (
            {"type": "answer.submit", "block": "b", "answer": 1},
            "student",
            "invalid_frame",
            "Field 'id' is missing or has the wrong type.",
        ),
        (
            {"type": "answer.submit", "id": 5, "block": "b", "answer": 1},
            "student",
            "invalid_frame",
            "Field 'id' is missing or has the wrong type.",
        ),
        (
            {"type": "answer.submit", "id": "not-a-uuid", "block": "b", "answer": 1},
            "student",
            "invalid_frame",
            "Field 'id' must be a UUID.",
        ),
        (
            {"type": "answer.submit", "id": ANSWER_ID, "block": "b", "answer": {"a": 1}},
            "student",
            "invalid_frame",
            "Field 'answer' is missing or has the wrong type.",
        ),
        (
            {"type": "answer.submit", "id": ANSWER_ID, "block": "b", "answer": "a\x00"},
            "student",
            "invalid_answer",
            "The answer contains characters that cannot be stored.",
        ),
        (
            {"type": "answer.submit", "id": ANSWER_ID, "block": "b", "answer": 1},
            "teacher",
            "forbidden",
            "You may not send this message.",
        ),
        ({"type": "nope"}, "teacher", "unknown_type", "Unknown message type 'nope'."),
    ],
)
def test_each_malformed_frame_gets_its_precise_error(frame, role, code, message):
    from django.utils import translation

    from classrooms.live import frames
    from edu.errors import DomainError

    with translation.override("en"), pytest.raises(DomainError) as refused:
        frames.validate(frame, role)
    assert (refused.value.code, refused.value.message) == (code, message)


def test_a_timer_out_of_range_is_refused_by_the_service_after_the_state_checks(personas, session, lesson):
    from classrooms.live import frames
    from edu.errors import DomainError

    typed = frames.validate({"type": "question.open", "block": "no-such-block", "seconds": 0}, "teacher")
    with pytest.raises(DomainError) as unknown:
        services.question_open(session, typed.block, typed.seconds)
    assert unknown.value.code == "unknown_activity"  # the question is checked before the timer
    with pytest.raises(DomainError) as timer:
        services.question_open(session, numeric_block(lesson), 0)
    assert timer.value.code == "invalid_timer"
