"""A simulated tool (not Baeum): what the platform's self-tests use to play the tool's part, and what
a Baeum test can use to forge tool-side messages (a deep linking response signed by a stranger...)."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field
from html import unescape
from typing import Any

import jwt
import requests

from .keys import RsaKey, token_request
from .launches import LoginInitiation
from .lms import TestPlatform
from .state import CLAIM, DL_CLAIM, ToolRegistration

TOOL_BASE = "http://tool.invalid"  # never contacted: the simulated tool has no server


def form_fields(html: str) -> tuple[str, dict[str, str]]:
    """The action and hidden fields of the first form of an auto-submitting page."""
    action = re.search(r'<form[^>]*action="([^"]*)"', html)
    fields = re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', html)
    if action is None:
        raise AssertionError("no form in the page")
    return unescape(action.group(1)), {unescape(name): unescape(value) for name, value in fields}


@dataclass
class SimulatedTool:
    platform: TestPlatform
    client_id: str = "sim-tool"
    key: RsaKey = field(default_factory=RsaKey.generate)
    registration: ToolRegistration | None = None

    def register(self, **kwargs: Any) -> ToolRegistration:
        self.registration = self.platform.register_tool(
            self.client_id,
            f"{TOOL_BASE}/lti/login/",
            f"{TOOL_BASE}/lti/launch/",
            [f"{TOOL_BASE}/lti/launch/"],
            jwks=kwargs.pop("jwks", self.key.jwks()),
            **kwargs,
        )
        return self.registration

    @property
    def tool(self) -> ToolRegistration:
        assert self.registration is not None, "register() first"
        return self.registration

    def auth_request(self, initiation: LoginInitiation, **overrides: str) -> dict[str, str]:
        """The authentication request a tool sends to /auth after a login initiation."""
        query = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": self.client_id,
            "redirect_uri": self.tool.launch_url,
            "login_hint": initiation.params["login_hint"],
            "lti_message_hint": initiation.params["lti_message_hint"],
            "state": secrets.token_urlsafe(8),
            "nonce": secrets.token_urlsafe(8),
        }
        query.update(overrides)
        return query

    def launch_over_http(self, initiation: LoginInitiation, **overrides: str) -> requests.Response:
        return requests.get(self.platform.auth_url, params=self.auth_request(initiation, **overrides), timeout=10)

    def verify(self, id_token: str) -> dict[str, Any]:
        """Verifies an id_token as a tool would: the platform's /jwks (PyJWT), aud, iss, exp."""
        signing_key = jwt.PyJWKClient(self.platform.jwks_url).get_signing_key_from_jwt(id_token)
        return jwt.decode(
            id_token, signing_key.key, algorithms=["RS256"], audience=self.client_id, issuer=self.platform.issuer
        )

    def token_form(self, scopes: list[str], **overrides: Any) -> dict[str, str]:
        return token_request(self.key, self.client_id, self.platform.token_url, scopes, **overrides)

    def access_token(self, scopes: list[str]) -> str:
        response = requests.post(self.platform.token_url, data=self.token_form(scopes), timeout=10)
        response.raise_for_status()
        return str(response.json()["access_token"])

    def deep_link_response(
        self, request_claims: dict[str, Any], items: list[dict[str, Any]], key: RsaKey | None = None, **overrides: Any
    ) -> str:
        """A signed LtiDeepLinkingResponse answering the deep linking request `request_claims`."""
        settings = request_claims[DL_CLAIM + "deep_linking_settings"]
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.client_id,
            "aud": self.platform.issuer,
            "iat": now,
            "exp": now + 300,
            "nonce": secrets.token_urlsafe(8),
            CLAIM + "message_type": "LtiDeepLinkingResponse",
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": request_claims[CLAIM + "deployment_id"],
            DL_CLAIM + "content_items": items,
        }
        if "data" in settings:
            claims[DL_CLAIM + "data"] = settings["data"]
        claims.update(overrides)
        return (key or self.key).sign({k: v for k, v in claims.items() if v is not None})
