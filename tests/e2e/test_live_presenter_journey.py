"""The console as a presenter, in a real Chromium (issue 12).

The teacher starts a lesson live from the lesson page (its class selector offers the teacher's
class, not an open session), opens the projector view from the console in a second window and
drives the lesson from a tablet while the projector follows: the join code and QR in the lobby,
the current slide, the open question's timer and how many answered, the result chart with the
correct answer marked after the reveal, the question asked again (the console comparing the two
attempts side by side), nothing of it once the slide moves on, and "ended" at the end. The console keeps its slide controls, question panel and tally on one screen on an 820px
tablet (portrait and landscape). A student raises a hand while screens are locked; the end clears
the hand queue; a student who reloads after the end gets the "lesson ended" screen, not a 404.
Screenshots (test-results/presenter-*.png) in Korean at 390, 820 and 1180 px and 1920x1080.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import ARTIFACTS, shot, teacher_signs_in
from tests.e2e.test_live_journey import answers, expect_saved, joins_with_code, slide_of, student_signs_in

pytestmark = pytest.mark.e2e

LESSON = "분수란 무엇일까요?"
PHONE = (390, 844)
PORTRAIT_TABLET = (820, 1180)
LANDSCAPE_TABLET = (1180, 820)
PROJECTOR = (1920, 1080)


def in_first_screen(page: Page, testid: str) -> None:
    """The element is visible without scrolling: inside the viewport, top to bottom."""
    box = page.get_by_test_id(testid).bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None, testid
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (testid, box, size)
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (testid, box, size)


def console_fits(teacher: Page, size: tuple[int, int], name: str) -> None:
    teacher.set_viewport_size({"width": size[0], "height": size[1]})
    teacher.evaluate("window.scrollTo(0, 0)")
    for testid in ("next", "slide-no", "question-status", "tally-answered", "tally-bars", "reveal"):
        in_first_screen(teacher, testid)
    ARTIFACTS.mkdir(exist_ok=True)
    teacher.screenshot(path=str(ARTIFACTS / f"{name}.png"))  # the first screen, as the teacher sees it


def test_the_projector_follows_the_console_and_students_can_always_reach_the_teacher(live_url, new_page):
    teacher = new_page(*LANDSCAPE_TABLET)
    teacher_signs_in(teacher, live_url)
    teacher.get_by_role("link", name="라이브러리").click()
    teacher.get_by_role("link", name=re.compile("초등 4학년 수학")).click()
    teacher.get_by_role("link", name=LESSON, exact=True).click()
    start = teacher.get_by_test_id("live-start")
    selector = start.get_by_label("학급")
    # The teacher's class is chosen already; an open session is one choice away.
    expect(selector.locator("option:checked")).to_have_text(re.compile("4학년 2반"))
    teacher.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    selector_box, form_box = selector.bounding_box(), start.bounding_box()
    assert (
        selector_box and form_box and selector_box["x"] + selector_box["width"] <= form_box["x"] + form_box["width"] + 1
    )
    shot(teacher, "presenter-lesson-start-phone")
    teacher.set_viewport_size({"width": LANDSCAPE_TABLET[0], "height": LANDSCAPE_TABLET[1]})
    start.get_by_role("button", name="실시간 수업하기").click()
    expect(teacher).to_have_url(re.compile(r"/live/\d+/console/$"))
    expect(teacher.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    code = teacher.get_by_test_id("code").inner_text().strip()
    console_url = teacher.url

    # The projector opens in its own window, beside the console.
    with teacher.expect_popup() as opened:
        teacher.get_by_test_id("present-link").click()
    projector = opened.value
    projector.set_viewport_size({"width": PROJECTOR[0], "height": PROJECTOR[1]})
    expect(projector).to_have_url(re.compile(r"/live/\d+/present/$"))
    expect(projector.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    expect(projector.get_by_test_id("code")).to_have_text(code)
    expect(projector.locator(".projector-qr svg")).to_be_visible()
    expect(projector.get_by_test_id("waiting")).to_be_visible()
    expect(projector.get_by_test_id("fullscreen")).to_be_visible()
    shot(projector, "presenter-projector-lobby")

    # Two students join; the roster lists the rest of the class as not joined.
    phone, tablet = new_page(*PHONE), new_page(*PORTRAIT_TABLET)
    names = [student_signs_in(page, live_url, user) for page, user in ((phone, "demo-s1-04"), (tablet, "demo-s1-05"))]
    for page in (phone, tablet):
        joins_with_code(page, live_url, code)
    for name in names:
        expect(teacher.get_by_test_id("roster").locator("li", has_text=name)).to_have_attribute(
            "data-status", "connected"
        )
    assert projector.get_by_text(names[0]).count() == 0  # nothing personal on the board

    # The lesson starts; slide 2 has a true/false question, opened with a one-minute timer.
    teacher.get_by_test_id("start").click()
    teacher.get_by_test_id("next").click()
    expect(teacher.get_by_test_id("slide-no")).to_have_text("2 / 5")
    expect(projector.get_by_test_id("slide").locator("[data-slide-index='1']")).to_be_attached()
    expect(projector.get_by_test_id("slide")).to_contain_text("분수의 뜻")
    expect(projector.get_by_test_id("waiting")).to_be_hidden()
    preview = teacher.get_by_test_id("preview")
    preview.get_by_test_id("timer").first.select_option("60")
    expect(preview.get_by_test_id("timer").first).to_have_value("60")
    preview.get_by_test_id("open-question").first.click()
    expect(teacher.get_by_test_id("question-status")).to_have_attribute("data-question", "open")
    expect(projector.locator("[data-live-projector]")).to_have_attribute("data-question", "open")
    expect(teacher.get_by_test_id("countdown")).to_be_visible()
    expect(projector.get_by_test_id("countdown")).to_be_visible()
    expect(projector.get_by_test_id("countdown")).to_have_text(re.compile(r"^[01]:\d\d$"))
    expect(projector.get_by_test_id("question")).to_be_visible()
    expect_saved(answers(phone, choice="false"))
    expect_saved(answers(tablet, choice="true"))
    expect(projector.get_by_test_id("answered")).to_have_text(re.compile(r"2\D+2"))
    shot(projector, "presenter-projector-question")

    # The console on a tablet: slide controls, question panel and tally in the first screen.
    console_fits(teacher, PORTRAIT_TABLET, "presenter-console-820x1180")
    console_fits(teacher, LANDSCAPE_TABLET, "presenter-console-1180x820")
    teacher.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    shot(teacher, "presenter-console-390")
    teacher.set_viewport_size({"width": LANDSCAPE_TABLET[0], "height": LANDSCAPE_TABLET[1]})

    # The reveal: the projector charts the answers, the correct one marked.
    teacher.get_by_test_id("reveal").click()
    results = projector.get_by_test_id("results")
    expect(results).to_be_visible()
    expect(results.locator(".live-bar[data-correct='true']")).to_have_count(1)
    expect(results.locator(".live-bar[data-correct='true']")).to_have_attribute("data-label", "거짓")
    expect(results.locator(".projector-answer")).to_contain_text("거짓")
    expect(projector.get_by_test_id("countdown")).to_be_hidden()
    assert projector.get_by_text(names[0]).count() == 0  # anonymous: no names
    shot(projector, "presenter-projector-results")

    # Asked again after a discussion: attempt 2 of the same question. The students answer afresh
    # (the tablet changes its mind) and the console shows both attempts side by side.
    again = preview.get_by_test_id("ask-again").first
    expect(again).to_be_visible()
    again.click()
    status = teacher.get_by_test_id("question-status")
    expect(status).to_have_attribute("data-question", "open")
    expect(status).to_have_attribute("data-attempt", "2")
    expect(projector.get_by_test_id("results")).to_be_hidden()
    for page in (phone, tablet):
        expect(answers(page, choice="false").get_by_test_id("answer-status")).to_have_attribute("data-state", "acked")
    compare = teacher.locator("[data-live-compare]")
    expect(compare).to_be_visible()
    expect(compare.locator(".live-compare-attempt")).to_have_count(2)
    first, second = (
        compare.locator(".live-compare-attempt[data-attempt='1']"),
        compare.locator(".live-compare-attempt[data-attempt='2']"),
    )
    expect(first.locator("h4")).to_have_text("1차")
    expect(second.locator("h4")).to_have_text("2차")
    expect(first).to_contain_text("1명 정답")
    expect(second).to_contain_text("2명 정답")
    shot(teacher, "presenter-console-asked-again")
    teacher.get_by_test_id("reveal").click()
    expect(results.locator(".live-bar[data-correct='true']")).to_have_attribute("data-label", "거짓")
    expect(results.locator(".live-bar[data-label='거짓']")).to_contain_text("2")

    # The next slide: the old question's tally and results leave the console and the projector.
    teacher.get_by_test_id("next").click()
    expect(teacher.get_by_test_id("slide-no")).to_have_text("3 / 5")
    expect(teacher.get_by_test_id("results")).to_be_hidden()
    expect(teacher.get_by_test_id("tally-bars").locator("li")).to_have_count(0)
    expect(teacher.get_by_test_id("tally-correct")).to_have_text("–")
    expect(projector.get_by_test_id("slide").locator("[data-slide-index='2']")).to_be_attached()
    expect(projector.get_by_test_id("results")).to_be_hidden()

    # Screens locked: the student still raises a hand, and the console shows it.
    teacher.get_by_test_id("lock").click()
    expect(phone.get_by_test_id("lock-overlay")).to_be_visible()
    hand = phone.get_by_test_id("hand")
    expect(hand).to_be_visible()
    hand.click()  # Playwright clicks only what receives the pointer: not a button under the overlay
    expect(hand).to_have_attribute("aria-pressed", "true")
    shot(phone, "presenter-student-locked-hand")
    queue = teacher.get_by_test_id("hand-queue")
    expect(queue.locator("li", has_text=names[0])).to_be_visible()
    row = teacher.get_by_test_id("roster").locator("li", has_text=names[0])
    expect(row.locator("[data-live-hand-mark] svg")).to_be_visible()

    # The end: the hand queue empties, the projector says so, a reload shows the ended screen.
    teacher.get_by_test_id("end").click()
    teacher.get_by_test_id("confirm").get_by_test_id("confirm-ok").click()
    expect(teacher.get_by_test_id("report-link")).to_be_visible()
    expect(queue.locator("li")).to_have_count(0)
    expect(projector.get_by_test_id("ended")).to_be_visible()
    expect(phone.get_by_test_id("ended")).to_be_visible()
    student_url = phone.url
    response = phone.reload()
    assert response is not None and response.status == 200
    expect(phone).to_have_url(student_url)
    expect(phone.get_by_test_id("ended")).to_be_visible()
    expect(phone.get_by_test_id("ended")).to_contain_text("수업이 끝났어요")
    shot(phone, "presenter-student-ended-reload")
    shot(projector, "presenter-projector-ended")
    teacher.goto(console_url)
    expect(teacher.get_by_test_id("report-link")).to_be_visible()
    expect(slide_of(phone)).to_have_count(0)
