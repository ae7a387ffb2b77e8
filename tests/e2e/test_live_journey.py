"""Journeys 2 and 3 of DESIGN.md in a real Chromium, with a teacher and three students.

Journey 2: the teacher starts a library lesson live for a class; students join with the
6-character code (and one with the QR card's link); the teacher advances slides, opens questions,
watches the tally and the roster fill up as students answer, reveals the results, ends the session
(through the confirmation dialog) and reads the report (per student, per question, per achievement
standard), downloads its CSV and finds the report again from the class page.

Journey 3: one student's tablet drops off the network mid-question and comes back. It lands on
the current slide with its earlier answers intact; an answer given while offline waits in the
outbox and is sent on the way back; an answer whose acknowledgement was lost with the network is
re-sent and not counted twice; a reload keeps the same participant. The tally, the report and
the CSV show exactly one answer per student per question.

How the tablet drops off the network. Playwright's `context.set_offline(True)` (CDP
`Network.emulateNetworkConditions` with `offline: true`, which we tried too) turns
`navigator.onLine` false, fires `offline` and fails new requests and WebSocket handshakes, but in
Chromium (checked with 156) it does not close a WebSocket that is already open: frames sent
meanwhile are held and delivered once back online, so the socket never drops. `page.route` does
not see WebSockets, and `page.route_web_socket` swaps the page's WebSocket for Playwright's own
stand-in, which would no longer test Chromium's socket. A real Wi-Fi drop kills the connection.
So that student's browser reaches the server through `NetworkCut` (tests/e2e/netcut.py), a TCP
relay that resets every relayed connection and refuses new ones until restored: the open socket
really dies and reconnects really fail. Both together, as on a tablet: the browser knows it is
offline, and its connections are gone.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from classrooms.management.commands.demo_data import demo_code
from tests.e2e.netcut import NetworkCut
from tests.e2e.steps import shot, teacher_signs_in

pytestmark = pytest.mark.e2e

TABLET = (1024, 768)
PHONE = (390, 844)
PORTRAIT_TABLET = (820, 1180)


# --- steps -----------------------------------------------------------------------------------


def student_signs_in(page: Page, base: str, username: str) -> str:
    """Signs a demo student in with their login card's code; returns their display name."""
    page.goto(f"{base}/accounts/login/code/")
    page.get_by_label("로그인 코드").fill(demo_code(username))
    page.get_by_role("button", name="로그인").click()
    greeting = page.get_by_role("heading", name=re.compile(r"^안녕하세요, .+ 학생!$"))
    expect(greeting).to_be_visible()
    match = re.fullmatch(r"안녕하세요, (.+) 학생!", greeting.inner_text().strip())
    assert match is not None
    return match.group(1)


