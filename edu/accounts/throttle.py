"""Failed sign-in throttling, counted in the cache (shared across workers when Redis is used).

Only failures count, so a whole class signing in at once from one school address is never
blocked, while guessing codes or passwords is: after ``LOGIN_THROTTLE_FAILURES`` failures within
``LOGIN_THROTTLE_WINDOW`` seconds, further attempts from that address (or for that username) are
refused until the window passes.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _key(scope: str, value: str) -> str:
    # Hash the value so no address or username is kept in clear in the cache.
    return f"throttle:{scope}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def is_blocked(scope: str, *values: str, limit: int | None = None) -> bool:
    limit = limit or settings.LOGIN_THROTTLE_FAILURES
    return any((cache.get(_key(scope, value)) or 0) >= limit for value in values)


def record_failure(scope: str, *values: str) -> None:
    window = settings.LOGIN_THROTTLE_WINDOW
    for value in values:
        key = _key(scope, value)
        if cache.add(key, 1, timeout=window):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)


def password_keys(request: HttpRequest | None, username: str) -> tuple[str, ...]:
    """Password failures count per client address and per username."""
    address = client_address(request) if request is not None else "unknown"
    return (address, f"user:{username.strip().lower()}")


def code_device_key(request: HttpRequest) -> str:
    """Code failures count per device (its session), so one child's typos never lock out the
    whole school behind one NAT address; the address has a much higher ceiling of its own."""
    if not request.session.session_key:
        request.session.save()
    return f"device:{request.session.session_key}"
