"""Extension points of the lesson page. Content never imports what runs a lesson (live sessions,
assignments, LTI); those register here from their AppConfig.ready() and the lesson page asks.

- ``lesson_actions``: each entry may add a section to the lesson page's header for a user (the
  "teach live" form is one).
- ``student_gates``: each entry may say that a student should be somewhere else than the self-paced
  lesson right now (while a live lesson of it runs, the student belongs in the live view): the page
  redirects there and the self-paced answer endpoint refuses with the entry's code and message.
- ``answer_policies``: each entry may refuse a student's self-paced answers to a lesson for now
  (an assignment past its due time that takes no late work) or hold back its answer keys (an
  assignment whose keys show only after the due time).
- ``answer_contexts``: each entry may say in which class and assignment a student's self-paced
  answer to a lesson happens (assignments are a higher layer than content); the learning record
  keeps the first answer given, or none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest

from edu.accounts.models import User
from edu.registry import Registry, Section

if TYPE_CHECKING:
    from courses.pages import LessonPage


@dataclass(frozen=True)
class Elsewhere:
    """Where a student should be instead of the self-paced lesson, and why (for the answer endpoint)."""

    url: str
    code: str
    message: str


@dataclass(frozen=True)
class AnswerContext:
    """The class and the assignment a self-paced answer belongs to (either may be unknown)."""

    classroom_id: int | None
    assignment_id: int | None


NO_CONTEXT = AnswerContext(None, None)


@dataclass(frozen=True)
class AnswerPolicy:
    """How a student's self-paced answers to a lesson are taken now."""

    refused: Elsewhere | None = None  # why answers are not taken (code and message; url unused)
    hide_keys: bool = False  # the verdict is given, the answer key and explanation are not


OPEN = AnswerPolicy()

LessonAction = Callable[[HttpRequest, "LessonPage"], Section | None]
StudentGate = Callable[[User, "LessonPage"], Elsewhere | None]
AnswerPolicyRule = Callable[[User, "LessonPage"], AnswerPolicy | None]
AnswerContextResolver = Callable[[User, "LessonPage"], AnswerContext | None]

lesson_actions: Registry[LessonAction] = Registry("lesson page actions")
student_gates: Registry[StudentGate] = Registry("where a student should be instead of a lesson")
answer_policies: Registry[AnswerPolicyRule] = Registry("how a student's self-paced answers are taken")
answer_contexts: Registry[AnswerContextResolver] = Registry("the class and assignment of a self-paced answer")


def actions_for(request: HttpRequest, lesson: LessonPage) -> list[Section]:
    return [section for action in lesson_actions if (section := action(request, lesson)) is not None]


def elsewhere_for(user: User, lesson: LessonPage) -> Elsewhere | None:
    """The first gate that sends this student elsewhere, if any."""
    for gate in student_gates:
        found = gate(user, lesson)
        if found is not None:
            return found
    return None


def answer_context_for(user: User, lesson: LessonPage) -> AnswerContext:
    """The first resolver's answer, or no class and no assignment."""
    for resolve in answer_contexts:
        found = resolve(user, lesson)
        if found is not None:
            return found
    return NO_CONTEXT


def answer_policy_for(user: User, lesson: LessonPage) -> AnswerPolicy:
    """Every rule's say combined: refused if one refuses, keys hidden if one hides them."""
    refused, hide = None, False
    for rule in answer_policies:
        found = rule(user, lesson)
        if found is not None:
            refused = refused or found.refused
            hide = hide or found.hide_keys
    return AnswerPolicy(refused, hide) if refused or hide else OPEN
