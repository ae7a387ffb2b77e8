"""Registering an LMS with Baeum: by 1EdTech LTI Dynamic Registration 1.0 from a one-time invite, or by
hand on the setup page. Registrations are keyed on (issuer, client_id) and hold deployments, each of one
Baeum school (``DeploymentSchool``). Rules: ``registration_rules``; here the outbound HTTP calls, the
operations on rows (each in one transaction: a refusal leaves nothing), the setup page's reads and its
access helper. An invite's token is its only authority (the LMS admin may not be signed in): only its
sha256 digest is kept, single use, ``INVITE_DAYS`` days; what the page fetched waits in the cache."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from lti_tool.models import LtiDeployment, LtiRegistration

from classrooms.models import School
from classrooms.selectors import school_for_user
from edu.accounts.models import Role, User
from lti.models import DeploymentSchool, RegistrationInvite
from lti.tool.addresses import refuse_internal
from lti.tool.registration_rules import (
    PlatformConfig,
    RegistrationRefused,
    client_metadata,
    client_registration_parse,
    platform_config_parse,
    url_problem,
)
from lti.tool.registration_selectors import open_invites, school_registrations, shared_registration_ids  # noqa: F401

log = logging.getLogger("baeum.lti")
INVITE_DAYS = 7
PENDING_TTL = 1800  # seconds between the registration page and its "Register" button
HTTP_TIMEOUT = 10


# --- Outbound HTTP -----------------------------------------------------------------------------


def platform_config_fetch(configuration_url: str, registration_token: str = "") -> PlatformConfig:
    """GET the LMS's openid-configuration (Moodle wants the registration token there too)."""
    http_loopback = settings.LTI_ALLOW_HTTP_LOOPBACK
    problem = url_problem(configuration_url, http_loopback=http_loopback)
    if problem:
        raise RegistrationRefused(
            "bad_configuration_url",
            _("The LMS sent an unusable configuration address. %(problem)s") % {"problem": problem},
        )
    refuse_internal(configuration_url, http_loopback)
    headers = {
        "Accept": "application/json",
        **({"Authorization": f"Bearer {registration_token}"} if registration_token else {}),
    }
    try:
        response = requests.get(configuration_url, headers=headers, timeout=HTTP_TIMEOUT, allow_redirects=False)
    except requests.RequestException as error:
        log.warning("lti registration: configuration fetch failed (%s)", type(error).__name__)
        raise RegistrationRefused(
            "configuration_unreachable", _("Baeum could not reach the LMS to read its configuration. Try again."), 502
        ) from error
    if response.status_code != 200:
        raise RegistrationRefused(
            "configuration_unreachable",
            _("The LMS answered HTTP %(status)s when Baeum asked for its configuration.")
            % {"status": response.status_code},
            502,
        )
    try:
        data = response.json()
    except ValueError as error:
        raise RegistrationRefused("bad_configuration", _("The LMS's configuration is not JSON.")) from error
    return platform_config_parse(data, configuration_url, http_loopback=http_loopback)


