"""One alphabet and one normaliser for every code a person types: a student's login code, a class
join code and a live session code are all read the same way, full-width characters from a Korean
IME, spaces, dashes and lower case forgiven."""

from __future__ import annotations

import pytest
from django.urls import reverse

from classrooms.live import services
from classrooms.models import Membership
from classrooms.services import StudentEntry, students_add
from edu import codes
from edu.accounts.models import User
from tests.factories import build_library, ensure_wagtail_roots


def full_width_and_spaced(code: str) -> str:
    """What a tablet's Korean keyboard in full-width mode produces, one space between characters."""
    return " ".join(chr(ord(ch) + 0xFEE0) if ch.isascii() and ch.isalnum() else ch for ch in code)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("ＡＢＣ２３４", "ABC234"),
        ("abc-234", "ABC234"),
        (" A B C 2 3 4 ", "ABC234"),
        ("ａｂｃ　２３４", "ABC234"),  # an ideographic space
        ("가ABC234", "ABC234"),  # stray Hangul is not part of any code
    ],
)
def test_the_normaliser_forgives_what_people_type(typed, canonical):
    assert codes.normalise(typed) == canonical


def test_every_code_kind_uses_the_one_alphabet():
    assert set(codes.generate(500)) <= set(codes.ALPHABET)
    assert not set("01OIL") & set(codes.ALPHABET)
    assert codes.is_well_formed("ABC234", 6) and not codes.is_well_formed("ABC23O", 6)


def test_a_login_code_typed_full_width_with_spaces_signs_in(client, personas):
    response = client.post(reverse("accounts:code_login"), {"code": full_width_and_spaced(personas.student_code)})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == personas.student.pk


def test_a_class_code_typed_full_width_with_spaces_joins_the_class(client, personas):
    [card] = students_add(classroom=personas.other_classroom, entries=[StudentEntry("한지우", 9)])
    newcomer = User.objects.get(pk=card.user_id)
    client.force_login(newcomer)
    typed = full_width_and_spaced(personas.classroom.join_code.lower())
    response = client.post(reverse("classrooms:join"), {"code": typed})
    assert response.status_code == 302
    assert Membership.objects.filter(classroom=personas.classroom, user=newcomer, role="student").exists()


def test_a_session_code_typed_full_width_with_spaces_joins_the_live_lesson(client, personas, tmp_path):
    ensure_wagtail_roots()
    lesson = build_library(tmp_path).lesson
    session = services.session_start(teacher=personas.teacher, lesson=lesson, classroom=personas.classroom)
    client.force_login(personas.student)
    response = client.post(reverse("live:join"), {"code": full_width_and_spaced(session.code)})
    assert response.status_code == 302
    assert response["Location"] == reverse("live:student", args=[session.pk])
    assert session.participants.filter(user=personas.student).exists()
