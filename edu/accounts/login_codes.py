"""Student login codes: short, unambiguous, typed on a tablet or scanned from a QR card.

A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as
``ABCD-EFGH`` (about 40 bits). Only a keyed digest is stored, so a database leak does not leak
working codes; a lost card is replaced by issuing a new code, which voids the old one.
"""

from __future__ import annotations

from django.utils.crypto import salted_hmac

from edu import codes

LENGTH = 8
normalise = codes.normalise  # full-width, spaces, dashes and case forgiven (edu.codes)


def generate() -> str:
    raw = codes.generate(LENGTH)
    return f"{raw[:4]}-{raw[4:]}"


def is_well_formed(raw: str) -> bool:
    return codes.is_well_formed(raw, LENGTH)


def digest(code: str) -> str:
    return salted_hmac("baeum.accounts.login-code", normalise(code), algorithm="sha256").hexdigest()
