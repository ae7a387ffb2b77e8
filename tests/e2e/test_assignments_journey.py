"""Issue 9's journey in Chromium: a teacher assigns a lesson with a due time; three students work on
it (one finishes, one stops half-way, one answers after the due time); the teacher reviews an open
response; the gradebook, the standards view with its chart and a student's page show it all; the
student sees the feedback and their progress; the gradebook's CSV starts with a UTF-8 BOM."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from classrooms.management.commands.demo_data import demo_code
from tests.e2e.steps import SERVER_ENV, shot, teacher_signs_in
from tests.servers import manage

pytestmark = pytest.mark.e2e
LESSON = "분수의 종류와 크기 비교"
OPEN_QUESTION = "민지는"


def student_signs_in(page: Page, live_url: str, username: str) -> None:
    page.goto(f"{live_url}/accounts/login/code/")
    page.get_by_label("로그인 코드").fill(demo_code(username))
    page.get_by_role("button", name="로그인").click()
    expect(page.get_by_test_id("my-assignments")).to_be_visible()


def open_assignment(page: Page) -> None:
    page.get_by_test_id("my-assignments").get_by_role("link", name=LESSON).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(LESSON)


def submit(form, button: str = "정답 확인") -> None:  # type: ignore[no-untyped-def]
    form.get_by_role("button", name=button).click()
    expect(form.locator(".feedback")).not_to_be_empty()


def answer_first_three(page: Page) -> None:
    forms = page.locator("form.activity")
    first = forms.nth(0)  # several correct answers: 5/3, 6/6, 9/8
    for text in ("5/3", "6/6", "9/8"):
        first.get_by_text(text, exact=True).click()
    submit(first)
    second = forms.nth(1)
    second.get_by_role("textbox").fill("17")
    submit(second)
    third = forms.nth(2)
    third.get_by_text("참 (O)").click()
    submit(third)


def answer_the_rest(page: Page) -> None:
    forms = page.locator("form.activity")
    fourth = forms.nth(3)
    fourth.get_by_text("1/4", exact=True).click()
    submit(fourth)
    open_form = page.locator("form.activity", has_text=OPEN_QUESTION)
    open_form.get_by_role("textbox").fill("틀렸어요. 3칸으로 나눈 한 칸이 6칸으로 나눈 한 칸보다 길어요.")
    submit(open_form, "제출")


def test_assignment_gradebook_review_and_progress(live_url, new_page):
    teacher = new_page()
    teacher_signs_in(teacher, live_url)
    teacher.goto(f"{live_url}/library/search/?q={LESSON}")
    teacher.get_by_role("link", name=LESSON).first.click()
    start = teacher.get_by_test_id("assign-start")
    start.locator("select").select_option(label="초4 4학년 2반")
    start.get_by_role("button").click()
    form = teacher.get_by_test_id("assignment-form")
    teacher.locator("#id_due_at").fill("2099-12-31T18:00")
    shot(teacher, "assignment-form")
    form.get_by_role("button", name="과제 내기").click()
    expect(teacher.get_by_test_id("assignments")).to_contain_text(LESSON)

    # Student 1 finishes, student 2 stops half-way.
    finisher = new_page(width=820, height=1180)
    student_signs_in(finisher, live_url, "demo-s1-01")
    open_assignment(finisher)
    answer_first_three(finisher)
    answer_the_rest(finisher)
    halfway = new_page(width=390, height=844)
    student_signs_in(halfway, live_url, "demo-s1-02")
    expect(halfway.get_by_test_id("my-assignments").locator("li", has_text=LESSON)).to_have_attribute(
        "data-status", "not_started"
    )
    open_assignment(halfway)
    answer_first_three(halfway)
    halfway.goto(live_url + "/")
    expect(halfway.get_by_test_id("my-assignments").locator("li", has_text=LESSON)).to_have_attribute(
        "data-status", "in_progress"
    )
    shot(halfway, "student-home-in-progress-390")

    # The due time passes (the server's own data: a day cannot be waited for), then student 3 answers.
    manage(
        SERVER_ENV,
        "shell",
        "-c",
        "from datetime import timedelta; from django.utils import timezone; "
        "from classrooms.models import Assignment; "
        f"Assignment.objects.filter(title='{LESSON}')"
        ".update(opens_at=timezone.now() - timedelta(hours=2), due_at=timezone.now() - timedelta(seconds=1))",
    )
    late = new_page(width=820, height=1180)
    student_signs_in(late, live_url, "demo-s1-03")
    open_assignment(late)
    answer_first_three(late)
    answer_the_rest(late)
    late.goto(live_url + "/")
    expect(late.get_by_test_id("my-assignments").locator("li", has_text=LESSON)).to_have_attribute(
        "data-status", "late"
    )

    # The teacher reviews the finisher's open response.
    teacher.goto(live_url + "/")
    teacher.locator(".class-card", has_text="4학년 2반").click()
    row = teacher.get_by_test_id("assignments").locator("tr", has_text=LESSON)
    row.get_by_role("link", name=re.compile("답 검토")).click()
    waiting = teacher.locator("section.review").first
    waiting.get_by_label("점수").fill("3")
    waiting.get_by_label("학생에게 줄 의견").fill("그림으로 잘 설명했어요!")
    waiting.get_by_role("button", name="검토 저장").click()
    expect(teacher.locator(".messages, [role='status']").first).to_be_visible()

    # The gradebook, the standards view and a student's page.
    teacher.goto(live_url + "/")
    teacher.locator(".class-card", has_text="4학년 2반").click()
    teacher.get_by_test_id("open-gradebook").click()
    book = teacher.get_by_test_id("gradebook")
    expect(book).to_be_visible()
    headers = [th.inner_text() for th in book.locator("thead th").all()]
    column = next(i for i, text in enumerate(headers) if LESSON in text) - 2  # after No. and Name
    statuses = [
        book.locator("tbody tr").nth(n).locator("td[data-status]").nth(column).get_attribute("data-status")
        for n in range(3)  # demo students 1, 2 and 3, in number order
    ]
    # Finished in time; stopped half-way and now overdue; finished after the due time.
    assert statuses == ["done", "late", "late"]
    halfway_cell = book.locator("tbody tr").nth(1).locator("td[data-status]").nth(column)
    expect(halfway_cell).to_contain_text("/")  # a partial score out of the lesson's points
    shot(teacher, "gradebook")
    teacher.set_viewport_size({"width": 390, "height": 844})
    shot(teacher, "gradebook-390")
    teacher.set_viewport_size({"width": 1280, "height": 900})
    with teacher.expect_download() as download:
        teacher.get_by_test_id("gradebook-csv").click()
    with open(download.value.path(), "rb") as csv_file:
        assert csv_file.read(3) == b"\xef\xbb\xbf"
    teacher.get_by_test_id("open-standards").click()
    expect(teacher.get_by_test_id("standards-chart").locator("li")).not_to_have_count(0)
    shot(teacher, "standards")
    teacher.go_back()
    book.locator("tr[data-student]").first.locator("th a").click()
    expect(teacher.locator("section.panel", has_text=LESSON)).to_be_visible()
    shot(teacher, "gradebook-student")

    # The finisher sees the feedback in the lesson and their progress.
    finisher.goto(live_url + "/")
    open_assignment(finisher)
    expect(finisher.get_by_test_id("feedback")).to_contain_text("그림으로 잘 설명했어요!")
    finisher.goto(live_url + "/")
    finisher.get_by_test_id("my-progress").click()
    expect(finisher.get_by_test_id("progress-standards")).to_contain_text("[4수01-10]")
    shot(finisher, "student-progress")
