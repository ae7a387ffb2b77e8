"""The deep linking return endpoint. lti1p3platform's `validate_deeplinking_resp` checks the
signature against the tool's keys, the message type and the accepted item types; it does not check
the audience (its decode turns `verify_aud` off), nonce, version, deployment or `data`, so those are
checked here. Resource link items become resource links (and line items) in the request's context."""

from __future__ import annotations

import time
from typing import Any, NamedTuple
from urllib.parse import quote, urlencode, urlsplit

import jwt
from lti1p3platform.exceptions import InvalidKeySetUrl, LtiDeepLinkingResponseException, LtiException

from . import pages
from .base import PlatformBase
from .state import CLAIM, DL_CLAIM, DeepLinkRequest, ResourceLink, ToolRegistration
from .web import HttpRequest, HttpResponse, PlatformError

LIB_ERRORS = (LtiException, LtiDeepLinkingResponseException, InvalidKeySetUrl, jwt.PyJWTError, KeyError, TypeError)
MESSAGES = ("msg", "log", "errormsg", "errorlog")


class DeepLinkResult(NamedTuple):
    items: list[dict[str, Any]]
    links: list[ResourceLink]  # the resource links created from ltiResourceLink items
    request: DeepLinkRequest  # the deep linking request this response answered
    claims: dict[str, Any]


