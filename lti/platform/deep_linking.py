"""Deep Linking with Baeum as the platform: a teacher asks a tool for content, the tool posts back
a signed response, Baeum checks it and adds the picked items to the lesson as blocks.

The response is posted by the teacher's browser from the tool's site, a cross-site POST that carries
no Lax session cookie, so it is checked on its own merits (signature by the tool's key, audience,
issuer, message type, version, deployment, ``data`` echo, nonce, times, items) and the result is
kept under a single-use ticket; the teacher's own session then confirms it on Baeum's page
(``deep_link_confirm``), where the blocks are added to a new draft of the lesson."""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from dataclasses import asdict, dataclass
from typing import Any

import jwt
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from courses.pages import LessonPage
from edu.accounts.models import User
from lti.models import ExternalTool, ToolDeployment
from lti.platform import scopes as s
from lti.platform.auth_rules import LaunchRefused
from lti.platform.deep_linking_rules import PickedItem, picked_items
from lti.platform.launch import issuer
from lti.platform.tool_keys import KeysUnavailable, tool_key

log = logging.getLogger("baeum.lti")
DATA_SALT = "lti.platform.deep-linking"
DATA_MAX_AGE = 3600
TICKET_TTL = 900
MAX_RESPONSE = 64 * 1024


def data_token(*, user: User, lesson: LessonPage, tool: ExternalTool, deployment_id: str) -> str:
    """The ``data`` Baeum sends with a Deep Linking request; the response must echo it."""
    return signing.dumps(
        {"u": user.pk, "l": lesson.pk, "t": tool.pk, "d": deployment_id, "n": secrets.token_urlsafe(12)},
        salt=DATA_SALT,
        compress=True,
    )


@dataclass(frozen=True)
class Picked:
    """A checked response, waiting for the teacher's confirmation."""

    user_id: int
    lesson_id: int
    tool_id: int
    items: list[PickedItem]
    message: str = ""
    error: str = ""


def _refuse(code: str, message: str, status: int = 400) -> LaunchRefused:
    log.warning("lti platform deep link refused: %s", code)
    return LaunchRefused(code, message, status)


def _verified(token: str) -> tuple[ExternalTool, dict[str, Any]]:
    if not token or len(token) > MAX_RESPONSE:
        raise _refuse("no_response", _("The tool's answer is missing or too large."))
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise _refuse("malformed", _("The tool's answer is not a readable signed token.")) from None
    if header.get("alg") != "RS256":
        raise _refuse("bad_alg", _("The tool's answer must be signed with RS256."))
    client_id = unverified.get("iss")
    tool = (
        ExternalTool.objects.filter(client_id=client_id, is_active=True).first() if isinstance(client_id, str) else None
    )
    if tool is None:
        raise _refuse("unknown_tool", _("The answer comes from no active tool registered here."), 403)
    try:
        key = tool_key(tool, header.get("kid") if isinstance(header.get("kid"), str) else None)
    except KeysUnavailable:
        raise _refuse("tool_keys_unavailable", _("The tool's keys cannot be fetched now. Try again."), 502) from None
    if key is None:
        raise _refuse("unknown_kid", _("The answer is signed with a key the tool does not publish."), 403)
    try:
        claims = jwt.decode(
            token,
            key=jwt.PyJWK(key, algorithm="RS256").key,
            algorithms=["RS256"],
            audience=issuer(),
            issuer=tool.client_id,
            leeway=settings.LTI_CLOCK_LEEWAY,
            options={"require": ["exp", "iat", "iss", "aud", "nonce"]},
        )
    except jwt.ExpiredSignatureError:
        raise _refuse("expired", _("The tool's answer has expired. Pick the content again.")) from None
    except jwt.InvalidAudienceError:
        raise _refuse("wrong_audience", _("The tool's answer is addressed to another platform."), 403) from None
    except jwt.PyJWTError as error:
        raise _refuse("bad_token", _("The tool's answer did not pass the signature check."), 403) from error
    return tool, claims


