"""The student's lesson page and answer API, the teacher's copy-and-adapt, search and the API."""

import json

from django.urls import reverse
from wagtail.models import Page

from courses.answers import LessonAnswer
from courses.pages import LessonPage
from courses.selectors import lessons_search
from courses.services import lesson_copy, teacher_folder_ensure
from tests.factories import make_lesson
from tests.helpers import use_english


def answer(client, lesson, block_id, value):
    return client.post(
        reverse("courses:answer", args=[lesson.pk]),
        data=json.dumps({"block": block_id, "answer": value}),
        content_type="application/json",
    )


def test_lesson_page_shows_slides_and_standards_but_no_answers(client, library, personas):
    client.force_login(personas.student)
    response = client.get(library.lesson.url)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="slide panel"') == 2
    assert "[4수01-10]" in page and "3/4를 소수로 쓰면?" in page
    for secret in ["0.75", "unit fraction", '"correct": true', "전체를 똑같이 나눈 것", "3÷4"]:
        assert secret not in page, secret


def test_student_answers_and_gets_server_checked_feedback(client, library, personas):
    client.force_login(personas.student)
    numeric = library.activity_id("numeric")
    wrong = answer(client, library.lesson, numeric, "0.7")
    assert wrong.status_code == 200
    assert wrong.json()["correct"] is False and wrong.json()["reveal"] == {}  # one more try before the key
    right = answer(client, library.lesson, numeric, "3/4")
    assert right.json() == {
        "correct": True,
        "score": 2,
        "max_score": 2,
        "attempts": 2,
        "reveal": {"correct": "0.75", "explanation": "<p>3÷4=0.75</p>"},
    }
    stored = LessonAnswer.objects.get(user=personas.student, lesson=library.lesson, block_id=numeric)
    assert (stored.correct, stored.attempts, stored.answer) == (True, 2, "0.75")
    later = answer(client, library.lesson, numeric, "1")  # settled: kept, but the score stays
    assert later.json()["score"] == 2 and later.json()["correct"] is True
    page = client.get(library.lesson.url).content.decode()
    assert 'value="1"' in page  # the latest answer is shown again


def test_the_key_is_revealed_after_two_wrong_tries_and_then_the_score_is_frozen(client, library, personas):
    client.force_login(personas.student)
    choice = library.activity_id("multiple_choice")
    assert answer(client, library.lesson, choice, [0]).json()["reveal"] == {}
    second = answer(client, library.lesson, choice, [1]).json()
    assert second["reveal"]["correct"] == [2]
    third = answer(client, library.lesson, choice, [2]).json()
    assert (third["correct"], third["score"]) == (False, 0)


def test_bad_answers_get_clear_errors_and_store_nothing(client, library, personas):
    client.force_login(personas.student)
    use_english(client)
    url = reverse("courses:answer", args=[library.lesson.pk])
    bad_json = client.post(url, data="{not json", content_type="application/json")
    assert bad_json.status_code == 400 and bad_json.json()["error"]["code"] == "invalid_json"
    unknown = answer(client, library.lesson, "no-such-block", "1")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_activity"
    not_question = answer(
        client, library.lesson, next(b.id for b in library.lesson.body if b.block_type == "text"), "1"
    )
    assert not_question.status_code == 404
    deep = client.post(url, data="[" * 5000, content_type="application/json")
    assert deep.status_code == 400
    huge = answer(client, library.lesson, library.activity_id("numeric"), "1/" + "9" * 5000)
    assert huge.status_code == 400
    not_number = answer(client, library.lesson, library.activity_id("numeric"), "three quarters")
    assert not_number.status_code == 400
    assert not_number.json()["error"]["message"] == "Enter a number, for example 12, 0.75 or 3/4."
    assert not LessonAnswer.objects.exists()


def test_anonymous_answers_are_refused(client, library):
    response = answer(client, library.lesson, library.activity_id("numeric"), "0.75")
    assert response.status_code == 401
    assert client.get(library.lesson.url).status_code == 200  # the library is open to read


def test_answers_are_text_not_markup(client, library, personas):
    client.force_login(personas.student)
    short = library.activity_id("short_answer")
    assert answer(client, library.lesson, short, '<img src=x onerror="alert(1)">').status_code == 200
    page = client.get(library.lesson.url).content.decode()
    assert '<img src=x onerror="alert(1)">' not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


