"""Wire-protocol helpers shared by every live consumer: parsing, limits and error frames.

Frames are JSON objects with a ``type``. A frame that is not JSON, not an object, too large or
arrives faster than the per-socket budget gets an error frame with a stable ``code``; the socket
stays open, and nothing a client sends can raise out of a consumer. (docs/live-protocol.md)
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

MAX_FRAME_BYTES = 16 * 1024
RATE_PER_SECOND = 20.0
RATE_BURST = 40.0


class ProtocolError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def rate_limited_frame() -> dict[str, Any]:
    return error_frame("rate_limited", _("Too many messages at once. Wait a moment."))


def error_frame(code: str, message: str, ref: str | None = None) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "error", "code": code, "message": message}
    if ref is not None:
        frame["ref"] = ref
    return frame


def parse_frame(text: str | None, bytes_data: bytes | None) -> dict[str, Any]:
    if text is None:
        raise ProtocolError("invalid_frame", _("Binary frames are not accepted."))
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
        raise ProtocolError("frame_too_large", _("Frames are limited to %(bytes)d bytes.") % {"bytes": MAX_FRAME_BYTES})
    try:
        frame = json.loads(text)
    except (ValueError, RecursionError):
        raise ProtocolError("invalid_json", _("The frame is not valid JSON.")) from None
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise ProtocolError("invalid_frame", _("A frame must be a JSON object with a string 'type'."))
    return frame


@dataclass
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
