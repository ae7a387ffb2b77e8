"""The rules of registering an external tool with Baeum-as-platform, as plain functions with no ORM
and no HTTP: which addresses a tool may use, what Baeum reads from a tool's client metadata (1EdTech
LTI Dynamic Registration 1.0, §3.3; RFC 7591), custom parameters, pasted public keys and scopes. The
operations that write rows are in ``lti.platform.registry`` and ``lti.platform.registration``.

Decisions (docs/lti-platform.md):
- Tool addresses use https; plain http only on loopback when ``settings.LTI_ALLOW_HTTP_LOOPBACK``
  (``lti.tool.registration_rules.url_problem``, the rule the tool side applies to LMSs).
- A tool registering itself declares a ``domain``: its login, redirect and launch addresses must be
  on it (or a subdomain). The JWKS may live elsewhere (a key service), but never inside a private
  network (checked by the service: that needs DNS).
- Scopes are granted only among those Baeum offers; names only when the admin said so; e-mail
  addresses never (students are minors).
- Too long is refused, not truncated (a URL or id cut short is another URL or id); only the display
  name and description are shortened.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from jwcrypto.common import JWException
from jwcrypto.jwk import JWK

from lti.platform.scopes import DEEP_LINKING_REQUEST, RESOURCE_LINK_REQUEST, SCOPES
from lti.tool.checks import split_url
from lti.tool.registration_rules import TOOL_CONFIGURATION, RegistrationRefused, url_problem

MAX_BODY = 64 * 1024  # bytes of client metadata Baeum reads
MAX_URL = 500  # the columns' length
MAX_REDIRECT_URIS = 20
MAX_CUSTOM_PARAMETERS = 50
MAX_CUSTOM_VALUE = 1000
MIN_RSA_BITS = 2048
NAME_LENGTH, DESCRIPTION_LENGTH = 100, 300
CUSTOM_KEY = re.compile(r"[A-Za-z0-9_]+")
DOMAIN = re.compile(r"(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
BASE_CLAIMS = ("iss", "sub", "locale")
NAME_CLAIMS = ("name", "given_name", "family_name")
INVALID_METADATA, INVALID_REDIRECT_URI = "invalid_client_metadata", "invalid_redirect_uri"


class MetadataRefused(RegistrationRefused):
    """Client metadata Baeum refuses (RFC 7591 §3.2.2): ``code`` is the RFC's error, ``field`` the
    member at fault (logged; no values)."""

    def __init__(self, field: str, message: str, code: str = INVALID_METADATA) -> None:
        super().__init__(code, f"{field}: {message}", 400)
        self.field = field


def tool_url_problem(url: object, *, http_loopback: bool) -> str | None:
    """Why ``url`` cannot be a tool's address, or None when it can."""
    if not isinstance(url, str) or not url:
        return _("Enter a full web address starting with https://.")
    if len(url) > MAX_URL:
        return _("The address can be at most %(max)d characters.") % {"max": MAX_URL}
    if "#" in url:
        return _("The address must not contain a “#” part.")
    return url_problem(url, http_loopback=http_loopback)


def on_domain(url: str, domain: str) -> bool:
    """Is ``url`` on ``domain`` (a host, maybe with a port) or one of its subdomains? Without a port
    in the domain, any port of that host is on it."""
    declared, parts = split_url(f"https://{domain}"), split_url(url)
    if declared is None or parts is None or not declared.hostname or not parts.hostname:
        return False
    if declared.path or declared.query or declared.username or declared.password:
        return False
    if declared.port is not None and declared.port != parts.port:
        return False
    host, wanted = parts.hostname.lower().rstrip("."), declared.hostname.lower().rstrip(".")
    return host == wanted or host.endswith("." + wanted)


def custom_parameters_problem(value: object) -> str | None:
    """Why ``value`` cannot be a tool's custom parameters, or None (a JSON object of string to
    string, keys of ASCII letters, digits and ``_``)."""
    if not isinstance(value, dict):
        return _("Custom parameters must be an object of names and text values.")
    if len(value) > MAX_CUSTOM_PARAMETERS:
        return _("At most %(max)d custom parameters.") % {"max": MAX_CUSTOM_PARAMETERS}
    for key, item in value.items():
        if not isinstance(key, str) or not CUSTOM_KEY.fullmatch(key) or len(key) > 100:
            return _("The name “%(key)s” may use only the letters A–Z, digits and “_”.") % {"key": str(key)[:60]}
        if not isinstance(item, str) or len(item) > MAX_CUSTOM_VALUE:
            return _("The value of “%(key)s” must be text of at most %(max)d characters.") % {
                "key": key,
                "max": MAX_CUSTOM_VALUE,
            }
    return None


