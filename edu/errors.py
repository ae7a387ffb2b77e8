"""The one domain error type. Services raise it when a rule is broken; views turn it into a
message (and a 4xx), consumers into an error frame with the same ``code``."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken. ``code`` is stable and machine-readable (error frames, JSON errors,
    tests); ``message`` is for people, translated at the moment it was raised."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message
