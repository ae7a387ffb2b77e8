"""The report of a live session: real sessions run through the real services, then read as the
teacher's page, the CSV download and the class page."""

from __future__ import annotations

import csv
import io
import uuid
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from classrooms.live import services
from classrooms.live.models import LiveResponse
from classrooms.live.report import session_report
from classrooms.models import Classroom
from classrooms.services import StudentEntry, students_add
from edu.accounts.models import User
from edu.spreadsheets import csv_safe
from tests.factories import build_library
from tests.helpers import submit_answer, use_english

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(personas, tmp_path):
    return build_library(tmp_path, extra_text_blocks=4)  # two extra numeric questions at the end


@pytest.fixture
def lesson(library):
    return library.lesson


def ids(lesson) -> dict[str, str]:
    """The first activity of each kind."""
    found: dict[str, str] = {}
    for block in lesson.body.raw_data:
        found.setdefault(block["type"], block["id"])
    return found


def enrol(classroom: Classroom, *names: tuple[str, int]) -> list[User]:
    cards = students_add(classroom=classroom, entries=[StudentEntry(name, number) for name, number in names])
    return [User.objects.get(pk=card.user_id) for card in cards]


def answer(session, participant, block_id: str, value) -> LiveResponse:
    return submit_answer(session, participant, client_id=uuid.uuid4(), block_id=block_id, answer=value).answer


def ask(session, block_id: str, answers: list[tuple[object, object]]) -> None:
    services.question_open(session, block_id)
    for participant, value in answers:
        answer(session, participant, block_id, value)
    services.results_reveal(session)


@pytest.fixture
def ran(personas, lesson):
    """A finished class session: three students, four questions asked (numeric, multiple choice,
    true/false, poll), short answer and open response never opened, one student removed."""
    minjun, jiho = enrol(personas.classroom, ("김민준", 1), ("박지호", 2))
    session = services.session_run(
        services.session_start(teacher=personas.teacher, lesson=lesson, classroom=personas.classroom)
    )
    seoyeon_p = services.participant_join(session, personas.student)  # 이서연, number 7
    minjun_p = services.participant_join(session, minjun)
    jiho_p = services.participant_join(session, jiho)
    block = ids(lesson)
    ask(session, block["numeric"], [(seoyeon_p, "3/4"), (minjun_p, "0.5"), (jiho_p, "0.75")])
    ask(session, block["multiple_choice"], [(seoyeon_p, [2]), (minjun_p, [0])])
    ask(session, block["true_false"], [(seoyeon_p, True), (minjun_p, True)])
    ask(session, block["poll"], [(minjun_p, 1)])
    services.participant_remove(session, jiho_p.pk)
    return services.session_end(session)


def report_url(session) -> str:
    return reverse("live:report", args=[session.pk])


def csv_url(session) -> str:
    return reverse("live:report_csv", args=[session.pk])


# --- the selector -------------------------------------------------------------------------------