def custom_parameters_parse(text: str) -> dict[str, str]:
    """``key=value`` lines (blank lines skipped) as a dict; raises ``ValueError`` with a message
    naming the line at fault."""
    found: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        key, equals, value = line.partition("=")
        key = key.strip()
        if not equals or not key:
            raise ValueError(_("Line %(n)d: write it as name=value.") % {"n": number})
        if key in found:
            raise ValueError(_("Line %(n)d: “%(key)s” is given twice.") % {"n": number, "key": key[:60]})
        found[key] = value.strip()
        if problem := custom_parameters_problem({key: found[key]}):
            raise ValueError(_("Line %(n)d: %(problem)s") % {"n": number, "problem": problem})
    if problem := custom_parameters_problem(found):
        raise ValueError(problem)
    return found


def custom_parameters_text(parameters: dict[str, str]) -> str:
    """The lines of the form, by name (PostgreSQL's jsonb keeps no order of its own)."""
    return "\n".join(f"{key}={parameters[key]}" for key in sorted(parameters))


def public_key_problem(pem: str) -> str | None:
    """Why ``pem`` cannot be a tool's public key, or None: an RSA public key (not a private one) of
    at least 2048 bits, in PEM."""
    try:
        key = JWK.from_pem(pem.strip().encode())
    except (JWException, ValueError, TypeError, UnicodeError):
        return _("This is not a public key in PEM format (-----BEGIN PUBLIC KEY-----).")
    if key.has_private:
        return _("This is a private key. Paste the tool's public key; its private key must stay with the tool.")
    if key.get("kty") != "RSA":
        return _("The key must be an RSA key (launches and tokens are signed with RS256).")
    if key.get_op_key("verify").key_size < MIN_RSA_BITS:
        return _("The RSA key must have at least %(bits)d bits.") % {"bits": MIN_RSA_BITS}
    return None


def scopes_granted(requested: Iterable[str]) -> list[str]:
    """The requested scopes Baeum offers, in Baeum's order."""
    wanted = set(requested)
    return [scope for scope in SCOPES if scope in wanted]


def claims_sent(send_names: bool) -> list[str]:
    """The identity claims a tool receives: the opaque ``sub``, and the name when allowed."""
    return [*BASE_CLAIMS, *(NAME_CLAIMS if send_names else ())]


# --- Client metadata (dynamic registration) ------------------------------------------------------


@dataclass(frozen=True)
class ToolMetadata:
    """What Baeum registers from a tool's client metadata."""

    name: str
    description: str
    domain: str
    login_url: str
    redirect_uris: tuple[str, ...]
    target_link_uri: str
    deep_link_url: str
    jwks_url: str
    custom_parameters: dict[str, str] = field(default_factory=dict)
    scopes: tuple[str, ...] = ()
    messages: tuple[dict[str, Any], ...] = ()

    def urls(self) -> dict[str, str]:
        """Every address, named for the error message (Baeum calls the JWKS; browsers go to the rest)."""
        named = {f"redirect_uris[{i}]": uri for i, uri in enumerate(self.redirect_uris)}
        named.update(initiate_login_uri=self.login_url, target_link_uri=self.target_link_uri)
        if self.deep_link_url:
            named["messages.target_link_uri"] = self.deep_link_url
        named["jwks_uri"] = self.jwks_url
        return named


