"""Thin adapters that put lti1p3platform to work without a web framework: its `framework/` package
cannot be imported here (it needs jinja2 and a `launch.html` template the wheel does not ship), so
the platform config, the OIDC login, the message launch and the request wrapper are subclassed
directly from the library's abstract classes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lti1p3platform.ltiplatform import JWKS, LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from requests.structures import CaseInsensitiveDict

from .state import DL_CLAIM
from .web import HttpRequest

DEEP_LINKING_SETTINGS = DL_CLAIM + "deep_linking_settings"
DL_SETTING_KEYS = ("accept_presentation_document_targets", "accept_multiple", "accept_lineitem", "auto_create")


def request_parts(
    method: str = "GET",
    get_data: Mapping[str, Any] | None = None,
    form_data: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    json_data: Any = None,
    path: str = "/",
    content_type: str | None = None,
) -> TRequest:
    return {
        "method": method,
        "get_data": dict(get_data or {}),
        "form_data": dict(form_data or {}),
        "headers": CaseInsensitiveDict(dict(headers or {})),
        "json": json_data,
        "path": path,
        "content_type": content_type,
    }


def parts_of(request: HttpRequest, bearer: str | None = None) -> TRequest:
    """An HttpRequest as lti1p3platform's request metadata. `page`/`limit` become ints (the
    library's paging adds 1 to `page` and would fail on the query string's text); `bearer` replaces
    the Authorization header with the library-signed token an opaque access token stands for."""
    query: dict[str, Any] = {
        key: int(value) if key in ("page", "limit") and value.isdigit() else value
        for key, value in request.query.items()
    }
    headers = dict(request.headers)
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    return request_parts(
        request.method, query, request.form, headers, request.json(), request.path, request.content_type
    )


class LibRequest(Request):
    """lti1p3platform's Request over ready-made metadata (see `request_parts`)."""

    def build_metadata(self, request: TRequest) -> TRequest:
        return request


class PlatformRegistration(Registration):
    """The library's registration, plus claim overrides applied at the one place it signs id_tokens
    (so a test can replace any claim, or drop it with None, and still get a genuinely signed token)."""

    claim_overrides: dict[str, Any] | None = None

    def platform_encode_and_sign(self, payload: dict[str, Any], expiration: int | None = None) -> str:
        for key, value in (self.claim_overrides or {}).items():
            if value is None:
                payload.pop(key, None)
            else:
                payload[key] = value
        return super().platform_encode_and_sign(payload, expiration=expiration)


class PlatformConfig(LTI1P3PlatformConfAbstract):
    """One registration (platform ↔ one tool) per instance, as the library's caching expects."""

    def init_platform_config(self, **kwargs: Any) -> None:
        self._registration = kwargs["registration"]
        self._fetch_jwks: Callable[[str], dict[str, Any]] | None = kwargs.get("fetch_jwks")

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        assert self._registration is not None
        return self._registration

    def fetch_public_key(self, key_set_url: str) -> JWKS:
        if self._fetch_jwks is not None:
            return self._fetch_jwks(key_set_url)  # type: ignore[return-value]
        return super().fetch_public_key(key_set_url)


class OidcLogin(OIDCLoginAbstract):
    """Builds the third-party login initiation URL; `get_redirect` just returns it."""

    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class MessageLaunch(LTIAdvantageMessageLaunchAbstract):
    """The library's LTI Advantage launch; `render_launch_form` returns the form data instead of
    HTML, so the caller decides between an auto-submitting page and a test client POST."""

    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return launch_data

    def set_deep_linking(self, return_url: str, settings: Mapping[str, Any]) -> None:
        """`set_dl` (accept types checked by the library), then the settings the library hard-codes
        (`accept_presentation_document_targets`, ...) or leaves out (`accept_lineitem`) adjusted."""
        accept_types = list(settings.get("accept_types") or ["ltiResourceLink"])
        self.set_dl(
            return_url,
            title=settings.get("title", ""),
            description=settings.get("text", ""),
            accept_types=set(accept_types),
            extra_data=settings.get("data"),
        )
        assert self._deep_linking_launch_data is not None
        claim = self._deep_linking_launch_data[DEEP_LINKING_SETTINGS]
        claim["accept_types"] = accept_types  # the library builds it from a set: keep the caller's order
        claim["accept_presentation_document_targets"] = ["iframe", "window"]
        claim["accept_lineitem"] = True
        for key in DL_SETTING_KEYS:
            if key in settings:
                claim[key] = settings[key]
        for key in ("title", "text"):
            if not claim.get(key):
                claim.pop(key, None)
