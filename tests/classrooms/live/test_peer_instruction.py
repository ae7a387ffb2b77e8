"""Asking a question again (peer instruction), typed answers shown only when the teacher picks
them, polls without a correct count, every student of the class in the roster, one question
number everywhere, and a closed question left behind on the next slide: over real sockets."""

import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from classrooms.live import answers, report, selectors, services, snapshots
from classrooms.live.models import LiveResponse, LiveSession, Participant
from classrooms.models import Membership
from classrooms.services import StudentEntry, students_add
from edu.errors import DomainError
from edu.records.models import LearningRecord
from tests.helpers import connect, cookie_for, next_frame, submit_answer

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "우리 집 주소는 비밀"  # typed by a student: must never reach the class unpicked


def block_of(lesson, kind: str) -> str:
    return next(block["id"] for block in lesson.body.raw_data if block["type"] == kind)


def classmates(personas, n: int, prefix: str = "학생") -> list:
    students_add(classroom=personas.classroom, entries=[StudentEntry(f"{prefix}{i:02d}") for i in range(n)])
    return [
        m.user
        for m in Membership.objects.filter(classroom=personas.classroom, user__display_name__startswith=prefix)
        .select_related("user")
        .order_by("user__display_name")
    ]


async def sign_in(user) -> str:
    return await sync_to_async(cookie_for)(Client(), user)


async def joined(user, session) -> tuple:
    comm, ok, _ = await connect(await sign_in(user), session.pk)
    assert ok
    return comm, await next_frame(comm, "snapshot")


async def send_answer(comm, block: str, value, frame_id: str | None = None) -> dict:
    frame_id = frame_id or str(uuid.uuid4())
    await comm.send_json_to({"type": "answer.submit", "id": frame_id, "block": block, "answer": value})
    reply = await next_frame(comm, "ack", "error")
    assert reply.get("ref") == frame_id
    return reply


async def teacher_does(teacher, frame: dict) -> dict:
    await teacher.send_json_to(frame)
    return await next_frame(teacher, "ack", "error")


async def event_of(comm, kind: str) -> dict:
    while True:
        event = await next_frame(comm, "event")
        if event["kind"] == kind:
            return event


async def tally_where(teacher, check) -> dict:
    while True:
        tally = await next_frame(teacher, "tally")
        if check(tally):
            return tally


# --- asking again -------------------------------------------------------------------------------


async def test_a_question_asked_again_takes_a_second_answer_and_the_tally_compares_both(personas, session, lesson):
    numeric = block_of(lesson, "numeric")
    [other] = await sync_to_async(classmates)(personas, 1)
    teacher, _ = await joined(personas.teacher, session)
    first, _ = await joined(personas.student, session)
    second, _ = await joined(other, session)
    assert (await teacher_does(teacher, {"type": "question.open", "block": numeric}))["type"] == "ack"
    opened = await event_of(first, "question.opened")
    assert opened["data"]["attempt"] == 1
    wrong_id = str(uuid.uuid4())
    assert (await send_answer(first, numeric, "0.5", wrong_id))["duplicate"] is False
    assert (await send_answer(second, numeric, "0.75"))["duplicate"] is False
    await teacher_does(teacher, {"type": "results.reveal", "anonymous": True})
    revealed = await event_of(first, "results.revealed")
    assert revealed["data"]["results"]["attempt"] == 1 and revealed["data"]["mine"] == {"correct": False}

    # not asked again yet: a new answer is refused, nothing is stored
    refused = await send_answer(first, numeric, "0.75")
    assert refused["code"] == "question_closed"

    ack = await teacher_does(teacher, {"type": "question.open", "block": numeric, "again": True, "id": "again"})
    assert ack["type"] == "ack" and ack["ref"] == "again"
    opened = await event_of(first, "question.opened")
    assert opened["data"]["attempt"] == 2 and opened["data"]["block"] == numeric
    await first.send_json_to({"type": "snapshot.get"})
    fresh = await next_frame(first, "snapshot")
    assert fresh["question"]["attempt"] == 2 and fresh["question"]["block"] == numeric
    assert numeric not in fresh["me"]["answers"]  # unanswered for the new attempt: they may answer again

    # the re-send of the first attempt's answer is still that answer: stored once, not counted again
    assert (await send_answer(first, numeric, "0.5", wrong_id))["duplicate"] is True
    again_id = str(uuid.uuid4())
    assert (await send_answer(first, numeric, "3/4", again_id))["duplicate"] is False
    assert (await send_answer(first, numeric, "3/4", again_id))["duplicate"] is True
    assert (await send_answer(first, numeric, "0.7"))["code"] == "already_answered"

    tally = await tally_where(teacher, lambda t: t["attempt"] == 2 and t["answered"] == 1)
    assert tally["block"] == numeric and tally["correct"] == 1 and tally["number"] == 1
    assert tally["distribution"] == [{"label": "0.75", "count": 1}]
    assert sorted(tally["previous"], key=lambda d: d["label"]) == [
        {"label": "0.5", "count": 1},
        {"label": "0.75", "count": 1},
    ]
    assert (tally["previous_answered"], tally["previous_correct"]) == (2, 1)

    await teacher_does(teacher, {"type": "results.reveal", "anonymous": True})
    revealed = await event_of(second, "results.revealed")  # the first attempt's, still unread here
    assert revealed["data"]["results"]["attempt"] == 1 and revealed["data"]["mine"] == {"correct": True}
    revealed = await event_of(second, "results.revealed")
    assert revealed["data"]["results"]["attempt"] == 2 and revealed["data"]["results"]["answered"] == 1
    assert revealed["data"]["mine"] == {"correct": None}  # did not answer the second time

    stored = await sync_to_async(
        lambda: sorted(
            LiveResponse.objects.filter(session=session, block_id=numeric).values_list(
                "participant__user_id", "attempt", "correct"
            )
        )
    )()
    assert sorted(stored) == sorted(
        [(personas.student.pk, 1, False), (personas.student.pk, 2, True), (other.pk, 1, True)]
    )
    # the learning record keeps one record per student and question: the last attempt counts
    records = await sync_to_async(
        lambda: list(
            LearningRecord.objects.filter(live_session=session, block_id=numeric).values_list(
                "student_id", "attempt", "correct"
            )
        )
    )()
    assert sorted(records) == sorted([(personas.student.pk, 2, True), (other.pk, 1, True)])
    for comm in (teacher, first, second):
        await comm.disconnect()


