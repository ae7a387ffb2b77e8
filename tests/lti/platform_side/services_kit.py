"""Helpers and fixtures for the tests of Baeum's platform services (token endpoint, AGS, NRPS,
scores): a registered tool with a real RSA key, enabled in the personas' school and launched in
their class; tokens fetched from the real token endpoint; a real JWKS served on 127.0.0.1.
Import the fixtures explicitly (`from tests.lti.platform_side.services_kit import services`)."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from classrooms.models import Classroom, School
from edu.accounts.models import User
from lti.models import ExternalTool, ToolContext, ToolDeployment
from lti.platform.scopes import SCOPES
from lti.platform.subjects import subject_for
from tests.factories import Personas
from tests.lti.platform.keys import RsaKey, token_request


@functools.cache
def tool_key(name: str = "tool") -> RsaKey:
    """An RSA key per name, made once per test run (2048-bit keys take a moment)."""
    return RsaKey.generate(kid=f"{name}-key-1")


def token_url() -> str:
    return settings.BASE_URL + reverse("lti_platform:token")


def make_tool(
    key: RsaKey | None,
    *,
    school: School | None,
    name: str = "EBS 수학 문제",
    scopes: tuple[str, ...] = SCOPES,
    jwks_url: str = "",
    send_names: bool = False,
) -> ExternalTool:
    """A registered tool (its key pasted as PEM, or a JWKS URL), enabled in ``school``."""
    tool = ExternalTool.objects.create(
        name=name,
        login_url="https://tool.example/login",
        redirect_uris=["https://tool.example/launch"],
        target_link_uri="https://tool.example/launch",
        jwks_url=jwks_url,
        public_key="" if jwks_url or key is None else key.public_pem,
        scopes=list(scopes),
        send_names=send_names,
    )
    if school is not None:
        ToolDeployment.objects.create(tool=tool, school=school)
    return tool


def launched(tool: ExternalTool, classroom: Classroom) -> ToolContext:
    """What the lead's launch code records on a launch in a class."""
    return ToolContext.objects.get_or_create(tool=tool, classroom=classroom)[0]


def fetch_token(client: Client, tool: ExternalTool, key: RsaKey, scopes: tuple[str, ...] = SCOPES) -> str:
    response = client.post(reverse("lti_platform:token"), token_request(key, tool.client_id, token_url(), list(scopes)))
    assert response.status_code == 200, response.content
    return str(response.json()["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Services:
    """The personas, and a tool launched in their class with every scope."""

    personas: Personas
    tool: ExternalTool
    key: RsaKey
    client: Client

    @property
    def classroom(self) -> Classroom:
        return self.personas.classroom

    def token(self, scopes: tuple[str, ...] = SCOPES, tool: ExternalTool | None = None) -> str:
        return fetch_token(self.client, tool or self.tool, self.key, scopes)

    def headers(self, scopes: tuple[str, ...] = SCOPES) -> dict[str, str]:
        return bearer(self.token(scopes))

    def sub(self, user: User) -> str:
        return subject_for(self.tool, user)

    def url(self, name: str, *args: int) -> str:
        return reverse(f"lti_platform:{name}", args=args)


@pytest.fixture
def services(personas: Personas, client: Client) -> Services:
    key = tool_key()
    tool = make_tool(key, school=personas.school)
    launched(tool, personas.classroom)
    return Services(personas, tool, key, client)


def pylti1p3_connector(base_url: str, tool: ExternalTool, key: RsaKey) -> Any:
    """A pylti1p3 ``ServiceConnector`` for ``tool`` against Baeum at ``base_url``: the token
    requests and service calls of a tool library Baeum did not write."""
    from pylti1p3.registration import Registration
    from pylti1p3.service_connector import ServiceConnector

    registration = (
        Registration()
        .set_issuer(base_url)
        .set_client_id(tool.client_id)
        .set_auth_token_url(base_url + reverse("lti_platform:token"))
        .set_tool_private_key(key.private_pem)
        .set_tool_public_key(key.public_pem)
    )
    return ServiceConnector(registration)


@contextmanager
def jwks_server(keys: list[dict[str, Any]]) -> Iterator[str]:
    """A real JWKS on 127.0.0.1 (what a tool publishes), served from a thread; yields its URL.
    ``keys`` may be changed while it runs (a rotation)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"keys": keys}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
