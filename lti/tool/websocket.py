"""Live-session sockets opened from a launched page (inside the LMS's frame) carry the LTI session
cookie, not ``sessionid``. This ASGI wrapper, outside Channels' AuthMiddlewareStack, makes the
LTI session the one the socket authenticates with, as ``LtiSessionMiddleware`` does for HTTP."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

from django.conf import settings

from lti.tool.session import LTI_SESSION_COOKIE


def _with_lti_session(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    for index, (name, value) in enumerate(headers):
        if name != b"cookie" or LTI_SESSION_COOKIE.encode() not in value:
            continue
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(value.decode("latin-1"))
        except Exception:  # a malformed header: leave it to Channels, which ignores bad cookies
            return headers
        key = jar.get(LTI_SESSION_COOKIE)
        direct = jar.get(settings.SESSION_COOKIE_NAME)
        if key is None or not key.value or (direct is not None and direct.value):
            return headers  # the direct session wins where it is sent, as for HTTP
        kept = [f"{k}={m.value}" for k, m in jar.items() if k not in (settings.SESSION_COOKIE_NAME, LTI_SESSION_COOKIE)]
        kept.append(f"{settings.SESSION_COOKIE_NAME}={key.value}")
        return [*headers[:index], (b"cookie", "; ".join(kept).encode("latin-1")), *headers[index + 1 :]]
    return headers


class LtiSocketSessionMiddleware:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope.get("type") == "websocket":
            scope = {**scope, "headers": _with_lti_session(list(scope.get("headers", [])))}
        return await self.inner(scope, receive, send)
