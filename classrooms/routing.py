from django.urls import path

from classrooms.consumers import EchoConsumer, LiveSessionConsumer

websocket_urlpatterns = [
    path("ws/echo/", EchoConsumer.as_asgi()),
    path("ws/live/<int:session_id>/", LiveSessionConsumer.as_asgi()),
]
