"""The one audited way into Baeum's LTI services (AGS, NRPS): every service view is wrapped by
``service_view``, which answers who calls (the bearer token → an active tool and the scopes it may
use now), whether the call's scope is among them, and which class the call may read.

- **401** (``invalid_token``, with ``WWW-Authenticate: Bearer``) when the token is missing, not
  Baeum's, expired, or its tool was switched off since.
- **403** (``insufficient_scope``) when the token's scopes lack what this call needs. A scope the
  admin took back from the tool since the token was issued is no longer among them.
- **404** (``not_found``) for a class the tool may not read, whether or not it exists: the tool
  must have been launched in it (``ToolContext``) and be enabled in its school
  (``selectors.deployment_for``). An id too large for the database is a 404 as well, never a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from classrooms.models import Classroom
from edu.errors import DomainError
from lti.models import ExternalTool, ToolContext
from lti.platform.selectors import deployment_for
from lti.platform.tokens import access_token_read

log = logging.getLogger("baeum.lti")
MAX_ID = 2**63 - 1  # the largest primary key the database holds (BigAutoField)


class ServiceRefused(DomainError):
    """A service call that is not answered: ``code`` is the JSON ``error``, ``message`` its words."""

    def __init__(self, code: str, message: str, status: int = 400, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(code, message)
        self.status = status
        self.headers = dict(headers or {})

    def response(self) -> JsonResponse:
        body = {"error": self.code, "error_description": self.message}
        return JsonResponse(body, status=self.status, headers={"Cache-Control": "no-store", **self.headers})


def not_found() -> ServiceRefused:
    return ServiceRefused("not_found", _("Not found."), 404)


def valid_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


@dataclass(frozen=True)
class Caller:
    tool: ExternalTool
    scopes: frozenset[str]


def _bearer(request: HttpRequest) -> str:
    parts = request.headers.get("Authorization", "").split()
    return parts[1] if len(parts) == 2 and parts[0].lower() == "bearer" else ""


def _unauthorized(message: str) -> ServiceRefused:
    return ServiceRefused("invalid_token", message, 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'})


def caller_for(request: HttpRequest, needed: tuple[str, ...]) -> Caller:
    """The tool behind the request's bearer token, if the token holds one of the ``needed`` scopes."""
    token = _bearer(request)
    if not token:
        raise ServiceRefused(
            "invalid_token", _("This service needs a Bearer access token."), 401, {"WWW-Authenticate": "Bearer"}
        )
    grant = access_token_read(token)
    if grant is None:
        raise _unauthorized(_("The access token is not valid or has expired."))
    tool = ExternalTool.objects.filter(pk=grant.tool_id, is_active=True).first()
    if tool is None:
        raise _unauthorized(_("The access token's tool is no longer active."))
    registered = set(tool.scopes) if isinstance(tool.scopes, list) else set()
    scopes = frozenset(grant.scopes & registered)
    if not scopes.intersection(needed):
        raise ServiceRefused(
            "insufficient_scope",
            _("The access token does not grant this service's scope."),
            403,
            {"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{" ".join(needed)}"'},
        )
    return Caller(tool, scopes)


def context_for(tool: ExternalTool, context_id: int) -> Classroom:
    """The class ``context_id`` if the tool may read it (launched there, enabled in its school)."""
    if not valid_id(context_id):
        raise not_found()
    context = ToolContext.objects.filter(tool=tool, classroom_id=context_id).select_related("classroom__school").first()
    if context is None or deployment_for(tool, context.classroom.school) is None:
        raise not_found()
    return context.classroom


@dataclass(frozen=True)
class ServiceAccess:
    """What a service view may act on: the calling tool, its usable scopes, and the class."""

    tool: ExternalTool
    scopes: frozenset[str]
    classroom: Classroom


ServiceHandler = Callable[..., HttpResponse]


def service_view(scopes: Mapping[str, tuple[str, ...]]) -> Callable[[ServiceHandler], Callable[..., HttpResponse]]:
    """Wrap a service view: ``scopes`` maps each HTTP method it answers to the scopes any one of
    which allows it. The view is called as ``view(request, access, **other_url_kwargs)``; a
    ``ServiceRefused`` or ``DomainError`` it raises becomes the JSON error."""

    def decorate(view: ServiceHandler) -> Callable[..., HttpResponse]:
        @csrf_exempt  # server-to-server calls authenticated by their bearer token, not cookies
        @wraps(view)
        def wrapped(request: HttpRequest, context_id: int, **kwargs: Any) -> HttpResponse:
            needed = scopes.get(request.method or "")
            try:
                if needed is None:
                    raise ServiceRefused(
                        "method_not_allowed", _("This method is not allowed here."), 405, {"Allow": ", ".join(scopes)}
                    )
                caller = caller_for(request, needed)
                classroom = context_for(caller.tool, context_id)
                response = view(request, ServiceAccess(caller.tool, caller.scopes, classroom), **kwargs)
            except ServiceRefused as refusal:
                log.warning("lti platform service refused: %s %s (%s)", request.method, view.__name__, refusal.code)
                return refusal.response()
            except DomainError as error:
                log.warning("lti platform service refused: %s %s (%s)", request.method, view.__name__, error.code)
                return ServiceRefused(error.code, error.message).response()
            response.headers.setdefault("Cache-Control", "no-store")
            return response

        return wrapped

    return decorate
