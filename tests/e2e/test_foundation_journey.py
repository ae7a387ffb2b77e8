"""Journey: a teacher signs in, creates students, prints their cards; a student signs in with a
card's QR link on a second browser and sees the class; the page switches to English; the network
check page round-trips over a real WebSocket."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import shot, teacher_signs_in

pytestmark = pytest.mark.e2e


def test_teacher_creates_students_and_a_student_signs_in_with_a_card(live_url, new_page):
    teacher = new_page()
    teacher_signs_in(teacher, live_url)
    expect(teacher.locator(".class-card")).to_have_count(2)
    shot(teacher, "teacher-home")

    teacher.locator(".class-card", has_text="4학년 2반").click()
    teacher.get_by_role("link", name="학생 추가").click()
    teacher.get_by_label("학생 이름").fill("31 한가람\n32 윤슬기\n33 서다온")
    teacher.get_by_role("button", name="계정과 카드 만들기").click()
    expect(teacher.locator(".login-card")).to_have_count(3)
    shot(teacher, "login-cards")
    codes = teacher.get_by_test_id("login-code").all_inner_texts()
    assert all(re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code) for code in codes)
    qr_svg = teacher.locator(".card-qr svg").first
    expect(qr_svg).to_be_visible()

    # A second browser, as a student tablet: the QR opens the sign-in page with the code in the fragment.
    student = new_page(width=820, height=1180)
    student.goto(f"{live_url}/accounts/login/code/#{codes[1]}")
    expect(student.get_by_label("로그인 코드")).to_have_value(codes[1])
    assert "#" not in student.url
    student.get_by_role("button", name="로그인").click()
    expect(student.get_by_role("heading", name="안녕하세요, 윤슬기 학생!")).to_be_visible()
    expect(student.locator(".class-card", has_text="4학년 2반")).to_be_visible()
    shot(student, "student-home-ko")

    student.get_by_role("button", name="English").click()
    expect(student.get_by_role("heading", name="Hello, 윤슬기!")).to_be_visible()
    expect(student.locator("html")).to_have_attribute("lang", "en")
    shot(student, "student-home-en")

    # The student cannot open the teacher's pages.
    response = student.goto(teacher.url.replace("/cards/", "/students/new/"))
    assert response is not None and response.status == 404


def test_wrong_code_is_explained_in_the_browser(live_url, new_page):
    page = new_page(width=390, height=844)
    page.goto(f"{live_url}/accounts/login/code/")
    page.get_by_label("로그인 코드").fill("AAAA-BBBB")
    page.get_by_role("button", name="로그인").click()
    expect(page.get_by_role("alert")).to_contain_text("로그인 코드가 올바르지 않습니다")
    shot(page, "code-login-error-phone")


def test_network_check_round_trips_over_a_websocket(live_url, new_page):
    page = new_page()
    teacher_signs_in(page, live_url)
    page.get_by_role("link", name="네트워크 확인").click()
    expect(page.locator("[data-live-check][data-ready='1']")).to_be_attached()
    expect(page.locator("[data-connection-state]")).to_have_attribute("data-connection-state", "open")
    for _ in range(3):
        page.get_by_role("button", name="테스트 메시지 보내기").click()
    expect(page.locator("[data-echo-log] li")).to_have_count(3)
    expect(page.locator("[data-echo-pending]")).to_have_text("0")
    shot(page, "network-check")
