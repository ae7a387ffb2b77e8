"""The demo tool's content: a few short Korean exercises (multiple choice), and how they are scored.
Pure data and functions: no HTTP, no LTI."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Question:
    prompt: str
    choices: tuple[str, ...]
    answer: int  # the index of the right choice


@dataclass(frozen=True)
class Exercise:
    id: str  # the resource id: custom parameter `exercise`, line item resourceId
    title: str
    subject: str
    text: str
    questions: tuple[Question, ...]
    iframe_height: int = 760

    @property
    def max_score(self) -> int:
        return len(self.questions)

    @property
    def tag(self) -> str:
        return f"baeum-demo:{self.id}"


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        id="fractions",
        title="분수의 크기 비교",
        subject="초등 4학년 수학",
        text="두 분수 중 더 큰 것을 고르는 3문항 연습입니다.",
        questions=(
            Question("1/2 과 1/3 중 더 큰 수는 무엇일까요?", ("1/2", "1/3", "두 수는 같아요"), 0),
            Question("2/5 와 3/5 중 더 큰 수는 무엇일까요?", ("2/5", "3/5", "두 수는 같아요"), 1),
            Question("3/4 과 6/8 을 비교하면 어떤가요?", ("3/4 이 더 커요", "6/8 이 더 커요", "두 수는 같아요"), 2),
        ),
    ),
    Exercise(
        id="spelling",
        title="받아쓰기 · 맞춤법",
        subject="초등 국어",
        text="바르게 쓴 낱말을 고르는 3문항 맞춤법 연습입니다.",
        questions=(
            Question("바르게 쓴 것을 고르세요.", ("설겆이", "설거지"), 1),
            Question("바르게 쓴 것을 고르세요.", ("며칠", "몇일"), 0),
            Question("바르게 쓴 것을 고르세요.", ("안녕이 가세요", "안녕히 가세요"), 1),
        ),
    ),
    Exercise(
        id="water",
        title="물의 상태 변화",
        subject="초등 과학",
        text="얼음, 물, 수증기 사이의 상태 변화를 알아보는 3문항 연습입니다.",
        questions=(
            Question("물이 얼면 무엇이 되나요?", ("수증기", "얼음", "구름"), 1),
            Question("물이 끓어서 기체가 된 것을 무엇이라고 하나요?", ("수증기", "얼음", "이슬"), 0),
            Question("차가운 컵 겉면에 물방울이 맺히는 현상을 무엇이라고 하나요?", ("증발", "응결", "녹음"), 1),
        ),
    ),
)

BY_ID: dict[str, Exercise] = {exercise.id: exercise for exercise in EXERCISES}


def exercise_by_id(exercise_id: str | None) -> Exercise | None:
    return BY_ID.get((exercise_id or "").strip())


def exercise_for_launch(custom: Mapping[str, object] | None, target_link_uri: str | None) -> Exercise | None:
    """The exercise a launch names: its custom parameter `exercise`, else `?exercise=` in its target
    link URI."""
    named = (custom or {}).get("exercise")
    if isinstance(named, str) and named.strip():
        return exercise_by_id(named)
    query = parse_qs(urlsplit(target_link_uri or "").query)
    return exercise_by_id(query.get("exercise", [""])[0])


@dataclass(frozen=True)
class Marked:
    score: int
    maximum: int
    correct: tuple[bool, ...]  # per question
    answered: int


def mark(exercise: Exercise, answers: Mapping[str, str]) -> Marked:
    """Scores the form answers (`q1`, `q2`, … = the index of the chosen choice); a missing or
    malformed answer is wrong."""
    correct = []
    answered = 0
    for number, question in enumerate(exercise.questions, start=1):
        raw = answers.get(f"q{number}", "")
        if raw.isdigit() and int(raw) < len(question.choices):
            answered += 1
            correct.append(int(raw) == question.answer)
        else:
            correct.append(False)
    return Marked(sum(correct), exercise.max_score, tuple(correct), answered)
