"""The external-tool registry's operations: register a tool by hand (or from dynamic registration,
``lti.platform.registration``), edit it, deactivate it, switch it on or off for a school, and the
one-time invitations a tool registers itself with. Each in one transaction; refusals raise
``RegistrationRefused`` (a stable ``code``, a message, a status). Rules: ``registry_rules``; reads and
the access helpers: ``registry_selectors``.

- A school admin's tool belongs to their school (``owner_school``) and is switched on there when it
  is registered. A site admin's tool (``owner_school`` null) is switched on by each school that wants
  it; each school gets its own ``deployment_id``.
- An invitation's token is its only authority: only its sha256 digest is kept, single use,
  ``INVITE_HOURS`` hours. Whether the tool will receive names is the admin's choice when making it
  (kept on the invitation; the tool's metadata cannot change it).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from classrooms.models import School
from edu.accounts.models import User
from lti.models import ExternalTool, ToolDeployment, ToolRegistrationInvite
from lti.platform.registry_rules import scopes_granted
from lti.tool.registration import invite_digest
from lti.tool.registration_rules import RegistrationRefused

log = logging.getLogger("baeum.lti")
INVITE_HOURS = 24
EDITABLE = (
    "name",
    "description",
    "login_url",
    "redirect_uris",
    "target_link_uri",
    "deep_link_url",
    "jwks_url",
    "public_key",
    "custom_parameters",
    "send_names",
    "scopes",
)


def _check_keys(jwks_url: str, public_key: str) -> None:
    if bool(jwks_url) == bool(public_key):
        raise RegistrationRefused("one_key_source", _("Give the tool's JWKS URL or its public key: exactly one."))


def tool_register(
    *,
    owner_school: School | None,
    created_by: User | None,
    name: str,
    login_url: str,
    redirect_uris: Iterable[str],
    target_link_uri: str,
    description: str = "",
    deep_link_url: str = "",
    jwks_url: str = "",
    public_key: str = "",
    custom_parameters: dict[str, str] | None = None,
    send_names: bool = False,
    scopes: Iterable[str] = (),
    via: str = ExternalTool.Via.MANUAL,
) -> tuple[ExternalTool, ToolDeployment | None]:
    """A new tool and, when it belongs to a school, its deployment there (enabled). Scopes are
    granted only among Baeum's. The checks of each value are the callers' (form, metadata rules)."""
    _check_keys(jwks_url, public_key)
    with transaction.atomic():
        tool = ExternalTool.objects.create(
            name=name,
            description=description,
            login_url=login_url,
            redirect_uris=list(redirect_uris),
            target_link_uri=target_link_uri,
            deep_link_url=deep_link_url,
            jwks_url=jwks_url,
            public_key=public_key,
            custom_parameters=dict(custom_parameters or {}),
            send_names=send_names,
            scopes=scopes_granted(scopes),
            registered_via=via,
            owner_school=owner_school,
            created_by=created_by,
        )
        deployment = ToolDeployment.objects.create(tool=tool, school=owner_school) if owner_school else None
    log.info("lti platform: tool %s registered (%s, school %s)", tool.pk, via, owner_school.pk if owner_school else "*")
    return tool, deployment


def tool_update(tool: ExternalTool, *, by: User, **changes: object) -> ExternalTool:
    """Change what an admin may edit (see ``EDITABLE``); the owner and the client_id stay."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for key, value in changes.items():
        setattr(tool, key, value)
    tool.redirect_uris = list(tool.redirect_uris)
    tool.scopes = scopes_granted(tool.scopes)
    _check_keys(tool.jwks_url, tool.public_key)
    tool.save(update_fields=sorted({*changes, "scopes"}))
    log.info("lti platform: tool %s edited by user %s", tool.pk, by.pk)
    return tool


def tool_deactivate(tool: ExternalTool, *, by: User) -> None:
    """No school can launch the tool any more, and it leaves every list. Its deployments, line items
    and scores are kept (the Django admin can switch it on again)."""
    ExternalTool.objects.filter(pk=tool.pk).update(is_active=False)
    tool.is_active = False
    log.info("lti platform: tool %s deactivated by user %s", tool.pk, by.pk)


def tool_enable(tool: ExternalTool, school: School, enabled: bool, by: User) -> ToolDeployment | None:
    """Switch ``tool`` on or off for ``school`` (its deployment there is made the first time it is
    switched on and kept after: the same ``deployment_id`` when it is switched on again; None when a
    tool never on is switched off). Only an active tool of the school or of the whole site."""
    if not tool.is_active or tool.owner_school_id not in (None, school.pk):
        raise RegistrationRefused("tool_unavailable", _("This tool is not available to your school."), 404)
    if not enabled and not ToolDeployment.objects.filter(tool=tool, school=school).exists():
        return None
    try:
        with transaction.atomic():
            deployment, created = ToolDeployment.objects.get_or_create(
                tool=tool, school=school, defaults={"enabled": enabled}
            )
    except IntegrityError:  # made by a simultaneous request
        deployment, created = ToolDeployment.objects.get(tool=tool, school=school), False
    if not created and deployment.enabled != enabled:
        deployment.enabled = enabled
        deployment.save(update_fields=["enabled"])
    log.info("lti platform: tool %s %s for school %s by user %s", tool.pk, "on" if enabled else "off", school.pk, by.pk)
    return deployment


# --- Invitations (dynamic registration) ---------------------------------------------------------


def invite_create(
    *, school: School | None, created_by: User, send_names: bool = False, now: datetime | None = None
) -> tuple[ToolRegistrationInvite, str]:
    """A new invitation and its token (shown once: only the digest is kept). ``school`` None: the
    tool it registers belongs to the whole site (superusers only; the caller checks)."""
    token = secrets.token_urlsafe(32)
    now = now or timezone.now()
    invite = ToolRegistrationInvite.objects.create(
        school=school,
        token_digest=invite_digest(token),
        send_names=send_names,
        created_by=created_by,
        expires_at=now + timedelta(hours=INVITE_HOURS),
    )
    log.info("lti platform: invite %s made by user %s", invite.pk, created_by.pk)
    return invite, token


def invite_revoke(invite: ToolRegistrationInvite, *, by: User, now: datetime | None = None) -> None:
    """The invitation stops working now (kept, expired, for the record); a used one is left alone."""
    ToolRegistrationInvite.objects.filter(pk=invite.pk, used_at__isnull=True).update(expires_at=now or timezone.now())
    log.info("lti platform: invite %s revoked by user %s", invite.pk, by.pk)
