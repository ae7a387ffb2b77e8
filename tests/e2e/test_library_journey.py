"""Journey 1: a teacher finds "초등 4학년 수학 › 분수", copies a lesson, adds a numeric question tagged
to a standard in the Wagtail editor, previews and publishes it; a student of the class answers it
and gets feedback checked on the server."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import shot, teacher_signs_in

pytestmark = pytest.mark.e2e
QUESTION = "분모가 4인 분수 3/4를 소수로 나타내면 얼마일까요?"


def test_teacher_adapts_a_library_lesson_and_a_student_answers_it(live_url, new_page):
    teacher = new_page(width=1280, height=900)
    teacher_signs_in(teacher, live_url)
    teacher.get_by_role("link", name="라이브러리").click()
    teacher.get_by_role("link", name=re.compile("초등 4학년 수학")).click()
    expect(teacher.get_by_role("heading", name="분수")).to_be_visible()
    teacher.locator("section.panel", has=teacher.get_by_role("heading", name="분수")).locator(
        ".lesson-list a"
    ).first.click()
    lesson_title = teacher.locator("h1").inner_text().replace("초4", "").strip()
    expect(teacher.locator(".katex").first).to_be_attached()
    shot(teacher, "library-lesson")
    teacher.get_by_role("button", name="내 수업으로 복사").click()
    expect(teacher).to_have_url(re.compile(r"/cms/pages/\d+/edit/"))

    # Add a numeric question at the end of the lesson, tagged to an achievement standard.
    count = teacher.locator("input[name='body-count']").input_value()
    teacher.locator("#body-root .c-sf-add-button").last.click()
    teacher.get_by_role("option", name="수 입력").click()
    prefix = f"body-{count}-value"
    block = teacher.locator(f"xpath=//*[@id='{prefix}-answer']/ancestor::*[@data-streamfield-child][1]")
    block.locator("[data-contentpath='prompt'] [contenteditable='true']").click()
    teacher.keyboard.type(QUESTION)
    teacher.fill(f"#{prefix}-answer", "0.75")
    teacher.fill(f"#{prefix}-points", "2")
    block.locator("[data-contentpath='standards'] button[data-streamfield-list-add]").first.click()
    block.locator("[data-contentpath='standards'] button[data-chooser-action-choose]").first.click()
    modal = teacher.locator(".modal-dialog")
    modal.get_by_role("textbox").fill("4수01-10")
    modal.get_by_role("link", name=re.compile(r"\[4수01-10\]")).first.click()
    expect(block.get_by_text("[4수01-10]")).to_be_visible()

    # Preview as a student sees it (Wagtail's preview panel renders our lesson template).
    teacher.locator("button[data-side-panel-toggle='preview']").click()
    preview = teacher.frame_locator("iframe[title]").first
    expect(preview.get_by_text(QUESTION)).to_be_visible(timeout=15_000)
    shot(teacher, "lesson-preview")

    teacher.locator("footer [data-w-dropdown-target='toggle']").last.click()
    teacher.locator("button[name='action-publish']").click()
    expect(teacher.locator(".messages, [role='status']").first).to_be_visible()
    teacher.goto(f"{live_url}/library/mine/")
    row = teacher.locator("tr", has_text=lesson_title)
    expect(row).to_contain_text("게시됨")
    lesson_url = live_url + row.get_by_role("link", name=lesson_title, exact=True).get_attribute("href")

    # A student of the teacher's class answers the new question.
    student = new_page(width=820, height=1180)
    student.goto(f"{live_url}/accounts/login/code/")
    from classrooms.management.commands.demo_data import demo_code

    student.get_by_label("로그인 코드").fill(demo_code("demo-s1-01"))
    student.get_by_role("button", name="로그인").click()
    student.goto(lesson_url)
    form = student.locator("form.activity", has_text=QUESTION)
    form.get_by_role("textbox").fill("0.5")
    form.get_by_role("button", name="정답 확인").click()
    expect(form.locator(".feedback")).to_contain_text("다시 생각해 봐요.")
    expect(form.locator(".reveal")).to_have_count(0)  # the key waits for a second try
    form.get_by_role("textbox").fill("3/4")
    form.get_by_role("button", name="정답 확인").click()
    expect(form.locator(".feedback")).to_contain_text("정답이에요!")
    shot(student, "student-answered")
    student.reload()
    expect(student.locator("form.activity", has_text=QUESTION).get_by_role("textbox")).to_have_value("0.75")
