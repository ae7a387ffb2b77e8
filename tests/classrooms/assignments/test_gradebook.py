"""The class gradebook: students × assignments with score and status, sortable, the class average,
a student's answers with verdicts, and a CSV that opens in Excel on a Korean Windows PC."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from classrooms.assignments.services import assignment_create
from classrooms.services import StudentEntry, students_add
from courses.activities import ACTIVITY_TYPES, is_answered_in_tool
from edu.accounts.models import User
from tests.factories import make_lesson
from tests.helpers import use_english


def answer(client, lesson, block_id, value):
    response = client.post(
        reverse("courses:answer", args=[lesson.pk]),
        json.dumps({"block": block_id, "answer": value}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response


def test_the_gradebook_shows_scores_statuses_and_averages(client, personas, library):
    use_english(client)
    [card] = students_add(classroom=personas.classroom, entries=[StudentEntry("가나다", 1)])
    first = User.objects.get(pk=card.user_id)
    assignment = assignment_create(
        teacher=personas.teacher,
        classroom=personas.classroom,
        lesson=library.lesson,
        due_at=timezone.now() + timedelta(days=1),
    )
    client.force_login(personas.student)  # 이서연, number 7: right on the number (2 points)
    answer(client, library.lesson, library.activity_id("numeric"), "0.75")
    client.force_login(first)  # 가나다, number 1: wrong on the number
    answer(client, library.lesson, library.activity_id("numeric"), "0.5")

    client.force_login(personas.teacher)
    response = client.get(reverse("assignments:gradebook", args=[personas.classroom.pk]))
    assert response.status_code == 200
    book = response.context["book"]
    assert [row.student.display_name for row in book.rows] == ["가나다", "이서연"]  # by number
    [column] = book.columns
    assert column.assignment == assignment and column.max_score == 8  # 2 + 1 + 1 + 1 + 3 (the poll has none)
    assert [row.cells[0].progress.score for row in book.rows] == [0, 2]
    assert [row.cells[0].status for row in book.rows] == ["in_progress", "in_progress"]
    assert column.average == 1
    page = response.content.decode()
    assert "Class average" in page and 'data-status="in_progress"' in page

    by_score = client.get(reverse("assignments:gradebook", args=[personas.classroom.pk]), {"sort": f"a{assignment.pk}"})
    assert [row.student.display_name for row in by_score.context["book"].rows] == ["이서연", "가나다"]
    odd = client.get(reverse("assignments:gradebook", args=[personas.classroom.pk]), {"sort": "a99999999999"})
    assert odd.status_code == 200 and odd.context["book"].sort == "number"


def test_only_the_class_teachers_see_the_gradebook(client, personas, library):
    assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=library.lesson)
    url = reverse("assignments:gradebook", args=[personas.classroom.pk])
    for outsider in (personas.unrelated_teacher, personas.student, personas.outsider):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.get(reverse("assignments:gradebook_csv", args=[personas.classroom.pk])).status_code == 404
    client.force_login(personas.co_teacher)
    assert client.get(url).status_code == 200


def test_the_csv_begins_with_a_bom_and_neutralises_formulas(client, personas, library):
    use_english(client)
    students_add(classroom=personas.classroom, entries=[StudentEntry("=HYPERLINK(1)", 2)])
    assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=library.lesson)
    client.force_login(personas.teacher)
    response = client.get(reverse("assignments:gradebook_csv", args=[personas.classroom.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:2] == ["No.", "Name"] and rows[0][2].startswith(library.lesson.title)
    assert ["2", "'=HYPERLINK(1)", "", "Not started"] in rows
    assert rows[-1][1] == "Class average"


def test_a_students_page_lists_each_answer_with_its_verdict(client, personas, library):
    use_english(client)
    assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=library.lesson)
    client.force_login(personas.student)
    answer(client, library.lesson, library.activity_id("multiple_choice"), [1])
    client.force_login(personas.teacher)
    url = reverse("assignments:student", args=[personas.classroom.pk, personas.student.pk])
    response = client.get(url)
    assert response.status_code == 200
    [item] = response.context["items"]
    lines = {line.kind_label: line for line in item.lines}
    assert (lines["Multiple choice"].answer, lines["Multiple choice"].correct) == ("2/4", False)
    assert lines["Number"].answer == ""
    assert len(item.lines) == len([k for k in ACTIVITY_TYPES if not is_answered_in_tool(k)])  # one of each
    outsider_url = reverse("assignments:student", args=[personas.classroom.pk, personas.outsider.pk])
    assert client.get(outsider_url).status_code == 404


def test_the_gradebook_query_count_does_not_grow_with_students_or_assignments(client, personas, library):
    client.force_login(personas.teacher)
    url = reverse("assignments:gradebook", args=[personas.classroom.pk])
    assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=library.lesson)
    client.get(url)  # warm-up (site cache)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    students_add(classroom=personas.classroom, entries=[StudentEntry(f"학생{i:02d}", 10 + i) for i in range(34)])
    for n in range(29):
        lesson = make_lesson(library.unit, f"분수 {n}", library.standard)
        assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=lesson)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    book = response.context["book"]
    assert (len(book.rows), len(book.columns)) == (35, 30)
    assert len(large) == len(small)


def test_viewing_a_gradebook_or_a_students_page_is_audited(client, personas, library):
    from classrooms.privacy.models import PrivacyEvent

    assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=library.lesson)
    client.force_login(personas.teacher)
    client.get(reverse("assignments:gradebook", args=[personas.classroom.pk]))
    client.get(reverse("assignments:student", args=[personas.classroom.pk, personas.student.pk]))
    events = list(PrivacyEvent.objects.order_by("pk").values_list("actor_id", "action", "subject", "classroom_id"))
    assert events == [
        (personas.teacher.pk, "gradebook_viewed", "", personas.classroom.pk),
        (personas.teacher.pk, "gradebook_viewed", f"student:{personas.student.pk}", personas.classroom.pk),
    ]
