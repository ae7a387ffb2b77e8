"""Plain WSGI plumbing for the demo tool (no web framework): a request read from the WSGI environ,
a response with cookies, a small router and a threaded wsgiref server."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

log = logging.getLogger("demo_tool")

HTML = "text/html; charset=utf-8"
JSON = "application/json"
MAX_BODY = 1_000_000  # bytes: forms and id_tokens are small


@dataclass
class WebRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    cookies: dict[str, str]
    headers: dict[str, str]

    @classmethod
    def from_environ(cls, environ: dict[str, Any]) -> WebRequest:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        path = str(environ.get("PATH_INFO") or "/")
        query = parse_qs(str(environ.get("QUERY_STRING", "")), keep_blank_values=True)
        headers = {
            key[5:].replace("_", "-").lower(): str(value) for key, value in environ.items() if key[:5] == "HTTP_"
        }
        content_type = str(environ.get("CONTENT_TYPE", "")).split(";")[0].strip().lower()
        form: dict[str, list[str]] = {}
        if method == "POST" and content_type == "application/x-www-form-urlencoded":
            length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
            body = environ["wsgi.input"].read(length) if length > 0 else b""
            form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        cookies: dict[str, str] = {}
        try:
            jar: SimpleCookie = SimpleCookie(headers.get("cookie", ""))
            cookies = {name: morsel.value for name, morsel in jar.items()}
        except CookieError:
            pass  # another site's odd cookie on the same host must not break the tool
        return cls(method, path, query, form, cookies, headers)

    def arg(self, name: str) -> str:
        """A query parameter's first value ("" when absent)."""
        return self.query.get(name, [""])[0]

    def field(self, name: str) -> str:
        """A form field's first value ("" when absent)."""
        return self.form.get(name, [""])[0]

    def fields(self, name: str) -> list[str]:
        return list(self.form.get(name, []))

    def param(self, name: str) -> str | None:
        """A form field, else a query parameter (what GET-or-POST endpoints read); None when absent."""
        if name in self.form:
            return self.form[name][0]
        if name in self.query:
            return self.query[name][0]
        return None


@dataclass
class WebResponse:
    status: int = 200
    body: bytes = b""
    content_type: str | None = HTML
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def html(cls, text: str, status: int = 200) -> WebResponse:
        return cls(status, text.encode("utf-8"), HTML)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> WebResponse:
        return cls(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), JSON)

    @classmethod
    def redirect(cls, location: str) -> WebResponse:
        return cls(302, b"", None, [("Location", location)])

    def set_cookie(self, name: str, value: str, *, max_age: int | None, secure: bool) -> None:
        """An HttpOnly cookie for the whole host. Over https it is SameSite=None; Secure (the tool
        runs in the platform's iframe); over http (local demo, same host as the platform) Lax."""
        parts = [f"{name}={value}", "Path=/", "HttpOnly"]
        if max_age is not None:
            parts.append(f"Max-Age={max_age}")
        parts.append("SameSite=None; Secure" if secure else "SameSite=Lax")
        self.headers.append(("Set-Cookie", "; ".join(parts)))

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


Handler = Callable[[WebRequest], WebResponse]


class Router:
    def __init__(self) -> None:
        self.routes: dict[str, tuple[frozenset[str], Handler]] = {}

    def add(self, methods: str, path: str, handler: Handler) -> None:
        self.routes[path] = (frozenset(methods.split()), handler)

    def dispatch(self, request: WebRequest) -> WebResponse:
        path = request.path if request.path == "/" else request.path.rstrip("/")
        route = self.routes.get(path)
        if route is None:
            return WebResponse.html("<h1>404</h1><p>찾을 수 없어요 (Not found)</p>", 404)
        methods, handler = route
        if request.method not in methods:
            return WebResponse(405, b"", None, [("Allow", ", ".join(sorted(methods)))])
        return handler(request)


class WsgiApp:
    """The WSGI callable. An unexpected exception is logged (its type, never request data) and
    answered 500, so one bad request cannot stop the server."""

    def __init__(self, router: Router) -> None:
        self.router = router

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            response = self.router.dispatch(WebRequest.from_environ(environ))
        except Exception:
            log.exception("internal error on %s %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))
            response = WebResponse(500, "내부 오류 (internal error)".encode(), "text/plain; charset=utf-8")
        headers = [
            *response.headers,
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
            ("Cache-Control", "no-store"),
        ]
        if response.content_type:
            headers.append(("Content-Type", response.content_type))
        headers.append(("Content-Length", str(len(response.body))))
        start_response(f"{response.status} {HTTPStatus(response.status).phrase}", headers)
        return [response.body]


class ThreadingWsgiServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class QuietHandler(WSGIRequestHandler):
    """Logs method, path and status only: query strings carry registration tokens and hints."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        log.info("%s %s %s", self.command, self.path.split("?")[0], code)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *args)


def serve(app: WsgiApp, host: str, port: int) -> ThreadingWsgiServer:
    server = make_server(host, port, app, server_class=ThreadingWsgiServer, handler_class=QuietHandler)
    assert isinstance(server, ThreadingWsgiServer)
    return server
