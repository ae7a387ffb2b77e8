"""The token endpoint (OAuth 2 client credentials with a JWT client assertion, 1EdTech Security
Framework §4.1) and bearer-token checks for the services. lti1p3platform's `get_access_token`
verifies the assertion's signature against the tool's keys and filters the scopes; it checks no
claim of the assertion, so iss/sub/aud/exp/iat/jti are checked here, and its signed JWT is kept
behind an opaque random token."""

from __future__ import annotations

import secrets
import time
from typing import Any

import jwt
from lti1p3platform.exceptions import (
    InvalidKeySetUrl,
    LtiException,
    MissingRequiredClaim,
    UnsupportedGrantType,
)

from .base import PlatformBase
from .keys import CLIENT_ASSERTION_TYPE
from .state import IssuedToken
from .web import HttpRequest, HttpResponse, PlatformError

LIB_ERRORS = (LtiException, MissingRequiredClaim, UnsupportedGrantType, InvalidKeySetUrl, jwt.PyJWTError, KeyError)


class TokenMixin(PlatformBase):
    token_lifetime = 3600

    def init_tokens(self) -> None:
        self.tokens: dict[str, IssuedToken] = {}
        self.tokens_issued = 0
        self.used_jtis: set[str] = set()

    def handle_token(self, request: HttpRequest) -> HttpResponse:
        try:
            body = self.issue_token(request.form)
        except PlatformError as error:
            headers = [("WWW-Authenticate", "Bearer")] if error.status == 401 else []
            return error.response(headers)
        return HttpResponse.json(body, headers=[("Cache-Control", "no-store"), ("Pragma", "no-cache")])

    def _refuse(self, status: int, error: str, description: str, form: dict[str, str]) -> PlatformError:
        return self.refuse("token", status, error, description, form)

    def issue_token(self, form: dict[str, str]) -> dict[str, Any]:
        """Checks a client credentials grant and issues an access token (the JSON answer)."""
        if form.get("grant_type") != "client_credentials":
            raise self._refuse(400, "unsupported_grant_type", "grant_type must be client_credentials", form)
        if form.get("client_assertion_type") != CLIENT_ASSERTION_TYPE:
            raise self._refuse(400, "invalid_request", "client_assertion_type must be jwt-bearer", form)
        assertion = form.get("client_assertion", "")
        if not form.get("scope", "").strip():
            raise self._refuse(400, "invalid_scope", "no scope requested", form)
        try:
            claims: dict[str, Any] = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise self._refuse(401, "invalid_client", f"client_assertion is not a JWT: {exc}", form) from None
        client_id = str(claims.get("sub", ""))
        tool = self.tools.get(client_id)
        if tool is None or form.get("client_id", client_id) != client_id:
            raise self._refuse(401, "invalid_client", "unknown client (sub / client_id)", form)
        config = self.lib_config(self.lib_registration(tool))
        try:
            lib_answer = config.get_access_token(dict(form))
        except LIB_ERRORS as exc:
            raise self._refuse(401, "invalid_client", f"client assertion refused: {exc!r}", form) from None
        self._check_assertion(claims, client_id, form)
        scopes = [scope for scope in lib_answer["scope"].split() if scope in tool.scopes]
        if not scopes:
            raise self._refuse(400, "invalid_scope", "none of the requested scopes is granted", form)
        access_token = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[access_token] = IssuedToken(
                access_token,
                client_id,
                frozenset(scopes),
                time.time() + self.token_lifetime,
                lib_answer["access_token"],
                self.key,
            )
            self.tokens_issued += 1
        return {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
            "scope": " ".join(scopes),
        }

    def _check_assertion(self, claims: dict[str, Any], client_id: str, form: dict[str, str]) -> None:
        if claims.get("iss") != client_id:
            raise self._refuse(401, "invalid_client", "iss must equal sub (the client_id)", form)
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.token_url not in audiences:
            raise self._refuse(401, "invalid_client", f"aud must be the token endpoint {self.token_url}", form)
        now = time.time()
        if not isinstance(claims.get("exp"), int | float) or claims["exp"] <= now:
            raise self._refuse(401, "invalid_client", "exp is missing or in the past", form)
        if not isinstance(claims.get("iat"), int | float) or claims["iat"] > now + 60:
            raise self._refuse(401, "invalid_client", "iat is missing or in the future", form)
        jti = claims.get("jti")
        if not isinstance(jti, str) or not jti:
            raise self._refuse(401, "invalid_client", "jti is missing", form)
        with self.lock:
            if jti in self.used_jtis:
                raise self._refuse(401, "invalid_client", "jti was already used", form)
            self.used_jtis.add(jti)

    def bearer(self, request: HttpRequest) -> IssuedToken:
        """The valid access token of a service request, or a 401 PlatformError."""
        parts = request.headers.get("Authorization", "").split()
        if len(parts) != 2 or parts[0].lower() != "bearer":
            raise PlatformError(401, "invalid_token", "a Bearer access token is required")
        token = self.tokens.get(parts[1])
        if token is None or token.expired:
            raise PlatformError(401, "invalid_token", "unknown or expired access token")
        return token

    def require_scope(self, token: IssuedToken, *scopes: str) -> None:
        if not token.scopes.intersection(scopes):
            raise PlatformError(403, "insufficient_scope", f"the token lacks any of {', '.join(scopes)}")

    def expire_tokens(self) -> None:
        """Test hook: every access token issued so far becomes expired (the tool must fetch a new one)."""
        for token in self.tokens.values():
            token.expires_at = 0
