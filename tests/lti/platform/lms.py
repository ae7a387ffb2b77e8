"""TestPlatform: an LTI 1.3 platform ("the LMS") served on 127.0.0.1 for Baeum's LTI tool tests,
built on lti1p3platform with thin glue where the library has nothing (dynamic registration, pages)."""

from __future__ import annotations

from types import TracebackType
from typing import Any
from urllib.parse import quote, urlencode

from lti1p3platform.registration import Registration

from . import pages
from .ags import AgsMixin
from .deeplink import DeepLinkMixin
from .dynreg import DynRegMixin
from .keys import RsaKey
from .launches import LaunchMixin
from .nrps import NrpsMixin
from .state import COURSE_OFFERING, DEEP_LINKING_REQUEST, Context, LineItem, ResourceLink, ToolRegistration, User
from .web import BackgroundServer, HttpRequest, HttpResponse, PlatformError, Router, WsgiApp


class TestPlatform(LaunchMixin, AgsMixin, NrpsMixin, DynRegMixin, DeepLinkMixin):
    """Start it, register a tool (by hand or dynamically), configure users/contexts/links, launch."""

    __test__ = False  # not a pytest test class

    def __init__(self) -> None:
        super().__init__()
        self.init_tokens()
        self.init_ags()
        self.init_nrps()
        self.init_dynreg()
        self.init_deep_linking()
        # The settings of deep linking requests started from the course page (`&deep_link=1`).
        self.browser_deep_linking_settings: dict[str, Any] = {}
        self.app = WsgiApp(self._routes())

    def _routes(self) -> Router:
        router = Router()
        router.add("GET", "/.well-known/openid-configuration", self.handle_openid_configuration)
        router.add("POST", "/registration", self.handle_registration)
        router.add("GET", "/admin/register", self.handle_admin_register)
        router.add("GET", "/admin/registration_status", self.handle_registration_status)
        router.add("GET", "/jwks", self.handle_jwks)
        router.add("GET POST", "/auth", self.handle_auth)
        router.add("POST", "/token", self.handle_token)
        router.add("GET POST", "/contexts/<context_id>/lineitems", self.handle_lineitems)
        router.add("GET PUT DELETE", "/lineitems/<lineitem_id>", self.handle_lineitem)
        router.add("POST", "/lineitems/<lineitem_id>/scores", self.handle_scores)
        router.add("GET", "/lineitems/<lineitem_id>/results", self.handle_results)
        router.add("GET", "/contexts/<context_id>/memberships", self.handle_memberships)
        router.add("POST", "/deep_link_return", self.handle_deep_link_return)
        router.add("GET", "/course/<context_id>", self.handle_course)
        router.add("GET", "/return", self.handle_return)
        return router

    # --- lifecycle -------------------------------------------------------------------------------
    def start(self, port: int = 0) -> TestPlatform:
        if self._server is None:
            self._server = BackgroundServer(self.app, port).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> TestPlatform:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    @property
    def errors(self) -> list[str]:
        """Tracebacks of exceptions inside the platform's HTTP handlers (should stay empty)."""
        return self.app.errors

    # --- configuration ---------------------------------------------------------------------------
    def register_tool(
        self,
        client_id: str,
        login_url: str,
        launch_url: str,
        redirect_uris: list[str] | None = None,
        jwks_url: str | None = None,
        jwks: dict[str, Any] | None = None,
        deep_link_url: str | None = None,
        *,
        deployment_id: str | None = None,
        scopes: list[str] | None = None,
        custom: dict[str, Any] | None = None,
    ) -> ToolRegistration:
        """Manual registration. The tool's keys: `jwks` (a JWKS dict) or `jwks_url` (fetched over
        HTTP, or through `platform.fetch_jwks` when set). `redirect_uris` default to [launch_url]."""
        if jwks is None and jwks_url is None:
            raise ValueError("a tool needs jwks or jwks_url")
        tool = ToolRegistration(
            client_id=client_id,
            deployment_id=deployment_id or self.new_id("deployment"),
            login_url=login_url,
            launch_url=launch_url,
            redirect_uris=list(redirect_uris or [launch_url]),
            jwks_url=jwks_url,
            jwks=jwks,
            deep_link_url=deep_link_url,
            custom=dict(custom or {}),
        )
        if scopes is not None:
            tool.scopes = list(scopes)
        self.tools[client_id] = tool
        return tool

    def add_user(
        self,
        sub: str,
        roles: list[str] | None = None,
        name: str | None = None,
        email: str | None = None,
        *,
        given_name: str | None = None,
        family_name: str | None = None,
        locale: str | None = None,
        contexts: list[str] | None = None,
    ) -> User:
        """A user (replacing one with the same sub); `contexts` enrols them (Active, with `roles`)."""
        user = User(sub, list(roles or []), name, given_name, family_name, email, locale)
        self.users[sub] = user
        for context_id in contexts or []:
            self.enrol(self.as_context(context_id), sub, user.roles)
        return user

    def add_context(
        self, context_id: str, title: str | None = None, label: str | None = None, types: list[str] | None = None
    ) -> Context:
        context = Context(context_id, title or context_id, label or context_id, list(types or [COURSE_OFFERING]))
        if context_id in self.contexts:
            context.members = self.contexts[context_id].members
        self.contexts[context_id] = context
        return context

    def add_resource_link(
        self,
        link_id: str,
        context: Context | str | None,
        tool: ToolRegistration | str,
        *,
        title: str | None = None,
        description: str | None = None,
        url: str | None = None,
        custom: dict[str, Any] | None = None,
        lineitem: dict[str, Any] | None = None,
    ) -> ResourceLink:
        """A placement of the tool; `lineitem` ({"label", "scoreMaximum", "resourceId", "tag"})
        creates its line item (so launches carry the AGS `lineitem` URL)."""
        ctx = self.as_context(context) if context is not None else None
        the_tool = self.as_tool(tool)
        link = ResourceLink(
            link_id, ctx.id if ctx else None, the_tool.client_id, title or link_id, description, url, dict(custom or {})
        )
        self.resource_links[link_id] = link
        if lineitem is not None:
            if ctx is None:
                raise ValueError("a line item needs a context")
            self.add_lineitem(ctx.id, the_tool, resource_link=link_id, **lineitem)
        return link

    def add_lineitem(
        self,
        context: Context | str,
        tool: ToolRegistration | str,
        *,
        label: str,
        scoreMaximum: float,
        resource_link: str | None = None,
        resourceId: str | None = None,
        tag: str | None = None,
    ) -> LineItem:
        ctx = self.as_context(context)
        return self.create_lineitem(
            ctx.id, self.as_tool(tool).client_id, label, scoreMaximum, resource_link, resourceId, tag
        )

    def lineitems_in(self, context: Context | str, resource_link: str | None = None) -> list[LineItem]:
        context_id = context.id if isinstance(context, Context) else context
        return [
            item
            for item in self.lineitems.values()
            if item.context_id == context_id and (resource_link is None or item.resource_link_id == resource_link)
        ]

    def rotate_key(self, keep_old: bool = True) -> RsaKey:
        """A new platform signing key; the old one stays in /jwks when `keep_old`."""
        with self.lock:
            if keep_old:
                self.old_keys.append(self.key)
            self.key = RsaKey.generate()
        return self.key

    # --- browser pages ---------------------------------------------------------------------------
    def course_url(
        self, context_id: str, user: str, link: str | None = None, *, deep_link: bool = False, tool: str | None = None
    ) -> str:
        params = {"user": user}
        if link:
            params["link"] = link
        if deep_link:
            params["deep_link"] = "1"
        if tool:
            params["tool"] = tool
        return self.url(f"/course/{quote(context_id, safe='')}?{urlencode(params)}")

    def handle_course(self, request: HttpRequest, context_id: str) -> HttpResponse:
        """`/course/<ctx>?user=<sub>&link=<id>` launches a resource link in the tool's iframe;
        `&deep_link=1` (with `&tool=<client_id>`, default the last tool registered) deep links."""
        context = self.contexts.get(context_id)
        user = self.users.get(request.query.get("user", ""))
        if context is None or user is None:
            return HttpResponse.html(pages.message_page("Not found", "unknown course or user"), 404)
        initiation = None
        try:
            if request.query.get("link"):
                link = self.resource_links.get(request.query["link"])
                if link is None or link.context_id != context.id:
                    raise PlatformError(404, "not_found", "unknown resource link")
                initiation = self.login_initiation(link.client_id, user=user, context=context, resource_link=link)
            elif request.query.get("deep_link"):
                tool = request.query.get("tool") or next(reversed(self.tools), "")
                initiation = self.login_initiation(
                    tool,
                    user=user,
                    context=context,
                    message_type=DEEP_LINKING_REQUEST,
                    deep_linking_settings=self.browser_deep_linking_settings,
                )
        except (PlatformError, LookupError) as error:
            return HttpResponse.html(pages.message_page("Cannot launch", str(error)), 400)
        links = [
            (link.id, link.title or link.id) for link in self.resource_links.values() if link.context_id == context.id
        ]
        page = pages.course_page(
            platform_name=self.name,
            context_id=context.id,
            context_title=context.title,
            user_label=user.name or user.sub,
            links=links,
            course_url=self.url(f"/course/{quote(context.id, safe='')}"),
            user_sub=user.sub,
            login_url=initiation.url if initiation else None,
            login_params=initiation.params if initiation else None,
        )
        return HttpResponse.html(page)

    def handle_return(self, request: HttpRequest) -> HttpResponse:
        """The launch_presentation return_url: shows lti_msg / lti_errormsg if the tool sent them."""
        text = request.query.get("lti_errormsg") or request.query.get("lti_msg") or "Back in the course."
        return HttpResponse.html(pages.message_page("Returned from the tool", text))

    @property
    def jwks(self) -> dict[str, Any]:
        """The platform's JWKS as served at /jwks (the current key, then any kept old ones)."""
        return {"keys": [self.lib_registration_jwk(), *(key.public_jwk for key in self.old_keys)]}

    def handle_jwks(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse.json(self.jwks)

    def lib_registration_jwk(self) -> dict[str, Any]:
        """The current key as lti1p3platform publishes it (kid = thumbprint, alg RS256, use sig)."""
        return Registration.get_jwk(self.key.public_pem)
