"""Service tokens (client credentials with a signed JWT assertion) against the test platform's real
token endpoint, which checks the assertion's signature against Baeum's JWKS and its claims."""

from __future__ import annotations

from collections.abc import Iterator

import jwt
import pytest
import requests
from lti_tool.models import Key

from lti.tool import keys, tokens
from lti.tool.tokens import SCOPE_LINEITEM, SCOPE_NRPS, SCOPE_SCORE, ServiceRefused, ServiceUnavailable
from tests.factories import Personas
from tests.lti.platform import TestPlatform
from tests.lti.platform.fixtures import lti_platform  # noqa: F401 - a fixture
from tests.lti.tool.launching import Registered, register_baeum


@pytest.fixture
def platform(lti_platform: TestPlatform) -> Iterator[TestPlatform]:  # noqa: F811 - the imported fixture
    yield lti_platform
    assert lti_platform.errors == []


@pytest.fixture
def reg(platform: TestPlatform, personas: Personas) -> Registered:
    return register_baeum(platform, personas.school)


def test_the_assertion_is_what_the_security_framework_asks(reg: Registered) -> None:
    assertion = tokens.client_assertion(reg.registration, now=1_700_000_000)
    key = keys.signing_key()
    header = jwt.get_unverified_header(assertion)
    assert header["alg"] == "RS256"
    assert header["kid"] == key.as_jwk()["kid"]
    claims = jwt.decode(
        assertion, key.public_key, algorithms=["RS256"], audience=reg.platform.token_url, options={"verify_exp": False}
    )
    assert claims["iss"] == claims["sub"] == reg.registration.client_id
    assert claims["aud"] == reg.platform.token_url
    assert claims["exp"] - claims["iat"] == 300
    assert (
        claims["jti"]
        != jwt.decode(tokens.client_assertion(reg.registration), options={"verify_signature": False})["jti"]
    )


def test_the_registrations_audience_replaces_the_token_url(reg: Registered) -> None:
    reg.registration.audience = "https://lms.example/oauth2"
    claims = jwt.decode(tokens.client_assertion(reg.registration), options={"verify_signature": False})
    assert claims["aud"] == "https://lms.example/oauth2"


def test_a_token_is_fetched_once_per_scope_set_and_shared_from_the_cache(reg: Registered) -> None:
    platform = reg.platform
    first = tokens.access_token(reg.registration, [SCOPE_SCORE])
    assert platform.tokens_issued == 1
    assert platform.tokens[first].scopes == {SCOPE_SCORE}
    assert tokens.access_token(reg.registration, [SCOPE_SCORE]) == first
    assert platform.tokens_issued == 1  # from the cache

    both = tokens.access_token(reg.registration, [SCOPE_SCORE, SCOPE_LINEITEM])
    assert platform.tokens_issued == 2 and both != first  # another scope set, another token
    assert tokens.access_token(reg.registration, [SCOPE_LINEITEM, SCOPE_SCORE, SCOPE_SCORE]) == both
    assert platform.tokens_issued == 2
    assert platform.refusals_at("token") == []


def test_a_token_that_expires_at_once_is_not_kept(reg: Registered) -> None:
    reg.platform.token_lifetime = 0
    tokens.access_token(reg.registration, [SCOPE_NRPS])
    tokens.access_token(reg.registration, [SCOPE_NRPS])
    assert reg.platform.tokens_issued == 2


def test_a_token_the_lms_no_longer_takes_is_replaced_once(reg: Registered) -> None:
    platform = reg.platform
    platform.add_context("course-1")
    tokens.access_token(reg.registration, [SCOPE_NRPS])
    platform.expire_tokens()  # the LMS forgot it (restart, revocation) before the cache did
    response = tokens.service_request(
        reg.registration, [SCOPE_NRPS], "GET", platform.memberships_url("course-1"), accept="application/json"
    )
    assert response.status_code == 200
    assert platform.tokens_issued == 2


def test_a_refused_assertion_is_a_permanent_error_with_the_oauth_code(reg: Registered) -> None:
    reg.registration.audience = "https://somewhere.else/token"  # the platform wants its token URL
    with pytest.raises(ServiceRefused) as refused:
        tokens.access_token(reg.registration, [SCOPE_SCORE])
    assert refused.value.reason == "token_refused:invalid_client"
    assert not refused.value.transient
    assert "invalid_client" in tokens.reason_text(refused.value.reason)


def test_a_key_the_lms_does_not_know_is_refused(reg: Registered) -> None:
    Key.objects.update(is_active=False)
    Key.objects.generate()  # not in the JWKS the platform was given
    with pytest.raises(ServiceRefused):
        tokens.access_token(reg.registration, [SCOPE_SCORE])


def test_an_unreachable_token_endpoint_is_transient(reg: Registered) -> None:
    reg.platform.stop()
    with pytest.raises(ServiceUnavailable) as unavailable:
        tokens.access_token(reg.registration, [SCOPE_SCORE])
    assert unavailable.value.reason == "unreachable" and unavailable.value.transient


def _response(status: int, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers or {})
    return response


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_busy_or_broken_answers_are_transient(status: int) -> None:
    with pytest.raises(ServiceUnavailable) as error:
        tokens.check_response(_response(status, {"Retry-After": "120"}))
    assert error.value.reason == f"http:{status}" and error.value.retry_after == 120


@pytest.mark.parametrize("status", [400, 403, 404, 409, 415, 422])
def test_other_refusals_are_permanent(status: int) -> None:
    with pytest.raises(ServiceRefused) as error:
        tokens.check_response(_response(status))
    assert error.value.reason == f"http:{status}"
    assert str(status) in tokens.reason_text(error.value.reason)


def test_successes_pass() -> None:
    for status in (200, 201, 204):
        assert tokens.check_response(_response(status)).status_code == status
