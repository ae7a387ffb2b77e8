"""The rules of the platform's OIDC authorization endpoint (LTI 1.3 core §5.1.1.2 and the 1EdTech
security framework §5.1.1), as plain functions with no ORM and no HTTP. A refusal never redirects:
an unregistered ``redirect_uri`` must not receive anything, and the others are shown to the user as
a page with a stable code (the tool's own error handling is not needed to understand them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_PARAM = 2048


class LaunchRefused(Exception):
    """A launch Baeum refused: a stable ``code`` (logged, tested), a message for the user, the HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(code)
        self.code, self.message, self.status = code, message, status


@dataclass(frozen=True)
class AuthRequest:
    client_id: str
    redirect_uri: str
    response_type: str
    response_mode: str
    scope: str
    prompt: str
    nonce: str
    state: str
    login_hint: str
    lti_message_hint: str

    @classmethod
    def of(cls, params: dict[str, str]) -> AuthRequest:
        def get(name: str) -> str:
            value = params.get(name, "")
            return value if isinstance(value, str) else ""

        return cls(**{name: get(name) for name in cls.__dataclass_fields__})


def check_auth_request(request: AuthRequest, *, registered_redirect_uris: list[str] | None) -> None:
    """Refuse the request unless it comes from a registered, active tool (``registered_redirect_uris``
    None: no such tool) and asks exactly for an LTI launch: its redirect URI one of the registered
    ones (exact match), ``response_type=id_token``, ``scope=openid``, ``response_mode=form_post``,
    ``prompt=none``, a nonce, and both hints."""
    for name, value in vars(request).items():
        if len(value) > MAX_PARAM:
            raise LaunchRefused("param_too_long", _("The tool's request is too long (%(name)s).") % {"name": name})
    if not request.client_id or registered_redirect_uris is None:
        raise LaunchRefused("unknown_client", _("No active tool is registered with this client ID."))
    if not request.redirect_uri or request.redirect_uri not in registered_redirect_uris:
        raise LaunchRefused(
            "redirect_uri_unregistered", _("The tool asked to send the launch to an address it did not register.")
        )
    if request.response_type != "id_token":
        raise LaunchRefused("bad_response_type", _("The tool must ask for response_type=id_token."))
    if "openid" not in request.scope.split(" ") or request.scope.strip() != request.scope:
        raise LaunchRefused("bad_scope", _("The tool must ask for scope=openid."))
    if request.response_mode != "form_post":
        raise LaunchRefused("bad_response_mode", _("The tool must ask for response_mode=form_post."))
    if request.prompt != "none":
        raise LaunchRefused("bad_prompt", _("The tool must ask for prompt=none."))
    if not request.nonce:
        raise LaunchRefused("no_nonce", _("The tool's request has no nonce."))
    if not request.login_hint or not request.lti_message_hint:
        raise LaunchRefused("no_hint", _("The tool's request does not carry the launch's hints."))
