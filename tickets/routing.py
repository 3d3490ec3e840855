from django.urls import path

from notifications.consumers import NotificationConsumer

from .consumers import TicketConsumer, TicketListConsumer

websocket_urlpatterns = [
    path("ws/tickets/", TicketListConsumer.as_asgi()),
    path("ws/tickets/<int:ticket_id>/", TicketConsumer.as_asgi()),
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
