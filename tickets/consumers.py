"""WebSocket consumers: they relay live events and hold no business logic."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .access import can_view_ticket
from .live import ticket_group
from .models import Ticket


class TicketConsumer(AsyncJsonWebsocketConsumer):
    """Relays a ticket's live events to a page that has it open, after the same access check as HTTP."""

    async def connect(self):
        self.ticket_id = self.scope["url_route"]["kwargs"]["ticket_id"]
        self.group = ticket_group(self.ticket_id)
        user = self.scope.get("user")
        if not await database_sync_to_async(self._allowed)(user):
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    def _allowed(self, user):
        ticket = Ticket.objects.filter(pk=self.ticket_id).first()
        return ticket is not None and can_view_ticket(user, ticket)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def ticket_event(self, message):
        await self.send_json(message["event"])