def item_problem(item: dict[str, Any]) -> str | None:
    if item.get("type") != "ltiResourceLink":
        return None
    url = item.get("url")
    if url is not None and (not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https")):
        return f"ltiResourceLink url must be an absolute http(s) URL: {url!r}"
    custom = item.get("custom", {})
    if not isinstance(custom, dict) or not all(isinstance(v, str) for v in custom.values()):
        return "ltiResourceLink custom must be an object of strings"
    lineitem = item.get("lineItem")
    if lineitem is not None:
        maximum = lineitem.get("scoreMaximum") if isinstance(lineitem, dict) else None
        if not isinstance(maximum, int | float) or isinstance(maximum, bool) or maximum <= 0:
            return "lineItem.scoreMaximum must be a number > 0"
    return None


class DeepLinkMixin(PlatformBase):
    def init_deep_linking(self) -> None:
        self.deep_link_items: list[dict[str, Any]] = []
        self.deep_link_links: list[ResourceLink] = []
        self.deep_link_responses: list[dict[str, Any]] = []  # the verified claims of each response
        self.used_deep_link_nonces: set[str] = set()

    def _refuse_dl(self, description: str, data: Any = None) -> PlatformError:
        return self.refuse("deep_link_return", 400, "invalid_request", description, data)

    def receive_deep_link_response(self, token: str) -> DeepLinkResult:
        """Verifies a LtiDeepLinkingResponse JWT and stores its items (ltiResourceLink items become
        resource links of the request's context, with a line item when they carry `lineItem`).
        Raises PlatformError when the response is refused."""
        try:
            unverified: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise self._refuse_dl(f"JWT is not a JWT: {exc}") from None
        tool = self.tools.get(str(unverified.get("iss", "")))
        if tool is None:
            raise self._refuse_dl("iss is not the client_id of a registered tool", unverified)
        request = self._deep_link_request(tool, unverified)
        config = self.lib_config(self.lib_registration(tool))
        config.set_accepted_deeplinking_types(list(request.settings.get("accept_types") or []))
        try:
            items = config.validate_deeplinking_resp({"JWT": token})
        except LIB_ERRORS as exc:
            raise self._refuse_dl(f"deep linking response refused: {exc!r}", unverified) from None
        self._check_claims(tool, unverified, request)
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise self._refuse_dl("content_items must be a list of objects", unverified)
        if len(items) > 1 and not request.settings.get("accept_multiple", True):
            raise self._refuse_dl("several items but accept_multiple is false", unverified)
        for item in items:
            problem = item_problem(item)
            if problem:
                raise self._refuse_dl(problem, unverified)
        with self.lock:
            if request.answered or unverified["nonce"] in self.used_deep_link_nonces:
                raise self._refuse_dl("this deep linking response was already received", unverified)
            request.answered = True
            self.used_deep_link_nonces.add(unverified["nonce"])
            self.deep_link_responses.append(unverified)
            links = [self._add_item(tool, request, item) for item in items]
        return DeepLinkResult(items, [link for link in links if link is not None], request, unverified)

    def _deep_link_request(self, tool: ToolRegistration, claims: dict[str, Any]) -> DeepLinkRequest:
        """The outstanding request this response answers, matched on its `data`."""
        data = claims.get(DL_CLAIM + "data")
        for request in reversed(self.deep_link_requests):
            if request.client_id == tool.client_id and not request.answered and request.settings.get("data") == data:
                return request
        raise self._refuse_dl("no outstanding deep linking request with this data", claims)

    def _check_claims(self, tool: ToolRegistration, claims: dict[str, Any], request: DeepLinkRequest) -> None:
        audience = claims.get("aud")
        if self.issuer not in (audience if isinstance(audience, list) else [audience]):
            raise self._refuse_dl(f"aud must be the platform issuer {self.issuer}", claims)
        if claims.get(CLAIM + "message_type") != "LtiDeepLinkingResponse":
            raise self._refuse_dl("message_type must be LtiDeepLinkingResponse", claims)
        if claims.get(CLAIM + "version") != "1.3.0":
            raise self._refuse_dl("version must be 1.3.0", claims)
        if claims.get(CLAIM + "deployment_id") != request.deployment_id:
            raise self._refuse_dl("deployment_id does not match the request", claims)
        nonce = claims.get("nonce")
        if not isinstance(nonce, str) or not nonce or nonce in self.used_deep_link_nonces:
            raise self._refuse_dl("nonce is missing or was already used", claims)
        for name in ("exp", "iat"):
            if not isinstance(claims.get(name), int | float):
                raise self._refuse_dl(f"{name} is required", claims)
        if claims["exp"] <= time.time():
            raise self._refuse_dl("the response has expired", claims)

    def _add_item(self, tool: ToolRegistration, request: DeepLinkRequest, item: dict[str, Any]) -> ResourceLink | None:
        self.deep_link_items.append(item)
        if item.get("type") != "ltiResourceLink":
            return None
        link = ResourceLink(
            id=self.new_id("dl-link"),
            context_id=request.context_id,
            client_id=tool.client_id,
            title=item.get("title"),
            description=item.get("text"),
            url=item.get("url"),
            custom=dict(item.get("custom") or {}),
        )
        self.resource_links[link.id] = link
        self.deep_link_links.append(link)
        lineitem = item.get("lineItem")
        if isinstance(lineitem, dict) and request.context_id and request.settings.get("accept_lineitem", True):
            self.create_lineitem(
                request.context_id,
                tool.client_id,
                str(lineitem.get("label") or item.get("title") or link.id),
                lineitem["scoreMaximum"],
                link.id,
                lineitem.get("resourceId"),
                lineitem.get("tag"),
                {key: lineitem[key] for key in ("gradesReleased",) if key in lineitem},
            )
        return link

    def handle_deep_link_return(self, request: HttpRequest) -> HttpResponse:
        token = request.form.get("JWT", "")
        try:
            result = self.receive_deep_link_response(token)
        except PlatformError as error:
            return HttpResponse.html(pages.message_page("Deep linking refused", error.description), 400)
        launch_links = [
            (self.course_link_url(link.context_id, result.request.user_sub, link.id), link.title or link.id)
            for link in result.links
            if link.context_id
        ]
        messages = {name: str(result.claims.get(DL_CLAIM + name, "")) for name in MESSAGES}
        return HttpResponse.html(pages.deep_link_result_page(result.items, launch_links, messages))

    def course_link_url(self, context_id: str, user_sub: str, link_id: str) -> str:
        return self.url(f"/course/{quote(context_id, safe='')}?{urlencode({'user': user_sub, 'link': link_id})}")
