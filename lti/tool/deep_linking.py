"""Deep Linking 2.0 responses (§4.2): what Baeum returns to an LMS when a teacher picks lessons.

The request's settings, the teacher's choice and the response's claims are handled by plain
functions over lesson facts (no ORM, no request), so each rule has a unit test; ``response_build``
then reads the registration, picks Baeum's signing key and signs the claims (RS256, with ``kid``).

- One ``ltiResourceLink`` item per lesson. Its ``custom`` names the lesson (``baeum_lesson``): the
  launch of the link the LMS creates reads it (``services._lesson``).
- A ``lineItem`` only for a scored lesson (max score > 0), and none when the LMS says it ignores
  line items (``accept_lineitem`` false).
- ``data`` is echoed only when the request carried it (§4.4.1: the tool must return it unchanged).
- ``accept_multiple`` absent means one item: the spec gives no default, and a platform that did not
  say it takes several may refuse a response that has several.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import jwt
from django.utils.translation import gettext_lazy as _
from lti_tool.models import Key, LtiRegistration

from classrooms.assignments.selectors import lesson_size
from courses.pages import LessonPage
from lti.tool import keys
from lti.tool.checks import (
    DEEP_LINKING_SETTINGS,
    DEPLOYMENT_ID,
    DL,
    MESSAGE_TYPE,
    VERSION,
    accepts_resource_links,
    split_url,
)
from lti.tool.services import LESSON_PARAM

DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"
CONTENT_ITEMS = DL + "content_items"
DATA = DL + "data"
MSG, LOG, ERRORMSG, ERRORLOG = DL + "msg", DL + "log", DL + "errormsg", DL + "errorlog"
RESOURCE_LINK_TYPE = "ltiResourceLink"
LINE_ITEM_TAG = "baeum"
RESPONSE_TTL = 600  # seconds: the response is posted straight away by the teacher's browser
MAX_ITEMS = 50  # lessons in one response
TEXT_LENGTH = 200  # characters of a lesson's description in its item


class DeepLinkRefused(Exception):
    """A deep linking request or choice Baeum cannot answer. ``code`` for logs and tests, ``message``
    for the page, ``status`` the HTTP status of that page."""

    def __init__(self, code: str, message: Any, status: int = 400) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class DeepLinkSettings:
    """The parts of the request's ``deep_linking_settings`` claim that Baeum uses."""

    return_url: str
    accept_types: tuple[str, ...]
    accept_multiple: bool
    accept_lineitem: bool | None  # None: the LMS did not say
    has_data: bool
    data: Any
    title: str
    text: str

    @property
    def accepts_lessons(self) -> bool:
        return accepts_resource_links({DEEP_LINKING_SETTINGS: {"accept_types": list(self.accept_types)}})


@dataclass(frozen=True)
class LessonFacts:
    """What a content item says about one lesson."""

    lesson_id: int
    title: str
    text: str
    max_score: Decimal


def _flag(value: object) -> bool | None:
    """A boolean setting; some platforms send ``"true"``/``"false"`` as text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def settings_read(claim: object) -> DeepLinkSettings:
    """The request's settings, from the claim the launch kept in the session. The return address must
    be an http(s) URL: the teacher's browser posts the response there."""
    if not isinstance(claim, Mapping):
        raise DeepLinkRefused("no_settings", _("The LMS's deep linking request has no settings."))
    return_url = claim.get("deep_link_return_url")
    parts = split_url(return_url)
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise DeepLinkRefused("bad_return_url", _("The LMS's deep linking request has no valid return address."))
    accept = claim.get("accept_types")
    accept_types = tuple(t for t in accept if isinstance(t, str)) if isinstance(accept, list) else ()
    title, text = claim.get("title"), claim.get("text")
    return DeepLinkSettings(
        return_url=str(return_url),
        accept_types=accept_types,
        accept_multiple=_flag(claim.get("accept_multiple")) is True,
        accept_lineitem=_flag(claim.get("accept_lineitem")),
        has_data="data" in claim,
        data=claim.get("data"),
        title=title[:200] if isinstance(title, str) else "",
        text=text[:500] if isinstance(text, str) else "",
    )


def choice_read(raw: Sequence[str], *, accept_multiple: bool) -> list[int]:
    """The lesson ids a teacher posted, in order, without repeats: at least one, one at most when the
    LMS takes a single item, never more than ``MAX_ITEMS``."""
    ids: list[int] = []
    for value in raw:
        value = value.strip()
        if not (value.isascii() and value.isdigit()) or len(value) > 12:
            raise DeepLinkRefused("bad_lesson", _("The chosen lessons were not understood. Choose them again."))
        if int(value) not in ids:
            ids.append(int(value))
    if not ids:
        raise DeepLinkRefused("nothing_chosen", _("Choose at least one lesson."))
    if len(ids) > 1 and not accept_multiple:
        raise DeepLinkRefused("one_only", _("Your LMS takes one lesson at a time here. Choose one lesson."))
    if len(ids) > MAX_ITEMS:
        raise DeepLinkRefused("too_many", _("Choose at most %(n)s lessons at a time.") % {"n": MAX_ITEMS})
    return ids


