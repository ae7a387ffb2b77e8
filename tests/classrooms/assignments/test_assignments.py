"""A teacher sets a lesson for a class with a due time; students see it on their home page as
to do, in progress, done or late, with their progress; the class page lists it with counts."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from classrooms.assignments.models import Assignment
from classrooms.assignments.selectors import assignments_for_student
from classrooms.assignments.services import assignment_create
from classrooms.services import StudentEntry, students_add
from edu.accounts.models import User
from edu.errors import DomainError
from tests.helpers import use_english

FORMAT = "%Y-%m-%dT%H:%M"


def answer(client, lesson, block_id, value):
    return client.post(
        reverse("courses:answer", args=[lesson.pk]),
        json.dumps({"block": block_id, "answer": value}),
        content_type="application/json",
    )


def right_answers(library) -> dict[str, object]:
    return {
        "numeric": "0.75",
        "multiple_choice": [2],
        "true_false": True,
        "short_answer": "단위분수",
        "poll": 0,
        "open_response": "전체를 똑같이 나눈 것",
    }


def test_a_teacher_assigns_from_the_lesson_page_with_a_due_time(client, personas, library):
    use_english(client)
    client.force_login(personas.teacher)
    page = client.get(library.lesson.url).content.decode()
    assert 'data-testid="assign-start"' in page
    form = client.get(reverse("assignments:new"), {"lesson": library.lesson.pk, "classroom": personas.classroom.pk})
    assert form.status_code == 200 and personas.student.display_name in form.content.decode()
    opens = timezone.localtime().replace(second=0, microsecond=0)
    response = client.post(
        reverse("assignments:new") + f"?lesson={library.lesson.pk}",
        {
            "classroom": personas.classroom.pk,
            "opens_at": opens.strftime(FORMAT),
            "due_at": (opens + timedelta(days=2)).strftime(FORMAT),
            "late_policy": "accept",
            "key_policy": "after_answer",
        },
    )
    assert response.status_code == 302
    [assignment] = Assignment.objects.all()
    assert (assignment.classroom, assignment.lesson_id, assignment.title) == (
        personas.classroom,
        library.lesson.pk,
        library.lesson.title,
    )
    assert assignment.due_at - assignment.opens_at == timedelta(days=2)
    class_page = client.get(reverse("classrooms:detail", args=[personas.classroom.pk])).content.decode()
    assert f'data-assignment="{assignment.pk}"' in class_page and "0/1" in class_page


def test_students_do_not_get_the_assign_form_and_bad_input_is_explained(client, personas, library):
    use_english(client)
    client.force_login(personas.student)
    assert 'data-testid="assign-start"' not in client.get(library.lesson.url).content.decode()
    assert client.get(reverse("assignments:new"), {"lesson": library.lesson.pk}).status_code == 403
    client.force_login(personas.teacher)
    opens = timezone.localtime().replace(second=0, microsecond=0)
    response = client.post(
        reverse("assignments:new") + f"?lesson={library.lesson.pk}",
        {
            "classroom": personas.classroom.pk,
            "opens_at": opens.strftime(FORMAT),
            "due_at": (opens - timedelta(hours=1)).strftime(FORMAT),
            "late_policy": "accept",
            "key_policy": "after_answer",
        },
    )
    assert response.status_code == 400
    assert "The due time must be after the opening time." in response.content.decode()
    assert not Assignment.objects.exists()
    other = reverse("assignments:new") + f"?lesson={library.lesson.pk}&classroom={personas.other_classroom.pk}"
    assert client.get(other).status_code == 404  # a class this teacher does not teach
    assert client.get(reverse("assignments:new"), {"lesson": "99999999999999999999"}).status_code == 404


def test_only_teachers_of_the_class_may_assign_and_only_its_students_may_be_chosen(personas, library):
    with pytest.raises(DomainError) as refused:
        assignment_create(teacher=personas.unrelated_teacher, classroom=personas.classroom, lesson=library.lesson)
    assert refused.value.code == "forbidden"
    with pytest.raises(DomainError) as outsider:
        assignment_create(
            teacher=personas.teacher,
            classroom=personas.classroom,
            lesson=library.lesson,
            student_ids=[personas.student.pk, personas.outsider.pk],
        )
    assert outsider.value.code == "not_in_class"
    assert not Assignment.objects.exists()


def test_chosen_students_only_see_what_is_set_for_them(personas, library):
    [card] = students_add(classroom=personas.classroom, entries=[StudentEntry("박하늘", 8)])
    classmate = User.objects.get(pk=card.user_id)
    assignment_create(
        teacher=personas.teacher, classroom=personas.classroom, lesson=library.lesson, student_ids=[classmate.pk]
    )
    assert [a.assignment.title for a in assignments_for_student(classmate)] == [library.lesson.title]
    assert assignments_for_student(personas.student) == []
    assert assignments_for_student(personas.outsider) == []


def test_status_follows_the_students_answers_and_the_due_time(client, personas, library):
    now = timezone.now()
    assignment = assignment_create(
        teacher=personas.teacher,
        classroom=personas.classroom,
        lesson=library.lesson,
        opens_at=now - timedelta(hours=2),
        due_at=now + timedelta(hours=1),
    )
    [mine] = assignments_for_student(personas.student)
    assert (mine.status, mine.progress.answered, mine.progress.total) == ("not_started", 0, 6)
    client.force_login(personas.student)
    answers = right_answers(library)
    assert answer(client, library.lesson, library.activity_id("numeric"), answers["numeric"]).status_code == 200
    [mine] = assignments_for_student(personas.student)
    assert (mine.status, mine.progress.answered, mine.progress.percent) == ("in_progress", 1, 17)
    for kind, value in answers.items():
        assert answer(client, library.lesson, library.activity_id(kind), value).status_code == 200
    [mine] = assignments_for_student(personas.student)
    assert mine.status == "done"
    Assignment.objects.filter(pk=assignment.pk).update(due_at=now - timedelta(hours=1))
    [mine] = assignments_for_student(personas.student)
    assert mine.status == "late"  # finished after the due time


def test_an_unfinished_assignment_past_its_due_time_is_late_and_future_ones_are_hidden(personas, library):
    now = timezone.now()
    assignment_create(
        teacher=personas.teacher,
        classroom=personas.classroom,
        lesson=library.lesson,
        opens_at=now - timedelta(days=2),
        due_at=now - timedelta(days=1),
    )
    assignment_create(
        teacher=personas.teacher, classroom=personas.classroom, lesson=library.lesson, opens_at=now + timedelta(days=1)
    )
    assert [a.status for a in assignments_for_student(personas.student)] == ["late"]


def test_the_student_home_lists_assignments_with_status_and_progress(client, personas, library):
    use_english(client)
    assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=library.lesson)
    client.force_login(personas.student)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="my-assignments"' in page and library.lesson.title in page
    assert 'data-status="not_started"' in page and "To do" in page


def test_the_class_page_costs_the_same_queries_for_more_assignments_and_students(client, personas, library):
    client.force_login(personas.teacher)
    url = reverse("classrooms:detail", args=[personas.classroom.pk])
    assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=library.lesson)
    client.get(url)  # warm-up: Wagtail caches the site that lesson URLs need
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    students_add(classroom=personas.classroom, entries=[StudentEntry(f"학생{i}", 10 + i) for i in range(10)])
    for _ in range(5):
        assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=library.lesson)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(one)


def test_withdrawing_asks_first_and_only_a_teacher_of_the_class_may(client, personas, library):
    assignment = assignment_create(teacher=personas.teacher, classroom=personas.classroom, lesson=library.lesson)
    url = reverse("assignments:remove", args=[assignment.pk])
    client.force_login(personas.unrelated_teacher)
    assert client.post(url).status_code == 404
    client.force_login(personas.teacher)
    assert client.get(url).status_code == 200 and Assignment.objects.filter(pk=assignment.pk).exists()
    assert client.post(url).status_code == 302
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_a_lesson_taught_live_is_assigned_afterwards_to_those_who_missed_it(client, personas, library):
    from classrooms.live import services as live

    use_english(client)
    [card] = students_add(classroom=personas.classroom, entries=[StudentEntry("결석생", 9)])
    session = live.session_run(
        live.session_start(teacher=personas.teacher, lesson=library.lesson, classroom=personas.classroom)
    )
    live.participant_join(session, personas.student)
    live.session_end(session)
    client.force_login(personas.teacher)
    report = client.get(reverse("live:report", args=[session.pk])).content.decode()
    assert 'data-testid="assign-missed"' in report
    url = reverse("assignments:new")
    params = {"lesson": library.lesson.pk, "classroom": personas.classroom.pk, "missed": session.pk}
    form = client.get(url, params)
    assert form.context["form"].initial["students"] == [card.user_id]
    opens = timezone.localtime().replace(second=0, microsecond=0)
    response = client.post(
        f"{url}?lesson={library.lesson.pk}",
        {
            "classroom": personas.classroom.pk,
            "missed": session.pk,
            "opens_at": opens.strftime(FORMAT),
            "late_policy": "accept",
            "key_policy": "after_answer",
            "students": [card.user_id],
        },
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.live_session == session
    assert list(assignment.students.values_list("pk", flat=True)) == [card.user_id]
    assert assignments_for_student(personas.student) == []


def test_an_assignment_refusing_late_work_stops_answers_after_its_due_time(client, personas, library):
    use_english(client)
    now = timezone.now()
    assignment = assignment_create(
        teacher=personas.teacher,
        classroom=personas.classroom,
        lesson=library.lesson,
        opens_at=now - timedelta(days=2),
        due_at=now + timedelta(hours=1),
        late_policy="refuse",
    )
    client.force_login(personas.student)
    assert answer(client, library.lesson, library.activity_id("numeric"), "0.5").status_code == 200
    Assignment.objects.filter(pk=assignment.pk).update(due_at=now - timedelta(minutes=1))
    refused = answer(client, library.lesson, library.activity_id("numeric"), "0.75")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "past_due"
    assert "no longer taken" in refused.json()["error"]["message"]


def test_keys_held_back_until_the_due_time_when_the_assignment_says_so(client, personas, library):
    now = timezone.now()
    assignment = assignment_create(
        teacher=personas.teacher,
        classroom=personas.classroom,
        lesson=library.lesson,
        opens_at=now - timedelta(days=1),
        due_at=now + timedelta(days=1),
        key_policy="after_due",
    )
    client.force_login(personas.student)
    block = library.activity_id("numeric")
    before = answer(client, library.lesson, block, "0.75").json()
    assert before["correct"] is True and before["reveal"] == {}
    Assignment.objects.filter(pk=assignment.pk).update(due_at=now - timedelta(minutes=1))
    after = answer(client, library.lesson, block, "0.75").json()
    assert after["reveal"]["correct"] == "0.75"  # late work is accepted by default, keys now show
