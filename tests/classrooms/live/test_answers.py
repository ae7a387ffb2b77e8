"""Answers in batches (what the hub stores at once), the session read afresh for every answer,
removal enforced without its event, unstorable text refused, and errors in the user's language."""

import re
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from classrooms.live import answers, services
from classrooms.live.models import LiveResponse, Participant
from classrooms.models import Membership
from classrooms.services import StudentEntry, students_add
from courses.outline import lesson_outline
from edu.errors import DomainError
from edu.records.models import LearningRecord
from tests.helpers import connect, cookie_for, next_frame, numeric_block, submit_answer

pytestmark = pytest.mark.django_db(transaction=True)


def block_of(lesson, kind: str) -> str:
    return next(block["id"] for block in lesson.body.raw_data if block["type"] == kind)


def class_of(personas, n: int) -> list[Participant]:
    students_add(classroom=personas.classroom, entries=[StudentEntry(f"학생{i:02d}") for i in range(n)])
    return [
        m.user
        for m in Membership.objects.filter(classroom=personas.classroom, user__display_name__startswith="학생")
        .select_related("user")
        .order_by("user__display_name")
    ]


def test_a_batch_is_stored_once_each_with_a_reason_for_every_refusal(personas, session, lesson):
    block = numeric_block(lesson)
    services.question_open(session, block)
    users = class_of(personas, 4)
    p = [services.participant_join(session, u) for u in users]
    ids = [uuid.uuid4() for _ in range(5)]
    already = submit_answer(session, p[0], client_id=ids[0], block_id=block, answer="0.75")
    services.participant_remove(session, p[3].pk)

    results = answers.answers_submit(
        session.pk,
        [
            answers.AnswerIn(p[0].pk, ids[0], block, "0.75"),  # a re-send of a stored answer
            answers.AnswerIn(p[1].pk, ids[1], block, "3/4"),  # new
            answers.AnswerIn(p[1].pk, ids[1], block, "3/4"),  # the same answer twice in one batch
            answers.AnswerIn(p[1].pk, ids[2], block, "0.5"),  # a second, different answer
            answers.AnswerIn(p[2].pk, ids[3], block, "열"),  # not a number
            answers.AnswerIn(p[3].pk, ids[4], block, "0.75"),  # removed
            answers.AnswerIn(p[2].pk, ids[1], block, "0.75"),  # someone else's id
        ],
    )
    outcome = [r.code if isinstance(r, DomainError) else ("dup" if not r.created else "new") for r in results]
    assert outcome == ["dup", "new", "dup", "already_answered", "invalid_answer", "removed", "invalid_frame"]
    assert results[0].answer.pk == already.answer.pk
    stored = dict(LiveResponse.objects.filter(session=session).values_list("client_id", "participant_id"))
    assert stored == {ids[0]: p[0].pk, ids[1]: p[1].pk}


def test_a_batch_costs_the_same_queries_for_3_or_30_students(personas, session, lesson, django_assert_num_queries):
    block = numeric_block(lesson)
    services.question_open(session, block)
    everyone = [services.participant_join(session, u) for u in class_of(personas, 33)]
    lesson_outline(session.lesson_id)  # parsed once per process and revision; not what we count here
    counts = []
    for group in (everyone[:3], everyone[3:]):
        items = [answers.AnswerIn(p.pk, uuid.uuid4(), block, "0.75") for p in group]
        # the session, re-sends, seats, already answered, the outline's revision, a savepoint around
        # one insert of answers and one of learning records, the students' opaque ids (one read; an
        # insert and a read back the first time they answer anything)
        with django_assert_num_queries(12, exact=False) as counted:
            results = answers.answers_submit(session.pk, items)
        assert all(not isinstance(r, DomainError) and r.created for r in results)
        assert inserts(counted) == {'"classrooms_liveresponse"', '"records_learningrecord"', '"records_learner"'}
        counts.append(len(counted.captured_queries))
    assert counts[0] == counts[1]
    assert LiveResponse.objects.filter(session=session).count() == 33
    assert LearningRecord.objects.filter(live_session=session).count() == 33

    services.question_open(session, block_of(lesson, "true_false"))  # the same students, known ids now
    items = [answers.AnswerIn(p.pk, uuid.uuid4(), block_of(lesson, "true_false"), True) for p in everyone]
    with django_assert_num_queries(counts[0] - 2) as counted:
        answers.answers_submit(session.pk, items)
    assert inserts(counted) == {'"classrooms_liveresponse"', '"records_learningrecord"'}


def inserts(counted) -> set[str]:
    """The tables a captured block inserted into, each once."""
    inserted = (re.match(r"INSERT (?:OR IGNORE )?INTO (\S+)", q["sql"]) for q in counted.captured_queries)
    tables = [found[1] for found in inserted if found]
    assert len(tables) == len(set(tables))
    return set(tables)


