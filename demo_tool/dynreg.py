"""1EdTech LTI Dynamic Registration 1.0, tool side: the platform opens
`/register?openid_configuration=…&registration_token=…`; the tool reads the platform's OpenID
configuration, checks that its issuer is a prefix of the configuration's URL, posts its client
metadata to the registration endpoint (with the token as a bearer token), stores what the platform
answered, and tells the platform's window it is done (`org.imsglobal.lti.close`)."""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

from . import pages
from .adapters import http_session
from .registrations import PlatformRegistration
from .web import WebRequest, WebResponse

if TYPE_CHECKING:
    from .app import DemoTool

log = logging.getLogger("demo_tool")

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
SCOPES = (
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
)
ENDPOINTS = ("registration_endpoint", "authorization_endpoint", "token_endpoint", "jwks_uri")


@dataclass
class RegistrationFailed(Exception):
    code: str
    korean: str
    english: str
    detail: str = ""
    status: int = 400


def url_allowed(url: Any) -> bool:
    """https anywhere; http only on loopback (a demo on one machine)."""
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    if not parts.hostname or parts.fragment:
        return False
    if parts.scheme == "https":
        return True
    if parts.scheme != "http":
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def issuer_matches(issuer: Any, configuration_url: str) -> bool:
    """The issuer is a prefix of the configuration URL: same scheme and host (and port), and the
    URL's path starts with the issuer's path."""
    if not isinstance(issuer, str) or not issuer:
        return False
    want, got = urlsplit(issuer), urlsplit(configuration_url)
    if (want.scheme, want.netloc.lower()) != (got.scheme, got.netloc.lower()) or want.query or want.fragment:
        return False
    prefix = want.path.rstrip("/")
    return got.path == prefix or got.path.startswith(prefix + "/")


def client_metadata(tool: DemoTool) -> dict[str, Any]:
    launch_url = tool.url("/launch")
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": tool.url("/login"),
        "redirect_uris": [launch_url],
        "client_name": "배움 데모 콘텐츠 (Demo content)",
        "client_name#en": "Baeum demo content",
        "jwks_uri": tool.url("/jwks"),
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(SCOPES),
        TOOL_CONFIGURATION: {
            "domain": urlsplit(tool.base_url).netloc,
            "description": "데모 콘텐츠 제공자 — 연습용 도구입니다 (a demo content provider)",
            "target_link_uri": launch_url,
            "claims": ["iss", "sub", "name"],
            "messages": [{"type": "LtiDeepLinkingRequest", "target_link_uri": launch_url, "label": "데모 콘텐츠"}],
        },
    }


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _body(response: Any) -> str:
    return f"HTTP {response.status_code}\n{response.text[:3000]}"


def fetch_configuration(session: requests.Session, url: str) -> dict[str, Any]:
    if not url_allowed(url):
        raise RegistrationFailed(
            "config_url", "플랫폼 설정 주소가 올바르지 않아요.", "openid_configuration must be an https URL.", url
        )
    try:
        response = session.get(url, headers={"Accept": "application/json"})
    except requests.RequestException as error:
        raise RegistrationFailed(
            "config_fetch", "플랫폼 설정을 읽지 못했어요.", "Could not fetch the openid configuration.", str(error), 502
        ) from None
    try:
        config = response.json() if response.ok else None
    except ValueError:
        config = None
    if not isinstance(config, dict):
        raise RegistrationFailed(
            "config_fetch",
            "플랫폼 설정을 읽지 못했어요.",
            "The openid configuration is not JSON.",
            _body(response),
            502,
        )
    if not issuer_matches(config.get("issuer"), url):
        raise RegistrationFailed(
            "issuer",
            "플랫폼의 issuer 가 설정 주소와 맞지 않아요.",
            "The configuration's issuer is not a prefix of its URL.",
            f"issuer {config.get('issuer')!r}, configuration {url}",
        )
    for name in ENDPOINTS:
        if not url_allowed(config.get(name)):
            raise RegistrationFailed(
                "config_endpoint", "플랫폼 설정에 필요한 주소가 없어요.", f"{name} is missing or not an https URL."
            )
    return config


def register(tool: DemoTool, configuration_url: str, token: str) -> PlatformRegistration:
    session = http_session()
    config = fetch_configuration(session, configuration_url)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = session.post(config["registration_endpoint"], json=client_metadata(tool), headers=headers)
    except requests.RequestException as error:
        raise RegistrationFailed(
            "register_post",
            "플랫폼에 등록 요청을 보내지 못했어요.",
            "The registration request failed.",
            str(error),
            502,
        ) from None
    try:
        answer = _object(response.json()) if response.ok else {}
    except ValueError:
        answer = {}
    client_id = answer.get("client_id")
    if not isinstance(client_id, str) or not client_id:
        raise RegistrationFailed(
            "register_refused", "플랫폼이 등록을 거절했어요.", "The platform refused the registration.", _body(response)
        )
    tool_config = _object(answer.get(TOOL_CONFIGURATION))
    deployment_id = tool_config.get("deployment_id")
    platform = _object(config.get(PLATFORM_CONFIGURATION))
    audience = config.get("authorization_server")
    registration = PlatformRegistration(
        issuer=config["issuer"],
        client_id=client_id,
        auth_login_url=config["authorization_endpoint"],
        auth_token_url=config["token_endpoint"],
        key_set_url=config["jwks_uri"],
        deployment_ids=[deployment_id] if isinstance(deployment_id, str) and deployment_id else [],
        auth_audience=audience if isinstance(audience, str) and audience else None,
        name=str(platform.get("product_family_code") or config["issuer"]),
        registered_via="dynamic",
    )
    return tool.store.save(registration)


def register_view(tool: DemoTool, web: WebRequest) -> WebResponse:
    configuration_url = web.arg("openid_configuration")
    try:
        registration = register(tool, configuration_url, web.arg("registration_token"))
    except RegistrationFailed as failure:
        log.info("dynamic registration refused: %s", failure.code)
        page = pages.error_page(
            "등록하지 못했어요: " + failure.korean, "Registration failed: " + failure.english, failure.detail
        )
        return WebResponse.html(page, failure.status)
    log.info("registered dynamically with a platform (%d deployment id)", len(registration.deployment_ids))
    deployment = registration.deployment_ids[0] if registration.deployment_ids else ""
    return WebResponse.html(pages.registered_page(registration.name, registration.client_id, deployment))