def test_a_private_lesson_cannot_be_seen_or_answered_by_outsiders(client, library, personas):
    adapted = lesson_copy(lesson=library.lesson, teacher=personas.teacher)
    adapted.save_revision(user=personas.teacher).publish()
    adapted.refresh_from_db()
    numeric = next(b.id for b in adapted.body if b.block_type == "numeric")
    client.force_login(personas.outsider)
    assert client.get(adapted.url).status_code == 404
    assert answer(client, adapted, numeric, "0.75").status_code == 404
    client.force_login(personas.student)  # in a class the teacher teaches
    assert client.get(adapted.url).status_code == 200
    assert answer(client, adapted, numeric, "0.75").json()["correct"] is True
    assert LessonAnswer.objects.filter(lesson=adapted).count() == 1


def test_teacher_copies_a_lesson_into_their_own_lessons(client, library, personas):
    client.force_login(personas.teacher)
    response = client.post(reverse("courses:copy", args=[library.lesson.pk]))
    adapted = LessonPage.objects.get(workspace_teacher=personas.teacher)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_pages:edit", args=[adapted.pk])
    assert adapted.source_lesson_id == library.lesson.pk and not adapted.live and adapted.owner == personas.teacher
    assert adapted.get_parent().specific.teacher == personas.teacher
    assert [s.standard_id for s in adapted.standard_links.all()] == [library.standard.pk]
    assert client.get(response["Location"]).status_code == 200  # the teacher may edit the copy in Wagtail
    assert client.get(reverse("wagtailadmin_pages:edit", args=[library.lesson.pk])).status_code in (302, 403)
    listing = client.get(reverse("courses:my_lessons")).content.decode()
    assert adapted.title in listing


def test_teachers_cannot_edit_each_others_lessons(client, library, personas):
    adapted = lesson_copy(lesson=library.lesson, teacher=personas.teacher)
    teacher_folder_ensure(personas.unrelated_teacher)
    client.force_login(personas.unrelated_teacher)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[adapted.pk])).status_code in (302, 403)
    folder = adapted.get_parent()
    assert client.get(reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", folder.pk])).status_code in (
        302,
        403,
    )


def test_students_cannot_copy_or_reach_the_admin(client, library, personas):
    client.force_login(personas.student)
    assert client.post(reverse("courses:copy", args=[library.lesson.pk])).status_code == 404
    assert client.get(reverse("courses:my_lessons")).status_code == 403
    assert client.get("/cms/").status_code == 302
    assert not LessonPage.objects.filter(workspace_teacher__isnull=False).exists()


def test_query_count_does_not_grow_with_blocks(client, library, personas, django_assert_num_queries):
    big = make_lesson(library.unit, "큰 수업", library.standard, extra_text_blocks=31)
    assert len(big.body) == 40
    client.force_login(personas.student)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(library.lesson.url)  # warm per-process caches (site root paths)
    with CaptureQueriesContext(connection) as small_run:
        assert client.get(library.lesson.url).status_code == 200
    with CaptureQueriesContext(connection) as big_run:
        assert client.get(big.url).status_code == 200
    assert len(big_run.captured_queries) == len(small_run.captured_queries)


def test_search_in_korean_by_word_code_and_filters(client, library):
    other = make_lesson(library.unit, "분수의 덧셈", library.standard)
    results = client.get(reverse("courses:search"), {"q": "분수"}).content.decode()
    assert library.lesson.title in results and other.title in results
    by_code = client.get(reverse("courses:search"), {"q": "[4수01-10]"}).content.decode()
    assert library.lesson.title in by_code and "단위분수, 진분수" in by_code  # lessons and the standard itself
    assert library.lesson.title not in client.get(reverse("courses:search"), {"q": "분수", "grade": 7}).content.decode()
    empty = client.get(reverse("courses:search"), {"q": "광합성"})
    assert "No lessons match" in empty.content.decode() or "일치하는 수업이 없습니다" in empty.content.decode()


def test_a_standard_lists_the_lessons_that_cover_it(client, library):
    page = client.get(reverse("courses:standard", args=[library.standard.pk])).content.decode()
    assert library.lesson.title in page and library.standard.content in page


