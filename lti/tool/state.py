"""OIDC login state and nonces, in the cache every worker shares (Redis at scale, local memory in
the embedded default, which has one process). A state is read once: the first launch that takes it
wins and every other (a replay, a second tab, another worker) finds nothing. A nonce is claimed with
an atomic add, so an id_token is accepted once whichever worker it reaches."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict
from typing import Any

from django.core.cache import cache

from lti.tool.checks import LoginMemory

LOGIN_TTL = 600  # seconds between the login redirect and the launch POST
STATE_COOKIE = "baeum_lti_state"


def _key(kind: str, value: str) -> str:
    return f"lti:{kind}:" + hashlib.sha256(value.encode()).hexdigest()


def new_state() -> str:
    return secrets.token_urlsafe(32)


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def login_remember(state: str, memory: LoginMemory, *, registration_id: int, params: dict[str, str]) -> None:
    """Keep what the login step knows until its launch arrives (or ``LOGIN_TTL`` passes)."""
    value = {"memory": asdict(memory), "registration_id": registration_id, "params": params}
    cache.set(_key("state", state), value, LOGIN_TTL)


def login_take(state: str) -> tuple[LoginMemory, int, dict[str, str]] | None:
    """The login of ``state``, once: deleting the key is the claim, and only one caller deletes it."""
    key = _key("state", state)
    value: Any = cache.get(key)
    if value is None or not cache.delete(key):
        return None
    return LoginMemory(**value["memory"]), int(value["registration_id"]), dict(value["params"])


def nonce_claim(issuer: str, nonce: str, ttl: int) -> bool:
    """True the first time this issuer's nonce is seen within ``ttl`` seconds, False ever after."""
    return bool(cache.add(_key("nonce", f"{issuer}\n{nonce}"), 1, max(ttl, 60)))
