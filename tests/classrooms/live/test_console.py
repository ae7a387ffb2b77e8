"""The live console's operations over real sockets: results, locks, hands, removal, presence,
the coalesced tally, fan-out once per process, open sessions for guests, and what each role may send."""

import json
import uuid
from datetime import timedelta

import msgspec
import pytest
from asgiref.sync import sync_to_async
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from classrooms.live import frames, hub, protocol, selectors, services
from classrooms.live.models import LiveResponse, LiveSession, Participant
from classrooms.models import Membership
from classrooms.services import StudentEntry, students_add
from edu.errors import DomainError
from tests.helpers import connect, cookie_for, next_frame

pytestmark = pytest.mark.django_db(transaction=True)


def block_of(lesson, kind: str) -> str:
    return next(block["id"] for block in lesson.body.raw_data if block["type"] == kind)


def classmates(personas, n: int):
    students_add(classroom=personas.classroom, entries=[StudentEntry(f"학생{i}") for i in range(n)])
    return list(
        Membership.objects.filter(classroom=personas.classroom, user__display_name__startswith="학생")
        .select_related("user")
        .order_by("user__display_name")
    )


async def sign_in(user) -> str:
    return await sync_to_async(cookie_for)(Client(), user)


async def answer(comm, block: str, value) -> dict:
    frame_id = str(uuid.uuid4())
    await comm.send_json_to({"type": "answer.submit", "id": frame_id, "block": block, "answer": value})
    reply = await next_frame(comm, "ack", "error")
    assert reply.get("ref") == frame_id
    return reply


async def test_reveal_shows_each_student_their_own_verdict_and_closes_answering(personas, session, lesson):
    mc = block_of(lesson, "multiple_choice")
    others = await sync_to_async(classmates)(personas, 2)
    teacher, _, _ = await connect(await sign_in(personas.teacher), session.pk)
    await next_frame(teacher, "snapshot")
    students = []
    for user in [personas.student, others[0].user, others[1].user]:
        comm, ok, _ = await connect(await sign_in(user), session.pk)
        assert ok
        await next_frame(comm, "snapshot")
        students.append(comm)
    await teacher.send_json_to({"type": "question.open", "block": mc, "id": "q1"})
    assert (await next_frame(teacher, "ack"))["ref"] == "q1"
    for comm, choice in zip(students, [2, 0, 2], strict=True):
        opened = await next_frame(comm, "event")
        assert opened["kind"] == "question.opened" and opened["data"]["kind"] == "multiple_choice"
        assert (await answer(comm, mc, [choice]))["duplicate"] is False

    await teacher.send_json_to({"type": "results.reveal", "anonymous": True})
    await next_frame(teacher, "ack")
    verdicts = []
    for comm in students:
        event = await next_frame(comm, "event")
        assert event["kind"] == "results.revealed"
        results = event["data"]["results"]
        assert results["answered"] == 3 and results["correct_count"] == 2 and results["answer"] == "3/4"
        assert "names" not in results  # anonymised: nobody's name travels
        assert {"label": "3/4", "count": 2} in results["distribution"]
        assert {"label": "1/4", "count": 1} in results["distribution"]
        verdicts.append(event["data"]["mine"]["correct"])
    assert verdicts == [True, False, True]
    late = await answer(students[1], mc, [2])
    assert late["type"] == "error" and late["code"] == "question_closed"
    for comm in [teacher, *students]:
        await comm.disconnect()


async def test_named_results_list_who_was_right(personas, session, lesson):
    tf = block_of(lesson, "true_false")
    await sync_to_async(services.question_open)(session, tf)
    student, _, _ = await connect(await sign_in(personas.student), session.pk)
    await next_frame(student, "snapshot")
    await answer(student, tf, True)
    await sync_to_async(services.results_reveal)(session, anonymous=False)
    event = await next_frame(student, "event")
    assert event["data"]["results"]["names"] == [personas.student.get_short_name()]
    again, _, _ = await connect(await sign_in(personas.student), session.pk)
    snapshot = await next_frame(again, "snapshot")
    assert snapshot["results"]["block"] == tf and snapshot["me"]["answers"][tf]["correct"] is True
    await student.disconnect()
    await again.disconnect()