def _platform_error(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    if isinstance(data, dict):
        parts = [data.get("error"), data.get("error_description"), data.get("errors")]
        return " ".join(str(p) for p in parts if p)[:300]
    return ""


def client_register(
    platform: PlatformConfig, metadata: dict[str, Any], registration_token: str
) -> tuple[str, str | None]:
    """POST the client registration to the LMS; Baeum's client_id and the deployment id it answers."""
    refuse_internal(platform.registration_endpoint, settings.LTI_ALLOW_HTTP_LOOPBACK)
    headers = {
        "Accept": "application/json",
        **({"Authorization": f"Bearer {registration_token}"} if registration_token else {}),
    }
    try:
        response = requests.post(
            platform.registration_endpoint, json=metadata, headers=headers, timeout=HTTP_TIMEOUT, allow_redirects=False
        )
    except requests.RequestException as error:
        log.warning("lti registration: registration POST failed (%s)", type(error).__name__)
        raise RegistrationRefused(
            "platform_unreachable", _("Baeum could not reach the LMS to register. Try again."), 502
        ) from error
    if response.status_code not in (200, 201):
        detail = _platform_error(response)
        log.warning("lti registration: refused by the LMS (HTTP %s)", response.status_code)
        message = _("The LMS refused the registration (HTTP %(status)s).") % {"status": response.status_code}
        raise RegistrationRefused("platform_refused", f"{message} {detail}".strip(), 502)
    try:
        data = response.json()
    except ValueError as error:
        raise RegistrationRefused("bad_answer", _("The LMS's answer to the registration is not JSON."), 502) from error
    return client_registration_parse(data)


# --- Invites and the pending registration ------------------------------------------------------


def invite_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_create(*, school: School, created_by: User, now: datetime | None = None) -> tuple[RegistrationInvite, str]:
    """A new invite and its token (shown once: only the digest is kept)."""
    token = secrets.token_urlsafe(32)
    now = now or timezone.now()
    invite = RegistrationInvite.objects.create(
        school=school,
        token_digest=invite_digest(token),
        created_by=created_by,
        expires_at=now + timedelta(days=INVITE_DAYS),
    )
    return invite, token


def _invite_usable(invite: RegistrationInvite | None, now: datetime) -> RegistrationInvite:
    problem = (
        "unknown" if invite is None else "used" if invite.used_at else "expired" if invite.expires_at <= now else ""
    )
    if invite is None or problem:
        reasons = {
            "unknown": _("This registration link is not valid."),
            "used": _("This registration link was already used."),
            "expired": _("This registration link has expired."),
        }
        ask = _("Ask your Baeum admin for a new one.")
        message = f"{reasons[problem]} {ask}"
        raise RegistrationRefused(f"{problem}_invite", message, 404 if problem == "unknown" else 410)
    return invite


def invite_check(token: str, *, now: datetime | None = None) -> RegistrationInvite:
    """The unused, unexpired invite of ``token``; raises ``RegistrationRefused`` (404 or 410)."""
    found = RegistrationInvite.objects.select_related("school").filter(token_digest=invite_digest(token[:200])).first()
    return _invite_usable(found, now or timezone.now())


def pending_remember(invite: RegistrationInvite, platform: PlatformConfig, registration_token: str) -> str:
    """Keep what the registration page fetched until its button is pressed; the key goes in the form."""
    key = secrets.token_urlsafe(24)
    value = {"invite": invite.token_digest, "platform": asdict(platform), "registration_token": registration_token}
    cache.set(f"lti:registering:{key}", value, PENDING_TTL)
    return key


def pending_recall(key: str, invite: RegistrationInvite) -> tuple[PlatformConfig, str]:
    value = cache.get(f"lti:registering:{key[:100]}") if key else None
    if not isinstance(value, dict) or value.get("invite") != invite.token_digest:
        raise RegistrationRefused(
            "no_pending", _("This registration page has expired. Start the registration again from your LMS.")
        )
    return PlatformConfig(**value["platform"]), str(value["registration_token"])


# --- Rows --------------------------------------------------------------------------------------


def _attach(registration: LtiRegistration, deployment_id: str, school: School) -> LtiDeployment:
    deployment, _created = LtiDeployment.objects.select_for_update().get_or_create(
        registration=registration, deployment_id=deployment_id
    )
    link = DeploymentSchool.objects.filter(deployment=deployment).first()
    if link is not None and link.school_id != school.pk:
        raise RegistrationRefused(
            "deployment_taken",
            _("Deployment “%(id)s” of this LMS already belongs to another Baeum school. Ask Baeum support to move it.")
            % {"id": deployment_id[:60]},
            409,
        )
    if link is None:
        DeploymentSchool.objects.create(deployment=deployment, school=school)
    if not deployment.is_active:
        deployment.is_active = True
        deployment.save(update_fields=["is_active", "datetime_modified"])
    return deployment


def _shared(registration: LtiRegistration, school: School) -> bool:
    """Does another school have a deployment on this registration?"""
    return DeploymentSchool.objects.filter(deployment__registration=registration).exclude(school=school).exists()


def registration_save(
    *,
    school: School,
    issuer: str,
    client_id: str,
    auth_url: str,
    token_url: str,
    keyset_url: str,
    deployment_ids: list[str],
    name: str = "",
) -> LtiRegistration:
    """Create the registration of (issuer, client_id), or find it, and attach ``deployment_ids`` to
    ``school`` (active). An existing registration's addresses change only if no other school uses
    it. A deployment of another school is refused. All or nothing."""
    urls = {"auth_url": auth_url, "token_url": token_url, "keyset_url": keyset_url}
    try:
        with transaction.atomic():
            registration = (
                LtiRegistration.objects.select_for_update().filter(issuer=issuer, client_id=client_id).first()
            )
            if registration is None:
                registration = LtiRegistration.objects.create(
                    name=(name or urlsplit(issuer).netloc)[:255], issuer=issuer, client_id=client_id, **urls
                )
            elif any(getattr(registration, k) != v for k, v in urls.items()) or not registration.is_active:
                if _shared(registration, school):
                    raise RegistrationRefused(
                        "registration_shared",
                        _(
                            "This LMS client is already registered for another Baeum school with other addresses. "
                            "Enter the same addresses, or ask Baeum support."
                        ),
                        409,
                    )
                for key, value in urls.items():
                    setattr(registration, key, value)
                registration.is_active = True
                registration.save()
            for deployment_id in deployment_ids:
                _attach(registration, deployment_id, school)
    except IntegrityError as error:
        raise RegistrationRefused(
            "conflict", _("Someone registered this LMS at the same moment. Try again."), 409
        ) from error
    return registration


def registration_dynamic(
    *, token: str, platform: PlatformConfig, registration_token: str, now: datetime | None = None
) -> LtiRegistration:
    """Finish a dynamic registration: register Baeum's client at the LMS, then (one transaction) the
    registration, its deployment and the invite marked used. A refusal at any step leaves nothing
    and the invite unused. One attempt per invite at a time."""
    digest = invite_digest(token)
    busy = f"lti:registering-busy:{digest}"
    if not cache.add(busy, 1, HTTP_TIMEOUT * 3):
        raise RegistrationRefused("busy", _("This registration is already under way. Wait a moment and reload."), 409)
    try:
        invite_check(token, now=now)
        client_id, deployment_id = client_register(
            platform, client_metadata(settings.BASE_URL, platform), registration_token
        )
        with transaction.atomic():
            invite = _invite_usable(
                RegistrationInvite.objects.select_for_update().filter(token_digest=digest).first(),
                now or timezone.now(),
            )
            registration = registration_save(
                school=invite.school,
                issuer=platform.issuer,
                client_id=client_id,
                auth_url=platform.authorization_endpoint,
                token_url=platform.token_endpoint,
                keyset_url=platform.jwks_uri,
                deployment_ids=[deployment_id] if deployment_id else [],
                name=platform.display_name,
            )
            invite.used_at = now or timezone.now()
            invite.registration = registration
            invite.save(update_fields=["used_at", "registration"])
    finally:
        cache.delete(busy)
    log.info("lti registration: dynamic, %s", platform.product or "unknown product")
    return registration


def deployment_add(*, registration: LtiRegistration, deployment_id: str, school: School) -> LtiDeployment:
    """Attach (or reactivate) one more deployment of ``registration`` to ``school``."""
    try:
        with transaction.atomic():
            return _attach(registration, deployment_id, school)
    except IntegrityError as error:
        raise RegistrationRefused(
            "conflict", _("Someone added this deployment at the same moment. Try again."), 409
        ) from error


def deployment_deactivate(*, deployment: LtiDeployment) -> None:
    """Launches through this deployment are refused from now on (adding its id again reactivates it)."""
    deployment.is_active = False
    deployment.save(update_fields=["is_active", "datetime_modified"])


def registration_deactivate(*, registration: LtiRegistration, school: School) -> None:
    """Switch off a registration only this school uses: every launch from that LMS client is refused."""
    with transaction.atomic():
        if _shared(registration, school):
            raise RegistrationRefused(
                "registration_shared",
                _("Other schools use this registration; deactivate your deployments instead."),
                409,
            )
        registration.is_active = False
        registration.save(update_fields=["is_active", "datetime_modified"])
        LtiDeployment.objects.filter(registration=registration).update(is_active=False)


# --- Reads for the setup page ------------------------------------------------------------------


# --- Access ------------------------------------------------------------------------------------


class SchoolNotChosen(Http404):
    """A superuser who belongs to no school has not said which school they act for (``?school=``)."""


def school_admin_for(request: HttpRequest) -> tuple[User, School]:
    """The signed-in school admin and their school; a superuser may act for any school with
    ``?school=<id>`` (else their own). Everyone else, and unknown schools: 404."""
    user = request.user
    if not (isinstance(user, User) and user.is_authenticated and user.is_active):
        raise Http404
    if user.is_superuser:
        raw = request.GET.get("school") or request.POST.get("school") or ""
        if raw:
            chosen = (
                School.objects.filter(pk=int(raw)).first()
                if raw.isascii() and raw.isdigit() and len(raw) < 12
                else None
            )
            if chosen is None:
                raise Http404
            return user, chosen
    elif user.role != Role.SCHOOL_ADMIN:
        raise Http404
    school = school_for_user(user)
    if school is None:
        raise SchoolNotChosen if user.is_superuser else Http404
    return user, school


def registration_for_admin(school: School, registration_id: int) -> LtiRegistration:
    """One of ``school``'s registrations (see ``school_registrations``), or 404."""
    registration = school_registrations(school).filter(pk=registration_id).first()
    if registration is None:
        raise Http404
    return registration


def deployment_for_admin(school: School, deployment_id: int) -> LtiDeployment:
    found = LtiDeployment.objects.select_related("registration")
    deployment = found.filter(pk=deployment_id, baeum__school=school).first()
    if deployment is None:
        raise Http404
    return deployment