def test_report_marks_answers_and_sums_per_question_student_and_standard(ran, lesson):
    report = session_report(ran)
    by_kind = {q.kind: q for q in report.questions if q.block_id in ids(lesson).values()}
    assert [q.number for q in report.questions] == list(range(1, 9))  # six kinds + two extra numeric

    # rows: class students by number, the removed one last and marked
    assert [(s.name, s.student_number, s.removed) for s in report.students] == [
        ("김민준", 1, False),
        ("이서연", 7, False),
        ("박지호", 2, True),
    ]
    minjun, seoyeon, jiho = report.students
    cells = {c.question.kind: c for c in seoyeon.cells if c.question.block_id in ids(lesson).values()}
    assert (cells["numeric"].mark, cells["numeric"].answer) == ("✓", "0.75")
    assert (cells["multiple_choice"].mark, cells["multiple_choice"].answer) == ("✓", "3/4")
    assert cells["true_false"].mark == "✓"
    assert cells["poll"].status == "unanswered" and cells["poll"].mark == ""
    assert cells["short_answer"].status == "not_asked"
    minjun_cells = {c.question.kind: c for c in minjun.cells if c.question.block_id in ids(lesson).values()}
    assert (minjun_cells["numeric"].mark, minjun_cells["multiple_choice"].answer) == ("✗", "1/4")
    assert (minjun_cells["poll"].mark, minjun_cells["poll"].answer) == ("–", "보통")
    assert all(c.seconds is not None and c.seconds >= 0 for c in seoyeon.cells if c.answered)

    # per student: score out of the points of the checked questions asked (2 + 1 + 1)
    assert (seoyeon.score, seoyeon.max_score, seoyeon.answered) == (4, 4, 3)
    assert (minjun.score, minjun.answered) == (1, 4)
    assert jiho.answered == 1 and jiho.cells[0].mark == "✓"

    # per question: the removed student's answer is not counted
    numeric = by_kind["numeric"]
    assert (numeric.answered, numeric.checked, numeric.correct, numeric.percent_correct) == (2, 2, 1, 50)
    assert by_kind["true_false"].percent_correct == 100
    assert by_kind["poll"].percent_correct is None and by_kind["poll"].answered == 1
    assert not by_kind["short_answer"].asked and not by_kind["open_response"].asked
    stored = LiveResponse.objects.filter(
        session=ran, block_id=numeric.block_id, participant__removed=False
    ).values_list("elapsed_ms", flat=True)
    assert numeric.average_seconds == round(sum(stored) / len(stored) / 1000, 1)

    # per standard: [4수01-10] tags numeric, multiple choice, true/false, short answer, open response
    # and both extra numeric questions; asked: 3, answers 6, correct 1 + 1 + 2 = 4 → 67 %
    [standard] = report.standards
    assert (standard.code, standard.questions, standard.asked) == ("[4수01-10]", 7, 3)
    assert (standard.answers, standard.checked, standard.correct, standard.percent_correct) == (6, 6, 4, 67)
    assert standard.content.startswith("단위분수")


def test_lessons_saved_by_the_editor_read_the_same(personas, lesson, library):
    """The editor stores list items as {"type": "item", "value": ..., "id": ...}; fixtures store plain values."""
    from courses.pages import LessonPage

    page = LessonPage.objects.get(pk=lesson.pk)
    list(page.body)  # convert every block, so saving writes the editor's format
    page.save_revision().publish()
    page = LessonPage.objects.get(pk=lesson.pk)
    mc = next(b for b in page.body.raw_data if b["type"] == "multiple_choice")
    assert mc["value"]["choices"][0]["type"] == "item"  # the format under test

    session = services.session_run(
        services.session_start(teacher=personas.teacher, lesson=page, classroom=personas.classroom)
    )
    me = services.participant_join(session, personas.student)
    block = ids(page)
    ask(session, block["multiple_choice"], [(me, [2])])
    ask(session, block["poll"], [(me, 2)])
    report = session_report(session)
    answers = {c.question.kind: c.answer for c in report.students[0].cells if c.answered}
    assert answers == {"multiple_choice": "3/4", "poll": "아니요"}
    [standard] = report.standards
    assert (standard.code, standard.asked, standard.percent_correct) == (library.standard.code, 1, 100)


def test_guests_of_an_open_session_are_listed_by_nickname(personas, lesson):
    session = services.session_run(services.session_start(teacher=personas.teacher, lesson=lesson))
    guest = services.guest_join(session, "별님")
    block = ids(lesson)
    ask(session, block["short_answer"], [(guest, "단위 분수")])
    report = session_report(session)
    [row] = report.students
    assert (row.name, row.guest, row.student_number, row.removed) == ("별님", True, None, False)
    cell = next(c for c in row.cells if c.question.block_id == block["short_answer"])
    assert (cell.mark, cell.answer, cell.score) == ("✓", "단위 분수", 1)


def test_report_queries_do_not_grow_with_students_or_questions(personas, lesson, django_assert_num_queries):
    block = ids(lesson)
    numeric_ids = [b["id"] for b in lesson.body.raw_data if b["type"] == "numeric"]

    small = services.session_run(
        services.session_start(teacher=personas.teacher, lesson=lesson, classroom=personas.classroom)
    )
    ask(small, block["numeric"], [(services.participant_join(small, personas.student), "0.75")])
    services.session_end(small)

    big = services.session_run(
        services.session_start(teacher=personas.teacher, lesson=lesson, classroom=personas.classroom)
    )
    students = [personas.student, *enrol(personas.classroom, *[(f"학생{i}", 10 + i) for i in range(6)])]
    participants = [services.participant_join(big, s) for s in students]
    for block_id in numeric_ids:
        ask(big, block_id, [(p, "1") for p in participants])
    ask(big, block["true_false"], [(p, False) for p in participants])
    services.session_end(big)

    for session in (small, big):
        fresh = type(session).objects.select_related("lesson").get(pk=session.pk)
        with django_assert_num_queries(3):  # participants + users, responses, standards
            session_report(fresh)


