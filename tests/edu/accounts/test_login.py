import pytest
from django.conf import settings
from django.urls import reverse

from edu.accounts import login_codes
from edu.accounts.models import User
from tests.factories import PASSWORD
from tests.helpers import use_english

LOGIN = reverse("accounts:login")
CODE_LOGIN = reverse("accounts:code_login")


def test_teacher_signs_in_with_password(client, personas):
    response = client.post(LOGIN, {"username": "teacher", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"] == personas.teacher


def test_wrong_password_says_so_and_points_students_to_codes(client, personas):
    use_english(client)
    response = client.post(LOGIN, {"username": "teacher", "password": "nope"})
    assert response.status_code == 200
    assert "Student? Use your login code instead." in response.content.decode()


def test_password_guessing_is_throttled_even_with_the_right_password(client, personas):
    use_english(client)
    for _ in range(settings.LOGIN_THROTTLE_FAILURES):
        client.post(LOGIN, {"username": "teacher", "password": "wrong"})
    response = client.post(LOGIN, {"username": "teacher", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_student_cannot_sign_in_with_a_password(client, personas):
    personas.student.set_password(PASSWORD)
    personas.student.save()
    response = client.post(LOGIN, {"username": personas.student.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("transform", [str, str.lower, lambda c: c.replace("-", " "), lambda c: c.replace("-", "")])
def test_student_signs_in_with_code_typed_loosely(client, personas, transform):
    response = client.post(CODE_LOGIN, {"code": transform(personas.student_code)})
    assert response.status_code == 302
    assert client.get("/").context["user"] == personas.student


def test_full_width_code_from_a_korean_keyboard_works(client, personas):
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in personas.student_code)
    assert client.post(CODE_LOGIN, {"code": full_width}).status_code == 302


def test_wrong_code_gets_a_clear_message_in_korean_by_default(client, personas):
    response = client.post(CODE_LOGIN, {"code": "AAAA-AAAA"})
    assert response.status_code == 400
    assert "로그인 코드가 올바르지 않습니다" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_code_guessing_is_throttled_per_address(client, personas):
    use_english(client)
    for _ in range(settings.LOGIN_THROTTLE_FAILURES):
        client.post(CODE_LOGIN, {"code": "AAAA-AAAA"})
    response = client.post(CODE_LOGIN, {"code": personas.student_code})
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()
    other = client_from_address("10.9.8.7")
    assert other.post(CODE_LOGIN, {"code": personas.student_code}).status_code == 302


def client_from_address(address):
    from django.test import Client

    return Client(REMOTE_ADDR=address)


def test_a_whole_class_signing_in_at_once_is_not_throttled(client, personas):
    from classrooms.services import StudentEntry, students_add

    cards = students_add(classroom=personas.classroom, entries=[StudentEntry(f"학생{i}") for i in range(25)])
    for card in cards:
        fresh = client_from_address("127.0.0.1")
        assert fresh.post(CODE_LOGIN, {"code": card.code}).status_code == 302


def test_codes_are_stored_only_as_digests(personas):
    stored = User.objects.filter(pk=personas.student.pk).values().get()
    raw = login_codes.normalise(personas.student_code)
    assert all(raw not in str(value) and personas.student_code not in str(value) for value in stored.values())
    assert stored["login_code_digest"] == login_codes.digest(personas.student_code)
    assert stored["email"] == ""


def test_deactivated_student_cannot_sign_in(client, personas):
    User.objects.filter(pk=personas.student.pk).update(is_active=False)
    assert client.post(CODE_LOGIN, {"code": personas.student_code}).status_code == 400


def test_logout_requires_post(client, personas):
    client.force_login(personas.teacher)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_code_alphabet_has_no_look_alikes():
    for _ in range(200):
        code = login_codes.generate()
        assert len(code) == 9 and code[4] == "-"
        assert not set(code.replace("-", "")) & set("01OIL")


@pytest.mark.parametrize("login_url", ["/cms/login/", "/django-admin/login/"])
def test_every_password_sign_in_page_shares_the_throttle(client, personas, login_url):
    for _ in range(settings.LOGIN_THROTTLE_FAILURES):
        client.post(login_url, {"username": "teacher", "password": "wrong"})
    client.post(login_url, {"username": "teacher", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.post(LOGIN, {"username": "teacher", "password": PASSWORD}).status_code == 429


def test_one_device_guessing_codes_does_not_lock_out_its_classmates(client, personas, settings):
    for _ in range(settings.LOGIN_THROTTLE_FAILURES + 1):
        client.post(CODE_LOGIN, {"code": "AAAA-AAAA"})
    assert client.post(CODE_LOGIN, {"code": personas.student_code}).status_code == 429
    classmate = client_from_address("127.0.0.1")  # same school address, another tablet
    assert classmate.post(CODE_LOGIN, {"code": personas.student_code}).status_code == 302


def test_an_address_guessing_from_many_devices_is_stopped(personas, settings):
    settings.LOGIN_CODE_FAILURES_PER_ADDRESS = 5
    for _ in range(5):
        client_from_address("10.1.1.1").post(CODE_LOGIN, {"code": "AAAA-AAAA"})
    assert client_from_address("10.1.1.1").post(CODE_LOGIN, {"code": personas.student_code}).status_code == 429
