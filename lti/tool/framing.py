"""Pages of a launched session may be framed by the LMS that launched it, and only by it: a
Content-Security-Policy ``frame-ancestors`` naming its origins replaces ``X-Frame-Options: DENY``.
Placed after Django's XFrameOptionsMiddleware in MIDDLEWARE, so it sees the response first."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from lti.tool.checks import split_url

FRAME_ORIGINS_KEY = "lti_frame_origins"


def origin_of(url: object) -> str | None:
    parts = split_url(url)
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


class LtiFramingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not getattr(request, "lti_session", False):
            return response
        origins = request.session.get(FRAME_ORIGINS_KEY) if hasattr(request, "session") else None
        if isinstance(origins, list) and origins:
            response.xframe_options_exempt = True  # type: ignore[attr-defined]
            if "Content-Security-Policy" not in response:
                response["Content-Security-Policy"] = "frame-ancestors 'self' " + " ".join(origins)
        return response
