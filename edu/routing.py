"""Every WebSocket route of the project, gathered from the apps that own them."""

from classrooms.live.routing import websocket_urlpatterns as live_routes

websocket_urlpatterns = [*live_routes]