def score_maximum(value: Decimal) -> int | float:
    """A JSON number for ``scoreMaximum``: 8, not "8.00"."""
    return int(value) if value == value.to_integral_value() else float(value)


def content_item(lesson: LessonFacts, launch_url: str, *, line_items: bool = True) -> dict[str, Any]:
    """The ``ltiResourceLink`` item for one lesson (Deep Linking 2.0 §3.1)."""
    item: dict[str, Any] = {
        "type": RESOURCE_LINK_TYPE,
        "title": lesson.title[:255],
        "url": launch_url,
        "custom": {LESSON_PARAM: str(lesson.lesson_id)},
    }
    text = " ".join(lesson.text.split())
    if text:
        item["text"] = text if len(text) <= TEXT_LENGTH else text[: TEXT_LENGTH - 1] + "…"
    if line_items and lesson.max_score > 0:
        item["lineItem"] = {
            "scoreMaximum": score_maximum(lesson.max_score),
            "label": lesson.title[:255],
            "resourceId": f"baeum-lesson-{lesson.lesson_id}",
            "tag": LINE_ITEM_TAG,
        }
    return item


def content_items(settings: DeepLinkSettings, lessons: Sequence[LessonFacts], launch_url: str) -> list[dict[str, Any]]:
    return [content_item(lesson, launch_url, line_items=settings.accept_lineitem is not False) for lesson in lessons]


def response_claims(
    *,
    settings: DeepLinkSettings,
    client_id: str,
    issuer: str,
    deployment_id: str,
    items: list[dict[str, Any]],
    now: int,
    nonce: str,
    msg: str = "",
    log: str = "",
    errormsg: str = "",
    errorlog: str = "",
) -> dict[str, Any]:
    """The claims of an ``LtiDeepLinkingResponse`` (Deep Linking 2.0 §4.2): from the tool (``iss`` is
    its client id) to the platform (``aud`` its issuer). Empty ``items`` is a valid answer: nothing chosen."""
    claims: dict[str, Any] = {
        "iss": client_id,
        "aud": issuer,
        "iat": now,
        "exp": now + RESPONSE_TTL,
        "nonce": nonce,
        MESSAGE_TYPE: DEEP_LINKING_RESPONSE,
        VERSION: "1.3.0",
        DEPLOYMENT_ID: deployment_id,
        CONTENT_ITEMS: items,
    }
    if settings.has_data:
        claims[DATA] = settings.data
    for name, value in ((MSG, msg), (LOG, log), (ERRORMSG, errormsg), (ERRORLOG, errorlog)):
        if value:
            claims[name] = str(value)[:500]
    return claims


def response_sign(claims: Mapping[str, Any], private_key: str, kid: str) -> str:
    return jwt.encode(dict(claims), private_key, algorithm="RS256", headers={"kid": kid})


# --- what needs the database ----------------------------------------------------------------------


def lesson_facts(lesson: LessonPage) -> LessonFacts:
    """A lesson as an item describes it; the max score is the assignments' (``lesson_size``)."""
    text = lesson.summary or " · ".join(part for part in (lesson.grade_label, lesson.subject_name) if part)
    return LessonFacts(lesson.pk, lesson.title, text, lesson_size(lesson).max_score)


def signing_key(registration: LtiRegistration) -> tuple[str, str]:
    """(private key PEM, kid) to sign with: the registration's own key pair when it has one (as
    django-lti does for that registration), else the key Baeum signs with now (``keys.signing_key``),
    which its JWKS publishes."""
    key = Key(public_key=registration.public_key, private_key=registration.private_key)
    if not registration.has_key:
        key = keys.signing_key()
    return key.private_key, keys.kid_of(key)


@dataclass(frozen=True)
class DeepLinkResponse:
    return_url: str
    jwt: str
    items: int


def response_build(
    entry: Mapping[str, Any],
    settings: DeepLinkSettings,
    lessons: Sequence[LessonFacts],
    launch_url: str,
    **messages: str,
) -> DeepLinkResponse:
    """The signed response to the deep linking request the launch kept (``entry``: its registration,
    deployment and settings) with ``lessons``; ``messages`` are msg, log, errormsg, errorlog."""
    registration = LtiRegistration.objects.filter(pk=entry.get("registration_id"), is_active=True).first()
    deployment_id = entry.get("deployment_id")
    if registration is None or not isinstance(deployment_id, str) or not deployment_id:
        raise DeepLinkRefused(
            "no_registration", _("This LMS is no longer registered in Baeum. Ask your Baeum admin."), status=403
        )
    private_key, kid = signing_key(registration)
    claims = response_claims(
        settings=settings,
        client_id=registration.client_id,
        issuer=registration.issuer,
        deployment_id=deployment_id,
        items=content_items(settings, lessons, launch_url),
        now=int(time.time()),
        nonce=secrets.token_urlsafe(24),
        **messages,
    )
    return DeepLinkResponse(settings.return_url, response_sign(claims, private_key, kid), len(lessons))
