"""Presence and live changes across two server processes behind one Redis (SPEC D11, X1).

Alice's browser talks to one daphne process, Bob's to another, as behind a load balancer; the
channels-redis layer carries presence and changes between them. Runs where REDIS_URL is set.
"""

import asyncio
import json

import pytest
import websockets
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.test import Client

from configurations.models import Priority
from tickets import actions
from tickets.models import TicketPresence

from ..asgi_server import database_url, start_daphne, stop
from ..factories import make_ticket

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

TIMEOUT = 5


@pytest.fixture
def two_servers(tmp_path):
    servers = [start_daphne(database_url(), tmp_path / f"daphne-{n}.log") for n in (1, 2)]
    yield [url for url, _ in servers]
    for _, process in servers:
        stop(process)


def cookie(user):
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def connect(base, path, user_cookie):
    return await websockets.connect(
        base.replace("http://", "ws://") + path,
        additional_headers=[("Cookie", user_cookie), ("Origin", base)],
        open_timeout=TIMEOUT,
    )


async def next_of(connection, kind):
    while True:
        message = json.loads(await asyncio.wait_for(connection.recv(), TIMEOUT))
        if message.get("type") == kind:
            return message


def names(message):
    return [(person["name"], person["editing"]) for person in message["people"]]


@pytest.mark.spec("D11", "X1")
def test_agents_on_two_server_processes_see_each_other_and_each_others_changes(two_servers, alice, bob):
    ticket = make_ticket(alice, title="Printer on fire")
    first, second = two_servers
    alice_cookie, bob_cookie = cookie(alice), cookie(bob)
    path = f"/ws/tickets/{ticket.pk}/"

    async def scenario():
        seen = {}
        alice_socket = await connect(first, path, alice_cookie)
        seen["alice alone"] = names(await next_of(alice_socket, "presence"))
        bob_socket = await connect(second, path, bob_cookie)
        seen["alice sees bob"] = names(await next_of(alice_socket, "presence"))
        seen["bob sees alice"] = names(await next_of(bob_socket, "presence"))

        await bob_socket.send(json.dumps({"type": "editing", "editing": True}))
        seen["alice sees bob editing"] = names(await next_of(alice_socket, "presence"))

        await sync_to_async(actions.update_ticket)(ticket, alice, version=ticket.version, priority=Priority.HIGH)
        change = await next_of(bob_socket, "change")
        seen["bob hears of alice's change"] = (change["actor_name"], change["labels"])

        await bob_socket.close()
        seen["alice after bob left"] = names(await next_of(alice_socket, "presence"))
        await alice_socket.close()
        return seen

    seen = async_to_sync(scenario)()

    assert seen == {
        "alice alone": [("Alice Archer", False)],
        "alice sees bob": [("Alice Archer", False), ("Bob Baker", False)],
        "bob sees alice": [("Alice Archer", False), ("Bob Baker", False)],
        "alice sees bob editing": [("Alice Archer", False), ("Bob Baker", True)],
        "bob hears of alice's change": ("Alice Archer", ["Priority"]),
        "alice after bob left": [("Alice Archer", False)],
    }


@pytest.mark.spec("D11")
def test_a_socket_without_a_session_is_refused_by_either_process(two_servers, alice):
    ticket = make_ticket(alice, title="Printer on fire")

    async def scenario():
        refused = []
        for base in two_servers:
            try:
                connection = await connect(base, f"/ws/tickets/{ticket.pk}/", "sessionid=forged")
                await asyncio.wait_for(connection.recv(), TIMEOUT)
            except websockets.ConnectionClosed as closed:
                refused.append(closed.rcvd.code if closed.rcvd else None)
            except websockets.InvalidStatus as invalid:
                refused.append(invalid.response.status_code)
        return refused

    assert async_to_sync(scenario)() == [403, 403]  # refused before the handshake completes
    assert not TicketPresence.objects.exists()
