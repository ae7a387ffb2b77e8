"""The checks Baeum adds to an LTI 1.3 launch, as plain functions over the token's header and claims
and what the login step remembered. No ORM, no HTTP, no Django request: each raises
``LaunchRejected`` with a stable code (logged, tested) and a message a teacher can act on.

Why Baeum checks these itself (ADR 0010): pylti1p3 2.0 accepts a replayed id_token, reads only
``aud[0]``, ignores ``azp``, never compares ``target_link_uri``, has no clock leeway, and refuses a
Deep Linking request whose ``accept_types`` lack ``ltiResourceLink`` instead of letting the tool
say so. The 1EdTech Security Framework (§5.1.3) and LTI Core (§5.3, §5.4) require each of these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit

from django.utils.translation import gettext_lazy as _

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
MESSAGE_TYPE = LTI + "message_type"
VERSION = LTI + "version"
ROLES = LTI + "roles"
DEPLOYMENT_ID = LTI + "deployment_id"
RESOURCE_LINK = LTI + "resource_link"
TARGET_LINK_URI = LTI + "target_link_uri"
CONTEXT = LTI + "context"
CUSTOM = LTI + "custom"
DEEP_LINKING_SETTINGS = DL + "deep_linking_settings"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
MESSAGE_TYPES = (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST)
MAX_ID = 255  # LTI Core: ids are at most 255 characters (and so are the columns that keep them)
ALGORITHMS = ("RS256", "RS384", "RS512")  # what platforms sign with; never "none" or a shared secret


class LaunchRejected(Exception):
    """A launch that must not go on. ``code`` goes to the log and to tests; ``message`` to the page."""

    def __init__(self, code: str, message: Any, status: int = 400) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.status = status
        self.retry: dict[str, str] | None = None  # a login to start again in a new window, when that may help


def _reject(code: str, message: Any, status: int = 400) -> LaunchRejected:
    return LaunchRejected(code, message, status)


def check_header(header: Mapping[str, Any]) -> str:
    """The token's header names an asymmetric algorithm and a key id. Returns the key id."""
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise _reject(
            "bad_alg",
            _("The launch was not signed with a key the LMS publishes (algorithm %(alg)s).") % {"alg": str(alg)[:20]},
        )
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise _reject("no_kid", _("The launch token does not say which of the LMS's keys signed it (no kid)."))
    return kid


def check_audience(claims: Mapping[str, Any], client_id: str, trusted: Sequence[str] = ()) -> None:
    """``aud`` contains our client id and no audience we do not trust; with several audiences
    ``azp`` must be our client id (OIDC Core 3.1.3.7, whatever the order of ``aud``)."""
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud
    if not isinstance(audiences, list) or not all(isinstance(a, str) for a in audiences):
        raise _reject("bad_aud", _("The launch token has no valid audience."))
    if client_id not in audiences:
        raise _reject(
            "wrong_aud", _("The launch token was issued for another tool (audience), not for Baeum's client id.")
        )
    allowed = {client_id, *trusted}
    if any(a not in allowed for a in audiences):
        raise _reject("untrusted_aud", _("The launch token is also addressed to an audience Baeum does not trust."))
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != client_id:
        raise _reject("wrong_azp", _("The launch token's authorised party (azp) is not Baeum's client id."))


@dataclass(frozen=True)
class LoginMemory:
    """What the login step remembered for one browser: checked against the token it leads to."""

    nonce: str
    target_link_uri: str
    issuer: str
    client_id: str


def check_login_binding(claims: Mapping[str, Any], memory: LoginMemory) -> None:
    """The token answers the login request that this browser made: same issuer, nonce and
    ``target_link_uri`` (LTI Core 5.1.1.4 and Security Framework 5.1.3)."""
    if claims.get("iss") != memory.issuer:
        raise _reject("wrong_iss", _("The launch token comes from another issuer than the login request."))
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise _reject("no_nonce", _("The launch token has no nonce."))
    if nonce != memory.nonce:
        raise _reject("wrong_nonce", _("The launch token does not answer this browser's login request (nonce)."))
    if claims.get(TARGET_LINK_URI) != memory.target_link_uri:
        raise _reject(
            "wrong_target", _("The launch token points at another address than the login request (target_link_uri).")
        )


