"""Reading what a client sends: limits, parsing and validation against the declared protocol.

Frames are JSON objects with a ``type``. A frame that is not JSON, not an object, too large, of an
unknown type, not allowed for the sender's role, malformed, or that arrives faster than the
per-socket budget raises a DomainError with a stable ``code``; the consumer answers with an error
frame and the socket stays open. Nothing a client sends can raise anything else out of here.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import msgspec
from django.utils.translation import gettext as _

from classrooms.live import protocol
from edu.errors import DomainError

MAX_FRAME_BYTES = 16 * 1024
RATE_PER_SECOND = 20.0
RATE_BURST = 40.0
MAX_ITEMS = 100  # list or object items in an answer

_FIELD = re.compile(r"(?:at `\$\.(\w+)|field `(\w+)`)")


def rate_limited() -> DomainError:
    return DomainError("rate_limited", _("Too many messages at once. Wait a moment."))


def error_frame(exc: DomainError, ref: str | None = None) -> protocol.Error:
    return protocol.Error(code=exc.code, message=exc.message, ref=ref if ref is not None else msgspec.UNSET)


def parse_frame(text: str | None, bytes_data: bytes | None = None) -> dict[str, Any]:
    """A text frame as a JSON object with a string ``type`` (not yet checked against the protocol)."""
    if text is None:
        raise DomainError("invalid_frame", _("Binary frames are not accepted."))
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
        raise DomainError("frame_too_large", _("Frames are limited to %(bytes)d bytes.") % {"bytes": MAX_FRAME_BYTES})
    try:
        frame = json.loads(text)
    except (ValueError, RecursionError):
        raise DomainError("invalid_json", _("The frame is not valid JSON.")) from None
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise DomainError("invalid_frame", _("A frame must be a JSON object with a string 'type'."))
    return frame


def ref_of(frame: dict[str, Any]) -> str | None:
    """The frame's ``id``, to echo as ``ref``, when it is one we can echo."""
    ref = frame.get("id")
    return ref if isinstance(ref, str) and len(ref) <= protocol.MAX_ID else None


def validate(frame: dict[str, Any], role: str) -> protocol.ClientFrame:
    """The frame as its declared type, if ``role`` may send it and its fields fit the declaration."""
    declared = protocol.CLIENT_FRAMES.get(frame["type"])
    if declared is None:
        raise DomainError("unknown_type", _("Unknown message type %(type)r.") % {"type": frame["type"][:40]})
    if role not in declared.roles:
        raise DomainError("forbidden", _("You may not send this message."))
    try:
        typed = msgspec.convert(frame, declared)
    except msgspec.ValidationError as exc:
        raise _field_error(str(exc), answer=declared is protocol.AnswerSubmit) from None
    if isinstance(typed, protocol.AnswerSubmit):
        try:
            uuid.UUID(typed.id)
        except ValueError:
            raise DomainError("invalid_frame", _("Field 'id' must be a UUID.")) from None
        if not _storable(typed.answer):
            raise DomainError("invalid_answer", _("The answer contains characters that cannot be stored."))
    return typed


def _field_error(detail: str, *, answer: bool) -> DomainError:
    match = _FIELD.search(detail)
    name = (match.group(1) or match.group(2)) if match else "?"
    if name == "id" and answer and ", got" not in detail and "missing" not in detail:
        return DomainError("invalid_frame", _("Field 'id' must be a UUID."))  # a string, too long for one
    if name == "id" and not answer:
        return DomainError("invalid_frame", _("Field 'id' must be a string of at most 64 characters."))
    if name == "seconds":
        return DomainError("invalid_frame", _("Field 'seconds' must be a whole number."))
    return DomainError("invalid_frame", _("Field %(name)r is missing or has the wrong type.") % {"name": name})


def _storable(value: Any) -> bool:
    """No NUL and no lone surrogate anywhere (PostgreSQL's jsonb refuses both), and not too many items."""
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, list):
        return len(value) <= MAX_ITEMS and all(_storable(v) for v in value)
    if isinstance(value, dict):
        return len(value) <= MAX_ITEMS and all(_storable(k) and _storable(v) for k, v in value.items())
    return True


@dataclass(slots=True)
class TokenBucket:
    """Per-socket flood limit: ``rate`` frames a second, bursts up to ``burst``."""

    rate: float = RATE_PER_SECOND
    burst: float = RATE_BURST
    tokens: float = RATE_BURST
    updated: float = field(default_factory=time.monotonic)

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False
