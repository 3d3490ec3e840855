"""Live events through the real Redis channel layer and the WebSocket endpoint (SPEC X1, D11).

Runs when REDIS_URL is set (the conftest deselects it otherwise, and fails loudly if Redis is down).
"""

import asyncio

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from configurations.models import Priority
from tickets import actions
from tickets.live import LIST_GROUP, ticket_group

from ..factories import make_ticket

# Real commits, so on_commit runs and the consumer's own threads see the rows.
pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

TIMEOUT = 5


def run(coroutine_function, *args):
    return async_to_sync(coroutine_function)(*args)


@pytest.fixture
def layer():
    layer = get_channel_layer()
    assert type(layer).__name__ == "RedisChannelLayer", "REDIS_URL must select the Redis channel layer"
    return layer


@pytest.mark.spec("X1")
def test_a_listener_on_the_tickets_group_receives_the_event_after_the_action_commits(layer, alice):
    ticket = make_ticket(alice, title="Printer on fire")

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add(ticket_group(ticket.pk), channel)
        try:
            await sync_to_async(actions.update_ticket)(ticket, alice, version=1, priority=Priority.HIGH)
            return await asyncio.wait_for(layer.receive(channel), TIMEOUT)
        finally:
            await layer.group_discard(ticket_group(ticket.pk), channel)

    message = run(scenario)

    event = ticket.events.first()
    assert message == {
        "type": "ticket.event",
        "event": {
            "ticket": ticket.pk,
            "version": 2,
            "kind": "updated",
            "fields": ["priority"],
            "actor": alice.pk,
            "actor_name": "Alice Archer",
            "labels": ["Priority"],
            "event": event.pk,
        },
    }


@pytest.mark.spec("X1", "L5")
def test_the_ticket_list_group_hears_of_every_tickets_changes(layer, alice):
    ticket = make_ticket(alice, title="Printer on fire")

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add(LIST_GROUP, channel)
        try:
            await sync_to_async(actions.add_note)(ticket, alice, "Smoke is clearing")
            return await asyncio.wait_for(layer.receive(channel), TIMEOUT)
        finally:
            await layer.group_discard(LIST_GROUP, channel)

    message = run(scenario)

    assert (message["event"]["ticket"], message["event"]["kind"]) == (ticket.pk, "note_added")


@pytest.mark.spec("X1", "X2")
def test_a_refused_action_publishes_nothing(layer, alice):
    ticket = make_ticket(alice, title="Printer on fire")

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add(ticket_group(ticket.pk), channel)
        try:
            with pytest.raises(actions.TicketRuleError):
                await sync_to_async(actions.add_note)(ticket, alice, "x" * 501)
            await sync_to_async(actions.add_note)(ticket, alice, "Short one")
            # The first message is the note that was saved; nothing came from the refused one.
            return await asyncio.wait_for(layer.receive(channel), TIMEOUT)
        finally:
            await layer.group_discard(ticket_group(ticket.pk), channel)

    message = run(scenario)

    assert message["event"]["version"] == 2
    assert message["event"]["kind"] == "note_added"


def session_cookie(user):
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


def communicator_for(ticket, cookie=None):
    from tickets_site.asgi import application

    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, f"/ws/tickets/{ticket.pk}/", headers=headers)


@pytest.mark.spec("X1", "R1")
def test_an_anonymous_websocket_connection_is_refused(alice):
    ticket = make_ticket(alice, title="Printer on fire")

    async def scenario():
        communicator = communicator_for(ticket)
        connected, code = await communicator.connect(timeout=TIMEOUT)
        await communicator.disconnect()
        return connected, code

    connected, code = run(scenario)

    assert connected is False
    assert code == 4403


@pytest.mark.spec("X1")
def test_a_websocket_for_a_missing_ticket_is_refused(alice):
    ticket = make_ticket(alice, title="Printer on fire")
    cookie = session_cookie(alice)
    ticket.pk = 999999

    async def scenario():
        communicator = communicator_for(ticket, cookie)
        connected, code = await communicator.connect(timeout=TIMEOUT)
        await communicator.disconnect()
        return connected, code

    assert run(scenario) == (False, 4403)


@pytest.mark.spec("X1", "D11")
def test_a_signed_in_agent_receives_the_live_events_of_the_ticket_they_have_open(alice, bob):
    ticket = make_ticket(alice, title="Printer on fire")
    other = make_ticket(alice, title="Toner empty")
    cookie = session_cookie(alice)

    async def scenario():
        communicator = communicator_for(ticket, cookie)
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        assert connected
        try:
            await sync_to_async(actions.add_note)(other, bob, "Not this ticket")
            await sync_to_async(actions.assign)(ticket, bob, agent=bob)
            received = await communicator.receive_json_from(timeout=TIMEOUT)
            while received.get("type") == "presence":  # who is on the ticket comes first
                received = await communicator.receive_json_from(timeout=TIMEOUT)
            nothing_else = await communicator.receive_nothing(timeout=0.3)
            return received, nothing_else
        finally:
            await communicator.disconnect()

    received, nothing_else = run(scenario)

    assert received["type"] == "change"
    assert received["ticket"] == ticket.pk
    assert received["kind"] == "assigned"
    assert received["actor"] == bob.pk
    assert received["fields"] == ["assignee"]
    assert received["version"] == 2
    assert nothing_else  # the other ticket's note was not sent to this page


@pytest.mark.spec("D11", "X1")
def test_the_layers_redis_reads_outlast_its_blocking_pop(layer):
    """A quiet page's consumer waits in a 5 s blocking pop; a read timeout no longer than that kills it."""
    pool = layer.create_pool(0)
    assert pool.connection_kwargs["socket_timeout"] > layer.brpop_timeout