def check_message(claims: Mapping[str, Any], known_deployments: Sequence[str]) -> str:
    """The claims every launch must carry (LTI Core 5.3, 5.4). Returns the message type."""
    message_type = claims.get(MESSAGE_TYPE)
    if not message_type:
        raise _reject("no_message_type", _("The launch does not say what kind of message it is (message_type)."))
    if message_type not in MESSAGE_TYPES:
        raise _reject(
            "bad_message_type",
            _("Baeum does not handle this kind of LTI message: %(type)s.") % {"type": str(message_type)[:60]},
        )
    if claims.get(VERSION) != "1.3.0":
        raise _reject("bad_version", _("The launch is not an LTI 1.3.0 message."))
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > MAX_ID:
        raise _reject("no_sub", _("The launch does not identify the user (sub)."))
    roles = claims.get(ROLES)
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise _reject("no_roles", _("The launch has no roles claim."))
    deployment_id = claims.get(DEPLOYMENT_ID)
    if not isinstance(deployment_id, str) or not deployment_id or len(deployment_id) > MAX_ID:
        raise _reject("no_deployment", _("The launch does not name its deployment (deployment_id)."))
    if deployment_id not in known_deployments:
        raise _reject(
            "unknown_deployment",
            _("Deployment %(id)s is not registered in Baeum. Ask your Baeum admin to add it to your school.")
            % {"id": deployment_id[:80]},
            status=403,
        )
    if message_type == RESOURCE_LINK_REQUEST:
        link = claims.get(RESOURCE_LINK)
        if not isinstance(link, dict) or not isinstance(link.get("id"), str) or not 0 < len(link["id"]) <= MAX_ID:
            raise _reject("no_resource_link", _("The launch does not name its resource link (resource_link.id)."))
    else:
        settings = claims.get(DEEP_LINKING_SETTINGS)
        if not isinstance(settings, dict) or not isinstance(settings.get("deep_link_return_url"), str):
            raise _reject("no_deep_linking_settings", _("The deep linking request has no return address."))
    context = claims.get(CONTEXT)
    if context is not None and (
        not isinstance(context, dict) or not isinstance(context.get("id"), str) or len(context["id"]) > MAX_ID
    ):
        raise _reject("bad_context", _("The launch's context claim has no id."))
    return str(message_type)


def accepts_resource_links(claims: Mapping[str, Any]) -> bool:
    """Whether a Deep Linking request lets Baeum return lessons (``ltiResourceLink`` items)."""
    settings = claims.get(DEEP_LINKING_SETTINGS) or {}
    accept = settings.get("accept_types")
    return isinstance(accept, list) and "ltiResourceLink" in accept


# --- roles (LTI Core 5.3.7 and Appendix A) ---------------------------------------------------------

CONTEXT_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
TEACHING = {"Instructor", "Administrator", "ContentDeveloper", "TeachingAssistant"}
MENTOR = "Mentor"
TEACHER, STUDENT = "teacher", "student"


def _context_role(role: str) -> str | None:
    """The context role a claim value names: a full URI (``…/membership#Instructor``), a sub-role
    (``…/membership/Instructor#TeachingAssistant``) or a short name (``Instructor``). Institution
    and system roles (``…/institution/person#…``, ``…/system/person#…``) are not class roles."""
    if role.startswith(CONTEXT_ROLE):
        return role[len(CONTEXT_ROLE) :]
    if role.startswith("http://purl.imsglobal.org/vocab/lis/v2/membership/"):
        return role.rsplit("#", 1)[-1]
    if ":" not in role and "/" not in role:
        return role
    return None


def class_role(roles: Sequence[str]) -> str:
    """``teacher`` when the launch names a teaching role in the context, otherwise ``student``:
    unknown roles and an empty list launch as a learner (LTI Core 5.3.7: roles may be empty). A
    launch that names only a mentor (a parent or observer) is refused: Baeum has no such seat yet."""
    names = {name for role in roles if (name := _context_role(role)) is not None}
    if names & TEACHING:
        return TEACHER
    if names == {MENTOR}:
        raise _reject("mentor_role", _("Baeum does not support observer (mentor) launches yet."), status=403)
    return STUDENT


# --- addresses from outside ----------------------------------------------------------------------


def split_url(value: object) -> SplitResult | None:
    """``urlsplit`` of an address that came from outside, or None when it is not one (a malformed
    IPv6 host such as ``http://[`` makes ``urlsplit`` raise)."""
    if not isinstance(value, str):
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - a bad port raises here, not later
    except ValueError:
        return None
    return parts


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def service_url(value: object, *, max_length: int, http_loopback: bool) -> str | None:
    """An LMS service address from a launch (roster, line items): https (plain http only on
    loopback, when allowed), no user info, not longer than the column. None otherwise: Baeum sends
    its bearer tokens nowhere else, and never to a truncated address."""
    parts = split_url(value)
    if parts is None or not parts.hostname or parts.username or parts.password or len(str(value)) > max_length:
        return None
    if parts.scheme == "https" or (parts.scheme == "http" and http_loopback and parts.hostname in LOOPBACK):
        return str(value)
    return None
