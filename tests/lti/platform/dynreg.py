"""1EdTech LTI Dynamic Registration 1.0, platform side (lti1p3platform has none of it): the OpenID
configuration, single-use registration tokens, the registration endpoint that validates the tool's
client metadata, and the admin page that opens the tool's registration URL in an iframe."""

from __future__ import annotations

import copy
import secrets
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from . import pages
from .base import PlatformBase
from .state import (
    DEEP_LINKING_REQUEST,
    RESOURCE_LINK_REQUEST,
    SUPPORTED_SCOPES,
    ToolRegistration,
)
from .web import HttpRequest, HttpResponse, PlatformError

PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
CLAIMS = ["iss", "sub", "aud", "name", "given_name", "family_name", "email", "locale"]


def _is_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not parts.fragment


def _hostname(value: str) -> str:
    return (urlsplit(value if "//" in value else f"//{value}").hostname or "").lower()


class DynRegMixin(PlatformBase):
    registration_status = 200

    def init_dynreg(self) -> None:
        self.registration_tokens: dict[str, str | None] = {}  # token → client_id once used

    def new_registration_token(self) -> str:
        token = secrets.token_urlsafe(24)
        self.registration_tokens[token] = None
        return token

    def start_dynamic_registration(self, tool_url: str, token: str | None = None) -> str:
        """The URL the platform opens to start a dynamic registration: the tool's registration URL
        with `openid_configuration` and a fresh single-use `registration_token`."""
        token = token or self.new_registration_token()
        parts = urlsplit(tool_url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        query += [
            ("openid_configuration", self.url("/.well-known/openid-configuration")),
            ("registration_token", token),
        ]
        return urlunsplit(parts._replace(query=urlencode(query)))

    def tool_for_token(self, token: str) -> ToolRegistration | None:
        client_id = self.registration_tokens.get(token)
        return self.tools.get(client_id) if client_id else None

    def openid_configuration(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.auth_url,
            "token_endpoint": self.token_url,
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
            "jwks_uri": self.jwks_url,
            "registration_endpoint": self.url("/registration"),
            "scopes_supported": ["openid", *SUPPORTED_SCOPES],
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public", "pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": CLAIMS,
            PLATFORM_CONFIGURATION: {
                "product_family_code": self.product_family_code,
                "version": self.version,
                "messages_supported": [
                    {"type": RESOURCE_LINK_REQUEST},
                    {"type": DEEP_LINKING_REQUEST, "placements": ["ContentArea"]},
                ],
                "variables": [],
            },
        }

    def handle_openid_configuration(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse.json(self.openid_configuration())

    def handle_registration(self, request: HttpRequest) -> HttpResponse:
        parts = request.headers.get("Authorization", "").split()
        token = parts[1] if len(parts) == 2 and parts[0].lower() == "bearer" else ""
        metadata = request.json()
        answer = self.register_dynamically(token, metadata)
        return HttpResponse.json(answer, status=self.registration_status)

    def register_dynamically(self, token: str, metadata: Any) -> dict[str, Any]:
        """Validates a registration request and registers the tool; returns the registration
        response (the metadata with client_id and the deployment_id). Raises PlatformError."""
        with self.lock:
            if not token or token not in self.registration_tokens:
                raise self.refuse("registration", 401, "invalid_token", "unknown registration token", metadata)
            if self.registration_tokens[token] is not None:
                raise self.refuse("registration", 401, "invalid_token", "the registration token was used", metadata)
            problem = self._metadata_problem(metadata)
            if problem:
                raise self.refuse("registration", 400, "invalid_client_metadata", problem, metadata)
            client_id, deployment_id = f"client-{secrets.token_hex(6)}", self.new_id("deployment")
            self.registration_tokens[token] = client_id
        config = metadata[TOOL_CONFIGURATION]
        deep_link_url = next(
            (m.get("target_link_uri") for m in config.get("messages", []) if m.get("type") == DEEP_LINKING_REQUEST),
            None,
        )
        requested = str(metadata.get("scope", "")).split()
        answer = copy.deepcopy(metadata)
        answer["client_id"] = client_id
        answer[TOOL_CONFIGURATION]["deployment_id"] = deployment_id
        answer["scope"] = " ".join(s for s in requested if s in SUPPORTED_SCOPES)
        self.tools[client_id] = ToolRegistration(
            client_id=client_id,
            deployment_id=deployment_id,
            login_url=metadata["initiate_login_uri"],
            launch_url=config["target_link_uri"],
            redirect_uris=list(metadata["redirect_uris"]),
            jwks_url=metadata["jwks_uri"],
            deep_link_url=deep_link_url,
            scopes=answer["scope"].split(),
            custom=dict(config.get("custom_parameters") or {}),
            name=metadata.get("client_name"),
            metadata=answer,
        )
        return answer

    def _metadata_problem(self, metadata: Any) -> str | None:
        if not isinstance(metadata, dict):
            return "the body must be a JSON object (Content-Type application/json)"
        if metadata.get("application_type") != "web":
            return "application_type must be web"
        if not {"implicit", "client_credentials"} <= set(metadata.get("grant_types") or []):
            return "grant_types must include implicit and client_credentials"
        if "id_token" not in (metadata.get("response_types") or []):
            return "response_types must include id_token"
        redirect_uris = metadata.get("redirect_uris")
        if not isinstance(redirect_uris, list) or not redirect_uris or not all(map(_is_url, redirect_uris)):
            return "redirect_uris must be a non-empty list of URLs"
        for name in ("initiate_login_uri", "jwks_uri"):
            if not _is_url(metadata.get(name)):
                return f"{name} must be a URL"
        if not isinstance(metadata.get("client_name"), str) or not metadata["client_name"].strip():
            return "client_name is required"
        if metadata.get("token_endpoint_auth_method") != "private_key_jwt":
            return "token_endpoint_auth_method must be private_key_jwt"
        if "scope" in metadata and not isinstance(metadata["scope"], str):
            return "scope must be a space-separated string"
        config = metadata.get(TOOL_CONFIGURATION)
        if not isinstance(config, dict):
            return f"{TOOL_CONFIGURATION} is required"
        if not isinstance(config.get("domain"), str) or not config["domain"]:
            return "the tool configuration's domain is required"
        if not _is_url(config.get("target_link_uri")):
            return "the tool configuration's target_link_uri must be a URL"
        domains = {_hostname(config["domain"]), *(_hostname(d) for d in config.get("secondary_domains") or [])}
        for url in (config["target_link_uri"], metadata["initiate_login_uri"], *redirect_uris):
            if _hostname(url) not in domains:
                return f"{url} is not on the tool's domain(s)"
        messages = config.get("messages", [])
        if not isinstance(messages, list):
            return "messages must be a list"
        for message in messages:
            if not isinstance(message, dict) or message.get("type") not in (
                RESOURCE_LINK_REQUEST,
                DEEP_LINKING_REQUEST,
            ):
                return f"unsupported message {message!r}"
            if "target_link_uri" in message and not _is_url(message["target_link_uri"]):
                return "a message's target_link_uri must be a URL"
        if "claims" in config and not isinstance(config["claims"], list):
            return "claims must be a list"
        if not isinstance(config.get("custom_parameters", {}), dict):
            return "custom_parameters must be an object"
        return None

    def handle_admin_register(self, request: HttpRequest) -> HttpResponse:
        tool_url = request.query.get("url", "")
        if not _is_url(tool_url):
            raise PlatformError(400, "invalid_request", "url must be the tool's registration URL")
        token = self.new_registration_token()
        parts = urlsplit(tool_url)
        page = pages.register_page(
            iframe_src=self.start_dynamic_registration(tool_url, token),
            tool_origin=f"{parts.scheme}://{parts.netloc}",
            token=token,
            status_url=self.url("/admin/registration_status"),
        )
        return HttpResponse.html(page)

    def handle_registration_status(self, request: HttpRequest) -> HttpResponse:
        tool = self.tool_for_token(request.query.get("token", ""))
        if tool is None:
            return HttpResponse.json({"registered": False})
        return HttpResponse.json({"registered": True, "client_id": tool.client_id, "deployment_id": tool.deployment_id})