def test_asking_again_needs_an_asked_question_and_stops_after_the_last_attempt(personas, session, lesson):
    numeric = block_of(lesson, "numeric")
    with pytest.raises(DomainError) as info:
        services.question_open(session, numeric, again=True)
    assert info.value.code == "not_asked"
    services.question_open(session, numeric)
    for attempt in (2, 3):
        assert services.question_open(session, numeric, again=True).attempt == attempt
    with pytest.raises(DomainError) as info:
        services.question_open(session, numeric, again=True)
    assert info.value.code == "too_many_attempts"
    # re-opening without `again` keeps the attempt (latecomers answer it)
    session = services.question_open(session, block_of(lesson, "poll"))
    assert session.attempt == 1
    assert services.question_open(session, numeric).attempt == 3
    assert LiveSession.objects.get(pk=session.pk).asked == {numeric: 3, block_of(lesson, "poll"): 1}


def test_an_answer_made_before_the_question_was_asked_again_is_refused(personas, session, lesson):
    """A tablet that was offline during attempt 1 re-sends its answer once attempt 2 is open: the
    answer says which attempt it was made for, and the earlier one is not counted as the new one."""
    numeric = block_of(lesson, "numeric")
    participant = services.participant_join(session, personas.student)
    services.question_open(session, numeric)
    services.question_open(session, numeric, again=True)
    [stale, fresh, ahead] = answers.answers_submit(
        session.pk,
        [
            answers.AnswerIn(participant.pk, uuid.uuid4(), numeric, "0.5", attempt=1),
            answers.AnswerIn(participant.pk, uuid.uuid4(), numeric, "0.75", attempt=2),
            answers.AnswerIn(participant.pk, uuid.uuid4(), numeric, "0.75", attempt=3),
        ],
    )
    assert isinstance(stale, DomainError) and stale.code == "question_closed"
    assert isinstance(ahead, DomainError) and ahead.code == "question_closed"
    assert not isinstance(fresh, DomainError) and fresh.created and fresh.answer.attempt == 2
    assert list(LiveResponse.objects.values_list("attempt", flat=True)) == [2]


def test_a_student_sees_their_latest_answer_once_the_class_moved_on(personas, session, lesson):
    numeric, poll = block_of(lesson, "numeric"), block_of(lesson, "poll")
    participant = services.participant_join(session, personas.student)
    services.question_open(session, numeric)
    submit_answer(session, participant, client_id=uuid.uuid4(), block_id=numeric, answer="0.5")
    session = services.question_open(session, numeric, again=True)
    rows = list(LiveResponse.objects.filter(participant=participant).values("block_id", "attempt", "answer", "correct"))
    assert selectors.me_of(session, participant, rows).answers == {}
    submit_answer(session, participant, client_id=uuid.uuid4(), block_id=numeric, answer="0.75")
    session = services.question_open(session, poll)
    rows = list(LiveResponse.objects.filter(participant=participant).values("block_id", "attempt", "answer", "correct"))
    mine = selectors.me_of(session, participant, rows).answers[numeric]
    assert (mine.answer, mine.correct, mine.attempt) == ("0.75", True, 2)


