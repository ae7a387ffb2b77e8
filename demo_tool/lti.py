"""pylti1p3 put to work for the demo tool: the tool configuration read from the registrations store,
the OIDC login, the message launch, and a Deep Linking response with the item fields pylti1p3's
DeepLinkResource leaves out (`text`, `iframe`)."""

from __future__ import annotations

from typing import Any

from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException
from pylti1p3.message_launch import MessageLaunch
from pylti1p3.oidc_login import OIDCLogin
from pylti1p3.redirect import Redirect
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract

from .adapters import DemoCookieService, DemoRequest, DemoSessionService
from .keys import ToolKey
from .registrations import PlatformRegistration, RegistrationStore
from .web import WebResponse

DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


class StoreToolConf(ToolConfAbstract[DemoRequest]):
    """Registrations from the JSON store (several client_ids per issuer allowed), all signed with
    the tool's one key."""

    def __init__(self, store: RegistrationStore, key: ToolKey) -> None:
        super().__init__()
        self.store = store
        self.key = key

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def platform(self, iss: str, client_id: str | None) -> PlatformRegistration:
        found = self.store.find(iss, client_id)
        if found is None:
            raise LtiException("the tool is not registered with this platform (issuer and client_id)")
        return found

    def registration_of(self, platform: PlatformRegistration) -> Registration:
        registration = Registration()
        registration.set_issuer(platform.issuer).set_client_id(platform.client_id)
        registration.set_auth_login_url(platform.auth_login_url).set_auth_token_url(platform.auth_token_url)
        registration.set_key_set_url(platform.key_set_url)
        registration.set_tool_private_key(self.key.private_pem).set_tool_public_key(self.key.public_pem)
        if platform.auth_audience:
            registration.set_auth_audience(platform.auth_audience)
        return registration

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        return self.registration_of(self.platform(iss, None))

    def find_registration_by_params(self, iss: str, client_id: str | None, *args: Any, **kwargs: Any) -> Registration:
        return self.registration_of(self.platform(iss, client_id))

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> Deployment | None:
        found = self.store.find(iss, client_id)
        if found is None or deployment_id not in found.deployment_ids:
            return None
        return Deployment().set_deployment_id(deployment_id)

    def get_jwks(self, iss: str | None = None, client_id: str | None = None, **kwargs: Any) -> dict[str, Any]:
        return self.key.jwks()


class DemoRedirect(Redirect[WebResponse]):
    def __init__(self, location: str, cookies: DemoCookieService) -> None:
        self._location = location
        self._cookies = cookies

    def do_redirect(self) -> WebResponse:
        return self._cookies.apply(WebResponse.redirect(self._location))

    def do_js_redirect(self) -> WebResponse:  # not used: the demo tool always answers with a 302
        return self.do_redirect()

    def set_redirect_url(self, location: str) -> None:
        self._location = location

    def get_redirect_url(self) -> str:
        return self._location


class DemoOIDCLogin(OIDCLogin[DemoRequest, StoreToolConf, DemoSessionService, DemoCookieService, WebResponse]):
    def get_redirect(self, url: str) -> Redirect[WebResponse]:
        return DemoRedirect(url, self._cookie_service)

    def get_response(self, html: str) -> WebResponse:
        return self._cookie_service.apply(WebResponse.html(html))


class DemoDeepLink(DeepLink):
    """pylti1p3's Deep Linking response, without a `data` claim of null when the platform sent
    no `data` (the spec has the tool echo `data` only when it was sent)."""

    def get_message_jwt(self, resources: Any) -> dict[str, object]:
        message = super().get_message_jwt(resources)
        claim = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
        if message.get(claim) is None:
            message.pop(claim, None)
        return message


class DemoMessageLaunch(MessageLaunch[DemoRequest, StoreToolConf, DemoSessionService, DemoCookieService]):
    def _get_request_param(self, key: str) -> str:
        return self._request.get_param(key)

    def get_deep_link(self) -> DeepLink:
        if self._registration is None:
            raise LtiException("registration not validated")
        settings: Any = self._get_jwt_body().get(DEEP_LINKING_SETTINGS)
        if not settings:
            raise LtiException("deep_linking_settings is not set in jwt body")
        return DemoDeepLink(self._registration, self._get_deployment_id(), settings)

    def deep_linking_settings(self) -> dict[str, Any]:
        return dict(self.get_launch_data().get(DEEP_LINKING_SETTINGS) or {})  # type: ignore[call-overload]


class ExerciseLink(DeepLinkResource):
    """An ltiResourceLink content item with the optional `text` and `iframe` of Deep Linking 2.0."""

    def __init__(self) -> None:
        self._text: str | None = None
        self._iframe_height: int | None = None

    def set_text(self, value: str) -> ExerciseLink:
        self._text = value
        return self

    def set_iframe_height(self, value: int) -> ExerciseLink:
        self._iframe_height = value
        return self

    def to_dict(self) -> dict[str, object]:
        item = super().to_dict()
        if self._text:
            item["text"] = self._text
        if self._iframe_height:
            item["iframe"] = {"height": self._iframe_height}
        return item
