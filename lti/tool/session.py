"""The session of a person launched from an LMS lives in its own cookie, so a launch never signs
out whoever uses Baeum directly in the same browser (ADR 0010).

- Inside the LMS's iframe Baeum is a third party: its usual ``sessionid`` cookie (SameSite=Lax) is
  not sent there. The launch keeps its session in ``baeum_lti``: SameSite=None, Secure and
  Partitioned (CHIPS), so the browser keys it to the LMS's site. Browsers that block third-party
  cookies still keep partitioned ones; a tab that uses Baeum directly never sees it.
- A request that carries ``baeum_lti`` and not ``sessionid`` uses the LTI session; any other uses
  ``sessionid`` as always. A launch in a window of its own (top level) signs in to ``sessionid``
  after asking, if someone else is signed in there (``views.continue_launch``).
- In that session the CSRF cookie gets the same attributes, or no form could be posted in the frame.
"""

from __future__ import annotations

from http.cookies import Morsel
from typing import Any

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase

LTI_SESSION_COOKIE = "baeum_lti"


def cross_site_cookie(
    response: HttpResponseBase, name: str, value: str, *, max_age: int | None, httponly: bool = True
) -> None:
    """Set a cookie a third-party frame keeps: SameSite=None; Secure; Partitioned. (Python 3.11's
    cookie module knows no Partitioned attribute, so it rides on the SameSite value.)"""
    response.set_cookie(name, value, max_age=max_age, secure=True, httponly=httponly, path="/")
    response.cookies[name]["samesite"] = "None; Partitioned"


def _restyle(morsel: Morsel[Any], response: HttpResponse, name: str) -> None:
    max_age = morsel["max-age"]
    cross_site_cookie(
        response,
        name,
        morsel.value,
        max_age=int(max_age) if max_age not in ("", None) else None,
        httponly=bool(morsel["httponly"]),
    )


class LtiSessionMiddleware(SessionMiddleware):
    """Django's session middleware, reading and writing the LTI cookie for launched people."""

    def process_request(self, request: HttpRequest) -> None:
        key = request.COOKIES.get(LTI_SESSION_COOKIE)
        if key and not request.COOKIES.get(settings.SESSION_COOKIE_NAME):
            # Only where the direct session's cookie is not sent: in the LMS's frame it never is
            # (SameSite=Lax); at top level, whoever signed in directly stays who they are.
            request.session = self.SessionStore(key)
            request.lti_session = True  # type: ignore[attr-defined]
        else:
            super().process_request(request)
            request.lti_session = False  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not getattr(request, "lti_session", False):
            return super().process_response(request, response)
        request.COOKIES.pop(settings.SESSION_COOKIE_NAME, None)  # never touch the direct session's cookie
        had_cookie = LTI_SESSION_COOKIE in request.COOKIES
        response = super().process_response(request, response)
        morsel = response.cookies.pop(settings.SESSION_COOKIE_NAME, None)
        if morsel is not None and morsel.value:
            _restyle(morsel, response, LTI_SESSION_COOKIE)
        elif had_cookie and getattr(request, "session", None) is not None and request.session.is_empty():
            cross_site_cookie(response, LTI_SESSION_COOKIE, "", max_age=0)  # with Partitioned, or the browser keeps it
            response.cookies[LTI_SESSION_COOKIE]["expires"] = "Thu, 01 Jan 1970 00:00:00 GMT"
        csrf = response.cookies.get(settings.CSRF_COOKIE_NAME)
        if csrf is not None and csrf.value:
            _restyle(csrf, response, settings.CSRF_COOKIE_NAME)
        return response


def start_lti_session(request: HttpRequest) -> None:
    """Give the request a fresh, empty session in the LTI cookie (the launch then signs in there),
    leaving any direct session of this browser as it is."""
    engine = SessionMiddleware(lambda r: None).SessionStore  # type: ignore[arg-type]
    request.session = engine()
    request.lti_session = True  # type: ignore[attr-defined]
