"""The report of a live session: who answered what, how each question and each achievement standard
went. Read-only and built from a fixed number of queries (participants with their users, the
answers, the tagged standards), whatever the number of students or questions.

The lesson's questions are read from the body's raw JSON, so converting the stream (one snippet
query per block type, image lookups) never happens here. A question counts as *asked* when someone
answered it or it is the one opened last; the session keeps no record of other questions opened
without answers.
Removed participants keep their row, marked, but are left out of every summary.

A question asked again (peer instruction) has several attempts. A student's **last** answer is the
one that counts (their cell, score and the summaries; as in the learning record,
``classrooms/live/records.py``); their earlier answers show under it, and each question lists how
every attempt went (answers and share correct), so the teacher reads the change after the discussion.
The CSV has one row per attempt a student answered, with the attempt and which row counts.
Questions are numbered as everywhere else in live lessons (``selectors.question_numbers``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from classrooms.live.models import LiveResponse, LiveSession, Participant, SessionState
from classrooms.live.selectors import question_numbers
from courses import activities
from courses.curriculum import AchievementStandard
from courses.outline import raw_activities

MARK_CORRECT, MARK_INCORRECT, MARK_UNCHECKED = "✓", "✗", "–"


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass
class Round:
    """How one attempt of a question went (removed participants left out)."""

    attempt: int
    answered: int = 0
    checked: int = 0
    correct: int = 0

    @property
    def label(self) -> str:
        return _("Attempt %(n)d") % {"n": self.attempt}

    @property
    def percent_correct(self) -> int | None:
        return _percent(self.correct, self.checked)


@dataclass
class Question:
    block_id: str
    number: int
    kind: str
    kind_label: str
    prompt: str
    value: dict[str, Any]
    points: Decimal
    standard_ids: list[int]
    asked: bool
    in_lesson: bool = True
    standards: list[AchievementStandard] = field(default_factory=list)
    answered: int = 0
    checked: int = 0
    correct: int = 0
    seconds: list[float] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)  # one per attempt, when it was asked again

    @property
    def asked_again(self) -> bool:
        return len(self.rounds) > 1

    @property
    def label(self) -> str:
        return _("Q%(number)d") % {"number": self.number}

    @property
    def is_checked(self) -> bool:
        kind = activities.kind_of(self.kind)
        return kind is not None and kind.checked  # polls and open responses are never marked

    @property
    def percent_correct(self) -> int | None:
        return _percent(self.correct, self.checked)

    @property
    def average_seconds(self) -> float | None:
        return round(sum(self.seconds) / len(self.seconds), 1) if self.seconds else None


@dataclass(frozen=True)
class Earlier:
    """A student's answer to an earlier attempt of a question (it does not count)."""

    attempt: int
    answer: str
    correct: bool | None
    score: Decimal
    seconds: float | None

    @property
    def label(self) -> str:
        return _("Attempt %(n)d") % {"n": self.attempt}

    @property
    def mark(self) -> str:
        return _mark(self.correct)


def _mark(correct: bool | None) -> str:
    if correct is None:
        return MARK_UNCHECKED
    return MARK_CORRECT if correct else MARK_INCORRECT


@dataclass(frozen=True)
class Cell:
    question: Question
    answered: bool = False
    answer: str = ""
    correct: bool | None = None
    score: Decimal | None = None
    seconds: float | None = None
    attempt: int = 1  # of the answer that counts (the last one)
    earlier: tuple[Earlier, ...] = ()  # answers to earlier attempts, first first

    @property
    def status(self) -> str:
        """not_asked, unanswered, correct, incorrect or unchecked (answered, nothing to check)."""
        if not self.answered:
            return "unanswered" if self.question.asked else "not_asked"
        if self.correct is None:
            return "unchecked"
        return "correct" if self.correct else "incorrect"

    @property
    def mark(self) -> str:
        return _mark(self.correct) if self.answered else ""

    @property
    def attempt_label(self) -> str:
        return _("Attempt %(n)d") % {"n": self.attempt}


@dataclass
class StudentRow:
    participant_id: int
    name: str
    student_number: int | None
    guest: bool
    removed: bool
    cells: list[Cell]
    score: Decimal
    max_score: Decimal
    answered: int


@dataclass
class StandardRow:
    code: str
    content: str
    questions: int = 0  # questions of the lesson tagged with it
    asked: int = 0  # ... of which were asked
    answers: int = 0
    checked: int = 0
    correct: int = 0

    @property
    def percent_correct(self) -> int | None:
        return _percent(self.correct, self.checked)


@dataclass
class Report:
    session: LiveSession
    questions: list[Question]
    students: list[StudentRow]
    standards: list[StandardRow]

    @property
    def asked_questions(self) -> list[Question]:
        return [q for q in self.questions if q.asked]

    @property
    def asked_again(self) -> bool:
        return any(q.asked_again for q in self.questions)

    @property
    def max_score(self) -> Decimal:
        return _max_score(self.questions)

    @property
    def is_running(self) -> bool:
        return self.session.state != SessionState.ENDED

    @property
    def counted_students(self) -> int:
        return sum(1 for s in self.students if not s.removed)


def _max_score(questions: list[Question]) -> Decimal:
    """What a student could score: the points of the checked questions asked (polls and open
    responses are not scored automatically, questions never opened do not count)."""
    return sum((q.points for q in questions if q.asked and q.is_checked), Decimal(0))


def _participant_name(participant: Participant) -> str:
    user = participant.user
    return user.get_short_name() if user is not None else participant.nickname


