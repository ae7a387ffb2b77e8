"""What the test platform holds: users, contexts (courses) and their members, resource links, tool
registrations, line items, scores and the records tests inspect. Plain dataclasses."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .keys import RsaKey

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
LEARNER = LIS + "membership#Learner"
INSTRUCTOR = LIS + "membership#Instructor"
MENTOR = LIS + "membership#Mentor"
CONTENT_DEVELOPER = LIS + "membership#ContentDeveloper"
TEACHING_ASSISTANT = LIS + "membership/Instructor#TeachingAssistant"
INSTITUTION_STUDENT = LIS + "institution/person#Student"
INSTITUTION_INSTRUCTOR = LIS + "institution/person#Instructor"
INSTITUTION_ADMINISTRATOR = LIS + "institution/person#Administrator"
SYSTEM_ADMINISTRATOR = LIS + "system/person#Administrator"
COURSE_OFFERING = LIS + "course#CourseOffering"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
AGS_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/"
SCOPE_LINEITEM = AGS_SCOPE + "lineitem"
SCOPE_LINEITEM_READONLY = AGS_SCOPE + "lineitem.readonly"
SCOPE_RESULT_READONLY = AGS_SCOPE + "result.readonly"
SCOPE_SCORE = AGS_SCOPE + "score"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
SUPPORTED_SCOPES = (SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY, SCOPE_RESULT_READONLY, SCOPE_SCORE, SCOPE_NRPS)

LINEITEM_MEDIA = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_MEDIA = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE_MEDIA = "application/vnd.ims.lis.v1.score+json"
RESULTS_MEDIA = "application/vnd.ims.lis.v2.resultcontainer+json"
MEMBERSHIPS_MEDIA = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


@dataclass
class User:
    """A platform user. Personal data is optional: any of name/given/family/email may be None."""

    sub: str
    roles: list[str] = field(default_factory=list)
    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    email: str | None = None
    locale: str | None = None

    def personal_claims(self) -> dict[str, str]:
        """The OIDC claims beyond name/email (which lti1p3platform's set_user_data writes)."""
        values = {"given_name": self.given_name, "family_name": self.family_name, "locale": self.locale}
        return {key: value for key, value in values.items() if value}


@dataclass
class Member:
    sub: str
    roles: list[str]
    status: str = "Active"  # Active | Inactive | Deleted


@dataclass
class Context:
    id: str
    title: str
    label: str
    types: list[str] = field(default_factory=lambda: [COURSE_OFFERING])
    members: dict[str, Member] = field(default_factory=dict)


@dataclass
class ResourceLink:
    """A placement of the tool in a context. `url` (target_link_uri) and `custom` come from the
    deep linking content item that created it, or from `add_resource_link`."""

    id: str
    context_id: str | None
    client_id: str
    title: str | None = None
    description: str | None = None
    url: str | None = None
    custom: dict[str, Any] = field(default_factory=dict)


@dataclass
class ToolRegistration:
    client_id: str
    deployment_id: str
    login_url: str
    launch_url: str
    redirect_uris: list[str]
    jwks_url: str | None = None
    jwks: dict[str, Any] | None = None
    deep_link_url: str | None = None
    scopes: list[str] = field(default_factory=lambda: list(SUPPORTED_SCOPES))
    custom: dict[str, Any] = field(default_factory=dict)  # tool-level custom parameters, sent on every launch
    name: str | None = None
    metadata: dict[str, Any] | None = None  # the client metadata of a dynamic registration


@dataclass
class LineItem:
    id: str  # the short id used in the URL
    url: str
    context_id: str
    client_id: str
    label: str
    score_maximum: float
    resource_link_id: str | None = None
    resource_id: str | None = None
    tag: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # startDateTime, endDateTime, gradesReleased, ...

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.url, "label": self.label, "scoreMaximum": self.score_maximum}
        for key, value in (("resourceLinkId", self.resource_link_id), ("resourceId", self.resource_id)):
            if value:
                data[key] = value
        if self.tag:
            data["tag"] = self.tag
        return {**data, **self.extra}


@dataclass
class ScoreRecord:
    lineitem_id: str
    user_id: str
    body: dict[str, Any]
    timestamp: datetime
    received_at: float = field(default_factory=time.time)


@dataclass
class ScoreAttempt:
    """Every POST to a scores endpoint that got past authentication, with the status answered."""

    lineitem_id: str
    body: Any
    status: int
    reason: str = ""


@dataclass
class PendingLaunch:
    """A launch the platform started (login initiation sent) and will complete at /auth."""

    message_hint: str
    client_id: str
    login_hint: str
    roles: list[str]
    context_id: str | None
    resource_link_id: str | None
    message_type: str
    custom: dict[str, Any]
    deep_linking_settings: dict[str, Any] | None
    target_link_uri: str
    extra_claims: dict[str, Any]


@dataclass
class DeepLinkRequest:
    """A deep linking request sent to a tool, waiting for its response at /deep_link_return."""

    client_id: str
    deployment_id: str
    user_sub: str
    context_id: str | None
    settings: dict[str, Any]
    answered: bool = False


@dataclass
class IssuedToken:
    access_token: str
    client_id: str
    scopes: frozenset[str]
    expires_at: float
    lib_token: str  # the JWT lti1p3platform's get_access_token built; its service connector validates it
    key: RsaKey  # the platform key that signed lib_token (the key may have been rotated since)

    @property
    def expired(self) -> bool:
        return time.time() >= self.expires_at


@dataclass
class Refusal:
    """A request the platform refused (token, auth, registration, deep linking), for assertions."""

    where: str
    error: str
    description: str
    data: Any = None


@dataclass
class LaunchRecord:
    """An id_token the platform issued, with its claims decoded."""

    claims: dict[str, Any]
    id_token: str
    redirect_uri: str
