"""Who may open which page: every persona against every class page."""

import pytest
from django.urls import reverse

from tests.helpers import use_english

TEACHER_PAGES = ["classrooms:students_new", "classrooms:cards", "classrooms:cards_reissue"]


@pytest.mark.parametrize("page", TEACHER_PAGES)
@pytest.mark.parametrize(
    ("persona", "expected"),
    [("teacher", 200), ("co_teacher", 200), ("unrelated_teacher", 404), ("student", 404), ("outsider", 404)],
)
def test_teacher_pages_of_a_class(client, personas, page, persona, expected):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse(page, args=[personas.classroom.pk])).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected", "sees_roster"),
    [
        ("teacher", 200, True),
        ("co_teacher", 200, True),
        ("student", 200, False),
        ("unrelated_teacher", 404, False),
        ("outsider", 404, False),
    ],
)
def test_class_page(client, personas, persona, expected, sees_roster):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("classrooms:detail", args=[personas.classroom.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert ('class="roster"' in response.content.decode()) is sees_roster
        assert (personas.classroom.join_code in response.content.decode()) is sees_roster


def test_a_class_that_does_not_exist_looks_the_same_as_one_you_cannot_see(client, personas):
    client.force_login(personas.unrelated_teacher)
    hidden = client.get(reverse("classrooms:detail", args=[personas.classroom.pk]))
    missing = client.get(reverse("classrooms:detail", args=[999_999]))
    assert hidden.status_code == missing.status_code == 404
    import re

    def strip_tokens(body: bytes) -> str:
        main = body.decode().split("<main", 1)[1].split("</main>", 1)[0]
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)

    assert strip_tokens(hidden.content) == strip_tokens(missing.content)
    assert personas.classroom.name not in hidden.content.decode()


def test_student_cannot_create_classes_or_students(client, personas):
    client.force_login(personas.student)
    assert client.get(reverse("classrooms:new")).status_code == 403
    before = personas.classroom.memberships.count()
    response = client.post(reverse("classrooms:students_new", args=[personas.classroom.pk]), {"names": "가짜"})
    assert response.status_code == 404
    assert personas.classroom.memberships.count() == before


def test_anonymous_is_sent_to_sign_in(client, personas):
    response = client.get(reverse("classrooms:detail", args=[personas.classroom.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_home_lists_only_my_classes(client, personas):
    client.force_login(personas.student)
    page = client.get("/").content.decode()
    assert personas.classroom.name in page and personas.other_classroom.name not in page
    client.force_login(personas.unrelated_teacher)
    page = client.get("/").content.decode()
    assert personas.other_classroom.name in page and "4학년 2반" not in page


def test_teacher_without_classes_sees_an_empty_state(client, personas):
    use_english(client)
    from tests.factories import make_teacher

    client.force_login(make_teacher("newbie", personas.school))
    response = client.get("/")
    assert "You have no classes yet." in response.content.decode()
