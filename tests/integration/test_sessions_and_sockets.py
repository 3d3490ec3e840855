"""Sessions end, and their sockets with them; sockets open only from this site's own pages (SPEC B9, X1).

The sockets run through the whole ASGI application (origin check, session, consumers) on the
suite's channel layer: the in-memory one, or Redis on the production stack.
"""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from configurations.models import Priority
from tickets import actions
from tickets_site.websocket import same_origin

from ..factories import make_ticket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.spec("B9")]
TIMEOUT = 5


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client, f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


def socket(path, cookie, origin=b"http://localhost", host=b"localhost"):
    from tickets_site.asgi import application

    return WebsocketCommunicator(application, path, headers=[(b"origin", origin), (b"host", host), (b"cookie", cookie)])


async def next_change_or_close(communicator):
    while True:
        message = await communicator.receive_output(timeout=TIMEOUT)
        if message["type"] == "websocket.close":
            return "closed", message.get("code")
        if message["type"] == "websocket.send" and '"change"' in message.get("text", ""):
            return "change", None


@pytest.mark.spec("X1", "D11")
def test_signing_out_closes_the_sessions_open_sockets_at_once(alice, bob):
    ticket = make_ticket(alice)
    client, cookie = signed_in(alice)

    async def scenario():
        page = socket(f"/ws/tickets/{ticket.pk}/", cookie)
        assert (await page.connect(timeout=TIMEOUT))[0]
        await sync_to_async(client.post)(reverse("logout"))
        while True:  # the presence it was sent on joining comes first
            message = await page.receive_output(timeout=TIMEOUT)
            if message["type"] == "websocket.close":
                await page.disconnect()
                return message["code"]

    assert async_to_sync(scenario)() == 4403


@pytest.mark.spec("X1")
def test_a_socket_whose_session_ended_relays_nothing_more(alice, bob, settings):
    settings.HELPDESK_SOCKET_RECHECK_SECONDS = 0
    ticket = make_ticket(alice)
    _, cookie = signed_in(alice)

    async def scenario():
        listing = socket("/ws/tickets/", cookie)
        assert (await listing.connect(timeout=TIMEOUT))[0]
        await sync_to_async(actions.update_ticket)(ticket, bob, version=1, priority=Priority.HIGH)
        before = await next_change_or_close(listing)
        await sync_to_async(Session.objects.all().delete)()  # expired, or flushed by another process
        await sync_to_async(actions.update_ticket)(ticket, bob, version=2, priority=Priority.LOW)
        after = await next_change_or_close(listing)
        await listing.disconnect()
        return before, after

    assert async_to_sync(scenario)() == (("change", None), ("closed", 4403))


@pytest.mark.spec("X1")
def test_a_socket_from_another_port_of_the_same_host_is_refused(alice):
    _, cookie = signed_in(alice)

    async def scenario():
        foreign = socket("/ws/tickets/", cookie, origin=b"http://localhost:8081", host=b"localhost:8000")
        own = socket("/ws/tickets/", cookie, origin=b"http://localhost:8000", host=b"localhost:8000")
        results = [(await foreign.connect(timeout=TIMEOUT))[0], (await own.connect(timeout=TIMEOUT))[0]]
        await foreign.disconnect()
        await own.disconnect()
        return results

    assert async_to_sync(scenario)() == [False, True]


@pytest.mark.parametrize(
    ("origin", "host", "same"),
    [
        ("https://help.example.com", "help.example.com", True),
        ("https://help.example.com", "help.example.com:443", True),
        ("http://help.example.com:8000", "help.example.com:8000", True),
        ("http://help.example.com:8081", "help.example.com:8000", False),
        ("https://help.example.com", "help.example.com:8443", False),
        ("https://evil.example.net", "help.example.com", False),
        ("", "help.example.com", False),
        ("null", "help.example.com", False),
    ],
)
def test_the_origin_must_be_the_host_and_port_the_socket_was_opened_to(origin, host, same, settings):
    settings.ALLOWED_HOSTS = ["help.example.com"]
    settings.CSRF_TRUSTED_ORIGINS = []
    assert same_origin(origin, host) is same


def test_a_trusted_origin_is_accepted_whatever_the_host(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://agents.example.com"]
    assert same_origin("https://agents.example.com", "internal:8000")


@pytest.mark.spec("R1")
def test_a_session_ends_after_its_idle_time_and_after_its_longest_life(alice, clock, settings):
    settings.HELPDESK_SESSION_IDLE_MINUTES, settings.HELPDESK_SESSION_MAX_HOURS = 120, 12
    list_url = reverse("tickets:ticket_list")
    client, _ = signed_in(alice)

    clock.advance(minutes=119)
    assert client.get(list_url).status_code == 200  # used within the idle time: still signed in
    clock.advance(minutes=121)
    assert client.get(list_url)["Location"].startswith(reverse("login"))

    busy, _ = signed_in(alice)
    for _ in range(12):
        clock.advance(minutes=61)
        response = busy.get(list_url)
    assert response.status_code == 302  # used all day, but a shift is over after 12 hours