async def test_lock_hands_and_removal(personas, session):
    teacher, _, _ = await connect(await sign_in(personas.teacher), session.pk)
    await next_frame(teacher, "snapshot")
    student, _, _ = await connect(await sign_in(personas.student), session.pk)
    me = (await next_frame(student, "snapshot"))["me"]

    await teacher.send_json_to({"type": "screen.lock", "locked": True})
    assert (await next_frame(student, "event"))["kind"] == "screen.locked"

    await student.send_json_to({"type": "hand.raise", "raised": True})
    assert (await next_frame(student, "ack"))["hand"] is True
    roster = await next_frame(teacher, "roster")
    while roster["participants"][0]["hand"] is None:  # an earlier roster push may come first
        roster = await next_frame(teacher, "roster")
    assert roster["participants"][0]["id"] == me["participant"]
    await teacher.send_json_to({"type": "hand.lower", "participant": me["participant"]})
    assert (await next_frame(teacher, "ack"))["type"] == "ack"
    assert await sync_to_async(Participant.objects.filter(hand_raised_at__isnull=False).count)() == 0

    await teacher.send_json_to({"type": "participant.remove", "participant": me["participant"]})
    removed = await next_frame(student, "event")
    assert removed["kind"] == "participant.removed" and removed["data"] == {"participant": me["participant"]}
    assert await student.receive_output() == {"type": "websocket.close", "code": 4403}
    back, _, _ = await connect(await sign_in(personas.student), session.pk)
    assert await back.receive_output() == {"type": "websocket.close", "code": 4403}
    await teacher.send_json_to({"type": "participant.remove", "participant": 999_999})
    assert (await next_frame(teacher, "error"))["code"] == "unknown_participant"
    await teacher.disconnect()


async def test_the_tally_is_coalesced_not_one_message_per_answer(personas, session, lesson):
    numeric = block_of(lesson, "numeric")
    others = await sync_to_async(classmates)(personas, 7)
    live_hub = hub.hub()
    sent: list[dict] = []
    real_group_send = live_hub.layer.group_send

    async def counting_group_send(group, message):  # a spy on the third-party layer, not a stand-in
        sent.append(message)
        await real_group_send(group, message)

    live_hub.layer.group_send = counting_group_send
    try:
        teacher, _, _ = await connect(await sign_in(personas.teacher), session.pk)
        await next_frame(teacher, "snapshot")
        comms = []
        for membership in others:
            comm, ok, _ = await connect(await sign_in(membership.user), session.pk)
            assert ok
            await next_frame(comm, "snapshot")
            comms.append(comm)
        await teacher.send_json_to({"type": "question.open", "block": numeric})
        for comm in comms:
            await next_frame(comm, "event")
        sent.clear()
        for comm in comms:
            await comm.send_json_to(
                {"type": "answer.submit", "id": str(uuid.uuid4()), "block": numeric, "answer": "0.75"}
            )
        for comm in comms:
            assert (await next_frame(comm, "ack"))["duplicate"] is False
        tally = await next_frame(teacher, "tally")
        while tally["answered"] < len(comms):
            tally = await next_frame(teacher, "tally")
        assert tally == {
            "type": "tally",
            "block": numeric,
            "open": True,
            "answered": 7,
            "total": 7,
            "correct": 7,
            "distribution": [{"label": "0.75", "count": 7}],
            "kind": "numeric",
            "number": 1,
            "attempt": 1,
            "previous": None,
            "previous_answered": None,
            "previous_correct": None,
        }
        nudges = [m for m in sent if m["type"] == "live.nudge"]
        assert 1 <= len(nudges) < len(comms)
        for comm in [teacher, *comms]:
            await comm.disconnect()
    finally:
        live_hub.layer.group_send = real_group_send


async def test_one_process_joins_the_group_once_and_every_socket_gets_the_event(personas, session):
    others = await sync_to_async(classmates)(personas, 5)
    live_hub = hub.hub()
    joined: list[str] = []
    real_group_add = live_hub.layer.group_add

    async def counting_group_add(group, channel):
        joined.append(channel)
        await real_group_add(group, channel)

    live_hub.layer.group_add = counting_group_add
    try:
        comms = []
        for membership in others:
            comm, _, _ = await connect(await sign_in(membership.user), session.pk)
            await next_frame(comm, "snapshot")
            comms.append(comm)
        await sync_to_async(services.session_goto)(session, 1)
        for comm in comms:
            assert (await next_frame(comm, "event"))["data"] == {"index": 1}
        assert len(joined) <= 1 and all(channel == live_hub.groups.channel for channel in joined)
        for comm in comms:
            await comm.disconnect()
    finally:
        live_hub.layer.group_add = real_group_add


