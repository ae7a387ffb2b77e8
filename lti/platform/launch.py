"""Launching an external tool (LTI 1.3 core §5.1, OpenID Connect third-party initiated login):

1. ``launch_start`` / ``deep_link_start``: Baeum decides everything about the launch (who, which
   tool, deployment, class, line item, message) while it knows the signed-in user, keeps it in the
   shared cache under a random ``lti_message_hint`` (single use, ``HINT_TTL``), and sends the
   browser to the tool's login URL with the hints.
2. The tool sends the browser back to the authorization endpoint; ``authorize`` checks the tool's
   request against the registry and the hint (``lti.platform.auth_rules``), takes the hint (once),
   checks it belongs to the user signed in now, and signs the id_token the browser posts to the
   tool's redirect URI.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import jwt
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from classrooms.models import Classroom, MemberRole, Membership
from classrooms.selectors import school_for_user
from courses.blocks import custom_parameters
from courses.pages import LessonPage
from edu.accounts.models import User
from lti.models import ExternalTool, PlatformLineItem, ToolContext, ToolDeployment
from lti.platform import claims as c
from lti.platform import scopes as s
from lti.platform.auth_rules import AuthRequest, LaunchRefused, check_auth_request
from lti.platform.selectors import deployment_for
from lti.platform.subjects import subject_for
from lti.tool.keys import kid_of, private_key_of, signing_key
from lti.tool.registration_rules import url_problem

log = logging.getLogger("baeum.lti")
HINT_TTL = 300  # seconds between Baeum's redirect to the tool and the tool's authorization request
EXTERNAL = "external_activity"


@dataclass
class Hint:
    """What Baeum decided about one launch, kept until the tool's authorization request."""

    user_id: int
    tool_id: int
    deployment_id: str
    login_hint: str
    message_type: str
    target_link_uri: str
    return_url: str
    lesson_id: int
    block_id: str = ""
    classroom_id: int | None = None
    line_item_id: int | None = None
    document_target: str = "iframe"
    height: int | None = None
    title: str = ""
    description: str = ""
    custom: dict[str, str] = field(default_factory=dict)
    deep_link_data: str = ""


def _hint_key(token: str) -> str:
    return "lti:platform-hint:" + hashlib.sha256(token.encode()).hexdigest()


def hint_remember(hint: Hint) -> str:
    token = secrets.token_urlsafe(32)
    cache.set(_hint_key(token), asdict(hint), HINT_TTL)
    return token


def hint_take(token: str) -> Hint | None:
    """The launch of ``token``, once (deleting the key is the claim: one caller wins)."""
    if not token or len(token) > 200:
        return None
    key = _hint_key(token)
    value: Any = cache.get(key)
    if value is None or not cache.delete(key):
        return None
    return Hint(**value)


def issuer() -> str:
    return str(settings.BASE_URL)


def platform_guid() -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, issuer()))


def login_url(tool: ExternalTool, hint: Hint, token: str) -> str:
    """The tool's OIDC login URL with the third-party initiated login's parameters."""
    params = {
        "iss": issuer(),
        "login_hint": hint.login_hint,
        "target_link_uri": hint.target_link_uri,
        "lti_message_hint": token,
        "lti_deployment_id": hint.deployment_id,
        "client_id": tool.client_id,
    }
    parts = urlsplit(tool.login_url)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit(parts._replace(query=query))


# --- Starting a launch -------------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    """An external activity of a published lesson, as stored."""

    block_id: str
    tool_id: int | None
    value: dict[str, Any]


def activity_of(lesson: LessonPage, block_id: str) -> Activity | None:
    for item in lesson.body.raw_data if lesson.body else []:
        if item.get("type") == EXTERNAL and str(item.get("id")) == block_id:
            value = item.get("value") if isinstance(item.get("value"), dict) else {}
            tool = value.get("tool")
            tool_id = tool if isinstance(tool, int) and not isinstance(tool, bool) else None
            return Activity(block_id, tool_id, value)
    return None


def _points(value: dict[str, Any]) -> int:
    points = value.get("points")
    return points if isinstance(points, int) and not isinstance(points, bool) and points > 0 else 0


def resource_link_id(lesson_id: int, block_id: str) -> str:
    return f"lesson-{lesson_id}-{block_id}"


def _line_item(tool: ExternalTool, classroom: Classroom, lesson: LessonPage, activity: Activity) -> PlatformLineItem:
    """The class's gradebook column for this activity, made on its first launch there."""
    value = activity.value
    now = {
        "lesson": lesson,
        "label": str(value.get("title") or lesson.title)[:255],
        "score_maximum": _points(value),
        "resource_id": str(value.get("resource_id") or "")[:255],
        "tag": str(value.get("tag") or "")[:255],
    }
    item, created = PlatformLineItem.objects.get_or_create(
        tool=tool,
        classroom=classroom,
        resource_link_id=resource_link_id(lesson.pk, activity.block_id),
        block_id=activity.block_id,
        defaults=now,
    )
    changed = [name for name in ("label", "score_maximum") if getattr(item, name) != now[name]]
    if not created and changed:  # the teacher changed the activity's title or points since
        for name in changed:
            setattr(item, name, now[name])
        item.save(update_fields=changed)
    return item


