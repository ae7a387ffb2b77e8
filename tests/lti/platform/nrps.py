"""Names and Role Provisioning Services 2.0 on lti1p3platform's NamesRoleProvisioningService (its
container, member cleaning and `next` page URL); the page link goes out as `Link: <…>; rel="next"`."""

from __future__ import annotations

from typing import Any

from lti1p3platform.membership import Context as LibContext
from lti1p3platform.service_connector import NamesRoleProvisioningService, TPage

from .ags import page_of
from .base import PlatformBase
from .glue import LibRequest, parts_of
from .state import MEMBERSHIPS_MEDIA, SCOPE_NRPS, Context, IssuedToken, Member
from .tokens import TokenMixin
from .web import HttpRequest, HttpResponse, PlatformError


def _has_role(member: Member, role: str) -> bool:
    """`role` as a full URI or a short name (Learner, Instructor, ...)."""
    return any(r == role or r.rsplit("#", 1)[-1] == role for r in member.roles)


class NrpsService(NamesRoleProvisioningService):
    def __init__(self, request: LibRequest, platform: PlatformBase, token: IssuedToken, context: Context) -> None:
        tool = platform.tools[token.client_id]
        config = platform.lib_config(platform.lib_registration(tool, key=token.key))
        self.platform, self.context, self.client_id = platform, context, token.client_id
        super().__init__(request, config, platform.memberships_url(context.id))

    def get_context_by_id(self) -> LibContext:
        return LibContext(id=self.context.id, label=self.context.label, title=self.context.title)

    def is_resource_link_valid(self, context_id: str, resource_link_id: str) -> bool:
        link = self.platform.resource_links.get(resource_link_id)
        return link is not None and link.context_id == context_id and link.client_id == self.client_id

    def get_member_data_page(  # type: ignore[override]
        self, page: int = 1, limit: int | None = None, role: str | None = None, **_ignored: Any
    ) -> TPage:
        members = [m for m in self.context.members.values() if not role or _has_role(m, role)]
        return page_of([self._member_json(m) for m in members], page, limit)

    def _member_json(self, member: Member) -> dict[str, Any]:
        data: dict[str, Any] = {"user_id": member.sub, "roles": list(member.roles), "status": member.status}
        user = self.platform.users.get(member.sub)
        if user is not None:
            personal = {"name": user.name, "given_name": user.given_name, "family_name": user.family_name}
            personal["email"] = user.email
            data.update({key: value for key, value in personal.items() if value})
        return data


class NrpsMixin(TokenMixin):
    def init_nrps(self) -> None:
        self.membership_requests = 0

    def add_member(
        self, context: Context | str, sub: str, roles: list[str] | None = None, status: str = "Active"
    ) -> Member:
        """Puts a user (created if unknown, without personal data) in a context's membership."""
        ctx = self.as_context(context)
        user = self.as_user(sub, roles)
        return self.enrol(ctx, user.sub, list(roles if roles is not None else user.roles), status)

    def set_member_status(self, context: Context | str, sub: str, status: str) -> None:
        self.as_context(context).members[sub].status = status

    def remove_member(self, context: Context | str, sub: str) -> None:
        self.as_context(context).members.pop(sub, None)

    def handle_memberships(self, request: HttpRequest, context_id: str) -> HttpResponse:
        token = self.bearer(request)
        self.require_scope(token, SCOPE_NRPS)
        context = self.contexts.get(context_id)
        if context is None:
            raise PlatformError(404, "not_found", f"no context {context_id}")
        self.membership_requests += 1
        service = NrpsService(LibRequest(parts_of(request, token.lib_token)), self, token, context)
        resp = service.handle_resp(service.handle_get_members)
        if not 200 <= resp.code < 300:
            return HttpResponse.json({"error": resp.message}, status=resp.code)
        container = dict(resp.result)
        next_url = container.pop("next", None)
        headers = [("Link", f'<{next_url}>; rel="next"')] if next_url else []
        return HttpResponse.json(container, content_type=MEMBERSHIPS_MEDIA, headers=headers)
