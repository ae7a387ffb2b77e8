import re

import pytest
from django.urls import reverse

from classrooms.models import Classroom, MemberRole, Membership
from edu.accounts.models import Role, User
from tests.helpers import use_english

CODE_RE = re.compile(r'data-testid="login-code">([A-Z0-9]{4}-[A-Z0-9]{4})<')


def add_url(classroom):
    return reverse("classrooms:students_new", args=[classroom.pk])


def test_teacher_bulk_creates_students_and_gets_working_cards(client, personas):
    client.force_login(personas.teacher)
    response = client.post(add_url(personas.classroom), {"names": "1 김민준\n2. 박지호\n\n최하린\n"}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    codes = CODE_RE.findall(page)
    assert len(codes) == 3
    assert "<svg" in page and "김민준" in page
    created = User.objects.filter(display_name__in=["김민준", "박지호", "최하린"])
    assert {u.role for u in created} == {Role.STUDENT}
    assert {u.email for u in created} == {""}
    assert not any(u.has_usable_password() for u in created)
    assert created.get(display_name="김민준").student_number == 1
    assert (
        Membership.objects.filter(classroom=personas.classroom, user__in=created, role=MemberRole.STUDENT).count() == 3
    )
    student_client = type(client)()
    assert student_client.post(reverse("accounts:code_login"), {"code": codes[0]}).status_code == 302


def test_duplicate_name_in_the_list_creates_nothing(client, personas):
    use_english(client)
    client.force_login(personas.teacher)
    before = User.objects.count()
    response = client.post(add_url(personas.classroom), {"names": "김민준\n박지호\n김민준"})
    assert response.status_code == 400
    assert "Line 3: “김민준” is already on line 1" in response.content.decode()
    assert User.objects.count() == before


def test_name_already_in_the_class_creates_nothing(client, personas):
    use_english(client)
    client.force_login(personas.teacher)
    before = User.objects.count()
    response = client.post(add_url(personas.classroom), {"names": "새학생\n이서연"})
    assert response.status_code == 400
    assert "Already in this class: 이서연" in response.content.decode()
    assert User.objects.count() == before


@pytest.mark.parametrize(
    ("names", "message"), [("   \n  ", "This field is required."), ("1234", "needs at least one letter")]
)
def test_empty_or_letterless_lists_are_refused(client, personas, names, message):
    use_english(client)
    client.force_login(personas.teacher)
    response = client.post(add_url(personas.classroom), {"names": names})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_cards_are_shown_only_to_the_teacher_who_issued_them(client, personas):
    client.force_login(personas.teacher)
    client.post(add_url(personas.classroom), {"names": "김민준"})
    cards_url = reverse("classrooms:cards", args=[personas.classroom.pk])
    assert len(CODE_RE.findall(client.get(cards_url).content.decode())) == 1
    client.force_login(personas.co_teacher)
    assert CODE_RE.findall(client.get(cards_url).content.decode()) == []


def test_reissue_needs_confirmation_and_voids_old_cards(client, personas):
    client.force_login(personas.teacher)
    url = reverse("classrooms:cards_reissue", args=[personas.classroom.pk])
    assert client.post(url, {}).status_code == 400
    response = client.post(url, {"confirm": "on", "student": personas.student.pk}, follow=True)
    [new_code] = CODE_RE.findall(response.content.decode())
    assert new_code != personas.student_code
    student = type(client)()
    assert student.post(reverse("accounts:code_login"), {"code": personas.student_code}).status_code == 400
    assert student.post(reverse("accounts:code_login"), {"code": new_code}).status_code == 302


def test_teacher_creates_a_class(client, personas):
    client.force_login(personas.teacher)
    response = client.post(reverse("classrooms:new"), {"name": "4학년 5반", "grade": "4", "school_year": "2026"})
    classroom = Classroom.objects.get(name="4학년 5반")
    assert response.status_code == 302
    assert Membership.objects.filter(classroom=classroom, user=personas.teacher, role=MemberRole.TEACHER).exists()
    assert len(classroom.join_code) == 6


def test_duplicate_class_name_in_a_year_is_refused(client, personas):
    use_english(client)
    client.force_login(personas.teacher)
    data = {"name": personas.classroom.name, "grade": "4", "school_year": str(personas.classroom.school_year)}
    response = client.post(reverse("classrooms:new"), data)
    assert response.status_code == 400
    assert "already has a class with this name" in response.content.decode()
    assert Classroom.objects.filter(name=personas.classroom.name).count() == 1


def test_student_joins_a_class_with_its_code(client, personas):
    use_english(client)
    client.force_login(personas.outsider)
    response = client.post(reverse("classrooms:join"), {"code": personas.classroom.join_code.lower()})
    assert response.status_code == 302
    assert Membership.objects.filter(classroom=personas.classroom, user=personas.outsider).exists()
    again = client.post(reverse("classrooms:join"), {"code": personas.classroom.join_code})
    assert again.status_code == 400
    assert "already in this class" in again.content.decode()


def test_wrong_join_code_is_explained(client, personas):
    use_english(client)
    client.force_login(personas.outsider)
    response = client.post(reverse("classrooms:join"), {"code": "ZZZZZZ"})
    assert response.status_code == 400
    assert "No class has this code" in response.content.decode()


def test_class_of_another_school_cannot_be_joined(client, personas):
    use_english(client)
    from classrooms.services import classroom_create
    from tests.factories import make_teacher

    foreign = classroom_create(teacher=make_teacher("foreign", personas.other_school), name="1-1", grade=7)
    client.force_login(personas.student)
    response = client.post(reverse("classrooms:join"), {"code": foreign.join_code})
    assert response.status_code == 400
    assert "another school" in response.content.decode()
    assert not Membership.objects.filter(classroom=foreign, user=personas.student).exists()


def test_roster_page_query_count_does_not_grow_with_students(client, personas, django_assert_max_num_queries):
    from classrooms.services import StudentEntry, students_add

    students_add(classroom=personas.classroom, entries=[StudentEntry(f"학생{i}") for i in range(40)])
    client.force_login(personas.teacher)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("classrooms:detail", args=[personas.classroom.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 42  # header + 41 students


def test_teacher_corrects_a_students_name_and_number(client, personas):
    client.force_login(personas.teacher)
    url = reverse("classrooms:student_edit", args=[personas.classroom.pk, personas.student.pk])
    response = client.post(url, {"display_name": "  이서현 ", "student_number": "8"})
    assert response.status_code == 302
    personas.student.refresh_from_db()
    assert (personas.student.display_name, personas.student.student_number) == ("이서현", 8)


def test_renaming_to_a_classmates_name_is_refused(client, personas):
    from classrooms.services import StudentEntry, students_add

    students_add(classroom=personas.classroom, entries=[StudentEntry("박지호")])
    client.force_login(personas.teacher)
    use_english(client)
    url = reverse("classrooms:student_edit", args=[personas.classroom.pk, personas.student.pk])
    response = client.post(url, {"display_name": "박지호", "student_number": ""})
    assert response.status_code == 400
    assert "Already in this class: 박지호" in response.content.decode()
    personas.student.refresh_from_db()
    assert personas.student.display_name == "이서연"


def test_removing_a_student_asks_first_then_voids_their_card(client, personas):
    client.force_login(personas.teacher)
    url = reverse("classrooms:student_delete", args=[personas.classroom.pk, personas.student.pk])
    assert client.get(url).status_code == 200
    assert Membership.objects.filter(classroom=personas.classroom, user=personas.student).exists()
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(classroom=personas.classroom, user=personas.student).exists()
    personas.student.refresh_from_db()
    assert personas.student.is_active is False
    student = type(client)()
    assert student.post(reverse("accounts:code_login"), {"code": personas.student_code}).status_code == 400


def test_removing_a_student_who_has_another_class_keeps_the_account(client, personas):
    from classrooms.services import classroom_join

    classroom_join(user=personas.student, code=personas.other_classroom.join_code)
    client.force_login(personas.teacher)
    client.post(reverse("classrooms:student_delete", args=[personas.classroom.pk, personas.student.pk]))
    personas.student.refresh_from_db()
    assert personas.student.is_active is True


@pytest.mark.parametrize("page", ["classrooms:student_edit", "classrooms:student_delete"])
@pytest.mark.parametrize(
    ("persona", "expected"), [("co_teacher", 200), ("unrelated_teacher", 404), ("student", 404), ("outsider", 404)]
)
def test_student_pages_access(client, personas, page, persona, expected):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse(page, args=[personas.classroom.pk, personas.student.pk])).status_code == expected
    if persona != "co_teacher":
        assert client.post(reverse(page, args=[personas.classroom.pk, personas.student.pk])).status_code == expected
    assert Membership.objects.filter(classroom=personas.classroom, user=personas.student).exists()


def test_a_teacher_cannot_edit_a_student_of_another_class_through_their_own(client, personas):
    client.force_login(personas.teacher)
    url = reverse("classrooms:student_edit", args=[personas.classroom.pk, personas.outsider.pk])
    assert client.post(url, {"display_name": "해킹"}).status_code == 404
    personas.outsider.refresh_from_db()
    assert personas.outsider.display_name == "정하은"


def test_a_join_code_never_makes_a_teacher_of_anyone(client, personas):
    from edu.accounts.models import Role

    schoolless = User.objects.create_user("drifter", password="x" * 12, role=Role.TEACHER)
    for teacher in (schoolless, personas.unrelated_teacher):
        client.force_login(teacher)
        use_english(client)
        response = client.post(reverse("classrooms:join"), {"code": personas.classroom.join_code})
        assert response.status_code == 400
        assert "Teachers cannot join with a class code" in response.content.decode()
        assert (
            client.post(
                reverse("classrooms:cards_reissue", args=[personas.classroom.pk]), {"confirm": "on"}
            ).status_code
            == 404
        )
    assert not Membership.objects.filter(
        classroom=personas.classroom, user__in=[schoolless, personas.unrelated_teacher]
    ).exists()


def test_class_teacher_adds_a_co_teacher_of_the_same_school_only(client, personas):
    from tests.factories import make_teacher

    foreign = make_teacher("foreign", personas.other_school)
    client.force_login(personas.teacher)
    url = reverse("classrooms:co_teacher_new", args=[personas.classroom.pk])
    client.post(url, {"username": foreign.username})
    assert not Membership.objects.filter(classroom=personas.classroom, user=foreign).exists()
    client.post(url, {"username": personas.unrelated_teacher.username})
    assert Membership.objects.filter(
        classroom=personas.classroom, user=personas.unrelated_teacher, role=MemberRole.TEACHER
    ).exists()
    client.force_login(personas.student)
    assert client.post(url, {"username": foreign.username}).status_code == 404


def test_issued_codes_are_not_stored_in_the_session_table(client, personas):
    from django.contrib.sessions.models import Session

    client.force_login(personas.teacher)
    response = client.post(add_url(personas.classroom), {"names": "김민준"}, follow=True)
    [code] = CODE_RE.findall(response.content.decode())
    assert all(code not in str(s.get_decoded()) for s in Session.objects.all())
