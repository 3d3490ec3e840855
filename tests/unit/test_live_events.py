"""Live events are published after the commit, only then, and never at the cost of a saved change (SPEC X1)."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from configurations.models import Priority
from tickets import actions, live
from tickets.models import Ticket

from ..factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.mark.spec("X1")
def test_the_live_event_waits_for_the_commit(alice, django_capture_on_commit_callbacks, monkeypatch):
    ticket = make_ticket(alice)
    sent = []
    monkeypatch.setattr(live, "publish_ticket_event", sent.append)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.update_ticket(ticket, alice, version=1, priority=Priority.HIGH)
        assert sent == []  # still inside the transaction: nobody hears of it yet

    assert callbacks
    for callback in callbacks:
        callback()
    assert [event["kind"] for event in sent] == ["updated"]


@pytest.mark.spec("X1")
def test_a_change_that_is_rolled_back_publishes_nothing(alice, published_events):
    ticket = make_ticket(alice)

    with published_events as events, pytest.raises(actions.TicketRuleError):
        actions.update_ticket(ticket, alice, version=1, priority=Priority.HIGH, title="")

    assert events == []
    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.NORMAL


@pytest.mark.spec("X1")
def test_the_event_reaches_the_ticket_group_and_the_list_group(alice, django_capture_on_commit_callbacks):
    ticket = make_ticket(alice)
    layer = get_channel_layer()

    async def listen(group):
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        return channel

    async def receive(channel):
        return await asyncio.wait_for(layer.receive(channel), 2)

    on_ticket = async_to_sync(listen)(live.ticket_group(ticket.pk))
    on_list = async_to_sync(listen)(live.LIST_GROUP)

    with django_capture_on_commit_callbacks(execute=True):
        actions.add_note(ticket, alice, "Smoke is clearing")

    messages = [async_to_sync(receive)(channel) for channel in (on_ticket, on_list)]
    async_to_sync(layer.group_discard)(live.ticket_group(ticket.pk), on_ticket)
    async_to_sync(layer.group_discard)(live.LIST_GROUP, on_list)

    for message in messages:
        assert message["type"] == "ticket.event"
        assert (message["event"]["ticket"], message["event"]["kind"]) == (ticket.pk, "note_added")


@pytest.mark.spec("X1")
def test_a_channel_layer_that_is_down_costs_the_live_update_not_the_saved_change(
    alice, django_capture_on_commit_callbacks, monkeypatch
):
    ticket = make_ticket(alice)

    class BrokenLayer:
        async def group_send(self, group, message):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(live, "get_channel_layer", BrokenLayer)

    with django_capture_on_commit_callbacks(execute=True):
        actions.update_ticket(ticket, alice, version=1, priority=Priority.URGENT)

    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.priority, saved.version) == (Priority.URGENT, 2)
