"""The WebSocket routes of live sessions (and the echo socket of the network check).

A live socket carries only its cookies: the hub reads the sockets' Django sessions and users in
batches (``classrooms.live.snapshots``), so the route has no per-socket session and auth
middleware (each would cost a database trip per socket, and memory for as long as it is open).
The echo socket keeps Channels' ``AuthMiddlewareStack``."""

from channels.auth import AuthMiddlewareStack
from channels.sessions import CookieMiddleware
from django.urls import path

from classrooms.live.consumers import EchoConsumer, LiveSessionConsumer

websocket_urlpatterns = [
    path("ws/echo/", AuthMiddlewareStack(EchoConsumer.as_asgi())),
    path("ws/live/<int:session_id>/", CookieMiddleware(LiveSessionConsumer.as_asgi())),
]
