"""WebSocket consumers: presence and live events. They relay and record; no business logic.

`TicketConsumer` (/ws/tickets/<id>/) is held by every open ticket page and peek panel. It applies
the same access rule as the HTTP views, records the page's presence (SPEC D11) and the agent's
work session (SPEC D12) through tickets/presence.py, and relays the ticket's changes (SPEC X1).
The page sends {"type": "heartbeat" | "editing", "editing": bool}; it receives
{"type": "presence", "people": [...]} and {"type": "change", ...the change...}.

`TicketListConsumer` (/ws/tickets/) tells the list and the open ticket tabs that tickets changed.
It sends ids, versions and who changed them, never ticket content.
"""

import time
from importlib import import_module
from types import SimpleNamespace

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user

from . import presence
from .access import has_right
from .live import LIST_GROUP, session_group, ticket_group
from .models import Ticket

REFUSED = 4403  # the close code of a refused connection, whatever the reason (as HTTP's 403)


class GuardedConsumer(AsyncJsonWebsocketConsumer):
    """A consumer that holds a connection only for a user with `required_right`, for as long as they do.

    The right is given by tickets/routing.py from the rights table (tickets_site/rights.py); a
    consumer routed without one refuses everyone. Signing out closes the session's sockets at once
    (its group hears `session.ended`); and before it relays anything, a socket checks again, at most
    every HELPDESK_SOCKET_RECHECK_SECONDS, that its session is still signed in with the right (a
    session that expired, a user deactivated or a right taken away).
    """

    def __init__(self, *args, required_right=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.required_right = required_right
        self.checked_at = 0.0

    def allowed(self):
        """Whether the connection may stay open; runs in a worker thread (it may query)."""
        return self.required_right is not None and has_right(self.scope.get("user"), self.required_right)

    async def refuse_unless_allowed(self):
        if await database_sync_to_async(self.allowed)():
            self.checked_at = time.monotonic()
            self.session_group = session_group(self.scope.get("session"))
            if self.session_group:
                await self.channel_layer.group_add(self.session_group, self.channel_name)
            return False
        await self.close(code=REFUSED)
        return True

    def _session_still_valid(self):
        session = self.scope.get("session")
        if session is None or not session.session_key:
            return False
        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session.session_key)
        user = get_user(SimpleNamespace(session=store))
        scope_user = self.scope.get("user")
        return bool(scope_user and user.pk == scope_user.pk and has_right(user, self.required_right))

    async def still_allowed(self):
        """Whether the socket may still relay; closes it when its session has ended."""
        if time.monotonic() - self.checked_at < settings.HELPDESK_SOCKET_RECHECK_SECONDS:
            return True
        if await database_sync_to_async(self._session_still_valid)():
            self.checked_at = time.monotonic()
            return True
        await self.close(code=REFUSED)
        return False

    async def session_ended(self, message):
        await self.close(code=REFUSED)

    async def websocket_disconnect(self, message):
        if getattr(self, "session_group", None):
            await self.channel_layer.group_discard(self.session_group, self.channel_name)
        await super().websocket_disconnect(message)


class TicketConsumer(GuardedConsumer):
    async def connect(self):
        self.ticket_id = self.scope["url_route"]["kwargs"]["ticket_id"]
        self.group = ticket_group(self.ticket_id)
        self.user = self.scope.get("user")
        if await self.refuse_unless_allowed():
            return
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        self.joined = True
        self.editing = False
        people = await database_sync_to_async(presence.join)(self.ticket_id, self.user, self.channel_name)
        await self._share(people)

    def allowed(self):
        return super().allowed() and Ticket.objects.filter(pk=self.ticket_id).exists()

    async def receive_json(self, content, **kwargs):
        if not getattr(self, "joined", False) or not isinstance(content, dict):
            return
        if not await self.still_allowed():
            return
        if content.get("type") not in ("heartbeat", "editing"):
            return
        editing = content.get("editing") is True
        alive, people = await database_sync_to_async(presence.heartbeat)(
            self.ticket_id, self.user.pk, self.channel_name, editing, was_editing=self.editing
        )
        self.editing = editing
        if not alive:
            # The entry was dropped (this page went quiet past the expiry, e.g. a sleeping laptop): join again.
            people = await database_sync_to_async(presence.join)(self.ticket_id, self.user, self.channel_name)
            if editing:
                _, people = await database_sync_to_async(presence.heartbeat)(
                    self.ticket_id, self.user.pk, self.channel_name, True
                )
        if people is not None:
            await self._share(people)

    async def disconnect(self, code):
        if not hasattr(self, "group"):
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        if getattr(self, "joined", False):
            ticket_id, people = await database_sync_to_async(presence.leave)(self.channel_name)
            if ticket_id is not None:
                await self._share(people)

    async def _share(self, people):
        await self.channel_layer.group_send(self.group, {"type": "presence.update", "people": people})

    async def presence_update(self, message):
        if await self.still_allowed():
            await self.send_json({"type": "presence", "people": message["people"]})

    async def ticket_event(self, message):
        if await self.still_allowed():
            await self.send_json({"type": "change", **message["event"]})


class TicketListConsumer(GuardedConsumer):
    async def connect(self):
        if await self.refuse_unless_allowed():
            return
        self.group = LIST_GROUP
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def ticket_event(self, message):
        if not await self.still_allowed():
            return
        event = message["event"]
        await self.send_json(
            {"type": "change", "ticket": event["ticket"], "version": event["version"], "actor": event["actor"]}
        )
