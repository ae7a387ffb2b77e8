"""The rules of Baeum's token endpoint, as plain functions over the request's form and the client
assertion's header and claims (no ORM, no HTTP): OAuth 2 client credentials with a signed JWT
(RFC 6749 §4.4, RFC 7523 §2.2 and §3, 1EdTech Security Framework §4.1).

Every refusal is a ``TokenRefused``: ``error`` is the RFC 6749 §5.2 code the tool reads
(``invalid_request``, ``invalid_client``, ``unsupported_grant_type``, ``invalid_scope``), ``code`` a
finer reason of Baeum's for logs and tests (``bad_alg``, ``replayed_jti``, …), ``message`` words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from django.utils.translation import gettext_lazy as _

from lti.platform.scopes import CLIENT_ASSERTION_TYPE, SCOPES

ALGORITHM = "RS256"  # what a tool signs its assertion with (LTI Security Framework §6.1); never none or HS*
MAX_ASSERTION_LIFETIME = 3600  # seconds between an assertion's iat and exp
MAX_ASSERTION_CHARS = 8192
MAX_SCOPE_CHARS = 2000
MAX_JTI_CHARS = 255


class TokenRefused(Exception):
    """A token request Baeum does not grant."""

    def __init__(self, code: str, error: str, message: Any, status: int = 400) -> None:
        super().__init__(code)
        self.code = code
        self.error = error
        self.message = message
        self.status = status


def _client(code: str, message: Any) -> TokenRefused:
    """The assertion does not authenticate the tool (RFC 7523 §3.2: ``invalid_client``, 401)."""
    return TokenRefused(code, "invalid_client", message, 401)


@dataclass(frozen=True)
class TokenRequest:
    assertion: str
    scopes: tuple[str, ...]
    client_id: str  # the form's client_id when the tool sent one, else ""


def check_form(form: Mapping[str, str]) -> TokenRequest:
    """The form of a client credentials request with a JWT assertion."""
    grant_type = form.get("grant_type", "")
    if not grant_type:
        raise TokenRefused("no_grant_type", "invalid_request", _("The request has no grant_type."))
    if grant_type != "client_credentials":
        raise TokenRefused(
            "bad_grant_type", "unsupported_grant_type", _("Only the client_credentials grant is supported.")
        )
    if form.get("client_assertion_type", "") != CLIENT_ASSERTION_TYPE:
        raise TokenRefused(
            "bad_assertion_type",
            "invalid_request",
            _("client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer."),
        )
    assertion = form.get("client_assertion", "")
    if not assertion or len(assertion) > MAX_ASSERTION_CHARS:
        raise TokenRefused("no_assertion", "invalid_request", _("The request has no usable client_assertion."))
    scope = form.get("scope", "")
    if len(scope) > MAX_SCOPE_CHARS:
        raise TokenRefused("bad_scope", "invalid_request", _("The scope parameter is too long."))
    requested = tuple(dict.fromkeys(scope.split()))
    if not requested:
        raise TokenRefused("no_scope", "invalid_scope", _("The request names no scope."))
    return TokenRequest(assertion, requested, form.get("client_id", ""))


def check_header(header: Mapping[str, Any]) -> str:
    """The assertion is signed RS256 with a named key. Returns the key id."""
    if header.get("alg") != ALGORITHM:
        raise _client("bad_alg", _("The client assertion must be signed with RS256."))
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid or len(kid) > 255:
        raise _client("no_kid", _("The client assertion's header does not name its key (kid)."))
    return kid


def issuer_of(claims: Mapping[str, Any]) -> str:
    """The client id the (not yet verified) assertion claims to come from."""
    iss = claims.get("iss")
    if not isinstance(iss, str) or not iss or len(iss) > 255:
        raise _client("no_iss", _("The client assertion has no issuer (iss)."))
    return iss


def _number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class AssertionFacts:
    client_id: str
    jti: str
    exp: int


def check_claims(
    claims: Mapping[str, Any], *, client_id: str, audiences: Sequence[str], now: float, leeway: int
) -> AssertionFacts:
    """The verified assertion is the tool's own (``iss`` = ``sub`` = its client id), addressed to
    Baeum (``aud`` holds one of ``audiences``), current and short-lived, with a ``jti``."""
    if claims.get("iss") != client_id:
        raise _client("wrong_iss", _("The client assertion's issuer is not the tool's client id."))
    if claims.get("sub") != client_id:
        raise _client("wrong_sub", _("The client assertion's subject (sub) must be the tool's client id."))
    aud = claims.get("aud")
    named = [aud] if isinstance(aud, str) else aud
    if not isinstance(named, list) or not any(isinstance(a, str) and a in audiences for a in named):
        raise _client("wrong_aud", _("The client assertion is not addressed to Baeum's token endpoint (aud)."))
    exp, iat = claims.get("exp"), claims.get("iat")
    if not _number(exp) or not _number(iat):
        raise _client("no_time", _("The client assertion must carry exp and iat."))
    if exp <= now - leeway:
        raise _client("expired", _("The client assertion has expired."))
    if iat > now + leeway:
        raise _client("future_iat", _("The client assertion is dated in the future (iat). Check the tool's clock."))
    nbf = claims.get("nbf")
    if nbf is not None and (not _number(nbf) or nbf > now + leeway):
        raise _client("not_yet_valid", _("The client assertion is not valid yet (nbf)."))
    if exp - iat > MAX_ASSERTION_LIFETIME:
        raise _client("too_long", _("The client assertion may live at most one hour (exp - iat)."))
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > MAX_JTI_CHARS:
        raise _client("no_jti", _("The client assertion has no unique identifier (jti)."))
    return AssertionFacts(client_id, jti, int(exp))


def granted_scopes(requested: Iterable[str], registered: Iterable[str]) -> tuple[str, ...]:
    """The requested scopes the tool was granted and Baeum knows, in Baeum's order."""
    wanted, allowed = set(requested), set(registered)
    found = tuple(scope for scope in SCOPES if scope in wanted and scope in allowed)
    if not found:
        raise TokenRefused(
            "scope_not_granted", "invalid_scope", _("None of the requested scopes is granted to this tool.")
        )
    return found
