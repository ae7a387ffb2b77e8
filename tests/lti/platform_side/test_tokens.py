"""Baeum's token endpoint for external tools (OAuth 2 client credentials with a signed JWT
assertion): what it issues, every assertion it refuses (status, RFC 6749 error, Baeum's reason code
in the log, and no token), and what a token is good for afterwards."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

import jwt
import pytest
from django.conf import settings
from django.urls import reverse

from lti.platform import scopes as s
from lti.platform.tokens import access_token_make, access_token_read
from tests.lti.platform.keys import CLIENT_ASSERTION_TYPE, RsaKey, client_assertion, token_request
from tests.lti.platform_side.services_kit import (
    Services,
    bearer,
    jwks_server,
    make_tool,
    services,
    token_url,
    tool_key,
)

__all__ = ["services"]  # a fixture

TOKEN = "/lti/platform/token/"
ISSUED = "lti platform token issued"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(client_id: str, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": token_url(),
        "iat": now,
        "exp": now + 300,
        "jti": secrets.token_urlsafe(16),
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _unsigned(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    head, body = _b64(json.dumps(header).encode()), _b64(json.dumps(claims).encode())
    return f"{head}.{body}.{_b64(signature)}"


def _form(assertion: str, scopes: tuple[str, ...] = (s.SCOPE_SCORE,), **overrides: str) -> dict[str, str]:
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": CLIENT_ASSERTION_TYPE,
        "client_assertion": assertion,
        "scope": " ".join(scopes),
    }
    form.update(overrides)
    return form


def _refused(
    services: Services, caplog: pytest.LogCaptureFixture, form: Any, status: int, error: str, code: str
) -> None:
    caplog.clear()
    response = services.client.post(TOKEN, form)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == error
    assert body["error_description"]
    assert "access_token" not in body
    assert response["Cache-Control"] == "no-store"
    assert f"lti platform token refused: {code}" in caplog.text
    assert ISSUED not in caplog.text


# --- what it issues ------------------------------------------------------------------------------


def test_a_valid_assertion_gets_a_bearer_token_for_the_granted_scopes(services: Services, caplog) -> None:
    tool, key = services.tool, services.key
    tool.scopes = [s.SCOPE_SCORE, s.SCOPE_LINEITEM]
    tool.save()
    form = token_request(key, tool.client_id, token_url(), [s.SCOPE_SCORE, s.SCOPE_NRPS, s.SCOPE_LINEITEM])
    response = services.client.post(TOKEN, form)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"].split() == [s.SCOPE_LINEITEM, s.SCOPE_SCORE]  # NRPS was not granted to the tool
    grant = access_token_read(body["access_token"])
    assert grant is not None and grant.tool_id == tool.pk
    assert grant.scopes == {s.SCOPE_LINEITEM, s.SCOPE_SCORE}
    assert ISSUED in caplog.text
    assert tool.client_id not in caplog.text and body["access_token"] not in caplog.text


@pytest.mark.parametrize("aud", ["issuer", "list"])
def test_the_audience_may_be_the_issuer_or_a_list_holding_the_token_url(services: Services, aud: str) -> None:
    audience: Any = settings.BASE_URL if aud == "issuer" else ["https://elsewhere.example", token_url()]
    assertion = client_assertion(services.key, services.tool.client_id, token_url(), aud=audience)
    assert services.client.post(TOKEN, _form(assertion)).status_code == 200


def test_the_tools_keys_are_read_from_its_jwks_url(services: Services, caplog) -> None:
    key, rotated = tool_key("jwks"), tool_key("rotated")
    published = [key.public_jwk]
    with jwks_server(published) as url:
        tool = make_tool(None, school=services.personas.school, jwks_url=url, name="JWKS tool")
        assertion = client_assertion(key, tool.client_id, token_url())
        assert services.client.post(TOKEN, _form(assertion)).status_code == 200
        published.append(rotated.public_jwk)  # the tool rotates: a kid not seen yet is fetched again
        assert (
            services.client.post(TOKEN, _form(client_assertion(rotated, tool.client_id, token_url()))).status_code
            == 200
        )
        # a kid the tool does not publish is refused, even with a key that signs like a published one
        stranger = RsaKey(rotated.private_pem, rotated.public_pem, "unpublished-kid")
        _refused(
            services,
            caplog,
            _form(client_assertion(stranger, tool.client_id, token_url())),
            401,
            "invalid_client",
            "unknown_kid",
        )


def test_an_unreachable_jwks_is_a_temporary_refusal(services: Services, caplog) -> None:
    with jwks_server([]) as url:
        pass  # stopped: nothing answers there any more
    tool = make_tool(None, school=services.personas.school, jwks_url=url, name="Gone")
    _refused(
        services,
        caplog,
        _form(client_assertion(services.key, tool.client_id, token_url())),
        503,
        "temporarily_unavailable",
        "keys_unavailable",
    )


# --- every refusal -------------------------------------------------------------------------------


def _assertion(services: Services, **overrides: Any) -> str:
    return client_assertion(services.key, services.tool.client_id, token_url(), **overrides)


CASES: dict[str, Any] = {
    "bad_signature": lambda sv: _form(
        client_assertion(RsaKey(tool_key("other").private_pem, "", sv.key.kid), sv.tool.client_id, token_url())
    ),
    "alg_none": lambda sv: _form(
        _unsigned({"alg": "none", "typ": "JWT", "kid": sv.key.kid}, _claims(sv.tool.client_id))
    ),
    "alg_hs256": lambda sv: _form(_hs256(sv)),
    "no_kid": lambda sv: _form(jwt.encode(_claims(sv.tool.client_id), sv.key.private_pem, algorithm="RS256")),
    "wrong_iss": lambda sv: _form(_assertion(sv, iss="someone-else")),
    "wrong_sub": lambda sv: _form(_assertion(sv, sub="someone-else")),
    "no_iss": lambda sv: _form(_assertion(sv, iss=None)),
    "wrong_aud": lambda sv: _form(_assertion(sv, aud="https://lms.example/token")),
    "wrong_aud_path": lambda sv: _form(_assertion(sv, aud=token_url().rstrip("/"))),
    "expired": lambda sv: _form(_assertion(sv, iat=int(time.time()) - 900, exp=int(time.time()) - 120)),
    "future_iat": lambda sv: _form(_assertion(sv, iat=int(time.time()) + 600, exp=int(time.time()) + 900)),
    "too_long": lambda sv: _form(_assertion(sv, exp=int(time.time()) + 7200)),
    "no_exp": lambda sv: _form(_assertion(sv, exp=None)),
    "no_jti": lambda sv: _form(_assertion(sv, jti=None)),
    "empty_jti": lambda sv: _form(_assertion(sv, jti="")),
    "not_a_jwt": lambda sv: _form("not.a.jwt"),
    "client_mismatch": lambda sv: _form(_assertion(sv), client_id="another-client"),
    "grant_type": lambda sv: _form(_assertion(sv), grant_type="password"),
    "no_grant_type": lambda sv: _form(_assertion(sv), grant_type=""),
    "assertion_type": lambda sv: _form(_assertion(sv), client_assertion_type="urn:something:else"),
    "no_assertion": lambda sv: _form(""),
    "no_scope": lambda sv: _form(_assertion(sv), scope=""),
    "unknown_scope": lambda sv: _form(_assertion(sv), scope="https://purl.imsglobal.org/spec/lti-ags/scope/everything"),
}
EXPECTED = {
    "bad_signature": (401, "invalid_client", "bad_signature"),
    "alg_none": (401, "invalid_client", "bad_alg"),
    "alg_hs256": (401, "invalid_client", "bad_alg"),
    "no_kid": (401, "invalid_client", "no_kid"),
    "wrong_iss": (401, "invalid_client", "unknown_client"),
    "wrong_sub": (401, "invalid_client", "wrong_sub"),
    "no_iss": (401, "invalid_client", "no_iss"),
    "wrong_aud": (401, "invalid_client", "wrong_aud"),
    "wrong_aud_path": (401, "invalid_client", "wrong_aud"),
    "expired": (401, "invalid_client", "expired"),
    "future_iat": (401, "invalid_client", "future_iat"),
    "too_long": (401, "invalid_client", "too_long"),
    "no_exp": (401, "invalid_client", "no_time"),
    "no_jti": (401, "invalid_client", "no_jti"),
    "empty_jti": (401, "invalid_client", "no_jti"),
    "not_a_jwt": (401, "invalid_client", "bad_token"),
    "client_mismatch": (401, "invalid_client", "client_mismatch"),
    "grant_type": (400, "unsupported_grant_type", "bad_grant_type"),
    "no_grant_type": (400, "invalid_request", "no_grant_type"),
    "assertion_type": (400, "invalid_request", "bad_assertion_type"),
    "no_assertion": (400, "invalid_request", "no_assertion"),
    "no_scope": (400, "invalid_scope", "no_scope"),
    "unknown_scope": (400, "invalid_scope", "scope_not_granted"),
}


def _hs256(services: Services) -> str:
    """The classic confusion: HMAC-signed with the tool's public key as the shared secret."""
    header = {"alg": "HS256", "typ": "JWT", "kid": services.key.kid}
    unsigned = _unsigned(header, _claims(services.tool.client_id)).rsplit(".", 1)[0]
    signature = hmac.new(services.key.public_pem.encode(), unsigned.encode(), hashlib.sha256).digest()
    return f"{unsigned}.{_b64(signature)}"