async def test_answers_after_a_reveal_are_taken_for_the_next_question(personas, session, lesson):
    """A socket that connected while results showed must not keep that state: the next question
    opened accepts its answer (the session is read afresh for every answer)."""
    first, second = block_of(lesson, "multiple_choice"), numeric_block(lesson)
    await sync_to_async(services.question_open)(session, first)
    await sync_to_async(services.results_reveal)(session, anonymous=True)
    student, ok, _ = await connect(await sync_to_async(cookie_for)(Client(), personas.student), session.pk)
    assert ok
    assert (await next_frame(student, "snapshot"))["question"]["revealed"] is True
    await sync_to_async(services.question_open)(session, second)
    frame_id = str(uuid.uuid4())
    await student.send_json_to({"type": "answer.submit", "id": frame_id, "block": second, "answer": "0.75"})
    reply = await next_frame(student, "ack", "error")
    assert reply == {"type": "ack", "ref": frame_id, "duplicate": False}
    await student.disconnect()


async def test_a_removed_student_is_shut_out_even_if_the_removal_event_was_lost(personas, session, lesson):
    student, ok, _ = await connect(await sync_to_async(cookie_for)(Client(), personas.student), session.pk)
    assert ok
    me = (await next_frame(student, "snapshot"))["me"]["participant"]
    # The removal is committed; its event never reaches this socket (a lost publish).
    await sync_to_async(lambda: Participant.objects.filter(pk=me).update(removed=True))()
    await student.send_json_to({"type": "snapshot.get"})
    assert (await next_frame(student, "error"))["code"] == "removed"
    assert (await student.receive_output(timeout=3))["code"] == 4403


async def test_unstorable_text_is_refused_and_the_socket_lives_on(personas, session, lesson):
    block = block_of(lesson, "short_answer")
    await sync_to_async(services.question_open)(session, block)
    student, ok, _ = await connect(await sync_to_async(cookie_for)(Client(), personas.student), session.pk)
    assert ok
    await next_frame(student, "snapshot")
    for bad in ["a\x00b", "\ud800", ["ok", "\x00"]]:
        frame_id = str(uuid.uuid4())
        await student.send_json_to({"type": "answer.submit", "id": frame_id, "block": block, "answer": bad})
        reply = await next_frame(student, "error")
        assert (reply["code"], reply["ref"]) == ("invalid_answer", frame_id)
    frame_id = str(uuid.uuid4())
    await student.send_json_to({"type": "answer.submit", "id": frame_id, "block": block, "answer": "단위분수"})
    assert (await next_frame(student, "ack"))["ref"] == frame_id
    assert await sync_to_async(LiveResponse.objects.filter(session=session).count)() == 1
    await student.disconnect()


async def test_error_messages_follow_the_language_cookie(personas, session):
    cookie = await sync_to_async(cookie_for)(Client(), personas.student)
    messages = {}
    for language in ("ko", "en"):
        comm, ok, _ = await connect(cookie, session.pk, language=language)
        assert ok
        await next_frame(comm, "snapshot")
        await comm.send_json_to({"type": "slide.goto", "index": 1})
        messages[language] = (await next_frame(comm, "error"))["message"]
        await comm.disconnect()
    assert messages["en"] == "You may not send this message."
    assert messages["ko"] != messages["en"] and any("가" <= ch <= "힣" for ch in messages["ko"])


def test_a_teacher_who_left_the_class_no_longer_runs_its_session(client, personas, session):
    from django.urls import reverse

    client.force_login(personas.teacher)
    assert client.get(reverse("live:console", args=[session.pk])).status_code == 200
    Membership.objects.filter(classroom=personas.classroom, user=personas.teacher).delete()
    assert client.get(reverse("live:console", args=[session.pk])).status_code == 404
    assert client.get(reverse("live:report", args=[session.pk])).status_code == 404
    client.force_login(personas.co_teacher)  # a teacher of the class now
    assert client.get(reverse("live:console", args=[session.pk])).status_code == 200


def test_no_reading_ahead_or_trying_answers_on_the_lesson_page_during_a_live_session(client, personas, session, lesson):
    import json

    from django.urls import reverse

    client.force_login(personas.student)
    page = client.get(lesson.url)
    assert (page.status_code, page["Location"]) == (302, reverse("live:student", args=[session.pk]))
    checked = client.post(
        reverse("courses:answer", args=[lesson.pk]),
        json.dumps({"block": numeric_block(lesson), "answer": "0.75"}),
        content_type="application/json",
    )
    assert (checked.status_code, checked.json()["error"]["code"]) == (409, "live_in_progress")
    services.session_end(session)
    assert client.get(lesson.url).status_code == 200  # self-paced again once the live lesson is over
    checked = client.post(
        reverse("courses:answer", args=[lesson.pk]),
        json.dumps({"block": numeric_block(lesson), "answer": "0.75"}),
        content_type="application/json",
    )
    assert checked.status_code == 200 and checked.json()["correct"] is True


def test_an_open_session_takes_guests_up_to_its_limit(personas, lesson, monkeypatch):
    monkeypatch.setattr(services, "MAX_PARTICIPANTS", 2)
    session = services.session_run(services.session_start(teacher=personas.teacher, lesson=lesson))
    services.guest_join(session, "별")
    services.guest_join(session, "달")
    with pytest.raises(DomainError) as refused:
        services.guest_join(session, "해")
    assert refused.value.code == "session_full"
    assert Participant.objects.filter(session=session).count() == 2
