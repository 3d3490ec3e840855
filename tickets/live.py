"""Live events: what changed on a ticket, pushed over the channel layer after the commit.

Pages that have a ticket open listen on the ticket's group; the list listens on the
"tickets" group. Publishing never breaks the action that caused it: a channel layer that is
down costs a live update, not a saved change.
"""

import asyncio
import hashlib
import logging
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

LIST_GROUP = "tickets"


def ticket_group(ticket_id):
    return f"ticket-{ticket_id}"


def publish_ticket_event(payload, *, to_list=True):
    """Send one ticket event to the ticket's group and (unless `to_list` is False) the list group."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "ticket.event", "event": payload}
    groups = [ticket_group(payload["ticket"])] + ([LIST_GROUP] if to_list else [])
    try:
        send_to_groups(layer, groups, message)
    except Exception:  # noqa: BLE001 - a live update must never undo a committed change
        logger.exception("Could not publish live event for ticket %s", payload.get("ticket"))


async def _group_sends(layer, groups, message):
    for group in groups:
        await layer.group_send(group, message)


def send_to_groups(layer, groups, message):
    """Send `message` to each group, in one trip to the layer (one event loop for all of them)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(_group_sends)(layer, groups, message)
        return
    # This thread runs an event loop (sync code called from async tooling): send from a helper thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(async_to_sync(_group_sends), layer, groups, message).result(timeout=10)


def send_to_group(layer, group, message):
    send_to_groups(layer, [group], message)


def session_group(session):
    """The group of one signed-in session's sockets, so signing out can close them; None without one."""
    key = getattr(session, "session_key", None)
    return f"session-{hashlib.sha256(key.encode()).hexdigest()[:40]}" if key else None


def close_session_sockets(sender, request, user, **kwargs):
    """On sign-out (Django's user_logged_out signal): the session's open sockets close at once."""
    group = session_group(getattr(request, "session", None))
    layer = get_channel_layer()
    if group is None or layer is None:
        return
    try:
        send_to_group(layer, group, {"type": "session.ended"})
    except Exception:  # noqa: BLE001 - signing out must never fail; the sockets' own check closes them soon
        logger.exception("Could not close the sockets of a session that signed out")


def publish_on_commit(payload):
    transaction.on_commit(lambda: publish_ticket_event(payload))


def publish_delivery_on_commit(activity):
    """After the commit, tell the ticket's viewers that a message's delivery state moved (SPEC X1, N3).

    Not a change to the ticket (no version, no history): pages refresh their Activities only, and
    the list is not told.
    """
    payload = {
        "ticket": activity.ticket_id, "version": activity.ticket.version, "kind": "delivery", "fields": [],
        "labels": [], "actor": None, "actor_name": "The helpdesk", "activity": activity.pk,
        "delivery": activity.delivery_state,
    }
    transaction.on_commit(lambda: publish_ticket_event(payload, to_list=False))