def _refuse_unless_enabled(tool: ExternalTool | None, user: User, classroom: Classroom | None) -> Any:
    if tool is None or not tool.is_active:
        raise LaunchRefused("tool_unavailable", _("This outside tool is no longer available."), 404)
    school = classroom.school if classroom is not None else school_for_user(user)
    deployment = deployment_for(tool, school)
    if deployment is None:
        raise LaunchRefused("tool_not_enabled", _("Your school has not turned this outside tool on."), 403)
    return deployment


def launch_start(*, user: User, lesson: LessonPage, block_id: str, classroom: Classroom | None, return_url: str) -> str:
    """Where to send the browser to launch the lesson's external activity ``block_id`` for
    ``user`` (in ``classroom`` when the launch happens in one: then the tool gets the class as its
    context, a gradebook column when the activity has points, and the roster service)."""
    activity = activity_of(lesson, block_id)
    if activity is None:
        raise LaunchRefused("no_activity", _("This lesson has no such outside activity."), 404)
    tool = ExternalTool.objects.filter(pk=activity.tool_id).first() if activity.tool_id else None
    deployment = _refuse_unless_enabled(tool, user, classroom)
    assert tool is not None
    value = activity.value
    target = str(value.get("url") or "").strip() or tool.target_link_uri
    if urlsplit(target).hostname not in tool.hosts():  # checked before anything is written
        raise LaunchRefused("target_foreign", _("This activity's address is not on the tool's own site."), 400)
    if url_problem(target, http_loopback=settings.LTI_ALLOW_HTTP_LOOPBACK):
        raise LaunchRefused("target_insecure", _("This activity's address must start with https://."), 400)
    line_item = None
    if classroom is not None:
        with transaction.atomic():
            ToolContext.objects.get_or_create(tool=tool, classroom=classroom)
            if _points(value):
                line_item = _line_item(tool, classroom, lesson, activity)
    custom = {**(tool.custom_parameters or {})}
    with contextlib.suppress(ValueError):  # the editor refuses such lines; an imported body goes without
        custom.update(custom_parameters(str(value.get("custom") or "")))
    hint = Hint(
        user_id=user.pk,
        tool_id=tool.pk,
        deployment_id=deployment.deployment_id,
        login_hint=subject_for(tool, user),
        message_type=s.RESOURCE_LINK_REQUEST,
        target_link_uri=target,
        return_url=return_url,
        lesson_id=lesson.pk,
        block_id=activity.block_id,
        classroom_id=classroom.pk if classroom is not None else None,
        line_item_id=line_item.pk if line_item is not None else None,
        document_target="window" if value.get("presentation") == "window" else "iframe",
        height=value.get("height") if isinstance(value.get("height"), int) else None,
        title=str(value.get("title") or ""),
        description=str(value.get("text") or ""),
        custom={str(k): str(v) for k, v in custom.items()},
    )
    log.info("lti platform launch: tool=%s lesson=%s class=%s", tool.pk, lesson.pk, hint.classroom_id)
    return login_url(tool, hint, hint_remember(hint))


def deep_link_start(*, user: User, lesson: LessonPage, tool: ExternalTool, data: str, return_url: str) -> str:
    """Where to send a teacher to pick content from ``tool`` for ``lesson`` (Deep Linking request).
    ``data`` is Baeum's signed token the tool must echo (``lti.platform.deep_linking``)."""
    deployment = _refuse_unless_enabled(tool, user, None)
    if not tool.supports_deep_linking:
        raise LaunchRefused("no_deep_linking", _("This tool cannot insert content into lessons."), 400)
    hint = Hint(
        user_id=user.pk,
        tool_id=tool.pk,
        deployment_id=deployment.deployment_id,
        login_hint=subject_for(tool, user),
        message_type=s.DEEP_LINKING_REQUEST,
        target_link_uri=tool.deep_link_url,
        return_url=return_url,
        lesson_id=lesson.pk,
        document_target="window",
        title=lesson.title,
        custom={str(k): str(v) for k, v in (tool.custom_parameters or {}).items()},
        deep_link_data=data,
    )
    log.info("lti platform deep link: tool=%s lesson=%s", tool.pk, lesson.pk)
    return login_url(tool, hint, hint_remember(hint))


# --- The authorization endpoint ----------------------------------------------------------------


@dataclass(frozen=True)
class Authorized:
    redirect_uri: str
    id_token: str
    state: str
    tool: ExternalTool


