"""Server-side answer checking for lesson activities. Pure functions: a block's value and a
student's answer in, a verdict out. Nothing here touches the database. Each activity kind's entry
in ``courses.activities`` names its checker; ``activities.check`` dispatches."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from edu.errors import DomainError

MAX_TEXT_ANSWER = 5000


@dataclass(frozen=True)
class Verdict:
    correct: bool | None  # None: not auto-checked (poll, open response)
    score: Decimal
    max_score: Decimal
    stored: Any  # the normalised answer we keep
    reveal: dict[str, Any] = field(default_factory=dict)  # shown only after answering


def normalise_text(text: str, *, case_sensitive: bool = False) -> str:
    """Korean-friendly comparison form: NFKC (full-width → half-width), spaces collapsed."""
    folded = unicodedata.normalize("NFKC", text)
    folded = " ".join(folded.split())
    return folded if case_sensitive else folded.casefold()


def _compact(text: str) -> str:
    return text.replace(" ", "")


_NUMBER = re.compile(r"^([+-]?)(\d+(?:\.\d+)?|\.\d+)(?:\s*/\s*(\d+))?$")


MAX_NUMBER_INPUT = 40


def parse_number(text: str, unit: str = "") -> Decimal:
    value = unicodedata.normalize("NFKC", str(text)).strip().replace(",", "")
    if len(value) > MAX_NUMBER_INPUT:
        raise DomainError("invalid_answer", _("Enter a number, for example 12, 0.75 or 3/4."))
    folded_unit = unicodedata.normalize("NFKC", unit).strip()
    if folded_unit and value.casefold().endswith(folded_unit.casefold()):
        value = value[: -len(folded_unit)].strip()
    match = _NUMBER.match(value)
    if not match:
        raise DomainError("invalid_answer", _("Enter a number, for example 12, 0.75 or 3/4."))
    sign, number, denominator = match.groups()
    try:
        amount = Decimal(number)
        if denominator is not None:
            if int(denominator) == 0:
                raise DomainError("invalid_answer", _("A fraction cannot have 0 as its denominator."))
            fraction = Fraction(amount) / int(denominator)
            amount = Decimal(fraction.numerator) / Decimal(fraction.denominator)
    except (InvalidOperation, ValueError):
        raise DomainError("invalid_answer", _("Enter a number, for example 12, 0.75 or 3/4.")) from None
    return -amount if sign == "-" else amount


def _points(value: Any) -> Decimal:
    return Decimal(value.get("points") or 0)


def _text_answer(answer: Any) -> str:
    if not isinstance(answer, str) or not answer.strip():
        raise DomainError("invalid_answer", _("Write an answer first."))
    if len(answer) > MAX_TEXT_ANSWER:
        raise DomainError("invalid_answer", _("Answers are limited to %(max)d characters.") % {"max": MAX_TEXT_ANSWER})
    return answer.strip()


def check_multiple_choice(value: Any, answer: Any) -> Verdict:
    choices = list(value["choices"])
    picked = answer if isinstance(answer, list) else [answer]
    if not picked or not all(isinstance(i, int) and not isinstance(i, bool) for i in picked):
        raise DomainError("invalid_answer", _("Choose an answer."))
    if any(i < 0 or i >= len(choices) for i in picked):
        raise DomainError("invalid_answer", _("That choice does not exist."))
    chosen = sorted(set(picked))
    if not value["multiple"] and len(chosen) > 1:
        raise DomainError("invalid_answer", _("Choose only one answer."))
    right = [i for i, choice in enumerate(choices) if choice["correct"]]
    correct = chosen == right
    return Verdict(correct, _points(value) if correct else Decimal(0), _points(value), chosen, {"correct": right})


def check_true_false(value: Any, answer: Any) -> Verdict:
    if not isinstance(answer, bool):
        raise DomainError("invalid_answer", _("Choose true or false."))
    correct = answer == bool(value["answer"])
    return Verdict(
        correct, _points(value) if correct else Decimal(0), _points(value), answer, {"correct": bool(value["answer"])}
    )


def check_short_answer(value: Any, answer: Any) -> Verdict:
    text = _text_answer(answer)
    sensitive = bool(value.get("case_sensitive"))
    given = normalise_text(text, case_sensitive=sensitive)
    accepted = [normalise_text(str(a), case_sensitive=sensitive) for a in value["accepted_answers"]]
    correct = given in accepted or _compact(given) in {_compact(a) for a in accepted}
    return Verdict(
        correct,
        _points(value) if correct else Decimal(0),
        _points(value),
        text,
        {"correct": [str(a) for a in value["accepted_answers"]]},
    )


def check_numeric(value: Any, answer: Any) -> Verdict:
    unit = value.get("unit") or ""
    if isinstance(answer, bool) or not isinstance(answer, (str, int, float)):
        raise DomainError("invalid_answer", _("Enter a number, for example 12, 0.75 or 3/4."))
    number = parse_number(str(answer), unit)
    expected = Decimal(value["answer"])
    tolerance = Decimal(value.get("tolerance") or 0)
    correct = abs(number - expected) <= tolerance
    shown = f"{expected.normalize():f}" + (f" {unit}" if unit else "")
    return Verdict(correct, _points(value) if correct else Decimal(0), _points(value), str(number), {"correct": shown})


def check_poll(value: Any, answer: Any) -> Verdict:
    options = list(value["options"])
    if not isinstance(answer, int) or isinstance(answer, bool) or not 0 <= answer < len(options):
        raise DomainError("invalid_answer", _("Choose one of the options."))
    return Verdict(None, Decimal(0), Decimal(0), answer)


def check_open_response(value: Any, answer: Any) -> Verdict:
    return Verdict(None, Decimal(0), _points(value), _text_answer(answer))


def check_external(value: Any, answer: Any) -> Verdict:
    """An external tool's activity is answered in the tool, which sends its score (``lti.platform``)."""
    raise DomainError(
        "answered_in_tool", _("This activity is answered in the outside tool; its score comes from there.")
    )
