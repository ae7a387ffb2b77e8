"""What Baeum accepts in a tool's Deep Linking response (Deep Linking 2.0 §4.5, §3), as plain
functions with no ORM and no HTTP: the items a teacher picked, checked field by field and turned
into the lesson blocks they become. The signature, audience, nonce and ``data`` echo are checked
by ``lti.platform.deep_linking``."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from lti.platform.auth_rules import LaunchRefused
from lti.tool.registration_rules import url_problem

MAX_ITEMS = 20
ACCEPTED_TYPES = ("ltiResourceLink",)
_CUSTOM_KEY = re.compile(r"^[A-Za-z0-9_]{1,64}$")


@dataclass(frozen=True)
class PickedItem:
    """One ``ltiResourceLink`` a tool returned, as Baeum keeps it."""

    title: str
    text: str = ""
    url: str = ""
    custom: dict[str, str] = field(default_factory=dict)
    points: int = 0  # from lineItem.scoreMaximum: the block's points (0: no line item)
    resource_id: str = ""
    tag: str = ""
    presentation: str = "iframe"
    height: int = 600

    def block_value(self, tool_id: int) -> dict[str, Any]:
        """The raw value of the lesson block this item becomes (``courses.blocks.ExternalActivityBlock``)."""
        return {
            "tool": tool_id,
            "title": self.title,
            "text": self.text,
            "url": self.url,
            "custom": "\n".join(f"{key}={value}" for key, value in self.custom.items()),
            "presentation": self.presentation,
            "height": self.height,
            "points": self.points,
            "standards": [],
            "resource_id": self.resource_id,
            "tag": self.tag,
        }


def _text(item: dict[str, Any], name: str, limit: int, number: int) -> str:
    value = item.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise LaunchRefused("item_invalid", _("Item %(n)d: “%(field)s” must be text.") % {"n": number, "field": name})
    return value.strip()[:limit]


def _url(item: dict[str, Any], tool_hosts: set[str], number: int, http_loopback: bool) -> str:
    url = _text(item, "url", 500, number)
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or (parts.hostname or "") not in tool_hosts or parts.username:
        raise LaunchRefused(
            "item_url_foreign", _("Item %(n)d points outside the tool's own addresses.") % {"n": number}
        )
    if url_problem(url, http_loopback=http_loopback):
        raise LaunchRefused("item_url_insecure", _("Item %(n)d's address must start with https://.") % {"n": number})
    return url


def _custom(item: dict[str, Any], number: int) -> dict[str, str]:
    custom = item.get("custom") or {}
    if not isinstance(custom, dict) or len(custom) > 20:
        raise LaunchRefused("item_invalid", _("Item %(n)d: custom parameters must be a short list.") % {"n": number})
    found = {}
    for key, value in custom.items():
        if not isinstance(key, str) or not _CUSTOM_KEY.fullmatch(key) or not isinstance(value, (str, int, float)):
            raise LaunchRefused("item_invalid", _("Item %(n)d: a custom parameter is malformed.") % {"n": number})
        # one line: the block keeps "key=value" lines, and every line break splitlines() knows
        # ("\r", "\u2028", …) would otherwise start a parameter of the tool's choosing
        found[key] = " ".join(str(value).splitlines()).strip()[:500]
    return found


def _points(item: dict[str, Any], number: int) -> tuple[int, str, str]:
    line_item = item.get("lineItem")
    if line_item is None:
        return 0, "", ""
    maximum = line_item.get("scoreMaximum") if isinstance(line_item, dict) else None
    if isinstance(maximum, bool) or not isinstance(maximum, (int, float)) or not math.isfinite(maximum) or maximum <= 0:
        raise LaunchRefused(
            "item_invalid", _("Item %(n)d: lineItem.scoreMaximum must be a number above 0.") % {"n": number}
        )
    assert isinstance(line_item, dict)
    points = min(100, max(1, round(maximum)))
    return points, _text(line_item, "resourceId", 255, number), _text(line_item, "tag", 255, number)


def _presentation(item: dict[str, Any]) -> tuple[str, int]:
    iframe, window = item.get("iframe"), item.get("window")
    height = iframe.get("height") if isinstance(iframe, dict) else None
    height = height if isinstance(height, int) and not isinstance(height, bool) else 600
    if isinstance(window, dict) and not isinstance(iframe, dict):
        return "window", 600
    return "iframe", min(2000, max(200, height))


def picked_items(
    raw: Any,
    *,
    accept_multiple: bool,
    tool_hosts: set[str],
    http_loopback: bool = False,
    accept_types: tuple[str, ...] = ACCEPTED_TYPES,
) -> list[PickedItem]:
    """The response's ``content_items`` checked: a list of objects of the types Baeum offered, one
    only unless it allowed several, each with a title and well-formed fields."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise LaunchRefused("items_invalid", _("The tool's answer lists its items in the wrong form."))
    if len(raw) > (MAX_ITEMS if accept_multiple else 1):
        raise LaunchRefused("too_many_items", _("The tool returned more items than Baeum asked for."))
    items = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise LaunchRefused("items_invalid", _("The tool's answer lists its items in the wrong form."))
        if item.get("type") not in accept_types:
            raise LaunchRefused(
                "item_type_not_offered",
                _("Item %(n)d is of a kind Baeum did not ask for (only links to the tool's content).") % {"n": number},
            )
        title = _text(item, "title", 255, number) or _text(item, "text", 255, number)
        if not title:
            raise LaunchRefused("item_invalid", _("Item %(n)d has no title.") % {"n": number})
        points, resource_id, tag = _points(item, number)
        presentation, height = _presentation(item)
        items.append(
            PickedItem(
                title=title,
                text=_text(item, "text", 1000, number),
                url=_url(item, tool_hosts, number, http_loopback),
                custom=_custom(item, number),
                points=points,
                resource_id=resource_id,
                tag=tag,
                presentation=presentation,
                height=height,
            )
        )
    return items
