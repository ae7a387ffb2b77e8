"""The echo consumer through the real ASGI application: origin check, session auth, protocol limits."""

import json

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from classrooms.live.frames import MAX_FRAME_BYTES, RATE_BURST
from edu.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://127.0.0.1:8000")


def communicator(cookie: str | None = None, origin=ORIGIN) -> WebsocketCommunicator:
    headers = [(b"host", b"127.0.0.1:8000"), origin]
    if cookie:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return WebsocketCommunicator(application, "/ws/echo/", headers=headers)


@pytest.fixture
def session_cookie(client, personas):
    client.force_login(personas.student)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def test_anonymous_socket_is_closed_with_4401():
    comm = communicator()
    connected, _ = await comm.connect()
    assert connected  # accepted, then closed with a code the browser can read
    assert await comm.receive_output() == {"type": "websocket.close", "code": 4401}


async def test_foreign_origin_is_refused(session_cookie):
    comm = communicator(session_cookie, origin=(b"origin", b"https://evil.example"))
    connected, _ = await comm.connect()
    assert connected is False


async def test_echo_is_acknowledged(session_cookie):
    comm = communicator(session_cookie)
    connected, _ = await comm.connect()
    assert connected
    await comm.send_to(text_data=json.dumps({"type": "echo", "id": "abc-1", "payload": {"n": 1, "텍스트": "분수"}}))
    reply = await comm.receive_json_from()
    assert reply["type"] == "ack" and reply["ref"] == "abc-1"
    assert reply["payload"] == {"n": 1, "텍스트": "분수"}
    assert isinstance(reply["server_time"], int)
    await comm.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "invalid_json"),
        ("[1,2]", "invalid_frame"),
        ('{"no":"type"}', "invalid_frame"),
        ('{"type":"teleport"}', "unknown_type"),
        ('{"type":"echo"}', "invalid_frame"),
        ('{"type":"echo","id":""}', "invalid_frame"),
        ("x" * (MAX_FRAME_BYTES + 1), "frame_too_large"),
    ],
)
async def test_bad_frames_get_coded_errors_and_the_socket_survives(session_cookie, frame, code):
    comm = communicator(session_cookie)
    await comm.connect()
    await comm.send_to(text_data=frame)
    reply = await comm.receive_json_from()
    assert reply["type"] == "error" and reply["code"] == code and reply["message"]
    await comm.send_to(text_data=json.dumps({"type": "echo", "id": "still-alive"}))
    assert (await comm.receive_json_from())["ref"] == "still-alive"
    await comm.disconnect()


async def test_binary_frames_are_refused(session_cookie):
    comm = communicator(session_cookie)
    await comm.connect()
    await comm.send_to(bytes_data=b"\x00\x01")
    assert (await comm.receive_json_from())["code"] == "invalid_frame"
    await comm.disconnect()


async def test_floods_are_limited_per_socket(session_cookie):
    comm = communicator(session_cookie)
    await comm.connect()
    total = int(RATE_BURST) + 20
    for i in range(total):
        await comm.send_to(text_data=json.dumps({"type": "echo", "id": f"m{i}"}))
    replies = [await comm.receive_json_from() for _ in range(total)]
    codes = [r.get("code") for r in replies if r["type"] == "error"]
    assert codes and set(codes) == {"rate_limited"}
    assert sum(r["type"] == "ack" for r in replies) >= int(RATE_BURST)
    await comm.disconnect()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
frames = st.one_of(
    st.text(min_size=1, max_size=200),
    json_values.map(json.dumps),
    st.fixed_dictionaries({"type": st.sampled_from(["echo", "ack", "", "x"]), "id": json_values}).map(json.dumps),
)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=frames)
async def test_fuzzed_frames_never_crash_the_consumer(session_cookie, frame):
    comm = communicator(session_cookie)
    await comm.connect()
    await comm.send_to(text_data=frame)
    reply = await comm.receive_json_from()
    assert reply["type"] in {"ack", "error"}
    await comm.send_to(text_data=json.dumps({"type": "echo", "id": "after"}))
    assert (await comm.receive_json_from())["ref"] == "after"
    await comm.disconnect()