@pytest.mark.parametrize("case", list(CASES))
def test_every_bad_request_is_refused_without_a_token(services: Services, caplog, case: str) -> None:
    status, error, code = EXPECTED[case]
    _refused(services, caplog, CASES[case](services), status, error, code)


def test_a_replayed_assertion_is_refused(services: Services, caplog) -> None:
    form = _form(_assertion(services))
    assert services.client.post(TOKEN, form).status_code == 200
    _refused(services, caplog, form, 401, "invalid_client", "replayed_jti")


def test_the_same_jti_from_another_tool_is_its_own(services: Services) -> None:
    other = make_tool(services.key, school=services.personas.school, name="Other")
    jti = "shared-jti-value"
    first = client_assertion(services.key, services.tool.client_id, token_url(), jti=jti)
    second = client_assertion(services.key, other.client_id, token_url(), jti=jti)
    assert services.client.post(TOKEN, _form(first)).status_code == 200
    assert services.client.post(TOKEN, _form(second)).status_code == 200


def test_an_inactive_or_unknown_tool_gets_no_token(services: Services, caplog) -> None:
    services.tool.is_active = False
    services.tool.save()
    _refused(services, caplog, _form(_assertion(services)), 401, "invalid_client", "inactive_client")
    services.tool.delete()
    _refused(services, caplog, _form(_assertion(services)), 401, "invalid_client", "unknown_client")


