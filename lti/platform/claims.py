"""The id_token Baeum signs for a tool, as plain data (no ORM, no HTTP): what a launch knows goes
in as values, the claims come out. LTI 1.3 core §5, Deep Linking 2.0 §4.4, AGS 2.0 §3.4, NRPS 2.0 §3.6.

Rules kept here: every string is stripped (a tool compares ids byte for byte); personal data goes out
only when the tool may have it (``person`` empty otherwise; emails never); a claim whose service the
tool was not granted is left out rather than sent empty."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lti.platform import scopes as s

ID_TOKEN_LIFETIME = 300  # seconds


@dataclass(frozen=True)
class Party:
    """Who launches and where: the platform's issuer, the tool's client id and deployment."""

    issuer: str
    client_id: str
    deployment_id: str


@dataclass(frozen=True)
class Person:
    sub: str
    roles: tuple[str, ...]
    name: str = ""  # empty: the tool's privacy level keeps names back
    locale: str = "ko"


@dataclass(frozen=True)
class Context:
    id: str
    label: str
    title: str


@dataclass(frozen=True)
class Services:
    """The AGS and NRPS endpoints a launch names (only what the tool was granted)."""

    ags_scopes: tuple[str, ...] = ()
    lineitems_url: str = ""
    lineitem_url: str = ""
    memberships_url: str = ""


@dataclass(frozen=True)
class ResourceLink:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Presentation:
    document_target: str  # "iframe" | "window"
    return_url: str = ""
    height: int | None = None


@dataclass(frozen=True)
class DeepLinkingSettings:
    return_url: str
    data: str
    accept_types: tuple[str, ...] = ("ltiResourceLink",)
    accept_presentation_document_targets: tuple[str, ...] = ("iframe", "window")
    accept_multiple: bool = True
    title: str = ""


@dataclass(frozen=True)
class Platform:
    guid: str
    name: str = "Baeum (배움)"
    product_family_code: str = "baeum"
    version: str = "1"


@dataclass(frozen=True)
class Launch:
    party: Party
    person: Person
    platform: Platform
    target_link_uri: str
    nonce: str
    message_type: str = s.RESOURCE_LINK_REQUEST
    resource_link: ResourceLink | None = None
    context: Context | None = None
    presentation: Presentation | None = None
    custom: dict[str, str] = field(default_factory=dict)
    services: Services = field(default_factory=Services)
    deep_linking: DeepLinkingSettings | None = None


def _clean(value: Any) -> Any:
    """Strings stripped, at any depth; empty strings and empty containers dropped from dicts."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        cleaned = {key: _clean(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if item not in ("", None, [], {})}
    if isinstance(value, (list, tuple)):
        return [_clean(item) for item in value]
    return value


def name_parts(name: str) -> dict[str, str]:
    """A Korean display name "김민준" → family "김", given "민준" (one-syllable family names, the
    usual case); a name with a space splits at its last space; anything else is given name only."""
    name = name.strip()
    if not name:
        return {}
    if " " in name:
        given, _, family = name.rpartition(" ")
        return {"name": name, "given_name": given, "family_name": family}
    if len(name) in (2, 3, 4) and all("가" <= ch <= "힣" for ch in name):
        return {"name": name, "family_name": name[0], "given_name": name[1:]}
    return {"name": name, "given_name": name}


def id_token_claims(launch: Launch, *, now: int) -> dict[str, Any]:
    """The claims of the id_token for ``launch``, issued at ``now`` (seconds since the epoch)."""
    claims: dict[str, Any] = {
        "iss": launch.party.issuer,
        "aud": launch.party.client_id,
        "azp": launch.party.client_id,
        "sub": launch.person.sub,
        "iat": now,
        "exp": now + ID_TOKEN_LIFETIME,
        "nonce": launch.nonce,
        "locale": launch.person.locale,
        s.CLAIM + "message_type": launch.message_type,
        s.CLAIM + "version": s.VERSION,
        s.CLAIM + "deployment_id": launch.party.deployment_id,
        s.CLAIM + "target_link_uri": launch.target_link_uri,
        s.CLAIM + "roles": list(launch.person.roles),
        s.CLAIM + "tool_platform": {
            "guid": launch.platform.guid,
            "name": launch.platform.name,
            "product_family_code": launch.platform.product_family_code,
            "version": launch.platform.version,
        },
    }
    claims.update(name_parts(launch.person.name))
    if launch.resource_link is not None:
        claims[s.CLAIM + "resource_link"] = {
            "id": launch.resource_link.id,
            "title": launch.resource_link.title,
            "description": launch.resource_link.description,
        }
    if launch.context is not None:
        claims[s.CLAIM + "context"] = {
            "id": launch.context.id,
            "label": launch.context.label,
            "title": launch.context.title,
            "type": [s.CONTEXT_COURSE_OFFERING],
        }
    if launch.presentation is not None:
        claims[s.CLAIM + "launch_presentation"] = {
            "document_target": launch.presentation.document_target,
            "return_url": launch.presentation.return_url,
            "locale": launch.person.locale,
            **({"height": launch.presentation.height} if launch.presentation.height else {}),
        }
    if launch.custom:
        claims[s.CLAIM + "custom"] = dict(launch.custom)
    services = launch.services
    if services.ags_scopes and services.lineitems_url:
        claims[s.AGS_CLAIM] = {
            "scope": list(services.ags_scopes),
            "lineitems": services.lineitems_url,
            "lineitem": services.lineitem_url,
        }
    if services.memberships_url:
        claims[s.NRPS_CLAIM] = {"context_memberships_url": services.memberships_url, "service_versions": ["2.0"]}
    if launch.deep_linking is not None:
        settings = launch.deep_linking
        claims[s.DL_CLAIM + "deep_linking_settings"] = {
            "deep_link_return_url": settings.return_url,
            "accept_types": list(settings.accept_types),
            "accept_presentation_document_targets": list(settings.accept_presentation_document_targets),
            "accept_multiple": settings.accept_multiple,
            "auto_create": False,
            "title": settings.title,
            "data": settings.data,
        }
    return _clean(claims)


def roles_for(*, teacher: bool) -> tuple[str, ...]:
    """A teacher is an Instructor, a student a Learner (context and institution roles)."""
    if teacher:
        return (s.ROLE_INSTRUCTOR, s.ROLE_INSTITUTION_INSTRUCTOR)
    return (s.ROLE_LEARNER, s.ROLE_INSTITUTION_STUDENT)
