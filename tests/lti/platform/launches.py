"""OIDC third-party login initiation and the authorization endpoint: the platform half of an LTI 1.3
launch (resource link and deep linking requests), built on lti1p3platform's OIDC login and
LTI Advantage message launch."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt

from . import pages
from .base import PlatformBase
from .glue import LibRequest, MessageLaunch, OidcLogin, request_parts
from .state import (
    AGS_CLAIM,
    AGS_SCOPE,
    CLAIM,
    DEEP_LINKING_REQUEST,
    RESOURCE_LINK_REQUEST,
    SCOPE_LINEITEM,
    SCOPE_NRPS,
    SCOPE_RESULT_READONLY,
    SCOPE_SCORE,
    Context,
    DeepLinkRequest,
    LaunchRecord,
    PendingLaunch,
    ResourceLink,
    ToolRegistration,
    User,
)
from .web import HttpRequest, HttpResponse, PlatformError

DEFAULT_DEEP_LINKING = {"accept_types": ["ltiResourceLink"], "accept_multiple": True, "auto_create": True}


class LoginInitiation(NamedTuple):
    """The tool's login initiation URL and the parameters to send to it (GET or POST)."""

    url: str
    params: dict[str, str]

    @property
    def get_url(self) -> str:
        return self.url + ("&" if "?" in self.url else "?") + urlencode(self.params)


