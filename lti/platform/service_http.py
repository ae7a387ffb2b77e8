"""HTTP pieces the LTI services share: their absolute URLs (under ``settings.BASE_URL``, never the
request's Host), JSON bodies in the media types the specs name, and ``limit`` paging with a
``Link: <…>; rel="next"`` header (AGS 2.0 §3.2.1, NRPS 2.0 §2.4.1).

Paging is by key, not by offset: the next page starts after the last row of this one (``after``),
so a row added or removed between two pages neither repeats nor hides another."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from lti.platform.service_access import MAX_ID, ServiceRefused

DEFAULT_LIMIT = 100  # rows per page when the tool does not say
MAX_LIMIT = 500  # a larger limit is served in pages of this size


def absolute_url(name: str, *args: int) -> str:
    return settings.BASE_URL + reverse(f"lti_platform:{name}", args=args)


def bad_request(code: str, message: str) -> ServiceRefused:
    return ServiceRefused(code, message, 400)


def _no_constants(name: str) -> Any:
    raise ValueError(name)  # NaN and Infinity are not JSON


def read_json(request: HttpRequest, media_types: tuple[str, ...]) -> Any:
    """The request's JSON body, sent as one of ``media_types`` or ``application/json``."""
    if request.content_type not in (*media_types, "application/json"):
        raise ServiceRefused(
            "unsupported_media_type",
            _("Send the body as %(type)s.") % {"type": media_types[0] if media_types else "application/json"},
            415,
        )
    try:
        return json.loads(request.body.decode("utf-8"), parse_constant=_no_constants)
    except (ValueError, UnicodeDecodeError, RecursionError, RequestDataTooBig):
        raise bad_request("invalid_json", _("The body is not valid JSON.")) from None


def json_response(data: Any, media_type: str, *, status: int = 200, link: str = "") -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False), status=status, content_type=f"{media_type}; charset=utf-8"
    )
    if link:
        response.headers["Link"] = link
    return response


@dataclass(frozen=True)
class Paging:
    limit: int
    after: int  # the key of the last row of the previous page (0: the first page)


def _positive(value: str, code: str, message: str) -> int:
    if not (value.isascii() and value.isdigit()) or len(value) > 19 or int(value) <= 0:
        raise bad_request(code, message)
    return int(value)


def paging_of(request: HttpRequest) -> Paging:
    limit_text, after_text = request.GET.get("limit", ""), request.GET.get("after", "")
    limit = _positive(limit_text, "invalid_limit", _("limit must be a positive integer.")) if limit_text else 0
    after = _positive(after_text, "invalid_after", _("after must be a positive integer.")) if after_text else 0
    if after > MAX_ID:
        raise bad_request("invalid_after", _("after must be a positive integer."))
    return Paging(min(limit or DEFAULT_LIMIT, MAX_LIMIT), after)


def next_link(url: str, params: dict[str, str], paging: Paging, last_key: int) -> str:
    """The ``Link`` header that points at the page after the row ``last_key`` (same filters)."""
    query = urlencode({**{k: v for k, v in params.items() if v}, "limit": paging.limit, "after": last_key})
    return f'<{url}?{query}>; rel="next"'
