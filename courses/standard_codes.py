"""Parse achievement-standard codes (성취기준 코드) loosely, never rejecting one.

Codes look like ``[4수01-01]``, ``[10공수1-01-01]``, ``[12미적Ⅰ01-01]``, ``[12영I-01-05]`` or
``[9사(지리)01-01]``: a grade (the last grade of the band), a subject abbreviation, then area and
standard numbers. Whatever does not match is kept verbatim with no parts (opaque).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_PATTERN = re.compile(
    r"""^
    (?P<grade>\d{1,2})
    (?P<subject>.+?)
    -?(?P<area>\d{2})
    -(?P<number>\d{2})
    $""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class ParsedCode:
    verbatim: str
    key: str
    grade: int | None = None
    subject: str = ""
    area: int | None = None
    number: int | None = None

    @property
    def is_parsed(self) -> bool:
        return self.grade is not None


def normalise(code: str) -> str:
    """Canonical form for lookups: NFKC (Ⅰ→I, full-width→ASCII), no brackets or spaces, upper case."""
    folded = unicodedata.normalize("NFKC", code)
    return "".join(folded.split()).strip("[]").upper()


def parse(code: str) -> ParsedCode:
    verbatim = code.strip()
    key = normalise(verbatim)
    match = _PATTERN.match(key)
    if not match or not match.group("subject").strip("-"):
        return ParsedCode(verbatim=verbatim, key=key)
    return ParsedCode(
        verbatim=verbatim,
        key=key,
        grade=int(match.group("grade")),
        subject=match.group("subject").rstrip("-"),
        area=int(match.group("area")),
        number=int(match.group("number")),
    )


def looks_like_code(text: str) -> bool:
    """A search query that is (part of) a standard code, e.g. "[4수01-05]" or "4수01"."""
    key = normalise(text)
    return bool(key) and key[0].isdigit() and any(not ch.isascii() for ch in key)
