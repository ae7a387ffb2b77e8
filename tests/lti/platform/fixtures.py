"""Pytest fixtures and helpers for tests that drive Baeum's LTI tool with the test platform. Import
them explicitly (`from tests.lti.platform.fixtures import lti_platform, launch_with_client`), never
through a conftest."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from .keys import RsaKey
from .lms import TestPlatform
from .state import ToolRegistration


@pytest.fixture
def lti_platform() -> Iterator[TestPlatform]:
    """A started platform on a free 127.0.0.1 port, stopped afterwards."""
    platform = TestPlatform().start()
    try:
        yield platform
    finally:
        platform.stop()


@pytest.fixture(scope="module")
def lti_platform_module() -> Iterator[TestPlatform]:
    """One platform for a whole module (browser journeys that register the tool once)."""
    platform = TestPlatform().start()
    try:
        yield platform
    finally:
        platform.stop()


@pytest.fixture
def throwaway_tool_key() -> RsaKey:
    """An RSA key for a "tool" that is not Baeum (forged client assertions or deep link responses)."""
    return RsaKey.generate()


def path_of(url: str) -> str:
    """A URL as Django's test client wants it: path and query only."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def register_tool_via_client(
    platform: TestPlatform,
    client: Any,
    *,
    base: str = "http://testserver",
    client_id: str = "baeum",
    jwks_path: str = "/lti/jwks/",
    **kwargs: Any,
) -> ToolRegistration:
    """Registers the tool served by Django's test client under Baeum's URL contract (BASE/lti/login/,
    BASE/lti/launch/). The platform cannot reach `http://testserver` over HTTP, so the tool's JWKS is
    read here, through the test client, and registered as a dict (`jwks=`)."""
    jwks = client.get(jwks_path).json()
    return platform.register_tool(
        client_id,
        f"{base}/lti/login/",
        f"{base}/lti/launch/",
        [f"{base}/lti/launch/"],
        jwks=jwks,
        **kwargs,
    )


def launch_with_client(
    client: Any, platform: TestPlatform, tool: ToolRegistration | str, *, method: str = "post", **login: Any
) -> Any:
    """A whole launch through Django's test client: login initiation (POST, or GET with
    method="get") → the tool redirects to the platform's /auth → the platform's form POST of
    id_token and state to the tool's redirect_uri. Returns the tool's response to that POST.
    `login` is passed to `platform.login_initiation` (user=..., roles=..., context=..., ...)."""
    initiation = platform.login_initiation(tool, **login)
    send = client.post if method == "post" else client.get
    response = send(path_of(initiation.url), initiation.params)
    if response.status_code not in (302, 303):
        raise AssertionError(f"login initiation answered {response.status_code}, not a redirect to /auth")
    location = response.headers["Location"]
    if not location.startswith(platform.auth_url):
        raise AssertionError(f"the tool redirected to {location}, not to {platform.auth_url}")
    action, fields = platform.authorize(location)
    return client.post(path_of(action), fields)
