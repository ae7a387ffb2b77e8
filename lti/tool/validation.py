"""Validating a launch: the id_token and state of the POST against what the login step remembered,
the LMS's published keys and the registration. django-lti's rows are read here; every rule is in
``checks`` (plain functions), and the signature and time checks are PyJWT's, with a clock leeway."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from lti_tool.models import LtiDeployment, LtiRegistration

from lti.tool import checks, state
from lti.tool.checks import LaunchRejected, LoginMemory
from lti.tool.platform_keys import KeysUnavailable, platform_key


@dataclass(frozen=True)
class ValidLaunch:
    claims: dict[str, Any]
    registration: LtiRegistration
    deployment: LtiDeployment
    message_type: str
    login_params: dict[str, str]


def state_cookie_name(state_value: str) -> str:
    """One cookie per login, named from its state: two launches in one page do not collide."""
    return "lti_state_" + hashlib.sha256(state_value.encode()).hexdigest()[:24]


_JWT_ERRORS: list[tuple[type[Exception], str, Any]] = [
    (jwt.ExpiredSignatureError, "expired", _("The launch has expired. Open it again from your LMS.")),
    (
        jwt.ImmatureSignatureError,
        "not_yet_valid",
        _("The launch token is dated in the future. Check the LMS server's clock."),
    ),
    (jwt.InvalidIssuerError, "wrong_iss", _("The launch token comes from another issuer than the registered LMS.")),
    (jwt.InvalidSignatureError, "bad_signature", _("The launch token's signature does not match the LMS's key.")),
    (
        jwt.MissingRequiredClaimError,
        "missing_claim",
        _("The launch token lacks a required claim (exp, iat, iss or aud)."),
    ),
]


def _decode(id_token: str, key: dict[str, Any], alg: str, registration: LtiRegistration) -> dict[str, Any]:
    try:
        public = jwt.PyJWK(key, algorithm=alg).key
        claims: dict[str, Any] = jwt.decode(
            id_token,
            public,
            algorithms=[alg],
            issuer=registration.issuer,
            leeway=settings.LTI_CLOCK_LEEWAY,
            options={"require": ["exp", "iat", "iss", "aud"], "verify_aud": False},
        )
    except jwt.PyJWKError as error:
        raise LaunchRejected("bad_key", _("The LMS published a key Baeum cannot use.")) from error
    except jwt.InvalidTokenError as error:
        for kind, code, message in _JWT_ERRORS:
            if isinstance(error, kind):
                raise LaunchRejected(code, message) from error
        raise LaunchRejected("bad_token", _("The launch token cannot be read.")) from error
    return claims


def launch_validate(*, id_token: str, state_value: str, state_cookie: str | None) -> ValidLaunch:
    """Every check of a launch POST, cheapest first; raises ``LaunchRejected``. The state is used up
    by the first attempt, valid or not: a launch that failed is started again from the LMS."""
    if not state_value:
        raise LaunchRejected("no_state", _("The launch has no state. Open it again from your LMS."))
    if not id_token:
        raise LaunchRejected("no_id_token", _("The launch carries no id_token."))
    taken = state.login_take(state_value)
    if taken is None:
        raise LaunchRejected(
            "unknown_state", _("This launch has expired or was already used. Open it again from your LMS.")
        )
    memory, registration_id, params = taken
    if state_cookie != "1":
        error = LaunchRejected("state_not_bound", _("This browser did not start this launch (its cookie is missing)."))
        error.retry = params  # the login request, to start again in a new window
        raise error
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.InvalidTokenError as error:
        raise LaunchRejected("bad_token", _("The launch token cannot be read.")) from error
    kid = checks.check_header(header)
    registration = LtiRegistration.objects.filter(pk=registration_id, is_active=True).first()
    if registration is None:
        raise LaunchRejected("no_registration", _("This LMS is no longer registered in Baeum."), status=403)
    try:
        key = platform_key(registration.keyset_url, kid)
    except KeysUnavailable as error:
        raise LaunchRejected(
            "keys_unavailable", _("Baeum could not fetch the LMS's public keys. Try again shortly."), 502
        ) from error
    if key is None:
        raise LaunchRejected(
            "unknown_kid", _("The launch was signed with a key the LMS does not publish (unknown kid).")
        )
    claims = _decode(id_token, key, header["alg"], registration)
    checks.check_audience(claims, registration.client_id, settings.LTI_TRUSTED_AUDIENCES)
    checks.check_login_binding(claims, memory)
    deployment_id = claims.get(checks.DEPLOYMENT_ID)
    deployment = (
        LtiDeployment.objects.filter(registration=registration, deployment_id=deployment_id, is_active=True)
        .select_related("baeum__school")
        .first()
        if isinstance(deployment_id, str)
        else None
    )
    message_type = checks.check_message(claims, [deployment.deployment_id] if deployment else [])
    assert deployment is not None
    ttl = int(claims["exp"]) - int(time.time()) + settings.LTI_CLOCK_LEEWAY
    if not state.nonce_claim(registration.issuer, claims["nonce"], ttl):
        raise LaunchRejected("replayed", _("This launch was already used. Open it again from your LMS."))
    return ValidLaunch(claims, registration, deployment, message_type, params)


def login_memory(registration: LtiRegistration, nonce: str, target_link_uri: str) -> LoginMemory:
    return LoginMemory(
        nonce=nonce, target_link_uri=target_link_uri, issuer=registration.issuer, client_id=registration.client_id
    )
