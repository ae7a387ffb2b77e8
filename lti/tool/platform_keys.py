"""The LMS's public keys, fetched from its JWKS URL and cached for every worker. A key id we do not
know makes one fresh fetch (the LMS may have rotated its keys), at most once a minute per URL."""

from __future__ import annotations

import json
import logging
from typing import Any

import requests
from django.core.cache import cache

log = logging.getLogger(__name__)
KEYS_TTL = 3600
REFETCH_PAUSE = 60
MAX_BYTES = 64 * 1024
TIMEOUT = 5


class KeysUnavailable(Exception):
    pass


def _body(url: str) -> bytes:
    """The JWKS document: no redirect followed (it could lead anywhere), at most ``MAX_BYTES``, and
    never from a private-network address (checked at each fetch: a name may resolve elsewhere now
    than when it was registered)."""
    from django.conf import settings

    from lti.tool.addresses import internal_address

    if internal_address(url, settings.LTI_ALLOW_HTTP_LOOPBACK):
        raise ValueError("internal address")
    with requests.get(
        url, timeout=TIMEOUT, headers={"Accept": "application/json"}, allow_redirects=False, stream=True
    ) as response:
        response.raise_for_status()
        if response.is_redirect or response.status_code != 200:
            raise ValueError("not a key set")
        body = response.raw.read(MAX_BYTES + 1, decode_content=True)
    if len(body) > MAX_BYTES:
        raise ValueError("key set too large")
    return bytes(body)


def _fetch(url: str) -> list[dict[str, Any]]:
    try:
        keys = json.loads(_body(url)).get("keys")
    except (requests.RequestException, ValueError, AttributeError) as error:
        log.warning("LTI platform JWKS fetch failed: %s (%s)", url, type(error).__name__)
        raise KeysUnavailable(url) from error
    if not isinstance(keys, list):
        raise KeysUnavailable(url)
    found = [k for k in keys if isinstance(k, dict)]
    cache.set(f"lti:jwks:{url}", found, KEYS_TTL)
    return found


def platform_key(url: str, kid: str) -> dict[str, Any] | None:
    """The JWK with ``kid`` from the JWKS at ``url``, or None when the LMS does not publish it."""
    keys: list[dict[str, Any]] | None = cache.get(f"lti:jwks:{url}")
    if keys is None:
        keys = _fetch(url)
    for key in keys:
        if key.get("kid") == kid:
            return key
    if cache.add(f"lti:jwks-refetch:{url}", 1, REFETCH_PAUSE):
        for key in _fetch(url):
            if key.get("kid") == kid:
                return key
    return None
