"""Presence over the WebSocket consumer (SPEC D11, D12, X1), on the suite's channel layer.

On the production stack (REDIS_URL set) this is the channels-redis layer; on the embedded default
the in-memory one. Two agents hold communicators on the same ticket as two browsers would.
"""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from configurations.models import Priority
from tickets import actions, presence
from tickets.models import TicketPresence, WorkSession

from ..factories import UserFactory, make_ticket

pytestmark = [pytest.mark.django_db(transaction=True)]

TIMEOUT = 5


def cookie_for(user):
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


def socket(path, user=None, cookie=None):
    from tickets_site.asgi import application

    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if user is not None or cookie:
        headers.append((b"cookie", cookie or cookie_for(user)))
    return WebsocketCommunicator(application, path, headers=headers)


async def next_of(communicator, kind):
    """The next message of a type, skipping others (presence and changes interleave)."""
    while True:
        message = await communicator.receive_json_from(timeout=TIMEOUT)
        if message.get("type") == kind:
            return message


def names(message):
    return [(person["name"], person["editing"]) for person in message["people"]]


@pytest.fixture
def ticket(alice):
    return make_ticket(alice, title="Printer on fire")


@pytest.mark.spec("D11", "R1")
def test_a_socket_without_a_signed_in_agent_is_refused(ticket, db):
    outsider = UserFactory(username="left-the-company")

    cookie = cookie_for(outsider)
    outsider.is_active = False  # signed in before the account was deactivated
    outsider.save()

    async def scenario():
        results = []
        for header in (None, cookie):
            communicator = socket(f"/ws/tickets/{ticket.pk}/", cookie=header)
            results.append(await communicator.connect(timeout=TIMEOUT))
            await communicator.disconnect()
        return results

    assert async_to_sync(scenario)() == [(False, 4403), (False, 4403)]
    assert not TicketPresence.objects.exists()


@pytest.mark.spec("D11", "D12")
def test_two_agents_see_each_other_join_edit_and_leave(ticket, alice, bob):
    async def scenario():
        seen = {}
        alice_socket = socket(f"/ws/tickets/{ticket.pk}/", alice)
        assert (await alice_socket.connect(timeout=TIMEOUT))[0]
        seen["alice alone"] = names(await next_of(alice_socket, "presence"))

        bob_socket = socket(f"/ws/tickets/{ticket.pk}/", bob)
        assert (await bob_socket.connect(timeout=TIMEOUT))[0]
        seen["alice sees bob"] = names(await next_of(alice_socket, "presence"))
        seen["bob sees both"] = names(await next_of(bob_socket, "presence"))

        await bob_socket.send_json_to({"type": "editing", "editing": True})
        seen["alice sees bob editing"] = names(await next_of(alice_socket, "presence"))
        seen["sessions while both are here"] = await sync_to_async(
            lambda: sorted(WorkSession.objects.filter(ended_at__isnull=True).values_list("user__username", flat=True))
        )()

        await bob_socket.disconnect()
        seen["alice after bob left"] = names(await next_of(alice_socket, "presence"))
        await alice_socket.disconnect()
        return seen

    seen = async_to_sync(scenario)()

    assert seen == {
        "alice alone": [("Alice Archer", False)],
        "alice sees bob": [("Alice Archer", False), ("Bob Baker", False)],
        "bob sees both": [("Alice Archer", False), ("Bob Baker", False)],
        "alice sees bob editing": [("Alice Archer", False), ("Bob Baker", True)],
        "sessions while both are here": ["alice", "bob"],
        "alice after bob left": [("Alice Archer", False)],
    }
    assert not TicketPresence.objects.exists()
    assert not WorkSession.objects.filter(ended_at__isnull=True).exists()


@pytest.mark.spec("D11")
def test_a_page_whose_heartbeat_stopped_is_dropped_for_the_others(ticket, alice, bob, settings, clock):
    settings.HELPDESK_PRESENCE_EXPIRY = 45

    async def scenario():
        alice_socket = socket(f"/ws/tickets/{ticket.pk}/", alice)
        await alice_socket.connect(timeout=TIMEOUT)
        await next_of(alice_socket, "presence")
        bob_socket = socket(f"/ws/tickets/{ticket.pk}/", bob)
        await bob_socket.connect(timeout=TIMEOUT)
        await next_of(alice_socket, "presence")
        # Bob's browser is killed without a close: his row stays until its heartbeat is overdue.
        clock.advance(seconds=46)
        await alice_socket.send_json_to({"type": "heartbeat", "editing": False})
        after = names(await next_of(alice_socket, "presence"))
        await alice_socket.disconnect()
        await bob_socket.disconnect()
        return after

    assert async_to_sync(scenario)() == [("Alice Archer", False)]


@pytest.mark.spec("X1")
def test_the_page_hears_of_someone_elses_change_and_the_list_of_any_change(ticket, alice, bob):
    async def scenario():
        page = socket(f"/ws/tickets/{ticket.pk}/", alice)
        await page.connect(timeout=TIMEOUT)
        listing = socket("/ws/tickets/", alice)
        assert (await listing.connect(timeout=TIMEOUT))[0]
        await sync_to_async(actions.update_ticket)(ticket, bob, version=ticket.version, priority=Priority.HIGH)
        change = await next_of(page, "change")
        listed = await next_of(listing, "change")
        await page.disconnect()
        await listing.disconnect()
        return change, listed

    change, listed = async_to_sync(scenario)()

    assert (change["ticket"], change["actor"], change["fields"]) == (ticket.pk, bob.pk, ["priority"])
    assert listed == {"type": "change", "ticket": ticket.pk, "version": change["version"], "actor": bob.pk}


@pytest.mark.spec("X1")
def test_the_list_socket_needs_a_signed_in_person(db):
    async def scenario():
        communicator = socket("/ws/tickets/")
        result = await communicator.connect(timeout=TIMEOUT)
        await communicator.disconnect()
        return result

    assert async_to_sync(scenario)() == (False, 4403)


@pytest.mark.spec("D11")
def test_presence_rows_are_keyed_by_connection(ticket, alice):
    presence.join(ticket.pk, alice, "one")
    presence.join(ticket.pk, alice, "one")
    assert TicketPresence.objects.count() == 1