def test_library_browsing(client, library):
    home = client.get("/library/").content.decode()
    assert "초등 4학년 수학" in home
    course = client.get(library.course.url).content.decode()
    assert "분수" in course and library.lesson.title in course
    assert client.get(reverse("courses:about_data")).status_code == 200
    assert "CC BY 4.0" in client.get(reverse("courses:about_data")).content.decode()


def test_headless_api_never_sends_answers_or_private_lessons(client, library, personas):
    adapted = lesson_copy(lesson=library.lesson, teacher=personas.teacher)
    adapted.save_revision().publish()
    response = client.get("/api/v2/pages/", {"type": "courses.LessonPage", "fields": "student_body,standard_codes"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [library.lesson.pk]
    body = json.dumps(items[0]["student_body"], ensure_ascii=False)
    assert "3/4를 소수로 쓰면?" in body
    for secret in ['"correct"', '"answer"', "unit fraction", "0.75", "explanation"]:
        assert secret not in body, secret
    assert items[0]["standard_codes"] == ["[4수01-10]"]
    assert client.get(f"/api/v2/pages/{adapted.pk}/").status_code == 404


def test_page_tree_rules(library):
    from courses.pages import CoursePage, UnitPage

    assert LessonPage.can_create_at(library.unit) and not LessonPage.can_create_at(library.course)
    assert UnitPage.can_create_at(library.course) and not CoursePage.can_create_at(library.unit)
    assert not LessonPage.can_create_at(Page.get_first_root_node())


def test_sharing_with_the_school_goes_through_review(client, library, personas):
    from wagtail.models import WorkflowState

    from courses.pages import SchoolLibraryPage
    from edu.accounts.models import Role

    adapted = lesson_copy(lesson=library.lesson, teacher=personas.teacher)
    adapted.save_revision(user=personas.teacher).publish()
    client.force_login(personas.teacher)
    response = client.post(reverse("courses:share", args=[adapted.pk]))
    assert response.status_code == 302
    shared = LessonPage.objects.get(shared_school=personas.school)
    assert not shared.live and shared.source_lesson_id == adapted.pk
    assert isinstance(shared.get_parent().specific, SchoolLibraryPage)
    state = WorkflowState.objects.get(object_id=str(shared.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert not shared.permissions_for_user(personas.teacher).can_publish()

    reviewer = personas.unrelated_teacher
    reviewer.role = Role.SCHOOL_ADMIN
    reviewer.save()
    teacher_folder_ensure(reviewer)
    task_state = state.current_task_state
    assert task_state.task.specific.user_can_access_editor(shared, reviewer)
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    shared.refresh_from_db()
    assert shared.live
    assert client.get(shared.url).status_code == 200  # a teacher of the school
    client.force_login(personas.outsider)  # a student of the same school
    assert client.get(shared.url).status_code == 200
    from tests.factories import make_teacher

    client.force_login(make_teacher("foreign", personas.other_school))
    assert client.get(shared.url).status_code == 404
    assert shared.pk not in {lesson.pk for lesson in lessons_search("분수")}  # not in the public library
    client.logout()
    assert client.get(f"/api/v2/pages/{shared.pk}/").status_code == 404
    assert client.get("/api/v2/pages/", {"type": "courses.SchoolLibraryPage"}).json()["items"] == []


def test_only_own_lessons_can_be_shared(client, library, personas):
    client.force_login(personas.teacher)
    assert client.post(reverse("courses:share", args=[library.lesson.pk])).status_code == 404
    assert not LessonPage.objects.filter(shared_school__isnull=False).exists()


def test_progress_and_area_filter(client, library, personas):
    client.force_login(personas.student)
    answer(client, library.lesson, library.activity_id("numeric"), "0.75")
    answer(client, library.lesson, library.activity_id("true_false"), False)
    page = client.get(library.lesson.url).content.decode()
    assert "6개 문제 중 2개 답함 · 2점" in page
    found = client.get(reverse("courses:search"), {"area": "수와 연산"}).content.decode()
    assert library.lesson.title in found
    assert library.lesson.title not in client.get(reverse("courses:search"), {"area": "운동과 에너지"}).content.decode()