async def test_presence_turns_reconnecting_when_a_socket_leaves(personas, session):
    teacher, _, _ = await connect(await sign_in(personas.teacher), session.pk)
    await next_frame(teacher, "snapshot")
    student, _, _ = await connect(await sign_in(personas.student), session.pk)
    await next_frame(student, "snapshot")
    roster = await next_frame(teacher, "roster")
    while roster["participants"][0]["status"] != "connected":
        roster = await next_frame(teacher, "roster")
    await student.disconnect()
    roster = await next_frame(teacher, "roster")
    while roster["participants"][0]["status"] == "connected":
        roster = await next_frame(teacher, "roster")
    assert roster["participants"][0]["status"] == "reconnecting"
    await teacher.disconnect()


def test_presence_of_a_killed_process_fades_without_it(personas, session):
    """A process that dies stops stamping last_seen; nothing else has to clean up after it."""
    participant = services.participant_join(session, personas.student)
    now = timezone.now()
    assert selectors.teacher_view(session)[0][0].status == "connected"
    Participant.objects.filter(pk=participant.pk).update(last_seen=now - timedelta(seconds=30))
    assert selectors.teacher_view(session)[0][0].status == "reconnecting"
    Participant.objects.filter(pk=participant.pk).update(last_seen=now - timedelta(minutes=5))
    assert selectors.teacher_view(session)[0][0].status == "gone"


@pytest.fixture
def open_session(personas, lesson):
    return services.session_run(services.session_start(teacher=personas.teacher, lesson=lesson))


async def test_guests_join_an_open_session_with_the_code_and_a_nickname(open_session, lesson):
    guest = Client()
    url = reverse("live:join")
    page = await sync_to_async(guest.post)(url, {"code": open_session.code.lower()})
    assert page.status_code == 400 and "nickname" in page.context["form"].errors
    page = await sync_to_async(guest.post)(url, {"code": open_session.code, "nickname": "  별빛  "})
    assert page.status_code == 302 and page["Location"] == reverse("live:student", args=[open_session.pk])
    twin = Client()
    await sync_to_async(twin.post)(url, {"code": open_session.code, "nickname": "별빛"})
    names = await sync_to_async(list)(Participant.objects.order_by("pk").values_list("nickname", flat=True))
    assert names == ["별빛", "별빛 (2)"]

    from django.conf import settings

    comm, ok, _ = await connect(guest.cookies[settings.SESSION_COOKIE_NAME].value, open_session.pk)
    assert ok
    snapshot = await next_frame(comm, "snapshot")
    assert snapshot["me"]["nickname"] == "별빛" and "teacher" not in snapshot
    await comm.send_json_to({"type": "slide.goto", "index": 1})
    assert (await next_frame(comm, "error"))["code"] == "forbidden"
    tf = block_of(lesson, "true_false")
    await sync_to_async(services.question_open)(open_session, tf)
    await next_frame(comm, "event")
    assert (await answer(comm, tf, False))["duplicate"] is False
    assert await sync_to_async(LiveResponse.objects.filter(participant__user__isnull=True).count)() == 1
    await comm.disconnect()

    slide = await sync_to_async(guest.get)(reverse("live:slide", args=[open_session.pk, 0]))
    assert slide.status_code == 200 and b"data-slide-index" in slide.content
    ahead = await sync_to_async(guest.get)(reverse("live:slide", args=[open_session.pk, 1]))
    assert ahead.status_code == 403  # no reading ahead of the teacher


def test_wrong_session_codes_are_throttled(client, settings, open_session):
    settings.LOGIN_THROTTLE_FAILURES = 3
    for _ in range(3):
        assert client.post(reverse("live:join"), {"code": "ZZZZZZ", "nickname": "x"}).status_code == 400
    blocked = client.post(reverse("live:join"), {"code": open_session.code, "nickname": "x"})
    assert blocked.status_code == 429
    assert not Participant.objects.exists()


