"""The codes people type or scan: student login codes, class join codes and live session codes.

One alphabet (no look-alikes: no 0/O, 1/I/L), one generator and one normaliser, so every code is
forgiving in the same way: full-width characters from a Korean IME (ＡＢＣ１２３), spaces, dashes
and lower case are all read as the same code.
"""

from __future__ import annotations

import secrets
import unicodedata

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def generate(length: int) -> str:
    """A new random code of ``length`` characters from the alphabet."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise(text: str) -> str:
    """What someone typed → the canonical code: NFKC (full-width → half-width), upper case, and
    only letters and digits kept (spaces, dashes and other separators dropped)."""
    folded = unicodedata.normalize("NFKC", text).upper()
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


def is_well_formed(code: str, length: int) -> bool:
    """A canonical code of ``length`` characters, all from the alphabet."""
    return len(code) == length and all(ch in ALPHABET for ch in code)
