"""Issue 11's journey in Chromium, against the demo content tool (pylti1p3, its own process at
127.0.0.1 on another port: the same site as Baeum, so its Lax cookies work inside Baeum's frames).

A teacher writes a lesson, opens "Add content from an outside tool" from the Wagtail editor's
header menu, picks an exercise in the tool's Deep Linking picker, confirms it on Baeum's page,
gives it 6 points and publishes; then assigns the lesson to a class. A student opens the assignment:
the tool's exercise is launched inside the lesson's frame; the student answers (2 of 3 right) and the
tool posts the score back (AGS). The teacher's gradebook shows the score scaled to the activity's
points (4/6). The teacher then teaches the lesson live: the same content, as the slide, launches for
each of two students inside their live view; one of them answers there, and that score reaches the
gradebook too.

It runs on the journeys' shared Baeum (`live_url`) with the tool registered there for the rest of the
session, in class 4학년 2반 with students 4 and 5 (the other journeys use students 1–3), and ends its
live session. The front end must be built from the current sources (`make frontend`): the live view's
sanitiser keeps a slide's iframe only if it knows Baeum's tool launch path."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import FrameLocator, Locator, Page, expect

from tests.e2e.steps import SERVER_ENV, shot, teacher_signs_in
from tests.e2e.test_live_journey import ends_session, joins_with_code, shot_at, slide_of, student_signs_in
from tests.lti.platform_side.demo_tool_process import DemoTool
from tests.servers import manage

pytestmark = pytest.mark.e2e

NewPage = Callable[..., Page]
DESKTOP = (1280, 900)
PHONE = (390, 844)
PORTRAIT_TABLET = (820, 1180)

TITLE = "분수 크기 비교 연습"
SLUG = "fractions-tool-practice"
EXERCISE = "분수의 크기 비교"  # the demo tool's exercise "fractions": three questions, one point each
TOOL = "배움 데모 콘텐츠"
BANNER = "데모 콘텐츠 제공자"
CLASS = "초4 4학년 2반"
POINTS = 6  # the activity's points in the lesson: the tool's score out of 3 is scaled to these
FINISHER, LIVE_ONLY = "demo-s1-04", "demo-s1-05"  # students 1–3 are the other journeys'
LAUNCH_SRC = re.compile(r"^/lti/platform/launch/\d+/[0-9a-f-]+/$")
LIVE_LAUNCH_SRC = re.compile(r"^/lti/platform/launch/\d+/[0-9a-f-]+/\?session=\d+$")


@pytest.fixture(scope="module")
def content_tool(live_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoTool]:
    """The demo content tool started on a free port and registered with the journeys' Baeum (as
    `make run` does: enabled for the demo school, Baeum's registration in the tool's store)."""
    with DemoTool(tmp_path_factory.mktemp("demo-tool") / "demo_tool") as tool:
        manage(SERVER_ENV, "demo_tool_register", "--tool-url", tool.url, "--data-dir", str(tool.data_dir))
        yield tool


# --- steps -----------------------------------------------------------------------------------


def tool_frame(page: Page, within: Locator | None = None) -> FrameLocator:
    return (within or page.locator("main")).frame_locator("iframe.tool-frame")


def expect_exercise(frame: FrameLocator) -> None:
    """The tool's own exercise page, launched in the frame: its demo banner and the exercise."""
    expect(frame.locator("#demo-label")).to_contain_text(BANNER)
    expect(frame.locator("#exercise")).to_have_text(EXERCISE)
    expect(frame.locator("#answers")).to_be_visible()


def answers_in_tool(frame: FrameLocator, picks: tuple[int, int, int]) -> None:
    """Ticks one choice per question (by its index) and submits the tool's form."""
    form = frame.locator("#answers")
    for number, index in enumerate(picks, start=1):
        form.locator(f"input[name='q{number}'][value='{index}']").check()
    form.get_by_role("button", name="제출하기").click()


def teacher_writes_a_lesson(teacher: Page, live_url: str) -> int:
    """A new lesson in the teacher's own folder, saved as a draft. Returns its page id."""
    teacher.goto(f"{live_url}/library/mine/")
    teacher.get_by_role("link", name="새 수업 만들기").click()
    teacher.locator("#id_title").fill(TITLE)
    # A Korean-only title leaves Wagtail's synced slug empty: the teacher types one (the 홍보 tab).
    teacher.get_by_role("tab", name="홍보").click()
    teacher.locator("#id_slug").fill(SLUG)
    teacher.get_by_role("tab", name="내용").click()
    teacher.locator("footer button.action-save").click()
    expect(teacher).to_have_url(re.compile(r"/cms/pages/\d+/edit/$"))
    match = re.search(r"/cms/pages/(\d+)/edit/", teacher.url)
    assert match is not None
    return int(match.group(1))


