"""pylti1p3's framework adapters for the demo tool's plain WSGI (the shape of pylti1p3's
contrib/flask): the request, the cookies, the session service and its launch data storage.

Cookies: every cookie is named `demo_tool_…` (the OIDC state cookies `demo_tool_state-<uuid>`, the
session `demo_tool_session`), because cookies do not keep to a port: Baeum on 127.0.0.1:8000 and
the tool on 127.0.0.1:8001 see each other's cookies, and Baeum's own LTI tool side uses pylti1p3's
`lti1p3-` names. Launch data lives in memory, under the browser's session id: nonces (single use),
the OIDC state and the launches that later pages (answers, the Deep Linking picker) come back to."""

from __future__ import annotations

import threading
import time
from typing import Any

import requests
from pylti1p3.cookie import CookieService
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.request import Request
from pylti1p3.session import SessionService

from .web import WebRequest, WebResponse

COOKIE_PREFIX = "demo_tool_"
SESSION_COOKIE = "session"  # → demo_tool_session
HTTP_TIMEOUT = 10  # seconds, for every call to a platform (pylti1p3 sets none)
MAX_ENTRIES = 20_000


class MemoryCache:
    """A thread-safe dict whose entries expire; shared by every request of one tool process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: dict[str, tuple[float, Any]] = {}

    def get(self, key: str) -> Any:
        with self._lock:
            entry = self._data.get(key)
            if entry is None or entry[0] < time.monotonic():
                self._data.pop(key, None)
                return None
            return entry[1]

    def set(self, key: str, value: Any, lifetime: int | None) -> None:
        with self._lock:
            now = time.monotonic()
            if len(self._data) >= MAX_ENTRIES:
                self._data = {k: v for k, v in self._data.items() if v[0] >= now}
            if len(self._data) >= MAX_ENTRIES:  # still full of live entries: drop the oldest-expiring
                for stale in sorted(self._data, key=lambda k: self._data[k][0])[: MAX_ENTRIES // 10]:
                    del self._data[stale]
            self._data[key] = (now + (lifetime if lifetime is not None else 86400), value)

    def pop(self, key: str) -> bool:
        """Removes the entry; True when it was there and alive (a single-use check)."""
        with self._lock:
            entry = self._data.pop(key, None)
            return entry is not None and entry[0] >= time.monotonic()


class MemoryLaunchStorage(LaunchDataStorage[Any]):
    """pylti1p3's launch data storage over the process's MemoryCache, keyed by the session cookie
    (one instance per request: it holds that request's session id)."""

    _session_cookie_name = SESSION_COOKIE

    def __init__(self, cache: MemoryCache) -> None:
        super().__init__()
        self._cache = cache

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> Any:
        return self._cache.get(self._prepare_key(key))

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        self._cache.set(self._prepare_key(key), value, exp)

    def check_value(self, key: str) -> bool:
        return self._cache.get(self._prepare_key(key)) is not None

    def take(self, key: str) -> bool:
        return self._cache.pop(self._prepare_key(key))


class DemoRequest(Request):
    """pylti1p3's request: parameters from the form, else the query string (login is GET or POST)."""

    def __init__(self, request: WebRequest, secure: bool) -> None:
        self.web = request
        self._secure = secure

    @property
    def session(self) -> dict[str, Any]:
        raise NotImplementedError("the demo tool keeps launch data in MemoryLaunchStorage")

    def is_secure(self) -> bool:
        return self._secure

    def get_param(self, key: str) -> str:
        return self.web.param(key)  # type: ignore[return-value]  # pylti1p3 tests for None itself

    def get_cookie(self, name: str) -> str | None:
        return self.web.cookies.get(name)


class DemoCookieService(CookieService):
    def __init__(self, request: DemoRequest) -> None:
        self._request = request
        self._to_set: dict[str, tuple[str, int | None]] = {}

    @staticmethod
    def cookie_name(name: str) -> str:
        return COOKIE_PREFIX + name

    def get_cookie(self, name: str) -> str | None:
        return self._request.get_cookie(self.cookie_name(name))

    def set_cookie(self, name: str, value: str | int, exp: int | None = 3600) -> None:
        self._to_set[self.cookie_name(name)] = (str(value), exp)

    def apply(self, response: WebResponse) -> WebResponse:
        for name, (value, exp) in self._to_set.items():
            response.set_cookie(name, value, max_age=exp, secure=self._request.is_secure())
        return response


class DemoSessionService(SessionService):
    """pylti1p3's session service over MemoryLaunchStorage; a nonce is accepted once."""

    _launch_data_lifetime = 2 * 3600

    def __init__(self, request: DemoRequest, storage: MemoryLaunchStorage) -> None:
        super().__init__(request)
        self.data_storage = storage

    def check_nonce(self, nonce: str) -> bool:
        storage = self.data_storage
        if isinstance(storage, MemoryLaunchStorage):
            return storage.take(self._get_key("nonce", nonce))
        return super().check_nonce(nonce)


class TimeoutSession(requests.Session):
    """requests.Session with a default timeout (pylti1p3 calls the platform without one)."""

    def request(self, method: Any, url: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return super().request(method, url, *args, **kwargs)


def http_session() -> TimeoutSession:
    session = TimeoutSession()
    session.headers["User-Agent"] = "BaeumDemoContentTool/1.0 (PyLTI1p3)"
    return session
