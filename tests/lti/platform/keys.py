"""Real RSA keys (jwcrypto) for the test platform, and for throwaway "tools" in tests that need to
sign something a tool would sign (client assertions, deep linking responses)."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import jwt
from jwcrypto.jwk import JWK

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass(frozen=True)
class RsaKey:
    """An RS256 key pair; `kid` defaults to the RFC 7638 thumbprint (what lti1p3platform puts in the
    id_token header, so the platform's kid always matches the one it signs with)."""

    private_pem: str
    public_pem: str
    kid: str

    @classmethod
    def generate(cls, kid: str | None = None, size: int = 2048) -> RsaKey:
        key = JWK.generate(kty="RSA", size=size)
        private_pem = key.export_to_pem(private_key=True, password=None).decode()
        public_pem = key.export_to_pem().decode()
        return cls(private_pem, public_pem, kid or key.thumbprint())

    @property
    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(JWK.from_pem(self.public_pem.encode()).export_public())
        jwk.update(kid=self.kid, alg="RS256", use="sig")
        return jwk

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.public_jwk]}

    def sign(self, claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
        """Signs `claims` as given (no iat/exp added) with `kid` in the header unless overridden."""
        return jwt.encode(claims, self.private_pem, algorithm="RS256", headers={"kid": self.kid, **(headers or {})})


def client_assertion(key: RsaKey, client_id: str, token_url: str, lifetime: int = 300, **overrides: Any) -> str:
    """The JWT a tool sends to the token endpoint (1EdTech Security Framework §4.1.1). Claims given
    in `overrides` replace the defaults; an override of None removes the claim."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": client_id,
        "sub": client_id,
        "aud": token_url,
        "iat": now,
        "exp": now + lifetime,
        "jti": secrets.token_urlsafe(16),
    }
    claims.update(overrides)
    return key.sign({k: v for k, v in claims.items() if v is not None})


def token_request(key: RsaKey, client_id: str, token_url: str, scopes: list[str], **overrides: Any) -> dict[str, str]:
    """The form a tool POSTs to the token endpoint."""
    return {
        "grant_type": "client_credentials",
        "client_assertion_type": CLIENT_ASSERTION_TYPE,
        "client_assertion": client_assertion(key, client_id, token_url, **overrides),
        "scope": " ".join(scopes),
    }