# --- the page and the CSV -----------------------------------------------------------------------


def test_teacher_sees_the_report_page(client, personas, ran):
    use_english(client)
    client.force_login(personas.teacher)
    response = client.get(report_url(ran))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Report: 분수란 무엇일까요?" in page
    assert 'data-testid="still-running"' not in page
    assert "김민준" in page and "이서연" in page and "(Removed)" in page
    assert "Not asked" in page and "50% correct" in page
    assert 'data-standard="[4수01-10]"' in page and "67%" in page
    assert 'data-status="correct"' in page and 'data-status="incorrect"' in page
    assert csv_url(ran) in page
    assert response.context["report"].students[1].score == 4


def test_co_teacher_sees_a_running_session_with_a_console_link(client, personas, lesson):
    use_english(client)
    session = services.session_run(
        services.session_start(teacher=personas.teacher, lesson=lesson, classroom=personas.classroom)
    )
    client.force_login(personas.co_teacher)
    page = client.get(report_url(session)).content.decode()
    assert 'data-testid="still-running"' in page
    assert f'href="/live/{session.pk}/console/"' in page
    assert 'data-testid="report-empty"' in page and "Nobody has joined this session." in page


@pytest.mark.parametrize("persona", ["student", "unrelated_teacher", "outsider"])
def test_others_get_not_found(client, personas, ran, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(report_url(ran)).status_code == 404
    assert client.get(csv_url(ran)).status_code == 404


def test_class_teachers_cannot_see_an_open_session_they_did_not_start(client, personas, lesson):
    session = services.session_run(services.session_start(teacher=personas.teacher, lesson=lesson))
    services.guest_join(session, "손님")
    client.force_login(personas.co_teacher)
    assert client.get(report_url(session)).status_code == 404
    client.force_login(personas.teacher)
    assert client.get(report_url(session)).status_code == 200


def test_signed_in_participant_of_an_open_session_gets_not_found(client, personas, lesson):
    session = services.session_run(services.session_start(teacher=personas.teacher, lesson=lesson))
    services.participant_join(session, personas.outsider)
    client.force_login(personas.outsider)
    assert client.get(report_url(session)).status_code == 404


@pytest.mark.parametrize("url", [report_url, csv_url])
def test_anonymous_users_are_sent_to_sign_in(client, ran, url):
    response = client.get(url(ran))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def read_csv(response) -> list[list[str]]:
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8")[1:])))


def test_csv_has_a_bom_a_header_and_a_row_per_student_and_asked_question(client, personas, ran):
    use_english(client)
    client.force_login(personas.teacher)
    response = client.get(csv_url(ran))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    day = timezone.localdate(ran.created_at).isoformat()
    assert quote(f"분수란-무엇일까요-{day}.csv") in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment;")
    rows = read_csv(response)
    assert rows[0] == [
        "No.",
        "Name",
        "Notes",
        "Question",
        "Attempt",
        "Counts",
        "Question text",
        "Type",
        "Student answer",
        "Result",
        "Score",
        "Points",
        "Seconds",
        "Achievement standards",
    ]
    assert len(rows) == 1 + 3 * 4  # three students × four asked questions
    first = rows[1]
    assert first[:11] == ["1", "김민준", "", "Q1", "1", "✓", "3/4를 소수로 쓰면?", "Number", "0.5", "✗", "0"]
    assert first[11] == "2" and first[13] == "[4수01-10]"
    assert float(first[12]) >= 0
    poll = next(r for r in rows if r[1] == "김민준" and r[7] == "Poll")
    assert (poll[8], poll[9], poll[11]) == ("보통", "–", "")
    true_false = next(r for r in rows if r[1] == "이서연" and r[7] == "True or false")
    assert (true_false[8], true_false[9], true_false[10]) == ("True", "✓", "1")
    removed = [r for r in rows if r[1] == "박지호"]
    assert {r[2] for r in removed} == {"Removed"} and removed[0][9] == "✓"
    unanswered = next(r for r in rows if r[1] == "이서연" and r[7] == "Poll")
    assert unanswered[4:6] == ["", ""] and unanswered[8:11] == ["", "", ""]


def test_csv_in_korean_says_참_and_keeps_hangul(client, personas, ran):
    client.force_login(personas.teacher)
    rows = read_csv(client.get(csv_url(ran)))
    assert any(r[1] == "이서연" and r[8] == "참" for r in rows[1:])


def test_csv_neutralises_formulas_from_guests(client, personas, lesson):
    session = services.session_run(services.session_start(teacher=personas.teacher, lesson=lesson))
    block = ids(lesson)
    prankster = services.guest_join(session, "=HYPERLINK(1)")
    other = services.guest_join(session, "@별님")
    services.question_open(session, block["short_answer"])
    answer(session, prankster, block["short_answer"], "+cmd|' /C calc'!A0")
    answer(session, other, block["short_answer"], "단위분수")
    services.question_open(session, block["numeric"])
    answer(session, other, block["numeric"], "-2")
    use_english(client)
    client.force_login(personas.teacher)
    rows = read_csv(client.get(csv_url(session)))
    names = {r[1] for r in rows[1:]}
    assert names == {"'=HYPERLINK(1)", "'@별님"}
    assert "'+cmd|' /C calc'!A0" in [r[8] for r in rows]
    assert "'-2" in [r[8] for r in rows]
    assert {r[2] for r in rows[1:]} == {"Guest"}


@pytest.mark.parametrize(
    ("value", "safe"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\t=1", "'\t=1"), ("1-2", "1-2"), ("", "")],
)
def test_csv_safe(value, safe):
    assert csv_safe(value) == safe


def test_report_and_csv_page_query_counts_are_constant(client, personas, lesson):
    numeric_ids = [b["id"] for b in lesson.body.raw_data if b["type"] == "numeric"]
    client.force_login(personas.teacher)

    def counts(session) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as page:
            assert client.get(report_url(session)).status_code == 200
        with CaptureQueriesContext(connection) as download:
            assert client.get(csv_url(session)).status_code == 200
        return len(page), len(download)

    small = services.session_run(
        services.session_start(teacher=personas.teacher, lesson=lesson, classroom=personas.classroom)
    )
    ask(small, numeric_ids[0], [(services.participant_join(small, personas.student), "0.75")])
    services.session_end(small)
    small_counts = counts(small)

    big = services.session_run(
        services.session_start(teacher=personas.teacher, lesson=lesson, classroom=personas.classroom)
    )
    students = [personas.student, *enrol(personas.classroom, *[(f"학생{i}", 10 + i) for i in range(8)])]
    participants = [services.participant_join(big, s) for s in students]
    for block_id in numeric_ids:
        ask(big, block_id, [(p, "2") for p in participants])
    services.session_end(big)
    assert counts(big) == small_counts
    page, download = small_counts
    assert page <= 10 and download <= 9, small_counts


# --- the class page -----------------------------------------------------------------------------


def live_sessions_shown(response) -> list:
    """The sessions the class page's live-session section (registered by live sessions) lists."""
    [section] = [s for s in response.context["sections"] if s.template == "classrooms/live_sessions_section.html"]
    return list(section.context["sessions"])


def test_class_page_lists_live_sessions_newest_first(client, personas, lesson):
    use_english(client)
    first = services.session_run(
        services.session_start(teacher=personas.teacher, lesson=lesson, classroom=personas.classroom)
    )
    services.participant_join(first, personas.student)
    services.session_end(first)
    second = services.session_start(teacher=personas.teacher, lesson=lesson, classroom=personas.classroom)
    other = services.session_start(
        teacher=personas.unrelated_teacher, lesson=lesson, classroom=personas.other_classroom
    )
    client.force_login(personas.co_teacher)
    response = client.get(reverse("classrooms:detail", args=[personas.classroom.pk]))
    page = response.content.decode()
    assert "Live sessions" in page
    shown = list(live_sessions_shown(response))
    assert [s.pk for s in shown] == [second.pk, first.pk]
    assert [(s.lesson_title, s.participant_count, s.state) for s in shown] == [
        ("분수란 무엇일까요?", 0, "lobby"),
        ("분수란 무엇일까요?", 1, "ended"),
    ]
    assert f'href="{report_url(first)}"' in page and f'href="{report_url(second)}"' in page
    assert f'href="/live/{second.pk}/console/"' in page
    assert f'href="/live/{first.pk}/console/"' not in page
    assert f'data-session="{other.pk}"' not in page
    assert "Waiting to start" in page and "Ended" in page


def test_class_page_without_sessions_says_so(client, personas):
    use_english(client)
    client.force_login(personas.teacher)
    page = client.get(reverse("classrooms:detail", args=[personas.classroom.pk])).content.decode()
    assert "No live sessions yet." in page


def test_class_page_shows_the_latest_twenty_and_a_constant_number_of_queries(client, personas, lesson):
    use_english(client)
    client.force_login(personas.teacher)
    url = reverse("classrooms:detail", args=[personas.classroom.pk])

    def run_one() -> None:
        session = services.session_run(
            services.session_start(teacher=personas.teacher, lesson=lesson, classroom=personas.classroom)
        )
        services.participant_join(session, personas.student)
        services.session_end(session)

    run_one()
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(21):
        run_one()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(one) <= 12  # the roster test's ceiling for this page
    assert len(live_sessions_shown(response)) == 20
    assert "The latest 20 of 22 sessions." in response.content.decode()


# --- a question asked again ---------------------------------------------------------------------


def asked_twice(personas, lesson):
    """The numeric question asked, discussed and asked again: 김민준 wrong then right, 이서연 right
    the first time only (she did not answer again)."""
    minjun, *_ = enrol(personas.classroom, ("김민준", 1))
    session = services.session_run(
        services.session_start(teacher=personas.teacher, lesson=lesson, classroom=personas.classroom)
    )
    seoyeon_p = services.participant_join(session, personas.student)
    minjun_p = services.participant_join(session, minjun)
    block = ids(lesson)["numeric"]
    ask(session, block, [(seoyeon_p, "0.75"), (minjun_p, "0.5")])
    services.question_open(session, block, again=True)
    answer(session, minjun_p, block, "3/4")
    services.results_reveal(session)
    return services.session_end(session), block


def test_a_question_asked_again_shows_both_attempts_and_the_last_answer_counts(personas, lesson):
    session, block = asked_twice(personas, lesson)
    report = session_report(session)
    question = next(q for q in report.questions if q.block_id == block)
    assert question.asked_again and report.asked_again
    assert [(r.attempt, r.answered, r.correct, r.percent_correct) for r in question.rounds] == [
        (1, 2, 1, 50),
        (2, 1, 1, 100),
    ]
    assert (question.answered, question.correct) == (2, 2)  # each student's last answer
    minjun = next(s for s in report.students if s.name == "김민준")
    cell = next(c for c in minjun.cells if c.question is question)
    assert (cell.attempt, cell.answer, cell.mark, cell.score) == (2, "0.75", "✓", 2)  # 3/4, as stored
    assert [(e.attempt, e.answer, e.mark) for e in cell.earlier] == [(1, "0.5", "✗")]
    assert minjun.score == 2
    seoyeon = next(s for s in report.students if s.name == "이서연")
    cell = next(c for c in seoyeon.cells if c.question is question)
    assert (cell.attempt, cell.mark, cell.earlier) == (1, "✓", ())


def test_the_page_and_the_csv_show_both_attempts(client, personas, lesson):
    session, _block = asked_twice(personas, lesson)
    client.force_login(personas.teacher)
    page = client.get(report_url(session)).content.decode()
    assert "2회 물어봄" in page or "Asked 2 times" in page
    assert 'data-testid="earlier-answer" data-attempt="1"' in page
    assert 'data-attempt="2"' in page
    use_english(client)
    rows = read_csv(client.get(csv_url(session)))
    numeric = [r for r in rows[1:] if r[3] == "Q1"]
    assert [(r[1], r[4], r[5], r[8], r[9]) for r in numeric] == [
        ("김민준", "1", "", "0.5", "✗"),
        ("김민준", "2", "✓", "0.75", "✓"),
        ("이서연", "1", "✓", "0.75", "✓"),
    ]