def _text(data: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise MetadataRefused(name, _("Required, as text."))
    return value.strip()


def _strings(data: dict[str, Any], name: str, code: str = INVALID_METADATA) -> list[str]:
    value = data.get(name)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise MetadataRefused(name, _("Required, as a list of text values."), code)
    return value


def _url(name: str, value: object, http_loopback: bool, code: str = INVALID_METADATA) -> str:
    if problem := tool_url_problem(value, http_loopback=http_loopback):
        raise MetadataRefused(name, problem, code)
    return str(value)


def _check_protocol(data: dict[str, Any]) -> None:
    if data.get("application_type") != "web":
        raise MetadataRefused("application_type", _("Must be “web”."))
    if "id_token" not in _strings(data, "response_types"):
        raise MetadataRefused("response_types", _("Must include “id_token”."))
    if not {"implicit", "client_credentials"} <= set(_strings(data, "grant_types")):
        raise MetadataRefused("grant_types", _("Must include “implicit” and “client_credentials”."))
    if data.get("token_endpoint_auth_method") != "private_key_jwt":
        raise MetadataRefused("token_endpoint_auth_method", _("Must be “private_key_jwt”."))
    algorithm = data.get("id_token_signed_response_alg")
    if algorithm is not None and algorithm != "RS256":
        raise MetadataRefused("id_token_signed_response_alg", _("Baeum signs id_tokens with RS256 only."))


def _messages(tool: dict[str, Any], target: str, http_loopback: bool) -> tuple[str, tuple[dict[str, Any], ...]]:
    """The Deep Linking URL (empty when the tool offers no Deep Linking) and the messages echoed."""
    raw = tool.get("messages", [])
    if not isinstance(raw, list) or not all(isinstance(m, dict) and isinstance(m.get("type"), str) for m in raw):
        raise MetadataRefused("messages", _("Must be a list of objects, each with a “type”."))
    deep_link, echoed = "", []
    for message in raw:
        if message["type"] not in (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST):
            continue  # a message Baeum does not send: not echoed, so the tool knows
        entry: dict[str, Any] = {"type": message["type"]}
        if "target_link_uri" in message:
            entry["target_link_uri"] = _url("messages.target_link_uri", message["target_link_uri"], http_loopback)
        if isinstance(message.get("label"), str):
            entry["label"] = message["label"][:NAME_LENGTH]
        if message["type"] == DEEP_LINKING_REQUEST and not deep_link:
            deep_link = entry.get("target_link_uri", target)
            entry["placements"] = ["editor"]
        echoed.append(entry)
    return deep_link, tuple(echoed)


def client_metadata_parse(data: object, *, http_loopback: bool) -> ToolMetadata:
    """Read and check a tool's client metadata; raises ``MetadataRefused``. The addresses' DNS
    (private networks) is the service's to check."""
    if not isinstance(data, dict):
        raise MetadataRefused("body", _("The client metadata must be a JSON object."))
    _check_protocol(data)
    tool = data.get(TOOL_CONFIGURATION)
    if not isinstance(tool, dict):
        raise MetadataRefused(TOOL_CONFIGURATION, _("Required, as an object."))
    domain = _text(tool, "domain")
    if len(domain) > 200 or not DOMAIN.fullmatch(domain):
        raise MetadataRefused("domain", _("Must be a host name, such as tool.example.kr."))
    login = _url("initiate_login_uri", data.get("initiate_login_uri"), http_loopback)
    redirects = list(dict.fromkeys(_strings(data, "redirect_uris", INVALID_REDIRECT_URI)))
    if not redirects or len(redirects) > MAX_REDIRECT_URIS:
        message = _("Give 1 to %(max)d addresses.") % {"max": MAX_REDIRECT_URIS}
        raise MetadataRefused("redirect_uris", message, INVALID_REDIRECT_URI)
    for i, uri in enumerate(redirects):
        _url(f"redirect_uris[{i}]", uri, http_loopback, INVALID_REDIRECT_URI)
    target = _url("target_link_uri", tool.get("target_link_uri"), http_loopback)
    deep_link, messages = _messages(tool, target, http_loopback)
    for name, url in [
        ("initiate_login_uri", login),
        ("target_link_uri", target),
        ("messages.target_link_uri", deep_link),
    ]:
        if url and not on_domain(url, domain):
            raise MetadataRefused(name, _("The address is not on the tool's domain (%(domain)s).") % {"domain": domain})
    for i, uri in enumerate(redirects):
        if not on_domain(uri, domain):
            message = _("The address is not on the tool's domain (%(domain)s).") % {"domain": domain}
            raise MetadataRefused(f"redirect_uris[{i}]", message, INVALID_REDIRECT_URI)
    custom = tool.get("custom_parameters", {})
    if problem := custom_parameters_problem(custom):
        raise MetadataRefused("custom_parameters", problem)
    scope = data.get("scope", "")
    claims = tool.get("claims", [])
    if not isinstance(scope, str):
        raise MetadataRefused("scope", _("Must be text: scopes separated by spaces."))
    if not isinstance(claims, list) or not all(isinstance(c, str) for c in claims):
        raise MetadataRefused("claims", _("Must be a list of text values."))
    description = tool.get("description", "")
    return ToolMetadata(
        name=_text(data, "client_name")[:NAME_LENGTH],
        description=description[:DESCRIPTION_LENGTH] if isinstance(description, str) else "",
        domain=domain,
        login_url=login,
        redirect_uris=tuple(redirects),
        target_link_uri=target,
        deep_link_url=deep_link,
        jwks_url=_url("jwks_uri", data.get("jwks_uri"), http_loopback),
        custom_parameters=dict(custom),
        scopes=tuple(scopes_granted(scope.split())),
        messages=messages,
    )
