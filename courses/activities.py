"""The activity registry: one entry per kind of question a lesson can ask.

Each entry holds everything the server knows about a kind: its StreamField block, its checker,
the fields of its value that give the answer away (never sent to a student before they answered),
whether it carries points, whether answers are marked right or wrong automatically, and how an
answer and the correct answer read for people. The self-paced checker, live sessions, the report,
the API serializer and the search index all read this registry; the browser mirrors it in
``frontend/src/activities/`` (a test holds the two lists of kinds together). Adding a kind is one
entry here, its block in ``blocks.py`` and its checker in ``checking.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from wagtail import blocks as wagtail_blocks

from courses import blocks, checking
from courses.checking import Verdict
from edu.errors import DomainError


def list_items(raw: Any) -> list[Any]:
    """A list block's items in any of its forms: a ListValue, plain values (older data, fixtures)
    or Wagtail's raw ``{"type": "item", "value": ..., "id": ...}`` (what the editor saves)."""
    if raw is None or isinstance(raw, (str, bytes, dict)):
        return []
    try:
        items = list(raw)
    except TypeError:
        return []
    return [
        item["value"] if isinstance(item, dict) and item.get("type") == "item" and "value" in item else item
        for item in items
    ]


def _as_text(stored: Any) -> str:
    if stored is None:
        return ""
    return stored if isinstance(stored, str) else json.dumps(stored, ensure_ascii=False)


def _options(texts: list[str], stored: Any) -> str:
    picked = stored if isinstance(stored, list) else [stored]
    if not picked or not all(isinstance(i, int) and not isinstance(i, bool) for i in picked):
        return _as_text(stored)
    return ", ".join(texts[i] if 0 <= i < len(texts) else str(i + 1) for i in picked)


def _choice_texts(value: Any) -> list[str]:
    return [str(c.get("text", "")) if isinstance(c, dict) else str(c) for c in list_items(value.get("choices"))]


def _true_false(answer: Any) -> str:
    return _("True") if answer else _("False")


def _multiple_choice_answer(value: Any, stored: Any) -> str:
    return _options(_choice_texts(value), stored)


def _multiple_choice_correct(value: Any) -> str:
    right = [i for i, c in enumerate(list_items(value.get("choices"))) if isinstance(c, dict) and c.get("correct")]
    return _options(_choice_texts(value), right)


def _true_false_answer(value: Any, stored: Any) -> str:
    return _true_false(stored) if isinstance(stored, bool) else _as_text(stored)


def _short_answer_correct(value: Any) -> str:
    return ", ".join(str(a) for a in list_items(value.get("accepted_answers")))


def _numeric_correct(value: Any) -> str:
    unit = value.get("unit") or ""
    return f"{value.get('answer')}" + (f" {unit}" if unit else "")


def _poll_answer(value: Any, stored: Any) -> str:
    return _options([str(o) for o in list_items(value.get("options"))], stored)


def _text_answer(value: Any, stored: Any) -> str:
    return _as_text(stored)


def _no_key(value: Any) -> str:
    return ""


def _external_answer(value: Any, stored: Any) -> str:
    """A tool's score as people read it ("3 / 3"), or the stored value as it is."""
    if isinstance(stored, dict) and "score_given" in stored:
        return f"{stored.get('score_given')} / {stored.get('score_maximum')}"
    return _as_text(stored)


@dataclass(frozen=True)
class ActivityKind:
    name: str
    block: type[wagtail_blocks.StructBlock]
    checker: Callable[[Any, Any], Verdict]
    secret_fields: frozenset[str]
    scored: bool  # carries points
    checked: bool  # answers are marked right or wrong automatically
    free_text: bool  # answers are typed text (shortened in charts), not one of the offered options
    answer_text: Callable[[Any, Any], str]  # (block value, stored answer) -> what people read
    correct_text: Callable[[Any], str]  # block value -> the correct answer as people read it, "" if none
    in_tool: bool = False  # answered in an external tool (LTI), never through Baeum's forms or live questions

    @property
    def label(self) -> str:
        return str(self.block().meta.label)


_EXPLAINED = frozenset({"explanation"})

