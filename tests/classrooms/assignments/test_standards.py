"""Progress per achievement standard: students × standards for the class's teachers (with a chart
and a CSV), and a student's own progress per subject and standard."""

from __future__ import annotations

import json

from django.urls import reverse

from classrooms.assignments.services import assignment_create
from tests.helpers import use_english


def answer(client, lesson, block_id, value):
    return client.post(
        reverse("courses:answer", args=[lesson.pk]),
        json.dumps({"block": block_id, "answer": value}),
        content_type="application/json",
    )


def test_the_class_standards_view_counts_marked_answers_per_student_and_standard(client, personas, library):
    use_english(client)
    assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=library.lesson)
    client.force_login(personas.student)
    answer(client, library.lesson, library.activity_id("numeric"), "0.75")  # right
    answer(client, library.lesson, library.activity_id("true_false"), False)  # wrong
    answer(client, library.lesson, library.activity_id("open_response"), "나눈 것")  # not marked: left out
    client.force_login(personas.teacher)
    response = client.get(reverse("assignments:standards", args=[personas.classroom.pk]))
    assert response.status_code == 200
    view = response.context["view"]
    [row] = view.standards
    assert (row.code, row.total.answers, row.total.correct, row.total.percent) == ("[4수01-10]", 2, 1, 50)
    assert row.content.startswith("단위분수")
    share = view.cell(personas.student, "[4수01-10]")
    assert (share.answers, share.correct) == (2, 1)
    page = response.content.decode()
    assert 'data-testid="standards-chart"' in page and 'width="50"' in page
    csv_body = client.get(reverse("assignments:standards_csv", args=[personas.classroom.pk])).content
    assert csv_body.startswith(b"\xef\xbb\xbf") and b"50 (1/2)" in csv_body
    client.force_login(personas.unrelated_teacher)
    assert client.get(reverse("assignments:standards", args=[personas.classroom.pk])).status_code == 404


def test_a_student_sees_their_own_progress_per_subject_and_standard(client, personas, library):
    use_english(client)
    client.force_login(personas.student)
    assert "Answer the questions of a lesson" in client.get(reverse("assignments:my_progress")).content.decode()
    answer(client, library.lesson, library.activity_id("numeric"), "0.75")
    answer(client, library.lesson, library.activity_id("multiple_choice"), [2])
    answer(client, library.lesson, library.activity_id("short_answer"), "모름")
    progress = client.get(reverse("assignments:my_progress")).context["progress"]
    assert [(subject, share.answers, share.correct) for subject, share in progress.subjects] == [("수학", 3, 2)]
    assert [(row.code, row.total.percent) for row in progress.standards] == [("[4수01-10]", 67)]