def teacher_deep_links(teacher: Page, lesson_id: int, tool_url: str) -> None:
    """From the editor's header menu to Baeum's list of tools, the tool's picker (top level, on the
    tool's origin) and back to Baeum's confirmation page; the item lands in the lesson's draft."""
    teacher.get_by_role("button", name="작업").click()  # the header's "⋯" menu
    button = teacher.locator(f"a[href='/lti/platform/deep-link/{lesson_id}/']")
    expect(button).to_be_visible()
    teacher.wait_for_function(  # the menu fades in: photograph it opaque
        "() => [...document.querySelectorAll('.tippy-box')].some(b => getComputedStyle(b).opacity === '1')"
    )
    shot(teacher, "lti-platform-01-editor-menu")
    button.click()
    row = teacher.locator(".tool-row", has_text=TOOL)
    expect(row).to_contain_text(BANNER)
    shot(teacher, "lti-platform-02-choose-tool")
    row.get_by_role("button").click()

    picker = teacher.locator("#picker")
    expect(picker).to_be_visible()
    assert teacher.url.startswith(tool_url), teacher.url  # the tool's own page, not Baeum's
    expect(teacher.locator("#demo-label")).to_contain_text(BANNER)
    picker.locator("input[name='exercise'][value='fractions']").check()
    shot(teacher, "lti-platform-03-tool-picker")
    picker.get_by_role("button", name="수업에 넣기").click()

    expect(teacher).to_have_url(re.compile(rf"/lti/platform/deep-link/{lesson_id}/confirm/[\w-]+/$"))
    picked = teacher.locator("main .picked-list li")
    expect(picked).to_have_count(1)
    expect(picked).to_contain_text(EXERCISE)
    expect(picked).to_contain_text("3점")  # the tool's line item: out of 3
    shot(teacher, "lti-platform-04-confirm")
    teacher.locator("main form button.primary").click()
    expect(teacher).to_have_url(re.compile(rf"/cms/pages/{lesson_id}/edit/$"))


def teacher_publishes_with_points(teacher: Page, live_url: str) -> str:
    """The external activity in the editor (the tool's title and 3 points), given 6 points, published.
    Returns the lesson's public URL."""
    expect(teacher.locator("input[id$='-value-title']")).to_have_value(EXERCISE)
    points = teacher.locator("input[id$='-value-points']")
    expect(points).to_have_value("3")
    points.fill(str(POINTS))
    points.scroll_into_view_if_needed()
    shot(teacher, "lti-platform-05-editor-activity")
    teacher.locator("footer [data-w-dropdown-target='toggle']").last.click()
    teacher.locator("button[name='action-publish']").click()
    expect(teacher.locator(".messages, [role='status']").first).to_be_visible()
    teacher.goto(f"{live_url}/library/mine/")
    row = teacher.locator("tr", has_text=TITLE)
    expect(row).to_contain_text("게시됨")
    href = row.get_by_role("link", name=TITLE, exact=True).get_attribute("href")
    assert href
    return live_url + href


def teacher_sees_the_lesson(teacher: Page, lesson_url: str) -> None:
    """The published lesson as its teacher sees it: the tool launched in the frame as an instructor
    (the demo tool then shows the answer key), outside any class."""
    teacher.goto(lesson_url)
    expect(teacher.get_by_role("heading", level=1)).to_contain_text(TITLE)
    teacher.locator("main iframe.tool-frame").scroll_into_view_if_needed()
    frame = tool_frame(teacher)
    expect(frame.locator("#demo-label")).to_contain_text(BANNER)
    expect(frame.locator("#exercise")).to_have_text(EXERCISE)
    expect(frame.get_by_text("선생님 화면")).to_be_visible()
    shot(teacher, "lti-platform-06-teacher-lesson")


def teacher_assigns(teacher: Page, lesson_url: str) -> None:
    teacher.goto(lesson_url)
    start = teacher.get_by_test_id("assign-start")
    start.locator("select").select_option(label=CLASS)
    start.get_by_role("button").click()
    teacher.locator("#id_due_at").fill("2099-12-31T18:00")
    teacher.get_by_test_id("assignment-form").get_by_role("button", name="과제 내기").click()
    expect(teacher.get_by_test_id("assignments")).to_contain_text(TITLE)


def gradebook_cell(teacher: Page, live_url: str, student: str) -> Locator:
    """The student's cell in the lesson's column of the class gradebook."""
    teacher.goto(f"{live_url}/")
    teacher.locator(".class-card", has_text="4학년 2반").click()
    teacher.get_by_test_id("open-gradebook").click()
    book = teacher.get_by_test_id("gradebook")
    headers = [th.inner_text() for th in book.locator("thead th").all()]
    column = next(i for i, text in enumerate(headers) if TITLE in text) - 2  # after No. and Name
    return book.locator("tr[data-student]", has_text=student).locator("td[data-status]").nth(column)


