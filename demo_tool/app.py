"""The demo tool as one WSGI application: its settings (public address, data directory), its key,
its registrations store, the in-memory launch data, and the routes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from pylti1p3.exception import LtiException

from . import dynreg, launch, pages
from .adapters import DemoCookieService, DemoRequest, DemoSessionService, MemoryCache, MemoryLaunchStorage, http_session
from .exercises import EXERCISES
from .keys import ToolKey, load_or_create_key
from .lti import DemoMessageLaunch, StoreToolConf
from .registrations import RegistrationStore
from .web import Router, WebRequest, WebResponse, WsgiApp

log = logging.getLogger("demo_tool")

CLIENT_NAME = "배움 데모 콘텐츠 (Demo content)"


@dataclass(frozen=True)
class ToolSettings:
    base_url: str  # the tool's public address, no trailing slash: http://127.0.0.1:8001
    data_dir: Path


class LtiParts(NamedTuple):
    request: DemoRequest
    cookies: DemoCookieService
    session: DemoSessionService
    storage: MemoryLaunchStorage


class DemoTool:
    def __init__(self, settings: ToolSettings) -> None:
        self.settings = settings
        self.base_url = settings.base_url.rstrip("/")
        self.key: ToolKey = load_or_create_key(settings.data_dir)
        self.store = RegistrationStore(settings.data_dir)
        self.cache = MemoryCache()
        self.secure = self.base_url.startswith("https://")

    def url(self, path: str) -> str:
        return self.base_url + path

    def is_own_url(self, url: str) -> bool:
        return url == self.base_url or url.startswith(self.base_url + "/")

    def tool_conf(self) -> StoreToolConf:
        return StoreToolConf(self.store, self.key)

    def lti_parts(self, web: WebRequest) -> LtiParts:
        request = DemoRequest(web, self.secure)
        storage = MemoryLaunchStorage(self.cache)
        return LtiParts(request, DemoCookieService(request), DemoSessionService(request, storage), storage)

    def new_launch(self, parts: LtiParts) -> DemoMessageLaunch:
        """pylti1p3's message launch of the id_token this request posts (validated when first read)."""
        return DemoMessageLaunch(
            parts.request,
            self.tool_conf(),
            parts.session,
            parts.cookies,
            launch_data_storage=parts.storage,
            requests_session=http_session(),
        )

    def restored_launch(self, web: WebRequest) -> DemoMessageLaunch:
        """A launch this browser made earlier, by the `launch_id` its page posts back. Raises
        LtiException when it is unknown, expired or another browser's."""
        launch_id = web.field("launch_id")
        if not launch_id.startswith("lti1p3-launch-") or len(launch_id) > 80:
            raise LtiException("launch_id is missing or malformed")
        parts = self.lti_parts(web)
        restored = DemoMessageLaunch.from_cache(
            launch_id,
            parts.request,
            self.tool_conf(),
            session_service=parts.session,
            cookie_service=parts.cookies,
            launch_data_storage=parts.storage,
            requests_session=http_session(),
        )
        assert isinstance(restored, DemoMessageLaunch)
        return restored

    # --- small endpoints -------------------------------------------------------------------------
    def home(self, web: WebRequest) -> WebResponse:
        return WebResponse.html(pages.home_page(EXERCISES, self.base_url, len(self.store.all())))

    def health(self, web: WebRequest) -> WebResponse:
        return WebResponse.json({"status": "ok", "kid": self.key.kid})

    def jwks(self, web: WebRequest) -> WebResponse:
        return WebResponse.json(self.key.jwks())

    def router(self) -> Router:
        router = Router()
        router.add("GET", "/", self.home)
        router.add("GET", "/health", self.health)
        router.add("GET", "/jwks", self.jwks)
        router.add("GET POST", "/login", lambda web: launch.login(self, web))
        router.add("POST", "/launch", lambda web: launch.launch(self, web))
        router.add("POST", "/answer", lambda web: launch.answer(self, web))
        router.add("POST", "/deep-link", lambda web: launch.deep_link_response(self, web))
        router.add("GET", "/register", lambda web: dynreg.register_view(self, web))
        return router


def make_app(settings: ToolSettings) -> WsgiApp:
    return WsgiApp(DemoTool(settings).router())
