"""Student login codes: short, unambiguous, typed on a tablet or scanned from a QR card.

A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as
``ABCD-EFGH`` (about 40 bits). Only a keyed digest is stored, so a database leak does not leak
working codes; a lost card is replaced by issuing a new code, which voids the old one.
"""

from __future__ import annotations

import secrets
import unicodedata

from django.utils.crypto import salted_hmac

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8


def generate() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise(text: str) -> str:
    """What a student typed → canonical raw code (full-width, spaces, dashes and case forgiven)."""
    folded = unicodedata.normalize("NFKC", text).upper()
    return "".join(ch for ch in folded if ch.isalnum())


def is_well_formed(raw: str) -> bool:
    return len(raw) == LENGTH and all(ch in ALPHABET for ch in raw)


def digest(code: str) -> str:
    return salted_hmac("baeum.accounts.login-code", normalise(code), algorithm="sha256").hexdigest()
