"""Access tokens for the LMS's services (grades, rosters), and the one way Baeum calls them.

A token comes from the registration's token endpoint by OAuth 2 client credentials with a signed
JWT assertion (RFC 7523; 1EdTech Security Framework §4.1): ``iss`` = ``sub`` = our client id,
``aud`` the token endpoint (or the registration's ``audience``), five minutes of life, a unique
``jti``, signed RS256 by Baeum's current key (``keys.signing_key``) with its ``kid``. Tokens are
kept in the shared cache (every worker uses them) per registration and scope set, until a little
before they expire.

Every failure is a ``ServiceError`` with a short ``reason`` code (no personal data): a
``ServiceUnavailable`` is worth retrying later (no connection, timeout, 408, 429, 5xx), a
``ServiceRefused`` is not (any other refusal)."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import time
from collections.abc import Iterable
from typing import Any, ClassVar

import jwt
import requests
from django.core.cache import cache
from django.utils.translation import gettext as _
from jwcrypto.jwk import JWK
from lti_tool.models import LtiRegistration

from lti.tool import keys

log = logging.getLogger("baeum.lti")

SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME = 300
TIMEOUT = (5, 15)  # seconds to connect, seconds to wait for the answer
DEFAULT_EXPIRES_IN = 300  # when the LMS does not say how long its token lives
MAX_RETRY_AFTER = 3600


class ServiceError(Exception):
    """A call to the LMS that did not work. ``reason`` is a short code for logs and teacher pages."""

    transient: ClassVar[bool] = False

    def __init__(self, reason: str, status: int | None = None, retry_after: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason[:100]
        self.status = status
        self.retry_after = retry_after


class ServiceUnavailable(ServiceError):
    """Try again later: the LMS could not be reached, timed out, was busy or broke (5xx, 429)."""

    transient = True


class ServiceRefused(ServiceError):
    """Trying again will not help: the LMS refused the request (4xx) or answered nonsense."""


def reason_text(reason: str) -> str:
    """The words a teacher reads for a reason code (``http_404``, ``token_refused:invalid_client``)."""
    code, _sep, detail = reason.partition(":")
    if code == "unreachable":
        return _("The LMS could not be reached.")
    if code == "token_refused":
        return _("The LMS refused Baeum's access request (%(detail)s). Check the registration in the LMS.") % {
            "detail": detail or "?"
        }
    if code == "bad_response":
        return _("The LMS answered something Baeum could not read.")
    if code == "no_lineitem":
        return _("The LMS has no gradebook column for this link and does not let Baeum create one.")
    if code == "not_scored":
        return _("This lesson has no scored questions, so there is no grade to send.")
    if code == "no_roster":
        return _("The LMS does not share the course's roster with Baeum.")
    if code == "roster_too_long":
        return _("The LMS's roster is longer than Baeum reads at once.")
    if code == "foreign_link":
        return _("The LMS pointed the next page of its roster at another server; Baeum did not follow it.")
    if code == "busy":
        return _("Baeum is making this link's gradebook column in the LMS; the score follows it.")
    if code == "registration_off":
        return _("This LMS's registration is switched off in Baeum.")
    if code in ("no_student", "no_assignment"):
        return _("The student or the assignment no longer exists in Baeum.")
    if code == "http":
        return _("The LMS answered with an error (HTTP %(status)s).") % {"status": detail or "?"}
    return _("Something went wrong while talking to the LMS (%(code)s).") % {"code": code}


def _retry_after(response: requests.Response) -> int | None:
    value = response.headers.get("Retry-After", "").strip()
    return min(int(value), MAX_RETRY_AFTER) if value.isascii() and value.isdigit() else None


def check_response(response: requests.Response) -> requests.Response:
    """``response`` when it is a success; otherwise the ``ServiceError`` its status means."""
    status = response.status_code
    if 200 <= status < 300:
        return response
    if status in (408, 429) or status >= 500:
        raise ServiceUnavailable(f"http:{status}", status, _retry_after(response))
    raise ServiceRefused(f"http:{status}", status)


# --- the assertion and the token -----------------------------------------------------------------


def _signing_pair(registration: LtiRegistration) -> tuple[str, str]:
    """(private key PEM, kid): the registration's own key pair when it has one (django-lti lets an
    admin set one for a platform that cannot read Baeum's JWKS), otherwise Baeum's current key."""
    if registration.public_key and registration.private_key:
        return registration.private_key, JWK.from_pem(registration.public_key.encode()).thumbprint()
    key = keys.signing_key()
    return key.private_key, keys.kid_of(key)


def client_assertion(registration: LtiRegistration, now: int | None = None) -> str:
    """The signed JWT that proves to the token endpoint that this request comes from Baeum."""
    issued = int(time.time()) if now is None else now
    private_key, kid = _signing_pair(registration)
    claims = {
        "iss": registration.client_id,
        "sub": registration.client_id,
        "aud": registration.audience or registration.token_url,
        "iat": issued,
        "exp": issued + ASSERTION_LIFETIME,
        "jti": secrets.token_urlsafe(24),
    }
    return jwt.encode(claims, private_key, algorithm="RS256", headers={"kid": kid})


def _cache_key(registration: LtiRegistration, scopes: Iterable[str]) -> str:
    scope_set = " ".join(sorted(set(scopes)))
    return f"lti:token:{registration.pk}:{hashlib.sha256(scope_set.encode()).hexdigest()[:32]}"


OAUTH_ERROR = re.compile(r"^[a-z_]{1,40}$")


def _refused(response: requests.Response) -> ServiceRefused:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        error = None
    detail = error if isinstance(error, str) and OAUTH_ERROR.match(error) else f"http_{response.status_code}"
    return ServiceRefused(f"token_refused:{detail}", response.status_code)


def _request_token(registration: LtiRegistration, scopes: list[str]) -> tuple[str, int]:
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": client_assertion(registration),
        "scope": " ".join(scopes),
    }
    try:
        response = requests.post(
            registration.token_url, data=form, headers={"Accept": "application/json"}, timeout=TIMEOUT
        )
    except requests.RequestException as error:
        log.warning("lti token request failed: registration %s (%s)", registration.pk, type(error).__name__)
        raise ServiceUnavailable("unreachable") from error
    try:
        check_response(response)
    except ServiceRefused:
        log.warning("lti token refused: registration %s (HTTP %s)", registration.pk, response.status_code)
        raise _refused(response) from None
    try:
        data: Any = response.json()
        token, token_type = data["access_token"], data.get("token_type", "Bearer")
        expires_in = int(data.get("expires_in", DEFAULT_EXPIRES_IN))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ServiceRefused("bad_response", response.status_code) from None
    if not isinstance(token, str) or not token or str(token_type).lower() != "bearer":
        raise ServiceRefused("bad_response", response.status_code)
    return token, expires_in


def access_token(registration: LtiRegistration, scopes: Iterable[str]) -> str:
    """A bearer token for ``scopes`` at this registration's LMS: the cached one while it lives."""
    wanted = sorted(set(scopes))
    key = _cache_key(registration, wanted)
    token: str | None = cache.get(key)
    if token is None:
        token, expires_in = _request_token(registration, wanted)
        ttl = expires_in - min(60, expires_in // 5)  # give it back a little before the LMS would refuse it
        if ttl > 0:
            cache.set(key, token, ttl)
    return token


def forget_token(registration: LtiRegistration, scopes: Iterable[str]) -> None:
    cache.delete(_cache_key(registration, scopes))


def service_request(
    registration: LtiRegistration,
    scopes: Iterable[str],
    method: str,
    url: str,
    *,
    accept: str,
    content_type: str | None = None,
    body: object = None,
) -> requests.Response:
    """One call to an LMS service with a bearer token for ``scopes`` (``body``, when given, goes as
    JSON). A 401 means the LMS no longer takes the cached token: Baeum gets a fresh one, tries again."""
    scope_list = sorted(set(scopes))
    headers = {"Accept": accept}
    data = json.dumps(body).encode() if body is not None else None
    if content_type:
        headers["Content-Type"] = content_type
    for attempt in (1, 2):
        headers["Authorization"] = f"Bearer {access_token(registration, scope_list)}"
        try:
            response = requests.request(method, url, headers=headers, data=data, timeout=TIMEOUT)
        except requests.RequestException as error:
            log.warning("lti service call failed: %s %s (%s)", method, registration.pk, type(error).__name__)
            raise ServiceUnavailable("unreachable") from error
        if response.status_code == 401 and attempt == 1:
            forget_token(registration, scope_list)
            continue
        if not response.ok:
            log.warning(
                "lti service refused: %s registration %s (HTTP %s)", method, registration.pk, response.status_code
            )
        return check_response(response)
    raise AssertionError("unreachable")  # pragma: no cover