# --- typed answers are shown only when picked ----------------------------------------------------


async def test_students_never_receive_typed_answers_the_teacher_did_not_pick(personas, session, lesson):
    short = block_of(lesson, "short_answer")
    [other] = await sync_to_async(classmates)(personas, 1)
    teacher, _ = await joined(personas.teacher, session)
    first, _ = await joined(personas.student, session)
    second, _ = await joined(other, session)
    received: list[dict] = []

    async def student_frame(comm, *types: str) -> dict:
        frame = await next_frame(comm, *types)
        received.append(frame)
        return frame

    await teacher_does(teacher, {"type": "question.open", "block": short})
    await send_answer(first, short, SECRET)
    await send_answer(second, short, "단위분수")
    tally = await tally_where(teacher, lambda t: t["answered"] == 2)
    assert {d["label"] for d in tally["distribution"]} == {SECRET, "단위분수"}  # the teacher sees everything

    pick = await teacher_does(teacher, {"type": "results.pick", "labels": ["단위분수"]})
    assert pick["code"] == "invalid_state"  # nothing revealed yet
    await teacher_does(teacher, {"type": "results.reveal", "anonymous": True})
    for comm in (first, second):
        event = await student_frame(comm, "event")
        while event["kind"] != "results.revealed":
            event = await student_frame(comm, "event")
        results = event["data"]["results"]
        assert results["distribution"] == [] and results["answered"] == 2 and results["correct_count"] == 1

    assert (await teacher_does(teacher, {"type": "results.pick", "labels": ["없는 답"]}))["code"] == "invalid_pick"
    assert (await teacher_does(teacher, {"type": "results.pick", "labels": ["단위분수"], "id": "p"}))["ref"] == "p"
    for comm in (first, second):
        event = await student_frame(comm, "event")
        assert event["kind"] == "results.revealed"
        assert event["data"]["results"]["distribution"] == [{"label": "단위분수", "count": 1}]
        await comm.send_json_to({"type": "snapshot.get"})
        snapshot = await student_frame(comm, "snapshot")
        assert snapshot["results"]["distribution"] == [{"label": "단위분수", "count": 1}]
    [teacher_snapshot] = await sync_to_async(snapshots.snapshot_batch)([snapshots.SnapshotIn(session.pk, None, "ko")])
    assert {d.label for d in teacher_snapshot.teacher.tally.distribution} == {SECRET, "단위분수"}
    # the first student's own answer comes back to them in their snapshot; nobody else's text does
    others_frames = [f for f in received if f["type"] == "event"]
    assert SECRET not in json.dumps(others_frames, ensure_ascii=False)
    await second.send_json_to({"type": "snapshot.get"})
    assert SECRET not in json.dumps(await next_frame(second, "snapshot"), ensure_ascii=False)

    # choices are offered options, not typed text: picking does not apply
    await teacher_does(teacher, {"type": "question.open", "block": block_of(lesson, "multiple_choice")})
    await teacher_does(teacher, {"type": "results.reveal", "anonymous": True})
    assert (await teacher_does(teacher, {"type": "results.pick", "labels": []}))["code"] == "invalid_pick"
    for comm in (teacher, first, second):
        await comm.disconnect()


def test_open_responses_show_no_text_until_picked(personas, session, lesson):
    block = block_of(lesson, "open_response")
    participant = services.participant_join(session, personas.student)
    services.question_open(session, block)
    submit_answer(session, participant, client_id=uuid.uuid4(), block_id=block, answer=SECRET)
    session = services.results_reveal(session)
    shown = selectors.results_of(session)
    assert (shown.distribution, shown.correct_count, shown.names) == ([], None, shown.names)
    session = services.results_pick(session, [SECRET])
    assert [d.label for d in selectors.results_of(session).distribution] == [SECRET]
    session = services.results_pick(session, [])
    assert selectors.results_of(session).distribution == []
    session = services.question_open(session, block, again=True)  # a new attempt starts unpicked
    assert session.picked == []


# --- polls have no correct answer ---------------------------------------------------------------