def test_class_sessions_need_a_signed_in_student_of_the_class(client, personas, session):
    page = client.post(reverse("live:join"), {"code": session.code, "nickname": "guest"})
    assert page.status_code == 400 and not Participant.objects.exists()
    client.force_login(personas.outsider)
    page = client.post(reverse("live:join"), {"code": session.code})
    assert page.status_code == 400 and not Participant.objects.exists()
    client.force_login(personas.student)
    page = client.post(reverse("live:join"), {"code": session.code})
    assert page["Location"] == reverse("live:student", args=[session.pk])
    assert client.get(reverse("home")).context["live_now"][0].pk == session.pk
    client.force_login(personas.teacher)
    assert client.post(reverse("live:join"), {"code": session.code})["Location"] == reverse(
        "live:console", args=[session.pk]
    )


def test_teachers_start_sessions_from_a_lesson(client, personas, lesson):
    client.force_login(personas.teacher)
    page = client.get(lesson.url)
    assert page.context["live_form"] is not None
    response = client.post(reverse("live:start"), {"lesson": lesson.pk, "classroom": personas.classroom.pk})
    started = LiveSession.objects.get()
    assert response["Location"] == reverse("live:console", args=[started.pk])
    assert started.classroom == personas.classroom and started.slide_total == 2
    again = client.post(reverse("live:start"), {"lesson": lesson.pk, "classroom": personas.classroom.pk})
    assert again["Location"] == reverse("live:console", args=[started.pk]) and LiveSession.objects.count() == 1
    client.force_login(personas.unrelated_teacher)
    client.post(reverse("live:start"), {"lesson": lesson.pk, "classroom": personas.classroom.pk})
    assert LiveSession.objects.count() == 1


# --- every frame type × every role ------------------------------------------------------------

SAMPLE_FIELDS = {
    "index": 0,
    "block": "x",
    "anonymous": True,
    "locked": False,
    "participant": 1,
    "raised": True,
    "answer": "1",
    "labels": [],
}


def required_fields(spec) -> list[str]:
    return [f.name for f in msgspec.structs.fields(spec) if f.required and f.name != "type"]


@pytest.mark.parametrize("kind", sorted(protocol.CLIENT_FRAMES))
@pytest.mark.parametrize("role", ["teacher", "student"])
def test_every_frame_type_is_allowed_only_to_its_roles(kind, role):
    spec = protocol.CLIENT_FRAMES[kind]
    frame = {"type": kind, **{name: SAMPLE_FIELDS.get(name, str(uuid.uuid4())) for name in required_fields(spec)}}
    if role in spec.roles:
        validated = msgspec.to_builtins(frames.validate(frame, role))
        assert {name: value for name, value in validated.items() if value is not None} == frame
    else:
        with pytest.raises(DomainError) as info:
            frames.validate(frame, role)
        assert info.value.code == "forbidden"


TEACHER_ONLY = sorted(k for k, spec in protocol.CLIENT_FRAMES.items() if spec.roles == {"teacher"})


async def test_no_teacher_frame_changes_anything_when_a_student_sends_it(personas, session):
    student, _, _ = await connect(await sign_in(personas.student), session.pk)
    before = await next_frame(student, "snapshot")
    for kind in TEACHER_ONLY:
        spec = protocol.CLIENT_FRAMES[kind]
        await student.send_json_to({"type": kind, **{name: SAMPLE_FIELDS[name] for name in required_fields(spec)}})
        assert (await next_frame(student, "error"))["code"] == "forbidden"
    await student.send_json_to({"type": "snapshot.get"})
    after = await next_frame(student, "snapshot")
    assert after["version"] == before["version"] and after["state"] == "running" and not after["locked"]
    await student.disconnect()


async def test_a_teacher_cannot_answer_or_raise_a_hand(personas, session):
    teacher, _, _ = await connect(await sign_in(personas.teacher), session.pk)
    await next_frame(teacher, "snapshot")
    for frame in (
        {"type": "answer.submit", "id": str(uuid.uuid4()), "block": "x", "answer": 1},
        {"type": "hand.raise", "raised": True},
    ):
        await teacher.send_to(text_data=json.dumps(frame))
        assert (await next_frame(teacher, "error"))["code"] == "forbidden"
    await teacher.disconnect()