def response_check(token: str) -> Picked:
    """A Deep Linking response checked completely, or ``LaunchRefused``. Its nonce and its ``data``
    are spent: the same response (or another with the same ``data``) is refused ever after."""
    tool, claims = _verified(token)
    if claims.get(s.CLAIM + "message_type") != s.DEEP_LINKING_RESPONSE:
        raise _refuse("wrong_message_type", _("The tool's answer is not a Deep Linking response."))
    if claims.get(s.CLAIM + "version") != s.VERSION:
        raise _refuse("wrong_version", _("The tool's answer is not LTI 1.3."))
    deployment_id = claims.get(s.CLAIM + "deployment_id")
    if (
        not isinstance(deployment_id, str)
        or not ToolDeployment.objects.filter(tool=tool, deployment_id=deployment_id, enabled=True).exists()
    ):
        raise _refuse("unknown_deployment", _("The answer names a deployment this tool does not have here."), 403)
    try:
        data = signing.loads(str(claims.get(s.DL_CLAIM + "data") or ""), salt=DATA_SALT, max_age=DATA_MAX_AGE)
    except signing.BadSignature:
        raise _refuse("bad_data", _("The tool did not send back the request's data unchanged."), 403) from None
    if data.get("t") != tool.pk or data.get("d") != deployment_id:
        raise _refuse("bad_data", _("The tool did not send back the request's data unchanged."), 403)
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not nonce or len(nonce) > 255:
        raise _refuse("no_nonce", _("The tool's answer has no nonce."))
    digest = hashlib.sha256(f"{tool.client_id}\n{nonce}".encode()).hexdigest()
    if not cache.add(f"lti:platform-dl-nonce:{digest}", 1, DATA_MAX_AGE):
        raise _refuse("replayed", _("This answer was already used."), 403)
    data_digest = hashlib.sha256(str(data.get("n")).encode()).hexdigest()
    if not cache.add(f"lti:platform-dl-data:{data_digest}", 1, DATA_MAX_AGE):
        raise _refuse("replayed", _("This answer was already used."), 403)
    items = picked_items(
        claims.get(s.DL_CLAIM + "content_items"),
        accept_multiple=True,
        tool_hosts=tool.hosts(),
        http_loopback=settings.LTI_ALLOW_HTTP_LOOPBACK,
    )
    message = claims.get(s.DL_CLAIM + "msg")
    error = claims.get(s.DL_CLAIM + "errormsg")
    log.info("lti platform deep link accepted: tool=%s lesson=%s items=%d", tool.pk, data.get("l"), len(items))
    return Picked(
        user_id=int(data["u"]),
        lesson_id=int(data["l"]),
        tool_id=tool.pk,
        items=items,
        message=message[:500] if isinstance(message, str) else "",
        error=error[:500] if isinstance(error, str) else "",
    )


def _ticket_key(ticket: str) -> str:
    return "lti:platform-dl-ticket:" + hashlib.sha256(ticket.encode()).hexdigest()


def picked_keep(picked: Picked) -> str:
    ticket = secrets.token_urlsafe(24)
    value = {**asdict(picked), "items": [asdict(item) for item in picked.items]}
    cache.set(_ticket_key(ticket), value, TICKET_TTL)
    return ticket


def picked_read(ticket: str, user: User) -> Picked | None:
    """The response kept under ``ticket`` if it is this user's (not spent: see ``picked_take``)."""
    value: Any = cache.get(_ticket_key(ticket)) if ticket and len(ticket) < 100 else None
    if value is None or value.get("user_id") != user.pk:
        return None
    return Picked(**{**value, "items": [PickedItem(**item) for item in value["items"]]})


def picked_take(ticket: str, user: User) -> Picked | None:
    picked = picked_read(ticket, user)
    if picked is None or not cache.delete(_ticket_key(ticket)):
        return None
    return picked


def items_insert(lesson: LessonPage, picked: Picked, user: User) -> int:
    """Append the picked items to the lesson's latest draft as external activities, in a new
    revision by ``user`` (published only when the teacher publishes). Returns how many."""
    with transaction.atomic():
        page = lesson.get_latest_revision_as_object()
        raw = list(page.body.raw_data) if page.body else []
        for item in picked.items:
            raw.append(
                {"type": "external_activity", "value": item.block_value(picked.tool_id), "id": str(uuid.uuid4())}
            )
        page.body = raw
        page.save_revision(user=user, log_action=True)
    return len(picked.items)
