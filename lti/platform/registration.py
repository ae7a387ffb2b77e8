"""LTI Dynamic Registration 1.0, platform side: Baeum's openid-configuration (what a tool reads to
register) and the registration endpoint's service (a tool posts its client metadata with the one-time
registration token of an invitation; Baeum answers with its client_id and deployment_id).

All or nothing: the token is checked before the metadata is parsed, the metadata is checked whole (rules in
``registry_rules``; here the private-network check, which needs DNS), then one transaction claims the
invitation with a conditional UPDATE (of two simultaneous posts with one token, exactly one updates
the row) and makes the tool and, for a school's invitation, its enabled deployment there."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lti.models import ExternalTool, ToolDeployment, ToolRegistrationInvite
from lti.platform import registry
from lti.platform.claims import Platform
from lti.platform.registry_rules import (
    INVALID_METADATA,
    INVALID_REDIRECT_URI,
    MAX_BODY,
    MetadataRefused,
    ToolMetadata,
    claims_sent,
    client_metadata_parse,
)
from lti.platform.scopes import DEEP_LINKING_REQUEST, RESOURCE_LINK_REQUEST, SCOPES
from lti.tool.addresses import internal_address
from lti.tool.registration import invite_digest
from lti.tool.registration_rules import PLATFORM_CONFIGURATION, TOOL_CONFIGURATION, RegistrationRefused

log = logging.getLogger("baeum.lti")
PLATFORM = Platform(guid="")  # the product name and version launches carry
MAX_TOKEN = 200
CLAIMS_SUPPORTED = ["iss", "aud", "sub", "locale", "name", "given_name", "family_name"]


def openid_configuration() -> dict[str, Any]:
    """Baeum's platform configuration (Dynamic Registration §3.5.1; its URL starts with the issuer)."""
    base = settings.BASE_URL
    return {
        "issuer": base,
        "authorization_endpoint": base + reverse("lti_platform:authorize"),
        "token_endpoint": base + reverse("lti_platform:token"),
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "jwks_uri": base + reverse("lti:jwks"),
        "registration_endpoint": base + reverse("lti_platform:register"),
        "scopes_supported": ["openid", *SCOPES],
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": CLAIMS_SUPPORTED,
        PLATFORM_CONFIGURATION: {
            "product_family_code": PLATFORM.product_family_code,
            "version": PLATFORM.version,
            "messages_supported": [
                {"type": RESOURCE_LINK_REQUEST},
                {"type": DEEP_LINKING_REQUEST, "placements": ["editor"]},
            ],
        },
    }


# --- The registration token --------------------------------------------------------------------


class TokenRefused(RegistrationRefused):
    """A registration token Baeum refuses (401): ``reason`` (missing, unknown, used, expired) is logged."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__("invalid_token", message, 401)
        self.reason = reason


def bearer_token(authorization: str) -> str:
    """The token of an ``Authorization: Bearer …`` header; raises ``TokenRefused``."""
    scheme, _space, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN:
        raise TokenRefused("missing", _("Send the registration token as “Authorization: Bearer …”."))
    return token


def _token_refused(digest: str) -> TokenRefused:
    invite = ToolRegistrationInvite.objects.filter(token_digest=digest).only("used_at", "expires_at").first()
    if invite is None:
        reason, message = "unknown", _("This registration token is not valid.")
    elif invite.used_at:
        reason, message = "used", _("This registration token was already used.")
    else:
        reason, message = "expired", _("This registration token has expired.")
    return TokenRefused(reason, " ".join((message, _("Ask the Baeum admin for a new one."))))


def _token_usable(digest: str, now: datetime) -> None:
    usable = ToolRegistrationInvite.objects.filter(token_digest=digest, used_at__isnull=True, expires_at__gt=now)
    if not usable.exists():
        raise _token_refused(digest)


# --- The registration ----------------------------------------------------------------------------


def _metadata(body: bytes) -> ToolMetadata:
    if len(body) > MAX_BODY:
        raise MetadataRefused("body", _("The client metadata can be at most %(kb)d KB.") % {"kb": MAX_BODY // 1024})
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise MetadataRefused("body", _("The client metadata is not valid JSON.")) from error
    http_loopback = settings.LTI_ALLOW_HTTP_LOOPBACK
    metadata = client_metadata_parse(data, http_loopback=http_loopback)
    for name, url in metadata.urls().items():
        if internal_address(url, http_loopback):
            code = INVALID_REDIRECT_URI if name.startswith("redirect_uris") else INVALID_METADATA
            raise MetadataRefused(
                name, _("The address points inside a private network, which Baeum does not call."), code
            )
    return metadata


def registration_answer(
    tool: ExternalTool, metadata: ToolMetadata, deployment: ToolDeployment | None
) -> dict[str, Any]:
    """The registered client (Dynamic Registration §3.6): what Baeum keeps, not what was asked."""
    configuration: dict[str, Any] = {
        "domain": metadata.domain,
        "target_link_uri": tool.target_link_uri,
        "custom_parameters": tool.custom_parameters,
        "claims": claims_sent(tool.send_names),
        "messages": list(metadata.messages),
    }
    if tool.description:
        configuration["description"] = tool.description
    if deployment is not None:
        configuration["deployment_id"] = deployment.deployment_id
    return {
        "client_id": tool.client_id,
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": tool.login_url,
        "redirect_uris": tool.redirect_uris,
        "client_name": tool.name,
        "jwks_uri": tool.jwks_url,
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(tool.scopes),
        TOOL_CONFIGURATION: configuration,
    }


def tool_register_dynamic(*, authorization: str, body: bytes, now: datetime | None = None) -> dict[str, Any]:
    """Register the tool whose client metadata is ``body``, on the invitation of the bearer token in
    ``authorization``; the answer to send. Raises ``RegistrationRefused`` (401 for the token,
    ``MetadataRefused`` 400 for the metadata) having written nothing."""
    now = now or timezone.now()
    token = bearer_token(authorization)
    digest = invite_digest(token)
    _token_usable(digest, now)
    metadata = _metadata(body)
    with transaction.atomic():
        claimed = ToolRegistrationInvite.objects.filter(
            token_digest=digest, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if claimed != 1:  # another post with this token won
            raise _token_refused(digest)
        invite = ToolRegistrationInvite.objects.select_related("school", "created_by").get(token_digest=digest)
        tool, deployment = registry.tool_register(
            owner_school=invite.school,
            created_by=invite.created_by,
            name=metadata.name,
            description=metadata.description,
            login_url=metadata.login_url,
            redirect_uris=metadata.redirect_uris,
            target_link_uri=metadata.target_link_uri,
            deep_link_url=metadata.deep_link_url,
            jwks_url=metadata.jwks_url,
            custom_parameters=metadata.custom_parameters,
            send_names=invite.send_names,
            scopes=metadata.scopes,
            via=ExternalTool.Via.DYNAMIC,
        )
        invite.tool = tool
        invite.save(update_fields=["tool"])
    return registration_answer(tool, metadata, deployment)