def teacher_starts_live(teacher: Page, lesson_url: str) -> str:
    """The lesson page's "Teach live" form for the class; returns the join code."""
    teacher.goto(lesson_url)
    start = teacher.get_by_test_id("live-start")
    start.get_by_label("학급").select_option(label=CLASS)
    start.get_by_role("button", name="실시간 수업하기").click()
    expect(teacher).to_have_url(re.compile(r"/live/\d+/console/$"))
    expect(teacher.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    return teacher.get_by_test_id("code").inner_text().strip()


# --- the journey -----------------------------------------------------------------------------


def test_teacher_deep_links_tool_content_students_launch_it_and_scores_reach_the_gradebook(
    live_url: str, new_page: NewPage, content_tool: DemoTool
) -> None:
    teacher = new_page(*DESKTOP)
    teacher_signs_in(teacher, live_url)
    lesson_id = teacher_writes_a_lesson(teacher, live_url)
    teacher_deep_links(teacher, lesson_id, content_tool.url)
    lesson_url = teacher_publishes_with_points(teacher, live_url)
    teacher_sees_the_lesson(teacher, lesson_url)
    teacher_assigns(teacher, lesson_url)

    # A student opens the assignment: the tool's exercise, launched inside the lesson's frame.
    student = new_page(*DESKTOP)
    name = student_signs_in(student, live_url, FINISHER)
    expect(student.get_by_test_id("my-assignments").locator("li", has_text=TITLE)).to_have_attribute(
        "data-status", "not_started"
    )
    student.get_by_test_id("my-assignments").get_by_role("link", name=TITLE).click()
    expect(student.get_by_role("heading", level=1)).to_contain_text(TITLE)
    iframe = student.locator("main iframe.tool-frame")
    expect(iframe).to_have_attribute("src", LAUNCH_SRC)
    iframe.scroll_into_view_if_needed()  # the frame loads lazily
    frame = tool_frame(student)
    expect_exercise(frame)
    shot(student, "lti-platform-07-student-exercise")
    shot_at(student, "lti-platform-07-student-exercise-390", PHONE)
    shot_at(student, "lti-platform-07-student-exercise-820", PORTRAIT_TABLET)

    # Two of three right; the tool marks it and posts the score to Baeum (AGS).
    answers_in_tool(frame, (0, 1, 0))
    status = frame.locator("#score-status")
    expect(status).to_have_attribute("data-kind", "success")
    expect(status).to_contain_text("점수를 보냈어요: 2/3")
    expect(frame.locator("#score")).to_have_text("2/3")
    shot(student, "lti-platform-08-student-score-sent")
    student.reload()  # Baeum's page now knows the answer, scaled to the activity's points
    expect(student.get_by_test_id("tool-score")).to_contain_text(f"4 / {POINTS}")
    shot(student, "lti-platform-08b-student-lesson-scored")
    student.goto(f"{live_url}/")
    expect(student.get_by_test_id("my-assignments").locator("li", has_text=TITLE)).to_have_attribute(
        "data-status", "done"
    )

    # The teacher's gradebook: the student's cell shows the scaled score, and the lesson is done.
    cell = gradebook_cell(teacher, live_url, name)
    expect(cell).to_have_attribute("data-status", "done")
    expect(cell).to_contain_text(f"4/{POINTS}")
    shot(teacher, "lti-platform-09-gradebook")

    # Live: the lesson's slide is the tool's content; it launches for each student in the session.
    code = teacher_starts_live(teacher, lesson_url)
    other = new_page(*PORTRAIT_TABLET)
    other_name = student_signs_in(other, live_url, LIVE_ONLY)
    students = [student, other]
    for page in students:
        joins_with_code(page, live_url, code)
    expect(teacher.get_by_test_id("roster").locator("li:not([data-status='absent'])")).to_have_count(2)
    teacher.get_by_test_id("start").click()
    for page in students:
        slide = slide_of(page)
        expect(slide).to_have_attribute("data-index", "0")
        expect(slide.locator("iframe.tool-frame")).to_have_attribute("src", LIVE_LAUNCH_SRC)
        expect_exercise(tool_frame(page, slide))
    shot(student, "lti-platform-10-live-student-desktop")
    shot(other, "lti-platform-10-live-student-820")
    shot(teacher, "lti-platform-11-live-console")

    # The second student answers in the live slide's frame: all right, and the score goes to the class.
    live_frame = tool_frame(other, slide_of(other))
    answers_in_tool(live_frame, (0, 1, 2))
    expect(live_frame.locator("#score-status")).to_contain_text("점수를 보냈어요: 3/3")
    shot(other, "lti-platform-12-live-student-score-sent")
    ends_session(teacher, students)

    cell = gradebook_cell(teacher, live_url, other_name)
    expect(cell).to_have_attribute("data-status", "done")
    expect(cell).to_contain_text(f"{POINTS}/{POINTS}")