# --- fuzzing: nothing a client sends crashes the consumer or corrupts the session ---------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=10,
)
FIELD_NAMES = sorted({f for spec in protocol.CLIENT_FRAMES.values() for f in spec.__struct_fields__} - {"id"})


def declared_frames(kinds: list[str]):
    return st.builds(
        lambda kind, fields: json.dumps({"type": kind, **fields}, allow_nan=True),
        st.sampled_from(kinds),
        st.dictionaries(st.sampled_from([*FIELD_NAMES, "id"]), json_values, max_size=5),
    )


def fuzz_frames(kinds: list[str]):
    return st.one_of(
        st.text(min_size=1, max_size=100),
        st.binary(min_size=1, max_size=50).map(lambda b: b.decode("latin-1")),
        json_values.map(json.dumps),
        declared_frames(kinds),
    )


async def assert_still_serving(comm, session_pk: int) -> None:
    await comm.send_json_to({"type": "snapshot.get"})
    snapshot = await next_frame(comm, "snapshot", "error")
    if snapshot["type"] == "error":  # the fuzz frame may have used up the flood allowance
        assert snapshot["code"] == "rate_limited"
        return
    assert snapshot["state"] in {"lobby", "running"}
    assert 0 <= snapshot["slide"]["index"] < snapshot["slide"]["count"]
    per_question = await sync_to_async(
        lambda: set(
            LiveResponse.objects.filter(session_id=session_pk)
            .values("participant_id", "block_id", "attempt")
            .annotate(n=Count("id"))
            .values_list("n", flat=True)
        )
    )()
    assert per_question <= {1}


@hsettings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=fuzz_frames(sorted(protocol.CLIENT_FRAMES)))
async def test_fuzzed_student_frames_never_crash_the_consumer(personas, session, lesson, frame):
    if not getattr(session, "_opened", False):
        await sync_to_async(services.question_open)(session, block_of(lesson, "numeric"))
        session._opened = True
    comm, ok, _ = await connect(await sign_in(personas.student), session.pk)
    assert ok
    await next_frame(comm, "snapshot")
    await comm.send_to(text_data=frame)
    reply = await comm.receive_json_from(timeout=3)
    assert reply["type"] in {"ack", "error", "snapshot"}
    await assert_still_serving(comm, session.pk)
    await comm.disconnect()


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=fuzz_frames(sorted(set(protocol.CLIENT_FRAMES) - {"session.end"})))
async def test_fuzzed_teacher_frames_never_crash_the_consumer(personas, session, frame):
    comm, ok, _ = await connect(await sign_in(personas.teacher), session.pk)
    assert ok
    await next_frame(comm, "snapshot")
    await comm.send_to(text_data=frame)
    reply = await next_frame(comm, "ack", "error", "snapshot")
    assert reply["type"] in {"ack", "error", "snapshot"}
    await assert_still_serving(comm, session.pk)
    await comm.disconnect()


async def test_a_lost_last_event_is_caught_by_the_version_check(personas, session):
    """The channel layer may drop an event (at most once), and no later event may come to reveal
    the gap: the hub notices a version committed a check ago and never relayed, and says "sync"."""
    student, ok, _ = await connect(await sign_in(personas.student), session.pk)
    assert ok
    before = (await next_frame(student, "snapshot"))["version"]
    live_hub = hub.hub()

    # A change that was relayed normally: the checks stay quiet.
    await sync_to_async(services.session_goto)(session, 1)
    assert (await next_frame(student, "event"))["data"] == {"index": 1}
    await live_hub._check_versions()
    await live_hub._check_versions()

    # A change committed whose event never arrived (what a Redis restart does to a publish).
    await sync_to_async(lambda: LiveSession.objects.filter(pk=session.pk).update(version=before + 2, slide_index=2))()
    await live_hub._check_versions()  # could still be in flight: only suspected
    await live_hub._check_versions()  # still not relayed a check later: lost
    frame = await student.receive_json_from(timeout=3)
    while frame["type"] in {"roster", "tally"}:
        frame = await student.receive_json_from(timeout=3)
    assert frame == {"type": "sync", "version": before + 2}
    await student.send_json_to({"type": "snapshot.get"})
    snapshot = await next_frame(student, "snapshot")
    assert (snapshot["version"], snapshot["slide"]["index"]) == (before + 2, 2)
    await student.disconnect()
