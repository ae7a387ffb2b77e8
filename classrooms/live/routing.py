"""The WebSocket routes of live sessions (and the echo socket of the network check)."""

from django.urls import path

from classrooms.live.consumers import EchoConsumer, LiveSessionConsumer

websocket_urlpatterns = [
    path("ws/echo/", EchoConsumer.as_asgi()),
    path("ws/live/<int:session_id>/", LiveSessionConsumer.as_asgi()),
]