def _teacher_in(user: User, classroom_id: int | None) -> bool:
    if classroom_id is None:
        return user.is_teacher
    role = Membership.objects.filter(classroom_id=classroom_id, user=user).values_list("role", flat=True).first()
    return role == MemberRole.TEACHER if role is not None else user.is_teacher


def _services(tool: ExternalTool, hint: Hint) -> c.Services:
    if hint.classroom_id is None or hint.message_type != s.RESOURCE_LINK_REQUEST:
        return c.Services()
    base = issuer()
    granted = set(tool.scopes or ())
    ags = tuple(scope for scope in s.SCOPES if scope in granted and scope.startswith(s.AGS))
    lineitems = base + reverse("lti_platform:lineitems", args=[hint.classroom_id]) if ags else ""
    lineitem = (
        base + reverse("lti_platform:lineitem", args=[hint.classroom_id, hint.line_item_id])
        if ags and hint.line_item_id
        else ""
    )
    nrps = base + reverse("lti_platform:memberships", args=[hint.classroom_id]) if s.SCOPE_NRPS in granted else ""
    return c.Services(ags_scopes=ags, lineitems_url=lineitems, lineitem_url=lineitem, memberships_url=nrps)


def _context(hint: Hint) -> c.Context | None:
    if hint.classroom_id is None:
        return None
    classroom = Classroom.objects.filter(pk=hint.classroom_id).first()
    if classroom is None:
        return None
    return c.Context(id=str(classroom.pk), label=classroom.name, title=str(classroom))


def _launch_of(tool: ExternalTool, hint: Hint, user: User, nonce: str) -> c.Launch:
    teacher = _teacher_in(user, hint.classroom_id)
    person = c.Person(
        sub=hint.login_hint,
        roles=c.roles_for(teacher=teacher),
        name=user.display_name if tool.send_names else "",
        locale=get_language() or "ko",
    )
    party = c.Party(issuer=issuer(), client_id=tool.client_id, deployment_id=hint.deployment_id)
    deep_linking = None
    resource_link = None
    if hint.message_type == s.DEEP_LINKING_REQUEST:
        deep_linking = c.DeepLinkingSettings(
            return_url=issuer() + reverse("lti_platform:deep_link_return"),
            data=hint.deep_link_data,
            title=hint.title,
        )
    else:
        resource_link = c.ResourceLink(
            id=resource_link_id(hint.lesson_id, hint.block_id), title=hint.title, description=hint.description
        )
    return c.Launch(
        party=party,
        person=person,
        platform=c.Platform(guid=platform_guid()),
        target_link_uri=hint.target_link_uri,
        nonce=nonce,
        message_type=hint.message_type,
        resource_link=resource_link,
        context=_context(hint),
        presentation=c.Presentation(
            document_target=hint.document_target, return_url=hint.return_url, height=hint.height
        ),
        custom=hint.custom,
        services=_services(tool, hint),
        deep_linking=deep_linking,
    )


def sign(claims: dict[str, Any]) -> str:
    key = signing_key()
    return jwt.encode(claims, private_key_of(key), algorithm="RS256", headers={"kid": kid_of(key)})


def authorize(user: User | None, params: dict[str, str]) -> Authorized:
    """The tool's authorization request checked and answered with a signed id_token; or
    ``LaunchRefused`` (nothing is signed, and the hint is spent if it was read)."""
    request = AuthRequest.of(params)
    tool = (
        ExternalTool.objects.filter(client_id=request.client_id, is_active=True).first() if request.client_id else None
    )
    check_auth_request(request, registered_redirect_uris=list(tool.redirect_uris or ()) if tool else None)
    assert tool is not None
    hint = hint_take(request.lti_message_hint)
    if hint is None:
        raise LaunchRefused("hint_unknown", _("This launch has expired or was already used. Open the content again."))
    if hint.tool_id != tool.pk:
        raise LaunchRefused("hint_other_tool", _("This launch was meant for another tool."))
    if request.login_hint != hint.login_hint:
        raise LaunchRefused("login_hint_mismatch", _("The tool sent back another user's sign-in hint."))
    if user is None or not user.is_authenticated or user.pk != hint.user_id or not user.is_active:
        raise LaunchRefused(
            "user_mismatch",
            _("You are not signed in as the person who opened this content. Sign in and open it again."),
            403,
        )
    if not ToolDeployment.objects.filter(tool=tool, deployment_id=hint.deployment_id, enabled=True).exists():
        raise LaunchRefused("tool_not_enabled", _("Your school has not turned this outside tool on."), 403)
    claims = c.id_token_claims(_launch_of(tool, hint, user, request.nonce), now=int(time.time()))
    log.info("lti platform id_token: tool=%s message=%s", tool.pk, hint.message_type)
    return Authorized(redirect_uri=request.redirect_uri, id_token=sign(claims), state=request.state, tool=tool)