def test_a_scope_the_tool_was_not_granted_is_refused(services: Services, caplog) -> None:
    services.tool.scopes = [s.SCOPE_SCORE]
    services.tool.save()
    _refused(services, caplog, _form(_assertion(services), (s.SCOPE_NRPS,)), 400, "invalid_scope", "scope_not_granted")


def test_a_json_body_or_a_get_is_not_a_token_request(services: Services, caplog) -> None:
    body = json.dumps(_form(_assertion(services)))
    caplog.clear()
    response = services.client.post(TOKEN, body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    assert services.client.get(TOKEN).status_code == 405
    assert ISSUED not in caplog.text


# --- what a token is good for ---------------------------------------------------------------------


def test_a_token_works_only_for_its_scopes(services: Services) -> None:
    roster = reverse("lti_platform:memberships", args=[services.classroom.pk])
    lineitems = reverse("lti_platform:lineitems", args=[services.classroom.pk])
    nrps_only = bearer(services.token((s.SCOPE_NRPS,)))
    assert services.client.get(roster, headers=nrps_only).status_code == 200
    refused = services.client.get(lineitems, headers=nrps_only)
    assert refused.status_code == 403
    assert refused.json()["error"] == "insufficient_scope"
    assert "insufficient_scope" in refused["WWW-Authenticate"]
    read_only = bearer(services.token((s.SCOPE_LINEITEM_READONLY,)))
    assert services.client.get(lineitems, headers=read_only).status_code == 200
    created = services.client.post(
        lineitems, {"label": "x", "scoreMaximum": 1}, content_type=s.MEDIA_LINEITEM, headers=read_only
    )
    assert created.status_code == 403


def test_a_token_dies_with_its_tool_or_its_scope(services: Services) -> None:
    roster = reverse("lti_platform:memberships", args=[services.classroom.pk])
    headers = services.headers((s.SCOPE_NRPS,))
    assert services.client.get(roster, headers=headers).status_code == 200
    services.tool.scopes = [s.SCOPE_SCORE]  # the admin takes the roster back
    services.tool.save()
    assert services.client.get(roster, headers=headers).status_code == 403
    services.tool.scopes = list(s.SCOPES)
    services.tool.is_active = False  # the admin switches the tool off
    services.tool.save()
    response = services.client.get(roster, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("kind", ["missing", "not_bearer", "forged", "expired", "tampered"])
def test_no_valid_token_is_a_401(services: Services, kind: str) -> None:
    roster = reverse("lti_platform:memberships", args=[services.classroom.pk])
    good = services.token((s.SCOPE_NRPS,))
    headers = {
        "missing": {},
        "not_bearer": {"Authorization": f"Basic {good}"},
        "forged": bearer("eyJ0IjoxfQ:1abc:forged"),
        "expired": bearer(access_token_make(services.tool.pk, (s.SCOPE_NRPS,), int(time.time()) - 1)),
        "tampered": bearer(good[:-2] + ("AA" if not good.endswith("AA") else "BB")),
    }[kind]
    response = services.client.get(roster, headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"] == "invalid_token"
