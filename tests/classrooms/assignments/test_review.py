"""Open responses are reviewed per assignment: the teacher scores and comments, the result flows
into the gradebook and the learning record, and the student sees the feedback in the lesson."""

from __future__ import annotations

import json

from django.urls import reverse

from classrooms.assignments.services import assignment_create
from edu.records.models import LearningRecord, RecordStatus
from tests.helpers import use_english


def test_a_teacher_reviews_an_open_response_and_the_student_sees_it(client, personas, library):
    use_english(client)
    assignment = assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=library.lesson)
    block = library.activity_id("open_response")
    client.force_login(personas.student)
    client.post(
        reverse("courses:answer", args=[library.lesson.pk]),
        json.dumps({"block": block, "answer": "전체를 똑같이 나눈 것"}),
        content_type="application/json",
    )
    record = LearningRecord.objects.get(student=personas.student, block_id=block)
    assert (record.status, record.assignment_id) == (RecordStatus.NEEDS_REVIEW, assignment.pk)

    client.force_login(personas.teacher)
    url = reverse("assignments:review", args=[assignment.pk])
    page = client.get(url)
    assert page.status_code == 200 and "1 answer waits for you." in page.content.decode()
    assert "전체를 똑같이 나눈 것" in page.content.decode()
    too_high = client.post(url, {"record": record.pk, f"r{record.pk}-score": "4", f"r{record.pk}-feedback": ""})
    assert too_high.status_code == 400 and "Give a score from 0 to 3." in too_high.content.decode()
    saved = client.post(
        url, {"record": record.pk, f"r{record.pk}-score": "2.5", f"r{record.pk}-feedback": "예를 하나 더 들어 봐요."}
    )
    assert saved.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.score, record.feedback) == (RecordStatus.REVIEWED, 2.5, "예를 하나 더 들어 봐요.")

    book = client.get(reverse("assignments:gradebook", args=[personas.classroom.pk])).context["book"]
    [row] = [r for r in book.rows if r.student == personas.student]
    assert row.cells[0].progress.score == 2.5

    client.force_login(personas.student)
    lesson_page = client.get(library.lesson.url).content.decode()
    assert 'data-testid="feedback"' in lesson_page and "예를 하나 더 들어 봐요." in lesson_page
    assert "2.5 of 3 points" in lesson_page


def test_only_a_teacher_of_the_class_reviews_and_only_its_records(client, personas, library):
    assignment = assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=library.lesson)
    url = reverse("assignments:review", args=[assignment.pk])
    for outsider in (personas.unrelated_teacher, personas.student):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(personas.teacher)
    assert client.post(url, {"record": "12345"}).status_code == 404