def teacher_starts_live(teacher: Page, live_url: str, course: str, lesson: str, classroom: str) -> str:
    """From the library: the lesson page's "Teach live" form, for one class. Returns the code."""
    teacher_signs_in(teacher, live_url)
    teacher.get_by_role("link", name="라이브러리").click()
    teacher.get_by_role("link", name=re.compile(course)).click()
    teacher.get_by_role("link", name=lesson, exact=True).click()
    start = teacher.get_by_test_id("live-start")
    start.get_by_label("학급").select_option(label=classroom)
    start.get_by_role("button", name="실시간 수업하기").click()
    expect(teacher).to_have_url(re.compile(r"/live/\d+/console/$"))
    expect(teacher.get_by_role("heading", level=1)).to_have_text(lesson)
    expect(teacher.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    code = teacher.get_by_test_id("code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{6}", code), code
    return code


def joins(page: Page) -> None:
    """Presses the join form's button and waits for the live view to connect."""
    page.get_by_test_id("live-join").get_by_role("button", name="참여").click()
    expect(page).to_have_url(re.compile(r"/live/\d+/$"))
    expect(page.locator("[data-live-student][data-ready='1']")).to_be_attached()
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")


def joins_with_code(page: Page, base: str, typed: str) -> None:
    page.goto(f"{base}/live/join/")
    page.get_by_label("수업 코드").fill(typed)
    joins(page)


def slide_of(page: Page) -> Locator:
    return page.get_by_test_id("slide")


def question(page: Page, number: int = 1) -> Locator:
    """The `number`-th question form of the slide the student sees."""
    return slide_of(page).locator("form[data-activity]").nth(number - 1)


def answers(page: Page, *, number: int = 1, choice: str | None = None, text: str | None = None) -> Locator:
    """The student answers the open question: ticks `choice` (an input's value) or types `text`."""
    form = question(page, number)
    expect(form).to_have_attribute("data-question", "open")
    if choice is not None:
        form.locator(f"input[name='answer'][value='{choice}']").check()
    if text is not None:
        form.locator("[name='answer']").fill(text)
    form.locator("button[type='submit']").click()
    return form


def expect_saved(form: Locator) -> None:
    status = form.get_by_test_id("answer-status")
    expect(status).to_have_attribute("data-state", "acked")
    expect(status).to_have_text("저장됨")


def expect_pending(form: Locator) -> None:
    status = form.get_by_test_id("answer-status")
    expect(status).to_have_attribute("data-state", "pending")
    expect(status).to_have_text("보내는 중…")


def roster_row(teacher: Page, name: str) -> Locator:
    return teacher.get_by_test_id("roster").locator("li", has_text=name)


def opens_question(teacher: Page, number: int = 1) -> None:
    """Open the slide's ``number``-th question (the status names the lesson's question number)."""
    teacher.get_by_test_id("preview").get_by_test_id("open-question").nth(number - 1).click()
    expect(teacher.get_by_test_id("question-status")).to_have_text(re.compile(r"^문제 \d+이\(가\) 열려 있어요\.$"))
    expect(teacher.get_by_test_id("question-status")).to_have_attribute("data-question", "open")


def goes_to_slide(teacher: Page, index: int) -> None:
    teacher.get_by_test_id("jump").select_option(str(index))
    teacher.locator("form[data-live-jump-form]").get_by_role("button").click()
    expect(teacher.get_by_test_id("preview").locator(f"[data-slide-index='{index}']")).to_be_attached()


def ends_session(teacher: Page, students: list[Page]) -> None:
    """The end button asks first: cancelling keeps the session, confirming ends it for everyone."""
    dialog = teacher.get_by_test_id("confirm")
    teacher.get_by_test_id("end").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("모두의 수업을 끝낼까요?")
    dialog.get_by_test_id("confirm-cancel").click()
    expect(dialog).to_be_hidden()
    expect(teacher.get_by_test_id("report-link")).to_be_hidden()
    teacher.get_by_test_id("end").click()
    dialog.get_by_test_id("confirm-ok").click()
    expect(teacher.get_by_test_id("report-link")).to_be_visible()
    expect(teacher.locator("[data-live-console]")).to_have_attribute("data-state", "ended")
    for student in students:
        expect(student.get_by_test_id("ended")).to_be_visible()
        expect(student.get_by_test_id("ended")).to_contain_text("수업이 끝났어요")
        expect(slide_of(student)).to_be_hidden()


def shot_at(page: Page, name: str, size: tuple[int, int]) -> None:
    """A screenshot at another width, then back to the page's own size."""
    own = page.viewport_size
    page.set_viewport_size({"width": size[0], "height": size[1]})
    shot(page, name)
    if own is not None:
        page.set_viewport_size(own)


def report_rows(report: Page) -> dict[str, Locator]:
    rows = report.get_by_test_id("report-grid").locator("tbody tr")
    names = [row.locator("th").inner_text().strip() for row in rows.all()]
    return {name: rows.nth(i) for i, name in enumerate(names)}


def download_csv(report: Page) -> list[dict[str, str]]:
    with report.expect_download() as download:
        report.get_by_test_id("report-csv").click()
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "the BOM lets Excel read Hangul"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def one_row_per_student_and_question(rows: list[dict[str, str]], names: list[str], questions: int) -> None:
    pairs = [(row["이름"], row["문제"]) for row in rows]
    assert len(pairs) == len(set(pairs)), f"an answer is counted twice: {pairs}"
    assert sorted({name for name, _ in pairs}) == sorted(names)
    assert len(rows) == len(names) * questions


@pytest.fixture
def network_cut(live_url: str) -> Iterator[NetworkCut]:
    relay = NetworkCut(int(live_url.rsplit(":", 1)[1]))
    yield relay
    relay.close()


# --- journey 2 -------------------------------------------------------------------------------


def test_teacher_runs_a_lesson_live_and_reads_the_report(live_url, new_page):
    lesson = "분수란 무엇일까요?"
    teacher = new_page(*TABLET)
    code = teacher_starts_live(teacher, live_url, "초등 4학년 수학", lesson, "초4 4학년 2반")
    expect(teacher.locator(".live-qr svg")).to_be_visible()
    expect(teacher.get_by_test_id("start")).to_be_visible()
    expect(teacher.locator("[data-live-roster-empty]")).to_be_visible()
    shot(teacher, "live-console-lobby")

    # Three students: two tablets and a phone. Two type the code, one opens the QR card's link.
    a, b, c = new_page(*TABLET), new_page(*PHONE), new_page(*PORTRAIT_TABLET)
    names = [
        student_signs_in(page, live_url, username)
        for page, username in ((a, "demo-s1-01"), (b, "demo-s1-02"), (c, "demo-s1-03"))
    ]
    students = [a, b, c]
    expect(a.get_by_test_id("live-now")).to_contain_text(lesson)  # the home page says a lesson is live
    joins_with_code(a, live_url, code)
    qr_link = teacher.locator(".live-join-url").get_attribute("href") or ""
    assert qr_link == f"{live_url}/live/join/#{code}"
    b.goto(qr_link)
    expect(b.get_by_label("수업 코드")).to_have_value(code)
    joins(b)
    joins_with_code(c, live_url, f" {code[:3].lower()} {code[3:].lower()} ")  # as a child types it
    for student, name in zip(students, names, strict=True):
        expect(student.get_by_test_id("lobby")).to_be_visible()
        expect(student.locator(".live-title")).to_contain_text(name)
    expect(teacher.get_by_test_id("roster").locator("li:not([data-status='absent'])")).to_have_count(3)
    expect(teacher.locator("[data-live-roster-count]")).to_have_text(re.compile(r"^\d+명 중 3명 연결됨$"))
    for name in names:
        expect(roster_row(teacher, name)).to_have_attribute("data-status", "connected")
    shot(b, "live-student-lobby-phone")

    # The lesson starts on slide 1; "next" moves everyone to slide 2.
    teacher.get_by_test_id("start").click()
    expect(teacher.get_by_test_id("slide-no")).to_have_text("1 / 5")
    expect(teacher.get_by_test_id("start")).to_be_hidden()
    for student in students:
        expect(slide_of(student)).to_have_attribute("data-index", "0")
        expect(student.get_by_test_id("lobby")).to_be_hidden()
    teacher.get_by_test_id("next").click()
    expect(teacher.get_by_test_id("slide-no")).to_have_text("2 / 5")
    for student in students:
        expect(slide_of(student)).to_have_attribute("data-index", "1")
        expect(slide_of(student).get_by_role("heading", level=2)).to_contain_text("분수의 뜻")
        expect(question(student)).to_have_attribute("data-question", "closed")

    # A true/false question: the tally and the roster follow each answer as it arrives.
    opens_question(teacher)
    tally = teacher.get_by_test_id("tally-answered")
    expect(tally).to_have_text("0 / 3")
    for count, (student, name, choice) in enumerate(zip(students, names, ("false", "false", "true"), strict=True), 1):
        expect(roster_row(teacher, name)).to_have_attribute("data-answered", "false")
        expect_saved(answers(student, choice=choice))
        expect(tally).to_have_text(f"{count} / 3")
        expect(roster_row(teacher, name)).to_have_attribute("data-answered", "true")
    expect(teacher.get_by_test_id("tally-correct")).to_have_text("2")
    expect(teacher.get_by_test_id("tally-bars").locator("li")).to_have_count(2)
    expect(question(a).locator("input[value='false']")).to_be_disabled()  # answered: no second try
    expect(a.get_by_test_id("results")).to_be_hidden()  # no verdict before the reveal

    # Reveal (names hidden by default): each student sees their own verdict and the answer.
    teacher.get_by_test_id("reveal").click()
    expect(teacher.get_by_test_id("results")).to_be_visible()
    for student, verdict in zip(students, ("correct", "correct", "incorrect"), strict=True):
        results = student.get_by_test_id("results")
        expect(results).to_be_visible()
        expect(results.locator("[data-mine]")).to_have_attribute("data-mine", verdict)
        expect(results).to_contain_text("정답이에요!" if verdict == "correct" else "다시 생각해 봐요.")
        expect(results.get_by_test_id("correct-answer")).to_contain_text("거짓")
        expect(results.locator(".live-names")).to_have_count(0)
    shot(a, "live-student-results-tablet")
    shot(b, "live-student-results-phone")

    # Jump to slide 4 (two questions): a multiple-choice question, revealed with names.
    goes_to_slide(teacher, 3)
    expect(teacher.get_by_test_id("slide-no")).to_have_text("4 / 5")
    for student in students:
        expect(slide_of(student)).to_have_attribute("data-index", "3")
        expect(student.get_by_test_id("results")).to_be_hidden()
    opens_question(teacher, 1)
    expect(question(a, 2)).to_have_attribute("data-question", "closed")  # only the first is open
    for student, choice in zip(students, ("1", "1", "0"), strict=True):
        expect_saved(answers(student, choice=choice))
    expect(tally).to_have_text("3 / 3")
    expect(teacher.get_by_test_id("tally-correct")).to_have_text("2")
    shot(teacher, "live-console-tablet")
    shot_at(teacher, "live-console-phone", PHONE)
    shot(a, "live-student-answered-tablet")
    shot(b, "live-student-answered-phone")
    teacher.get_by_test_id("anonymous").uncheck()
    teacher.get_by_test_id("reveal").click()
    expect(teacher.get_by_test_id("results")).to_contain_text(names[0])
    for student, verdict in zip(students, ("correct", "correct", "incorrect"), strict=True):
        results = student.get_by_test_id("results")
        expect(results.locator("[data-mine]")).to_have_attribute("data-mine", verdict)
        expect(results.get_by_test_id("correct-answer")).to_contain_text("6분의 5")
        expect(results.locator(".live-names")).to_contain_text(names[0])
        expect(results.locator(".live-names")).to_contain_text(names[1])
        expect(results.locator(".live-names")).not_to_contain_text(names[2])

    ends_session(teacher, students)
    shot(a, "live-student-ended-tablet")
    shot(teacher, "live-console-ended")

    # The report: per student, per question, per achievement standard.
    teacher.get_by_test_id("report-link").click()
    expect(teacher).to_have_url(re.compile(r"/live/\d+/report/$"))
    report_url = teacher.url
    expect(teacher.get_by_role("heading", level=1)).to_have_text(f"보고서: {lesson}")
    expect(teacher.get_by_test_id("still-running")).to_have_count(0)
    rows = report_rows(teacher)
    assert sorted(rows) == sorted(names)
    for name, status in zip(names, ("correct", "correct", "incorrect"), strict=True):
        expect(rows[name].locator("td[data-status='correct'], td[data-status='incorrect']")).to_have_count(2)
        expect(rows[name].locator(f"td[data-status='{status}']")).to_have_count(2)
        expect(rows[name].get_by_test_id("student-total")).to_contain_text("2문제 중 2문제 답함")
    questions = teacher.get_by_test_id("question-table").locator("tbody tr")
    expect(questions.filter(has_text="3 / 3")).to_have_count(2)  # the two asked, three answers each
    expect(questions.filter(has_text="67%")).to_have_count(2)
    standard = teacher.get_by_test_id("standard-table").locator("tr[data-standard='[4수01-09]']")
    expect(standard).to_contain_text("2 / 5")
    expect(standard.get_by_test_id("standard-percent")).to_have_text("67%")
    shot(teacher, "live-report")
    shot_at(teacher, "live-report-phone", PHONE)

    rows_csv = download_csv(teacher)
    one_row_per_student_and_question(rows_csv, names, questions=2)
    by_key = {(row["이름"], row["문제 내용"][:10]): row for row in rows_csv}
    first = by_key[(names[0], "케이크를 크기가 서")]
    assert (first["번호"], first["학생 답"], first["결과"], first["점수"]) == ("1", "거짓", "✓", "1")
    assert first["성취기준"] == "[4수01-09]"
    last = by_key[(names[2], "초콜릿 한 판을 똑")]
    assert (last["번호"], last["학생 답"], last["결과"], last["점수"]) == ("3", "6분의 1", "✗", "0")

    # The class page lists the session and links to the same report.
    teacher.goto(f"{live_url}/")
    teacher.locator(".class-card", has_text="4학년 2반").click()
    session_row = teacher.get_by_test_id("live-sessions").locator("tbody tr", has_text=lesson)
    expect(session_row).to_have_count(1)
    expect(session_row.locator("td").nth(2)).to_have_text("종료됨")
    expect(session_row.locator("td").nth(3)).to_have_text("3")  # participants
    session_row.get_by_role("link", name=re.compile("보고서")).click()
    expect(teacher).to_have_url(report_url)
    expect(teacher.get_by_test_id("report-grid")).to_be_visible()


# --- journey 3 -------------------------------------------------------------------------------


def test_a_tablet_drops_off_the_network_mid_question_and_comes_back(live_url, new_page, network_cut):
    teacher = new_page(*TABLET)
    code = teacher_starts_live(
        teacher, live_url, "중학교 1학년 수학", "등식의 성질과 일차방정식의 풀이", "중1 1학년 3반"
    )
    a, b, c = new_page(*TABLET), new_page(*PHONE), new_page(*PORTRAIT_TABLET)
    tablet = c.context  # C's tablet reaches the server through the relay that can drop
    names = [
        student_signs_in(page, base, username)
        for page, base, username in (
            (a, live_url, "demo-s2-01"),
            (b, live_url, "demo-s2-02"),
            (c, network_cut.url, "demo-s2-03"),
        )
    ]
    students = [a, b, c]
    for student, base in zip(students, (live_url, live_url, network_cut.url), strict=True):
        joins_with_code(student, base, code)
    participant = c.locator("[data-live-student]").get_attribute("data-participant-id")
    expect(teacher.get_by_test_id("roster").locator("li:not([data-status='absent'])")).to_have_count(3)
    teacher.get_by_test_id("start").click()
    goes_to_slide(teacher, 2)  # two numeric questions on one slide
    for student in students:
        expect(slide_of(student)).to_have_attribute("data-index", "2")
    tally = teacher.get_by_test_id("tally-answered")

    # Question 1: everyone answers online.
    opens_question(teacher, 1)
    for student, text in zip(students, ("5", "5", "4"), strict=True):
        expect_saved(answers(student, number=1, text=text))
    expect(tally).to_have_text("3 / 3")

    # Question 2: C's tablet drops off the network mid-question.
    opens_question(teacher, 2)
    expect_saved(answers(a, number=2, text="7"))
    expect(tally).to_have_text("1 / 3")
    tablet.set_offline(True)
    network_cut.cut()
    # The badge says "offline" only once the socket is closed (an open socket wins over
    # navigator.onLine), and the server marks C as reconnecting once it saw the socket go.
    expect(c.get_by_test_id("connection")).to_have_attribute("data-state", "offline")
    expect(c.get_by_test_id("connection")).to_have_text("오프라인")
    expect(roster_row(teacher, names[2])).to_have_attribute("data-status", "reconnecting")
    expect(teacher.locator("[data-live-roster-count]")).to_have_text(re.compile(r"^\d+명 중 2명 연결됨$"))
    expect_saved(answers(b, number=2, text="7"))
    expect(tally).to_have_text("2 / 3")
    # C answers while offline: the answer waits in the outbox, and says so.
    expect_pending(answers(c, number=2, text="7"))
    expect(question(c, 1).locator("[name='answer']")).to_have_value("4")
    shot(c, "live-student-offline")
    expect(tally).to_have_text("2 / 3")
    expect(roster_row(teacher, names[2])).to_have_attribute("data-answered", "false")

    # Back online: the outbox sends the answer; the earlier answer is still there.
    network_cut.restore()
    tablet.set_offline(False)
    expect(c.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    expect_saved(question(c, 2))
    expect(tally).to_have_text("3 / 3")
    expect(roster_row(teacher, names[2])).to_have_attribute("data-answered", "true")
    expect(roster_row(teacher, names[2])).to_have_attribute("data-status", "connected")
    expect(slide_of(c)).to_have_attribute("data-index", "2")
    expect(question(c, 1).locator("[name='answer']")).to_have_value("4")
    expect_saved(question(c, 1))
    expect(question(c, 2).locator("[name='answer']")).to_have_value("7")

    # Next slide, one question. C's answer reaches the server, but the acknowledgement is lost
    # with the network; while C is away the teacher reveals and moves on.
    teacher.get_by_test_id("next").click()
    for student in students:
        expect(slide_of(student)).to_have_attribute("data-index", "3")
    opens_question(teacher, 1)
    for student in (a, b):
        expect_saved(answers(student, text="6"))
    expect(tally).to_have_text("2 / 3")
    network_cut.lose_replies()
    form = answers(c, text="6")
    expect(tally).to_have_text("3 / 3")  # stored on the server...
    expect_pending(form)  # ...but the tablet never heard back
    tablet.set_offline(True)
    network_cut.cut()
    expect(c.get_by_test_id("connection")).to_have_attribute("data-state", "offline")
    teacher.get_by_test_id("reveal").click()
    teacher.get_by_test_id("next").click()
    for student in (a, b):
        expect(slide_of(student)).to_have_attribute("data-index", "4")
    expect(slide_of(c)).to_have_attribute("data-index", "3")  # still where it dropped off

    # Back: C lands on the current slide; the re-sent answer is acknowledged as a duplicate and
    # leaves the outbox (kept in sessionStorage until acknowledged), and is not counted again.
    network_cut.restore()
    tablet.set_offline(False)
    expect(c.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    expect(slide_of(c)).to_have_attribute("data-index", "4")
    expect(c.locator("[data-live-slide-no]")).to_have_text("5 / 5")
    c.wait_for_function(
        """() => {
          const root = document.querySelector("[data-live-student]");
          const key = `baeum.outbox.live.${root.dataset.sessionId}.${root.dataset.participantId}`;
          const kept = sessionStorage.getItem(key);
          return kept === null || JSON.parse(kept).length === 0;
        }"""
    )
    expect(tally).not_to_have_text("3 / 3")  # a new slide leaves the closed question's tally (issue 12)

    # Back to that slide: C's answer is there, with its verdict.
    teacher.get_by_test_id("prev").click()
    expect(slide_of(c)).to_have_attribute("data-index", "3")
    expect(question(c).locator("[name='answer']")).to_have_value("6")
    expect_saved(question(c))
    expect(question(c)).to_have_attribute("data-result", "correct")  # the class moved on: the verdict stays

    # A reload lands on the current slide with the answer shown, as the same participant.
    c.reload()
    expect(c.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    expect(c.locator("[data-live-student]")).to_have_attribute("data-participant-id", participant or "")
    expect(slide_of(c)).to_have_attribute("data-index", "3")
    expect(question(c).locator("[name='answer']")).to_have_value("6")
    expect_saved(question(c))
    expect(question(c)).to_have_attribute("data-result", "correct")
    expect(teacher.get_by_test_id("roster").locator("li:not([data-status='absent'])")).to_have_count(3)
    expect(teacher.locator("[data-live-roster-count]")).to_have_text(re.compile(r"^\d+명 중 3명 연결됨$"))

    ends_session(teacher, students)  # the report below shows C's answer counted once

    # Exactly one answer per student per question, in the report and in the CSV.
    teacher.get_by_test_id("report-link").click()
    rows = report_rows(teacher)
    assert sorted(rows) == sorted(names)
    for name in names:
        expect(rows[name].get_by_test_id("student-total")).to_contain_text("3문제 중 3문제 답함")
    expect(rows[names[2]].locator("td[data-status='correct']")).to_have_count(2)
    expect(rows[names[2]].locator("td[data-status='incorrect']")).to_have_count(1)
    questions = teacher.get_by_test_id("question-table").locator("tbody tr")
    expect(questions.filter(has_text="3 / 3")).to_have_count(3)
    expect(teacher.get_by_test_id("summary-row").locator("td", has_text="답 3개")).to_have_count(3)
    rows_csv = download_csv(teacher)
    one_row_per_student_and_question(rows_csv, names, questions=3)
    assert [row["학생 답"] for row in rows_csv if row["이름"] == names[2]] == ["4", "7", "6"]
