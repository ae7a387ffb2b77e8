"""Joining in batches (classrooms.live.snapshots): a class or a whole school arriving at once is
seated by the same rules as one socket, in a fixed number of queries; the shared part of the
snapshot is built once per version; a socket that missed an event while it was being seated is
told to resync; the hub sheds joins with 1013 when its queue is old; nothing follows a close."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from classrooms.live import hub, services, snapshots
from classrooms.live.access import GUESTS_SESSION_KEY, live_seat
from classrooms.live.models import Participant
from classrooms.models import Membership
from classrooms.services import StudentEntry, students_add
from tests.helpers import connect, cookie_for, next_frame

pytestmark = pytest.mark.django_db(transaction=True)


def class_of(personas, n: int) -> list:
    students_add(classroom=personas.classroom, entries=[StudentEntry(f"참가{i:02d}") for i in range(n)])
    return [
        m.user
        for m in Membership.objects.filter(
            classroom=personas.classroom, user__display_name__startswith="참가"
        ).select_related("user")
    ]


def requests_for(users, session_id: int) -> list[snapshots.JoinIn]:
    return [snapshots.JoinIn(session_id, cookie_for(Client(), u), "ko") for u in users]


def queries_of(requests) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as ctx:
        out = snapshots.join_batch(requests)
    return len(ctx), out


def test_a_class_is_seated_in_a_fixed_number_of_queries_whatever_its_size(personas, session):
    students = class_of(personas, 30)
    small, _ = queries_of(requests_for(students[:3], session.pk))  # first joins: rows created
    snapshots.forget_cached()
    large, out = queries_of(requests_for(students[3:], session.pk))
    assert large == small
    assert {o.role for o in out} == {"student"}
    assert Participant.objects.filter(session=session).count() == 30
    again, out = queries_of(requests_for(students, session.pk))  # a reconnect: no row created
    assert again <= small and all(isinstance(o, snapshots.Joined) for o in out)
    assert len({o.participant_id for o in out}) == 30


def test_every_seat_is_what_live_seat_decides(personas, session, lesson):
    [classmate] = class_of(personas, 1)
    removed = services.participant_join(session, classmate)
    services.participant_remove(session, removed.pk)
    open_session = services.session_run(services.session_start(teacher=personas.teacher, lesson=lesson))
    guest = services.guest_join(open_session, "별빛")
    guest_client = Client()
    guest_store = guest_client.session
    guest_store[GUESTS_SESSION_KEY] = {str(open_session.pk): guest.pk}
    guest_store.save()
    stale = Client()
    stale.force_login(personas.student)
    stale_key = stale.cookies["sessionid"].value
    personas.student.set_password("바뀐-비밀번호-123")  # the session's hash no longer matches
    personas.student.save()

    cases = [
        (snapshots.JoinIn(session.pk, cookie_for(Client(), personas.teacher), "ko"), "teacher"),
        (snapshots.JoinIn(session.pk, cookie_for(Client(), personas.outsider), "ko"), snapshots.CLOSE_NOT_FOUND),
        (snapshots.JoinIn(session.pk, cookie_for(Client(), classmate), "ko"), snapshots.CLOSE_REMOVED),
        (snapshots.JoinIn(session.pk, "", "ko"), snapshots.CLOSE_UNAUTHENTICATED),
        (snapshots.JoinIn(session.pk, "no-such-session-key", "ko"), snapshots.CLOSE_UNAUTHENTICATED),
        (snapshots.JoinIn(session.pk, stale_key, "ko"), snapshots.CLOSE_UNAUTHENTICATED),
        (snapshots.JoinIn(open_session.pk, guest_store.session_key, "ko"), "student"),
        (snapshots.JoinIn(session.pk, guest_store.session_key, "ko"), snapshots.CLOSE_UNAUTHENTICATED),
        (snapshots.JoinIn(999_999, cookie_for(Client(), personas.teacher), "ko"), snapshots.CLOSE_NOT_FOUND),
    ]
    out = snapshots.join_batch([request for request, _ in cases])
    got = [o.role if isinstance(o, snapshots.Joined) else o for o in out]
    assert got == [expected for _, expected in cases]
    assert out[6].participant_id == guest.pk and out[6].snapshot.me.nickname == "별빛"
    assert out[0].snapshot.teacher.code == session.code
    # the one-socket helper gives the same answers (it is the batch of one)
    assert live_seat(personas.teacher, {}, session.pk)[1] == "teacher"
    with pytest.raises(PermissionError):
        live_seat(None, {}, session.pk)


def test_the_shared_part_is_built_once_per_version(personas, session):
    students = class_of(personas, 4)
    first = snapshots.join_batch(requests_for(students[:2], session.pk))
    second = snapshots.join_batch(requests_for(students[2:], session.pk))
    assert first[0].snapshot.slide is second[1].snapshot.slide  # one shared part for everyone
    moved = services.session_goto(session, 1)
    third = snapshots.join_batch(requests_for(students[:1], session.pk))
    assert third[0].snapshot.version == moved.version and third[0].snapshot.slide.index == 1


async def test_a_storm_of_sockets_is_seated_together_and_each_gets_its_own_snapshot(personas, session):
    students = await sync_to_async(class_of)(personas, 25)
    cookies = [await sync_to_async(cookie_for)(Client(), u) for u in students]
    opened = await asyncio.gather(*(connect(c, session.pk) for c in cookies))
    assert all(ok for _comm, ok, _code in opened)
    firsts = [await next_frame(comm, "snapshot") for comm, _ok, _code in opened]
    assert len({f["me"]["participant"] for f in firsts}) == 25
    assert {f["me"]["nickname"] for f in firsts} == {u.get_short_name() for u in students}
    await opened[0][0].send_json_to({"type": "snapshot.get"})
    assert (await next_frame(opened[0][0], "snapshot"))["me"] == firsts[0]["me"]
    for comm, _ok, _code in opened:
        await comm.disconnect()


async def test_an_event_committed_while_a_socket_is_seated_makes_it_resync(personas, session):
    live_hub = hub.hub()
    cookie = await sync_to_async(cookie_for)(Client(), personas.student)
    seat = await live_hub.join(snapshots.JoinIn(session.pk, cookie, "ko"))
    assert isinstance(seat, snapshots.Joined)
    moved = await sync_to_async(services.session_goto)(session, 1)  # before the socket is registered
    for _ in range(50):
        if live_hub.relayed.get(session.pk, 0) >= moved.version:
            break
        await asyncio.sleep(0.02)

    class Socket:
        session_id, role, participant_id = session.pk, "student", seat.participant_id

    assert live_hub.register(Socket(), seat.snapshot.version) is True  # the consumer then sends "sync"
    live_hub.unregister(Socket())


async def test_joins_are_shed_with_1013_while_the_queue_is_old(personas, session, monkeypatch):
    monkeypatch.setattr(hub, "SHED_AFTER", -1.0)  # as if the oldest waiting join had waited too long
    comm, ok, _ = await connect(await sync_to_async(cookie_for)(Client(), personas.student), session.pk)
    assert ok
    closed = await comm.receive_output(timeout=3)
    assert closed["type"] == "websocket.close" and closed["code"] == 1013
    monkeypatch.setattr(hub, "SHED_AFTER", 3.0)
    comm, ok, _ = await connect(await sync_to_async(cookie_for)(Client(), personas.student), session.pk)
    assert ok and (await next_frame(comm, "snapshot"))["state"] == "running"
    await comm.disconnect()


async def test_nothing_is_sent_after_the_end_closes_the_teachers_socket(personas, session):
    teacher, ok, _ = await connect(await sync_to_async(cookie_for)(Client(), personas.teacher), session.pk)
    assert ok
    await next_frame(teacher, "snapshot")
    await teacher.send_json_to({"type": "session.end", "ref": "end"})
    while True:  # the ended event, maybe a roster push, then the close: and nothing after it
        message = await teacher.receive_output(timeout=3)
        if message["type"] == "websocket.close":
            break
    assert message["code"] == 1000
    assert await teacher.receive_nothing(timeout=0.5)
