"""The rules of registering an LMS with Baeum, as plain functions with no ORM and no HTTP: which
addresses an LMS may use, what Baeum reads from the LMS's openid-configuration (1EdTech LTI Dynamic
Registration 1.0), what it asks the LMS for, and the JSON a Canvas admin imports. The operations that
fetch, post and write rows are in ``lti.tool.registration``.

Decisions (docs/lti-tool.md):
- LMS addresses must use https. Plain http is accepted only for 127.0.0.1/localhost/::1, and only
  when ``settings.LTI_ALLOW_HTTP_LOOPBACK`` is on (default: on unless ``HTTPS``, i.e. in the
  embedded default and tests, where an LMS on this machine is a trial; never in production).
- Baeum asks for names but no email (Canvas privacy_level "name_only", claims without "email"):
  students are minors, and a class roster needs only names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from lti.platform.scopes import SCOPES
from lti.tool.checks import LOOPBACK, split_url

TOOL_SCOPES = SCOPES  # what Baeum asks an LMS for is what its own platform side offers (one list)
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
CANVAS_PRIVACY = "https://canvas.instructure.com/lti/privacy_level"
CLIENT_NAME = "Baeum (배움)"
PRIVACY_LEVEL = "name_only"
MAX_ID_LENGTH = 255


class RegistrationRefused(Exception):
    """A registration Baeum or the LMS refused: a stable ``code`` (logged, tested), a message the admin
    can act on, and the HTTP status of the page that says so."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(code)
        self.code, self.message, self.status = code, message, status


def url_problem(url: str, *, http_loopback: bool) -> str | None:
    """Why ``url`` cannot be an LMS address, or None when it can (see the module's decisions)."""
    parts = split_url(url)
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        return _("Enter a full web address starting with https://.")
    if parts.username or parts.password:
        return _("The address must not contain a user name or password.")
    if parts.scheme == "http" and not (http_loopback and parts.hostname in LOOPBACK):
        return _("The address must start with https:// (a secure connection).")
    return None


def issuer_matches(issuer: str, configuration_url: str) -> bool:
    """Dynamic Registration §3.5.1: the openid-configuration URL starts with the issuer (same scheme,
    host and port; the issuer's path, if any, is a whole-segment prefix); the issuer has no query or
    fragment."""
    iss, conf = split_url(issuer), split_url(configuration_url)
    if iss is None or conf is None:
        return False
    if iss.query or iss.fragment or not iss.hostname:
        return False
    if (iss.scheme, iss.netloc.lower()) != (conf.scheme, conf.netloc.lower()):
        return False
    prefix = iss.path.rstrip("/")
    return conf.path == prefix or conf.path.startswith(prefix + "/")


@dataclass(frozen=True)
class PlatformConfig:
    """What Baeum uses of an LMS's openid-configuration."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    registration_endpoint: str
    product: str  # product_family_code, e.g. "moodle", "canvas"
    version: str
    scopes_supported: tuple[str, ...] | None

    @property
    def display_name(self) -> str:
        host = urlsplit(self.issuer).netloc
        return f"{self.product.capitalize()} ({host})" if self.product else host


def platform_config_parse(data: object, configuration_url: str, *, http_loopback: bool) -> PlatformConfig:
    """Read and check the LMS's openid-configuration; raises ``RegistrationRefused``."""
    if not isinstance(data, dict):
        raise RegistrationRefused("bad_configuration", _("The LMS's configuration is not a JSON object."))
    issuer = data.get("issuer")
    if not isinstance(issuer, str) or len(issuer) > MAX_ID_LENGTH or url_problem(issuer, http_loopback=http_loopback):
        raise RegistrationRefused("bad_issuer", _("The LMS's configuration has no valid issuer."))
    if not issuer_matches(issuer, configuration_url):
        raise RegistrationRefused(
            "issuer_mismatch",
            _("The LMS's issuer (%(issuer)s) does not match the address of its configuration.")
            % {"issuer": issuer[:200]},
        )
    urls: dict[str, str] = {}
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint"):
        value = data.get(name)
        if not isinstance(value, str) or len(value) > 200 or url_problem(value, http_loopback=http_loopback):
            raise RegistrationRefused(
                "bad_configuration", _("The LMS's configuration has no valid %(name)s.") % {"name": name}
            )
        urls[name] = value
    methods = data.get("token_endpoint_auth_methods_supported")
    if isinstance(methods, list) and "private_key_jwt" not in methods:
        raise RegistrationRefused(
            "no_private_key_jwt", _("The LMS does not accept signed client assertions (private_key_jwt).")
        )
    algorithms = data.get("id_token_signing_alg_values_supported")
    if isinstance(algorithms, list) and not {"RS256", "RS384", "RS512"} & set(algorithms):
        raise RegistrationRefused("no_rsa", _("The LMS does not sign its launches with RSA (RS256)."))
    platform = data.get(PLATFORM_CONFIGURATION)
    platform = platform if isinstance(platform, dict) else {}
    scopes = data.get("scopes_supported")
    return PlatformConfig(
        issuer=issuer,
        product=str(platform.get("product_family_code") or "")[:50],
        version=str(platform.get("version") or "")[:50],
        scopes_supported=tuple(s for s in scopes if isinstance(s, str)) if isinstance(scopes, list) else None,
        **urls,
    )