class LaunchMixin(PlatformBase):
    id_token_lifetime = 300
    document_target = "iframe"

    def login_initiation(
        self,
        tool: ToolRegistration | str,
        *,
        user: User | str,
        roles: list[str] | None = None,
        context: Context | str | None = None,
        resource_link: ResourceLink | str | None = None,
        message_type: str = RESOURCE_LINK_REQUEST,
        custom: dict[str, Any] | None = None,
        deep_linking_settings: dict[str, Any] | None = None,
        target_link_uri: str | None = None,
        extra_claims: dict[str, Any] | None = None,
    ) -> LoginInitiation:
        """Starts a launch: the platform keeps it pending under a fresh `lti_message_hint` (with
        `login_hint` = the user's sub) and returns the tool's login initiation request.

        `roles` default to the user's roles in the context (or their own); the user becomes an
        Active member of the context if they were not one. A resource link request needs a resource
        link (an unknown id creates one); its `url` and `custom` become target_link_uri and custom.
        `extra_claims` replace claims of the id_token (None removes one)."""
        tool = self.as_tool(tool)
        the_user = self.as_user(user, roles)
        ctx = self.as_context(context) if context is not None else None
        if message_type not in (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST):
            raise ValueError(f"unsupported message type {message_type!r}")
        launch_roles = list(roles) if roles is not None else self.roles_in(the_user, ctx)
        if ctx is not None and the_user.sub not in ctx.members:
            self.enrol(ctx, the_user.sub, launch_roles)
        link = None
        if message_type == RESOURCE_LINK_REQUEST:
            link = self._as_link(resource_link or self.new_id("link"), ctx, tool)
        target = target_link_uri or self._default_target(tool, link, message_type)
        merged_custom = {**tool.custom, **self._message_custom(tool, message_type)}
        merged_custom.update(link.custom if link else {})
        merged_custom.update(custom or {})
        hint = secrets.token_urlsafe(16)
        settings = {**DEFAULT_DEEP_LINKING, **(deep_linking_settings or {})}
        self.pending_launches[hint] = PendingLaunch(
            message_hint=hint,
            client_id=tool.client_id,
            login_hint=the_user.sub,
            roles=launch_roles,
            context_id=ctx.id if ctx else None,
            resource_link_id=link.id if link else None,
            message_type=message_type,
            custom=merged_custom,
            deep_linking_settings=settings if message_type == DEEP_LINKING_REQUEST else None,
            target_link_uri=target,
            extra_claims=dict(extra_claims or {}),
        )
        login = OidcLogin(None, self.lib_config(self.lib_registration(tool, launch_url=target)))
        login.set_lti_message_hint(hint=hint)
        login.set_launch_url(target)
        full_url: str = login.initiate_login(the_user.sub)
        own = {key for key, _ in parse_qsl(urlsplit(tool.login_url).query)}
        params = {key: value for key, value in parse_qsl(urlsplit(full_url).query) if key not in own}
        return LoginInitiation(tool.login_url, params)

    def _as_link(self, link: ResourceLink | str, ctx: Context | None, tool: ToolRegistration) -> ResourceLink:
        if isinstance(link, ResourceLink):
            return self.resource_links.setdefault(link.id, link)
        if link not in self.resource_links:
            self.resource_links[link] = ResourceLink(link, ctx.id if ctx else None, tool.client_id, title=link)
        return self.resource_links[link]

    @staticmethod
    def _default_target(tool: ToolRegistration, link: ResourceLink | None, message_type: str) -> str:
        if message_type == DEEP_LINKING_REQUEST:
            return tool.deep_link_url or tool.launch_url
        return (link.url if link else None) or tool.launch_url

    @staticmethod
    def _message_custom(tool: ToolRegistration, message_type: str) -> dict[str, Any]:
        """Custom parameters a dynamically registered tool asked for on this message type."""
        messages = (tool.metadata or {}).get("https://purl.imsglobal.org/spec/lti-tool-configuration", {})
        for message in messages.get("messages", []):
            if message.get("type") == message_type:
                return dict(message.get("custom_parameters") or {})
        return {}

    def authorize(self, query: Mapping[str, str] | str) -> tuple[str, dict[str, str]]:
        """The authorization endpoint without HTTP: `query` is the tool's authentication request
        (a dict, or the URL the tool redirected to). Returns the redirect_uri and the form fields
        (`id_token`, `state`) to POST there. Raises PlatformError when the request is refused."""
        params = dict(parse_qsl(urlsplit(query).query)) if isinstance(query, str) else dict(query)
        tool = self.tools.get(params.get("client_id", ""))
        if tool is None:
            raise self.refuse("auth", 400, "invalid_client", "unknown client_id", params)
        if params.get("redirect_uri") not in tool.redirect_uris:
            raise self.refuse("auth", 400, "invalid_request", "redirect_uri is not registered", params)
        for name, expected in (("response_type", "id_token"), ("response_mode", "form_post"), ("prompt", "none")):
            if params.get(name) != expected:
                raise self.refuse("auth", 400, "invalid_request", f"{name} must be {expected}", params)
        if "openid" not in params.get("scope", "").split():
            raise self.refuse("auth", 400, "invalid_scope", "scope must include openid", params)
        for name in ("nonce", "state"):
            if not params.get(name):
                raise self.refuse("auth", 400, "invalid_request", f"{name} is missing", params)
        with self.lock:
            pending = self.pending_launches.get(params.get("lti_message_hint", ""))
            if pending is None or pending.client_id != tool.client_id:
                raise self.refuse("auth", 400, "invalid_request", "unknown or used lti_message_hint", params)
            if pending.login_hint != params.get("login_hint"):
                raise self.refuse("auth", 400, "login_required", "login_hint does not match the launch", params)
            del self.pending_launches[pending.message_hint]
        return self._launch(tool, pending, params)

    def _launch(
        self, tool: ToolRegistration, pending: PendingLaunch, params: dict[str, str]
    ) -> tuple[str, dict[str, str]]:
        deep_linking = pending.message_type == DEEP_LINKING_REQUEST
        registration = self.lib_registration(
            tool, launch_url=pending.target_link_uri, deep_link_url=pending.target_link_uri if deep_linking else None
        )
        registration.claim_overrides = pending.extra_claims
        launch = MessageLaunch(LibRequest(request_parts("GET", params)), self.lib_config(registration))
        launch.set_id_token_expiration(self.id_token_lifetime)
        launch.set_launch_url(pending.target_link_uri)
        user = self.users[pending.login_hint]
        launch.set_user_data(user.sub, pending.roles, full_name=user.name, email_address=user.email)
        launch.set_extra_claims(user.personal_claims())
        ctx = self.contexts.get(pending.context_id or "")
        if ctx is not None:
            launch.set_launch_context_claim(ctx.id, ctx.types, ctx.title, ctx.label)
            self._set_services(launch, tool, ctx, pending.resource_link_id)
        if pending.resource_link_id:
            link = self.resource_links[pending.resource_link_id]
            launch.set_resource_link_claim(link.id, link.description, link.title)
        launch.set_launch_presentation_claim(self.document_target, self.url("/return"))
        if pending.custom:
            launch.set_custom_parameters_claim(pending.custom)
        launch.set_extra_claims({CLAIM + "tool_platform": self.tool_platform_claim()})
        if deep_linking and pending.deep_linking_settings is not None:
            launch.set_deep_linking(self.deep_link_return_url, pending.deep_linking_settings)
            self.deep_link_requests.append(
                DeepLinkRequest(
                    tool.client_id, tool.deployment_id, user.sub, pending.context_id, pending.deep_linking_settings
                )
            )
        data = launch.lti_launch()
        fields = {"id_token": data["id_token"], "state": data["state"]}
        claims = jwt.decode(fields["id_token"], options={"verify_signature": False})
        self.launches.append(LaunchRecord(claims, fields["id_token"], data["launch_url"]))
        return data["launch_url"], fields

    def _set_services(self, launch: MessageLaunch, tool: ToolRegistration, ctx: Context, link_id: str | None) -> None:
        """The AGS and NRPS claims, for the services the tool was granted (all, for a manual registration)."""
        if any(scope.startswith(AGS_SCOPE) for scope in tool.scopes):
            lineitem = self.lineitem_for_link(link_id) if link_id else None
            launch.set_ags(
                self.lineitems_url(ctx.id),
                lineitem.url if lineitem else None,
                allow_creating_lineitems=SCOPE_LINEITEM in tool.scopes,
                results_service_enabled=SCOPE_RESULT_READONLY in tool.scopes,
                scores_service_enabled=SCOPE_SCORE in tool.scopes,
            )
            claim = launch.extra_claims[AGS_CLAIM]
            claim["scope"] = [scope for scope in claim["scope"] if scope in tool.scopes]
        if SCOPE_NRPS in tool.scopes:
            launch.set_nrps(self.memberships_url(ctx.id))

    def tool_platform_claim(self) -> dict[str, str]:
        return {
            "guid": f"{self.product_family_code}-{self.port}",
            "name": self.name,
            "product_family_code": self.product_family_code,
            "version": self.version,
        }

    def handle_auth(self, request: HttpRequest) -> HttpResponse:
        try:
            action, fields = self.authorize(request.params)
        except PlatformError as error:
            return HttpResponse.html(pages.message_page("Launch refused", f"{error.error}: {error.description}"), 400)
        return HttpResponse.html(pages.auto_post_form(action, fields, title="Launching…"))