def _questions(session: LiveSession, answered_blocks: set[str]) -> list[Question]:
    opened = {session.open_block_id, session.last_block_id, *(session.asked or {})} - {""}
    questions: list[Question] = []
    found = raw_activities(session.lesson)
    numbers = question_numbers([(a.block_id, a.kind) for a in found])
    for activity in found:
        kind = activities.kind_of(activity.kind)
        if kind is not None and kind.in_tool:
            continue  # answered in its tool: its scores reach the gradebook, not the live report
        questions.append(
            Question(
                block_id=activity.block_id,
                number=numbers[activity.block_id],
                kind=activity.kind,
                kind_label=kind.label if kind is not None else activity.kind,
                prompt=activity.prompt,
                value=activity.value,
                points=activity.points,
                standard_ids=activity.standard_ids,
                asked=activity.block_id in answered_blocks or activity.block_id in opened,
            )
        )
    # Answers to questions since deleted from the lesson are kept, at the end.
    known = {q.block_id for q in questions}
    for block_id in sorted(answered_blocks - known):
        questions.append(
            Question(
                block_id=block_id,
                number=len(questions) + 1,
                kind="",
                kind_label="",
                prompt=_("This question is no longer in the lesson."),
                value={},
                points=Decimal(0),
                standard_ids=[],
                asked=True,
                in_lesson=False,
            )
        )
    return questions


class _Answer(NamedTuple):
    answer: Any
    correct: bool | None
    score: Decimal
    elapsed_ms: int | None


def _sort_key(participant: Participant) -> tuple[Any, ...]:
    user = participant.user
    number = user.student_number if user is not None else None
    name = _participant_name(participant)
    return (participant.removed, user is None, number is None, number or 0, name, participant.pk)


def _seconds(elapsed_ms: int | None) -> float | None:
    return round(elapsed_ms / 1000, 1) if elapsed_ms is not None else None


def session_report(session: LiveSession) -> Report:
    """Everything the report page and the CSV show, in three queries (two when no question is tagged)."""
    participants = sorted(Participant.objects.filter(session=session).select_related("user"), key=_sort_key)
    given: dict[tuple[int, str], dict[int, _Answer]] = {}
    for participant_id, block_id, attempt, *answer in (
        LiveResponse.objects.filter(session=session)
        .order_by("attempt", "pk")
        .values_list("participant_id", "block_id", "attempt", "answer", "correct", "score", "elapsed_ms")
    ):
        given.setdefault((participant_id, block_id), {})[attempt] = _Answer(*answer)
    # the last attempt counts
    latest = {key: (max(by_attempt), by_attempt[max(by_attempt)]) for key, by_attempt in given.items()}

    questions = _questions(session, {block_id for _participant, block_id in latest})
    by_id = {q.block_id: q for q in questions}
    tagged = {pk for q in questions for pk in q.standard_ids}
    standards = AchievementStandard.objects.in_bulk(tagged) if tagged else {}
    for q in questions:
        q.standards = [standards[pk] for pk in q.standard_ids if pk in standards]

    removed = {p.pk for p in participants if p.removed}
    attempts_of = {block_id: int(n or 1) for block_id, n in (session.asked or {}).items()}
    for (_participant, block_id), tries in given.items():
        attempts_of[block_id] = max(attempts_of.get(block_id, 1), *tries)
    for q in questions:
        attempts = attempts_of.get(q.block_id, 1)
        if attempts > 1:
            q.rounds = [Round(attempt=n) for n in range(1, attempts + 1)]
    for (participant_id, block_id), tries in given.items():
        question = by_id[block_id]
        if participant_id in removed or not question.rounds:
            continue
        for attempt, one in tries.items():
            round_ = question.rounds[attempt - 1]
            round_.answered += 1
            if one.correct is not None:
                round_.checked += 1
                round_.correct += int(one.correct)
    for (participant_id, block_id), (_attempt, kept) in latest.items():
        question = by_id[block_id]
        if participant_id in removed:
            continue
        question.answered += 1
        if kept.correct is not None:
            question.checked += 1
            question.correct += int(kept.correct)
        if kept.elapsed_ms is not None:
            question.seconds.append(kept.elapsed_ms / 1000)

    max_score = _max_score(questions)
    students = []
    for participant in participants:
        cells = []
        for q in questions:
            found = latest.get((participant.pk, q.block_id))
            if found is None:
                cells.append(Cell(question=q))
                continue
            attempt, last = found
            tries = given[(participant.pk, q.block_id)]
            cells.append(
                Cell(
                    question=q,
                    answered=True,
                    answer=activities.answer_text(q.kind, q.value, last.answer),
                    correct=last.correct,
                    score=last.score,
                    seconds=_seconds(last.elapsed_ms),
                    attempt=attempt,
                    earlier=tuple(
                        Earlier(
                            attempt=n,
                            answer=activities.answer_text(q.kind, q.value, one.answer),
                            correct=one.correct,
                            score=one.score,
                            seconds=_seconds(one.elapsed_ms),
                        )
                        for n, one in sorted(tries.items())
                        if n != attempt
                    ),
                )
            )
        user = participant.user
        students.append(
            StudentRow(
                participant_id=participant.pk,
                name=_participant_name(participant),
                student_number=user.student_number if user is not None else None,
                guest=user is None,
                removed=participant.removed,
                cells=cells,
                score=sum((c.score for c in cells if c.score is not None), Decimal(0)),
                max_score=max_score,
                answered=sum(1 for c in cells if c.answered),
            )
        )

    rows: dict[int, StandardRow] = {}
    for q in questions:
        for standard in q.standards:
            row = rows.setdefault(standard.pk, StandardRow(code=standard.code, content=standard.content))
            row.questions += 1
            if q.asked:
                row.asked += 1
                row.answers += q.answered
                row.checked += q.checked
                row.correct += q.correct
    return Report(
        session=session,
        questions=questions,
        students=students,
        standards=sorted(rows.values(), key=lambda row: row.code),
    )
