"""The state and helpers every part of the test platform shares (the feature mixins build on it)."""

from __future__ import annotations

import itertools
import threading
from typing import Any
from urllib.parse import quote

from .glue import PlatformConfig, PlatformRegistration
from .keys import RsaKey
from .state import (
    COURSE_OFFERING,
    Context,
    DeepLinkRequest,
    LaunchRecord,
    LineItem,
    Member,
    PendingLaunch,
    Refusal,
    ResourceLink,
    ToolRegistration,
    User,
)
from .web import BackgroundServer, PlatformError


class PlatformBase:
    name = "Baeum Test LMS"
    product_family_code = "baeum-test-platform"
    version = "1.0"

    def __init__(self) -> None:
        self.key = RsaKey.generate()
        self.old_keys: list[RsaKey] = []  # still published at /jwks after rotate_key(keep_old=True)
        self.lock = threading.RLock()
        self._server: BackgroundServer | None = None
        self._ids = itertools.count(1)
        self.users: dict[str, User] = {}
        self.contexts: dict[str, Context] = {}
        self.resource_links: dict[str, ResourceLink] = {}
        self.tools: dict[str, ToolRegistration] = {}
        self.lineitems: dict[str, LineItem] = {}
        self.pending_launches: dict[str, PendingLaunch] = {}
        self.deep_link_requests: list[DeepLinkRequest] = []
        self.launches: list[LaunchRecord] = []
        self.refusals: list[Refusal] = []
        # How the platform fetches a tool's JWKS from its jwks_url; None: an HTTP GET (the library's
        # own fetch). Tests whose tool is not reachable over HTTP may plug in another fetcher.
        self.fetch_jwks: Any = None

    # --- addresses -------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the test platform is not started: call start() first")
        return self._server.port

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.issuer + path

    @property
    def auth_url(self) -> str:
        return self.url("/auth")

    @property
    def token_url(self) -> str:
        return self.url("/token")

    @property
    def jwks_url(self) -> str:
        return self.url("/jwks")

    @property
    def deep_link_return_url(self) -> str:
        return self.url("/deep_link_return")

    def lineitems_url(self, context_id: str) -> str:
        return self.url(f"/contexts/{quote(context_id, safe='')}/lineitems")

    def memberships_url(self, context_id: str) -> str:
        return self.url(f"/contexts/{quote(context_id, safe='')}/memberships")

    # --- keys ------------------------------------------------------------------------------------
    @property
    def kid(self) -> str:
        return self.key.kid

    @property
    def private_key_pem(self) -> str:
        return self.key.private_pem

    @property
    def public_key_pem(self) -> str:
        return self.key.public_pem

    def sign(self, claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
        """Signs arbitrary claims with the platform's current key (for forged id_tokens)."""
        return self.key.sign(claims, headers)

    # --- lookups ---------------------------------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids)}"

    def refuse(self, where: str, status: int, error: str, description: str, data: Any = None) -> PlatformError:
        """Records a refusal and returns the error to raise."""
        self.refusals.append(Refusal(where, error, description, data))
        return PlatformError(status, error, description)

    def refusals_at(self, where: str) -> list[Refusal]:
        return [refusal for refusal in self.refusals if refusal.where == where]

    def as_tool(self, tool: ToolRegistration | str) -> ToolRegistration:
        client_id = tool if isinstance(tool, str) else tool.client_id
        try:
            return self.tools[client_id]
        except KeyError:
            raise LookupError(f"no tool registered with client_id {client_id!r}") from None

    def as_context(self, context: Context | str) -> Context:
        """A context by id; an unknown id creates the context (titled after its id)."""
        if isinstance(context, Context):
            self.contexts.setdefault(context.id, context)
            return self.contexts[context.id]
        if context not in self.contexts:
            self.contexts[context] = Context(context, title=context, label=context, types=[COURSE_OFFERING])
        return self.contexts[context]

    def as_user(self, user: User | str, roles: list[str] | None = None) -> User:
        """A user by sub; an unknown sub creates a user with no personal data."""
        if isinstance(user, User):
            self.users.setdefault(user.sub, user)
            return self.users[user.sub]
        if user not in self.users:
            self.users[user] = User(user, list(roles or []))
        return self.users[user]

    def roles_in(self, user: User, context: Context | None) -> list[str]:
        member = context.members.get(user.sub) if context else None
        return list(member.roles if member else user.roles)

    def enrol(self, context: Context, sub: str, roles: list[str], status: str = "Active") -> Member:
        member = Member(sub, list(roles), status)
        context.members[sub] = member
        return member

    def lineitem_for_link(self, link_id: str) -> LineItem | None:
        return next((item for item in self.lineitems.values() if item.resource_link_id == link_id), None)

    def create_lineitem(
        self,
        context_id: str,
        client_id: str,
        label: str,
        score_maximum: float,
        resource_link_id: str | None = None,
        resource_id: str | None = None,
        tag: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> LineItem:
        with self.lock:
            item_id = self.new_id("li")
            item = LineItem(
                item_id,
                self.url(f"/lineitems/{item_id}"),
                context_id,
                client_id,
                label,
                score_maximum,
                resource_link_id,
                resource_id,
                tag,
                dict(extra or {}),
            )
            self.lineitems[item_id] = item
        return item

    # --- lti1p3platform --------------------------------------------------------------------------
    def lib_registration(
        self,
        tool: ToolRegistration,
        launch_url: str | None = None,
        deep_link_url: str | None = None,
        key: RsaKey | None = None,
    ) -> PlatformRegistration:
        key = key or self.key
        registration = PlatformRegistration()
        registration.set_iss(self.issuer).set_client_id(tool.client_id).set_deployment_id(tool.deployment_id)
        registration.set_oidc_login_url(tool.login_url.split("?")[0])
        registration.set_launch_url(launch_url or tool.launch_url)
        if deep_link_url:
            registration.set_deeplink_launch_url(deep_link_url)
        registration.set_platform_private_key(key.private_pem)
        registration.set_platform_public_key(key.public_pem)
        if tool.jwks is not None:
            registration.set_tool_key_set(tool.jwks)  # type: ignore[arg-type]
        if tool.jwks_url:
            registration.set_tool_key_set_url(tool.jwks_url)
        return registration

    def lib_config(self, registration: PlatformRegistration) -> PlatformConfig:
        return PlatformConfig(registration=registration, fetch_jwks=self.fetch_jwks)