async def test_a_poll_reports_no_correct_count_to_students_or_the_console(personas, session, lesson):
    poll = block_of(lesson, "poll")
    teacher, _ = await joined(personas.teacher, session)
    student, _ = await joined(personas.student, session)
    await teacher_does(teacher, {"type": "question.open", "block": poll})
    await send_answer(student, poll, 1)
    tally = await tally_where(teacher, lambda t: t["answered"] == 1)
    assert tally["correct"] is None and tally["kind"] == "poll"
    await teacher_does(teacher, {"type": "results.reveal", "anonymous": False})
    event = await event_of(student, "results.revealed")
    results = event["data"]["results"]
    assert results["correct_count"] is None and "names" not in results
    assert event["data"]["mine"] == {"correct": None}
    assert {"label": "보통", "count": 1} in results["distribution"]
    for comm in (teacher, student):
        await comm.disconnect()


# --- the roster lists the whole class -----------------------------------------------------------


def test_the_roster_lists_students_not_joined_as_absent_in_a_fixed_number_of_queries(
    personas, session, lesson, django_assert_num_queries
):
    services.question_open(session, block_of(lesson, "numeric"))
    selectors.lesson_numbers(session)  # the outline is parsed once per process; not what we count
    few = classmates(personas, 2, prefix="가")
    services.participant_join(session, few[0])
    removed = services.participant_join(session, personas.student)
    services.participant_remove(session, removed.pk)
    session.refresh_from_db()
    # participants, the class's absent students, who answered, the answers, the lesson's revision (twice)
    with django_assert_num_queries(6) as small:
        roster, tally = selectors.teacher_view(session)
    assert [(e.id, e.nickname, e.status) for e in roster] == [
        (Participant.objects.get(user=few[0]).pk, "가00", "connected"),
        (-few[1].pk, "가01", "absent"),
    ]  # a removed student is not listed as absent: they joined
    assert tally is not None and tally.total == 1 and tally.answered == 0

    many = classmates(personas, 30, prefix="나")
    for user in many[:10]:
        services.participant_join(session, user)
    session.refresh_from_db()
    with django_assert_num_queries(len(small.captured_queries)):
        roster, tally = selectors.teacher_view(session)
    absent = [e for e in roster if e.status == "absent"]
    assert len(roster) == 1 + 1 + 30 and len(absent) == 1 + 20
    assert all(e.id < 0 and e.hand is None and not e.answered for e in absent)
    assert roster.index(absent[0]) == 11  # the joined first, then who is missing
    assert tally.total == 11

    open_session = services.session_run(services.session_start(teacher=personas.teacher, lesson=lesson))
    assert selectors.teacher_view(open_session)[0] == []  # an open session has no class to miss


# --- one question number ------------------------------------------------------------------------


def test_questions_have_the_lessons_number_in_the_console_the_tally_and_the_report(personas, session, lesson):
    info = selectors.teacher_info(session)
    numbered = report.session_report(session).questions
    assert info.numbers == {q.block_id: q.number for q in numbered}
    assert info.numbers[block_of(lesson, "poll")] == 5  # numeric, choice, true/false, short answer, poll
    session = services.question_open(session, block_of(lesson, "poll"))
    assert selectors.teacher_view(session)[1].number == 5


# --- a new slide leaves the closed question behind ----------------------------------------------


async def test_moving_to_another_slide_clears_the_closed_questions_results_and_tally(personas, session, lesson):
    numeric = block_of(lesson, "numeric")
    teacher, _ = await joined(personas.teacher, session)
    student, _ = await joined(personas.student, session)
    await teacher_does(teacher, {"type": "question.open", "block": numeric})
    await send_answer(student, numeric, "0.75")
    await teacher_does(teacher, {"type": "results.reveal", "anonymous": True})
    await event_of(student, "results.revealed")
    await teacher_does(teacher, {"type": "slide.goto", "index": 0})
    assert (await event_of(student, "slide.changed"))["data"] == {"index": 0}
    await teacher.send_json_to({"type": "snapshot.get"})
    snapshot = await next_frame(teacher, "snapshot")
    assert snapshot["results"] is None and snapshot["question"]["revealed"] is False
    assert snapshot["question"]["block"] == "" and snapshot["teacher"]["tally"] is None
    # an answered question the class moved on from: the student sees their verdict
    await student.send_json_to({"type": "snapshot.get"})
    assert (await next_frame(student, "snapshot"))["me"]["answers"][numeric]["correct"] is True

    # an open question stays open (and keeps its tally) when the teacher moves on
    await teacher_does(teacher, {"type": "question.open", "block": numeric})
    await teacher_does(teacher, {"type": "slide.goto", "index": 1})
    await teacher.send_json_to({"type": "snapshot.get"})
    snapshot = await next_frame(teacher, "snapshot")
    assert snapshot["question"]["block"] == numeric and snapshot["teacher"]["tally"]["block"] == numeric
    for comm in (teacher, student):
        await comm.disconnect()
