"""The live protocol's client frames, declared once: who may send each type and which fields it
carries. The TypeScript client mirrors this (docs/live-protocol.md)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from classrooms.protocol import ProtocolError

TEACHER, STUDENT = "teacher", "student"


@dataclass(frozen=True)
class FrameSpec:
    roles: frozenset[str]
    fields: dict[str, type | tuple[type, ...]]


CLIENT_FRAMES: dict[str, FrameSpec] = {
    "snapshot.get": FrameSpec(frozenset({TEACHER, STUDENT}), {}),
    "session.run": FrameSpec(frozenset({TEACHER}), {}),
    "slide.goto": FrameSpec(frozenset({TEACHER}), {"index": int}),
    "question.open": FrameSpec(frozenset({TEACHER}), {"block": str}),
    "question.close": FrameSpec(frozenset({TEACHER}), {}),
    "results.reveal": FrameSpec(frozenset({TEACHER}), {"anonymous": bool}),
    "screen.lock": FrameSpec(frozenset({TEACHER}), {"locked": bool}),
    "participant.remove": FrameSpec(frozenset({TEACHER}), {"participant": int}),
    "hand.lower": FrameSpec(frozenset({TEACHER}), {"participant": int}),
    "session.end": FrameSpec(frozenset({TEACHER}), {}),
    "answer.submit": FrameSpec(
        frozenset({STUDENT}), {"id": str, "block": str, "answer": (str, int, float, bool, list)}
    ),
    "hand.raise": FrameSpec(frozenset({STUDENT}), {"raised": bool}),
}

# Frames after which the teacher's roster or tally may have changed (the hub coalesces the nudge).
NUDGING = frozenset({"answer.submit", "hand.raise", "hand.lower", "participant.remove"})
MAX_ID = 64


def validate(frame: dict[str, Any], role: str) -> dict[str, Any]:
    spec = CLIENT_FRAMES.get(frame["type"])
    if spec is None:
        raise ProtocolError("unknown_type", _("Unknown message type %(type)r.") % {"type": frame["type"][:40]})
    if role not in spec.roles:
        raise ProtocolError("forbidden", _("You may not send this message."))
    for name, kind in spec.fields.items():
        value = frame.get(name)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ProtocolError("invalid_frame", _("Field %(name)r is missing or has the wrong type.") % {"name": name})
    if "id" in spec.fields:
        try:
            uuid.UUID(frame["id"])
        except ValueError:
            raise ProtocolError("invalid_frame", _("Field 'id' must be a UUID.")) from None
    elif "id" in frame and not (isinstance(frame["id"], str) and len(frame["id"]) <= MAX_ID):
        raise ProtocolError("invalid_frame", _("Field 'id' must be a string of at most 64 characters."))
    if "seconds" in frame and (not isinstance(frame["seconds"], int) or isinstance(frame["seconds"], bool)):
        raise ProtocolError("invalid_frame", _("Field 'seconds' must be a whole number."))
    if "answer" in spec.fields and not _storable(frame["answer"]):
        raise ProtocolError("invalid_answer", _("The answer contains characters that cannot be stored."))
    return frame


def _storable(value: Any) -> bool:
    """No NUL and no lone surrogate anywhere (PostgreSQL's jsonb refuses both)."""
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, list):
        return len(value) <= 100 and all(_storable(v) for v in value)
    if isinstance(value, dict):
        return len(value) <= 100 and all(_storable(k) and _storable(v) for k, v in value.items())
    return True
