"""Plain WSGI plumbing for the test platform: requests, responses, a small router and a threaded
server bound to 127.0.0.1 (wsgiref, no other dependency)."""

from __future__ import annotations

import json
import re
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qsl, unquote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from requests.structures import CaseInsensitiveDict

JSON = "application/json"
HTML = "text/html; charset=utf-8"


@dataclass
class HttpRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: CaseInsensitiveDict[str]
    body: bytes = b""

    @property
    def content_type(self) -> str:
        """The media type without its parameters, lower-cased."""
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    @property
    def form(self) -> dict[str, str]:
        if self.content_type != "application/x-www-form-urlencoded":
            return {}
        return dict(parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))

    def json(self) -> Any:
        if not self.body or "json" not in self.content_type:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def params(self) -> dict[str, str]:
        """Query parameters merged with form fields (form wins): what GET-or-POST endpoints read."""
        return {**self.query, **self.form}


@dataclass
class HttpResponse:
    status: int = 200
    body: bytes = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(
        cls, data: Any, status: int = 200, content_type: str = JSON, headers: list[tuple[str, str]] | None = None
    ) -> HttpResponse:
        return cls(status, json.dumps(data).encode(), content_type, list(headers or []))

    @classmethod
    def html(cls, text: str, status: int = 200) -> HttpResponse:
        return cls(status, text.encode("utf-8"), HTML)

    @classmethod
    def empty(cls, status: int = 204) -> HttpResponse:
        return cls(status)

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


class PlatformError(Exception):
    """A refusal: an HTTP status, an OAuth-style error code and a human description."""

    def __init__(self, status: int, error: str, description: str = "") -> None:
        super().__init__(f"{status} {error}: {description}")
        self.status = status
        self.error = error
        self.description = description

    def response(self, headers: list[tuple[str, str]] | None = None) -> HttpResponse:
        body = {"error": self.error, "error_description": self.description}
        return HttpResponse.json(body, status=self.status, headers=headers)


Handler = Callable[..., HttpResponse]


@dataclass
class Route:
    methods: frozenset[str]
    pattern: re.Pattern[str]
    handler: Handler


class Router:
    """Routes `(method, path)` to handlers; path groups (`<name>`) are URL-unquoted and passed on."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, methods: str, path: str, handler: Handler) -> None:
        regex = re.sub(r"<(\w+)>", r"(?P<\1>[^/]+)", path)
        self.routes.append(Route(frozenset(methods.split()), re.compile(f"^{regex}/?$"), handler))

    def dispatch(self, request: HttpRequest) -> HttpResponse:
        allowed: set[str] = set()
        for route in self.routes:
            match = route.pattern.match(request.path)
            if not match:
                continue
            if request.method not in route.methods:
                allowed |= route.methods
                continue
            kwargs = {name: unquote(value) for name, value in match.groupdict().items()}
            try:
                return route.handler(request, **kwargs)
            except PlatformError as error:
                return error.response()
        if allowed:
            return HttpResponse(405, b"", None, [("Allow", ", ".join(sorted(allowed)))])
        return HttpResponse.json({"error": "not_found", "error_description": request.path}, status=404)


class WsgiApp:
    """The WSGI callable: builds an HttpRequest, dispatches it, records unexpected exceptions in
    `errors` (so a test can assert the platform itself never crashed) and answers 500 for them."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self.errors: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers: CaseInsensitiveDict[str] = CaseInsensitiveDict()
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                headers[key[5:].replace("_", "-")] = value
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8")
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        request = HttpRequest(environ["REQUEST_METHOD"].upper(), path, query, headers, body)
        try:
            response = self.router.dispatch(request)
        except Exception:
            self.errors.append(traceback.format_exc())
            response = HttpResponse(500, b"internal error in the test platform", "text/plain")
        out = list(response.headers)
        if response.content_type:
            out.append(("Content-Type", response.content_type))
        out.append(("Content-Length", str(len(response.body))))
        start_response(f"{response.status} {HTTPStatus(response.status).phrase}", out)
        return [response.body]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class BackgroundServer:
    """A WSGI app served by a thread on 127.0.0.1; port 0 picks a free one (no race with a probe)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], port: int = 0) -> None:
        self._server = make_server("127.0.0.1", port, app, server_class=_ThreadingServer, handler_class=_QuietHandler)
        self.port = int(self._server.server_port)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name=f"lti-http-{self.port}", daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> BackgroundServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