KINDS: dict[str, ActivityKind] = {
    kind.name: kind
    for kind in (
        ActivityKind(
            "multiple_choice",
            blocks.MultipleChoiceBlock,
            checking.check_multiple_choice,
            _EXPLAINED | {"correct"},
            scored=True,
            checked=True,
            free_text=False,
            answer_text=_multiple_choice_answer,
            correct_text=_multiple_choice_correct,
        ),
        ActivityKind(
            "true_false",
            blocks.TrueFalseBlock,
            checking.check_true_false,
            _EXPLAINED | {"answer"},
            scored=True,
            checked=True,
            free_text=False,
            answer_text=_true_false_answer,
            correct_text=lambda value: _true_false(bool(value.get("answer"))),
        ),
        ActivityKind(
            "short_answer",
            blocks.ShortAnswerBlock,
            checking.check_short_answer,
            _EXPLAINED | {"accepted_answers", "case_sensitive"},
            scored=True,
            checked=True,
            free_text=True,
            answer_text=_text_answer,
            correct_text=_short_answer_correct,
        ),
        ActivityKind(
            "numeric",
            blocks.NumericBlock,
            checking.check_numeric,
            _EXPLAINED | {"answer", "tolerance"},
            scored=True,
            checked=True,
            free_text=True,
            answer_text=_text_answer,
            correct_text=_numeric_correct,
        ),
        ActivityKind(
            "poll",
            blocks.PollBlock,
            checking.check_poll,
            frozenset(),
            scored=False,
            checked=False,
            free_text=False,
            answer_text=_poll_answer,
            correct_text=_no_key,
        ),
        ActivityKind(
            "open_response",
            blocks.OpenResponseBlock,
            checking.check_open_response,
            _EXPLAINED | {"sample_answer"},
            scored=True,
            checked=False,
            free_text=True,
            answer_text=_text_answer,
            correct_text=_no_key,
        ),
        ActivityKind(
            "external_activity",
            blocks.ExternalActivityBlock,
            checking.check_external,
            frozenset(),
            scored=True,
            checked=True,  # the tool marks it; its score arrives through AGS (lti.platform.scores)
            free_text=False,
            answer_text=_external_answer,
            correct_text=_no_key,
            in_tool=True,
        ),
    )
}

ACTIVITY_TYPES: tuple[str, ...] = tuple(KINDS)


def lesson_body_blocks() -> list[tuple[str, wagtail_blocks.Block]]:
    """The lesson StreamField's blocks: content first, then one block per activity kind."""
    return [*blocks.content_blocks(), *((kind.name, kind.block()) for kind in KINDS.values())]


def kind_of(name: str) -> ActivityKind | None:
    return KINDS.get(name)


def is_activity(name: str) -> bool:
    return name in KINDS


def check(kind: str, value: Any, answer: Any) -> Verdict:
    """The server's verdict on ``answer`` to an activity of ``kind`` (DomainError when it does not fit)."""
    entry = KINDS.get(kind)
    if entry is None:
        raise DomainError("unknown_activity", _("This part of the lesson is not a question."))
    return entry.checker(value, answer)


def answer_text(kind: str, value: Any, stored: Any) -> str:
    """A stored answer as people read it (choice texts rather than indexes, 참/거짓, the text)."""
    entry = KINDS.get(kind)
    return entry.answer_text(value, stored) if entry is not None else _as_text(stored)


def correct_text(kind: str, value: Any) -> str:
    entry = KINDS.get(kind)
    return entry.correct_text(value) if entry is not None else ""


def without_secrets(kind: str, value: Any) -> Any:
    """``value`` (a block's API representation or raw value) with every field that gives the
    answer away removed, at any depth (the ``correct`` flag of each choice, too)."""
    entry = KINDS.get(kind)
    secret = entry.secret_fields if entry is not None else frozenset()
    return _strip(value, secret) if secret else value


def _strip(value: Any, secret: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {key: _strip(item, secret) for key, item in value.items() if key not in secret}
    if isinstance(value, list):
        return [_strip(item, secret) for item in value]
    return value


def is_answered_in_tool(name: str) -> bool:
    entry = KINDS.get(name)
    return entry is not None and entry.in_tool


def is_free_text(name: str) -> bool:
    entry = KINDS.get(name)
    return entry is None or entry.free_text


def browser_contract() -> list[dict[str, str | bool]]:
    """What the browser's mirror of this registry must agree with, in order (generated into the
    front end's protocol schema)."""
    return [{"kind": name, "scored": kind.scored, "checked": kind.checked} for name, kind in KINDS.items()]
