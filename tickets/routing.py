"""WebSocket routes; each consumer holds connections only for the right the rights table gives its route."""

from django.urls import path

from notifications.consumers import NotificationConsumer
from tickets_site.rights import WEBSOCKET_ROUTES

from .consumers import TicketConsumer, TicketListConsumer

CONSUMERS = {
    "ws/tickets/": TicketListConsumer,
    "ws/tickets/<int:ticket_id>/": TicketConsumer,
    "ws/notifications/": NotificationConsumer,
}

# A route missing from the rights table fails here, at start-up, rather than opening to anyone.
websocket_urlpatterns = [
    path(route, consumer.as_asgi(required_right=WEBSOCKET_ROUTES[route])) for route, consumer in CONSUMERS.items()
]