def tool_urls(base_url: str) -> dict[str, str]:
    """Every address an LMS admin pastes (deep linking uses the launch URL, as the redirect URI)."""
    base = base_url.rstrip("/")
    launch = f"{base}/lti/launch/"
    return {
        "login": f"{base}/lti/login/",
        "launch": launch,
        "target_link_uri": launch,
        "deep_linking": launch,
        "jwks": f"{base}/lti/jwks/",
        "config_json": f"{base}/lti/config.json",
        "domain": urlsplit(base).netloc,
    }


def client_metadata(base_url: str, platform: PlatformConfig) -> dict[str, Any]:
    """The client registration request (Dynamic Registration §3.4): Baeum as a web client that
    receives id_tokens by form post and signs service-token requests with its own key. The scopes
    are AGS and NRPS, those the LMS says it supports (all of them when it does not say)."""
    urls = tool_urls(base_url)
    supported = platform.scopes_supported
    scopes = [s for s in TOOL_SCOPES if supported is None or s in supported]
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls["login"],
        "redirect_uris": [urls["launch"]],
        "client_name": CLIENT_NAME,
        "jwks_uri": urls["jwks"],
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(scopes),
        TOOL_CONFIGURATION: {
            "domain": urls["domain"],
            "target_link_uri": urls["launch"],
            "claims": ["iss", "sub", "name", "given_name", "family_name"],
            "messages": [
                {
                    "type": "LtiDeepLinkingRequest",
                    "target_link_uri": urls["deep_linking"],
                    "label": CLIENT_NAME,
                    "placements": ["link_selection", "assignment_selection"],  # Canvas; others ignore it
                },
                {"type": "LtiResourceLinkRequest"},
            ],
            CANVAS_PRIVACY: PRIVACY_LEVEL,
        },
    }


def client_registration_parse(data: object) -> tuple[str, str | None]:
    """The LMS's answer: Baeum's client_id and, when the LMS sends it, the deployment id."""
    if not isinstance(data, dict):
        raise RegistrationRefused("bad_answer", _("The LMS's answer to the registration is not a JSON object."), 502)
    client_id = data.get("client_id")
    if not isinstance(client_id, str | int) or not str(client_id).strip() or len(str(client_id)) > MAX_ID_LENGTH:
        raise RegistrationRefused("no_client_id", _("The LMS's answer has no client_id."), 502)
    tool = data.get(TOOL_CONFIGURATION)
    deployment = tool.get("deployment_id") if isinstance(tool, dict) else None
    if deployment is not None and (not isinstance(deployment, str | int) or len(str(deployment)) > MAX_ID_LENGTH):
        raise RegistrationRefused("bad_deployment_id", _("The LMS's answer has an unusable deployment_id."), 502)
    return str(client_id).strip(), (str(deployment).strip() or None) if deployment is not None else None


def canvas_config(base_url: str) -> dict[str, Any]:
    """The JSON a Canvas admin imports (Developer Keys → LTI key → Paste JSON or Enter URL). No tool-
    level custom fields: each Baeum link carries its lesson (``baeum_lesson``) from Deep Linking."""
    urls = tool_urls(base_url)
    placement = {"message_type": "LtiDeepLinkingRequest", "target_link_uri": urls["deep_linking"], "text": CLIENT_NAME}
    return {
        "title": CLIENT_NAME,
        "description": _("Korean K-12 lessons, live classes and grades from Baeum."),
        "oidc_initiation_url": urls["login"],
        "target_link_uri": urls["launch"],
        "public_jwk_url": urls["jwks"],
        "scopes": list(TOOL_SCOPES),
        "extensions": [
            {
                "domain": urls["domain"],
                "tool_id": "baeum",
                "platform": "canvas.instructure.com",
                "privacy_level": PRIVACY_LEVEL,
                "settings": {
                    "text": CLIENT_NAME,
                    "placements": [
                        {"placement": "link_selection", **placement},
                        {"placement": "assignment_selection", **placement},
                    ],
                },
            }
        ],
    }
