"""Access tokens for Baeum's LTI services: issued at the token endpoint to a registered tool that
proves itself with a signed client assertion (``token_rules``), and read back on every service call.

- **The assertion.** Its signature is checked against the tool's key by ``kid``
  (``tool_keys.tool_key``: the tool's JWKS, or the PEM an admin pasted), then its claims
  (``token_rules.check_claims``). Its ``jti`` is claimed once in the cache every worker shares
  (``lti.tool.state.nonce_claim``) for as long as the assertion could be accepted.
- **The token.** Opaque to the tool, signed by Baeum (``django.core.signing``, a salt of its own),
  carrying the tool's id, the granted scopes and the expiry; nothing is stored. It is good for an
  hour and for its scopes only ("tokens per scope"); a tool switched off, or a scope taken back
  from it since, is refused at once because every call reads the tool again (``service_access``).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lti.models import ExternalTool
from lti.platform import token_rules
from lti.platform.scopes import SCOPES
from lti.platform.token_rules import TokenRefused
from lti.platform.tool_keys import KeysUnavailable, tool_key
from lti.tool import state

log = logging.getLogger("baeum.lti")

TOKEN_LIFETIME = 3600  # seconds an access token is good for
TOKEN_SALT = "lti.platform.access-token"  # noqa: S105 - a signing salt (namespace), not a secret


def token_url() -> str:
    return settings.BASE_URL + reverse("lti_platform:token")


def accepted_audiences() -> tuple[str, str]:
    """What an assertion's ``aud`` may name: the token endpoint, or Baeum's issuer."""
    return token_url(), settings.BASE_URL


# --- the token itself ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    """What an access token says: which tool, which scopes, until when (seconds since the epoch)."""

    tool_id: int
    scopes: frozenset[str]
    expires_at: int


def access_token_make(tool_id: int, scopes: tuple[str, ...], expires_at: int) -> str:
    codes = ",".join(str(SCOPES.index(scope)) for scope in scopes)
    return signing.dumps({"t": tool_id, "s": codes, "e": expires_at}, salt=TOKEN_SALT, compress=True)


def access_token_read(token: str, now: float | None = None) -> Grant | None:
    """The grant of a token Baeum issued and that has not expired, else None."""
    if not token or len(token) > 1000:
        return None
    try:
        data: Any = signing.loads(token, salt=TOKEN_SALT)
        tool_id, codes, expires_at = data["t"], data["s"], data["e"]
        scopes = frozenset(SCOPES[int(code)] for code in codes.split(",") if code)
    except (signing.BadSignature, KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None
    if not isinstance(tool_id, int) or not isinstance(expires_at, int):
        return None
    if expires_at <= (time.time() if now is None else now):
        return None
    return Grant(tool_id, scopes, expires_at)


# --- issuing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    scopes: tuple[str, ...]
    expires_in: int

    def as_json(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "scope": " ".join(self.scopes),
        }


def _verified_claims(assertion: str, key: dict[str, Any]) -> dict[str, Any]:
    """The assertion's claims once its signature matches ``key`` (times and audience are checked
    by ``token_rules.check_claims``, with Baeum's own codes)."""
    try:
        public = jwt.PyJWK(key, algorithm=token_rules.ALGORITHM).key
        claims: dict[str, Any] = jwt.decode(
            assertion,
            public,
            algorithms=[token_rules.ALGORITHM],
            options={
                "verify_signature": True,
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "verify_aud": False,
                "verify_iss": False,
            },
        )
    except jwt.PyJWKError as error:
        raise TokenRefused(
            "bad_key", "invalid_client", _("The tool's key cannot check RS256 signatures."), 401
        ) from error
    except jwt.InvalidSignatureError as error:
        raise TokenRefused(
            "bad_signature", "invalid_client", _("The client assertion's signature does not match the tool's key."), 401
        ) from error
    except jwt.InvalidTokenError as error:
        raise TokenRefused("bad_token", "invalid_client", _("The client assertion cannot be read."), 401) from error
    return claims


def _tool_key(tool: ExternalTool, kid: str) -> dict[str, Any]:
    try:
        key = tool_key(tool, kid)
    except KeysUnavailable as error:
        raise TokenRefused(
            "keys_unavailable",
            "temporarily_unavailable",
            _("Baeum could not fetch the tool's public keys (JWKS). Try again shortly."),
            503,
        ) from error
    if key is None:
        raise TokenRefused(
            "unknown_kid", "invalid_client", _("The tool publishes no key with the assertion's kid."), 401
        )
    return key


def token_issue(form: dict[str, str], now: float | None = None) -> IssuedToken:
    """Check a token request from top to bottom (cheapest first) and issue its token; raises
    ``TokenRefused``. The assertion's ``jti`` is spent only once everything about it holds."""
    moment = time.time() if now is None else now
    request = token_rules.check_form(form)
    try:
        header = jwt.get_unverified_header(request.assertion)
        unverified = jwt.decode(request.assertion, options={"verify_signature": False})
    except jwt.InvalidTokenError as error:
        raise TokenRefused("bad_token", "invalid_client", _("The client assertion is not a JWT."), 401) from error
    kid = token_rules.check_header(header)
    client_id = token_rules.issuer_of(unverified)
    if request.client_id and request.client_id != client_id:
        raise TokenRefused(
            "client_mismatch", "invalid_client", _("The client_id does not match the assertion's issuer."), 401
        )
    tool = ExternalTool.objects.filter(client_id=client_id).first()
    if tool is None or not tool.is_active:
        code = "unknown_client" if tool is None else "inactive_client"
        raise TokenRefused(code, "invalid_client", _("No active tool is registered with this client id."), 401)
    claims = _verified_claims(request.assertion, _tool_key(tool, kid))
    facts = token_rules.check_claims(
        claims,
        client_id=tool.client_id,
        audiences=accepted_audiences(),
        now=moment,
        leeway=settings.LTI_CLOCK_LEEWAY,
    )
    ttl = int(facts.exp - moment) + settings.LTI_CLOCK_LEEWAY
    if not state.nonce_claim(f"client-assertion:{tool.client_id}", facts.jti, ttl):
        raise TokenRefused("replayed_jti", "invalid_client", _("This client assertion was already used (jti)."), 401)
    scopes = token_rules.granted_scopes(request.scopes, tool.scopes if isinstance(tool.scopes, list) else [])
    expires_at = int(moment) + TOKEN_LIFETIME
    log.info("lti platform token issued: tool %s, %d scopes", tool.pk, len(scopes))
    return IssuedToken(access_token_make(tool.pk, scopes, expires_at), scopes, TOKEN_LIFETIME)
