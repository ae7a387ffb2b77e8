"""Every WebSocket route of the project, gathered from the apps that own them."""

from classrooms.routing import websocket_urlpatterns as classroom_routes

websocket_urlpatterns = [*classroom_routes]
