"""Presence on a ticket (SPEC D11) and time spent (SPEC D12): the rules, then the WebSocket consumer."""


import pytest
from django.conf import settings

from tickets import presence
from tickets.models import Ticket, TicketPresence, WorkSession
from tickets.tasks import expire_presence

from ..factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(alice):
    return make_ticket(alice, title="Printer on fire")


def beat(tab, editing=False, was_editing=False):
    """The heartbeat of the page whose channel is `tab`, as its consumer sends it."""
    row = TicketPresence.objects.get(channel_name=tab)
    return presence.heartbeat(row.ticket_id, row.user_id, tab, editing, was_editing=was_editing)


def stay(clock, minutes, *tabs):
    """Let time pass while the pages in `tabs` stay open and heartbeat every 15 seconds."""
    for _ in range(int(minutes * 4)):
        clock.advance(seconds=15)
        for tab in tabs:
            beat(tab)


def people(snapshot):
    return [(person["name"], person["editing"]) for person in snapshot]


@pytest.mark.spec("D11")
def test_people_are_listed_once_each_in_the_order_they_came(ticket, alice, bob, clock):
    presence.join(ticket.pk, alice, "alice-tab-1")
    clock.advance(seconds=5)
    presence.join(ticket.pk, bob, "bob-tab")
    snapshot = presence.join(ticket.pk, alice, "alice-tab-2")

    assert people(snapshot) == [("Alice Archer", False), ("Bob Baker", False)]
    assert snapshot[0] | {"id": None} == {"id": None, "name": "Alice Archer", "initials": "AA",
                                          "colour": alice.pk % 10, "editing": False}


@pytest.mark.spec("D11")
def test_a_person_is_editing_when_any_of_their_pages_is(ticket, alice, bob, clock):
    presence.join(ticket.pk, alice, "alice-tab-1")
    presence.join(ticket.pk, alice, "alice-tab-2")
    presence.join(ticket.pk, bob, "bob-tab")

    _, snapshot = beat("alice-tab-2", editing=True)
    assert people(snapshot) == [("Alice Archer", True), ("Bob Baker", False)]

    assert beat("alice-tab-2", editing=True, was_editing=True) == (True, None)  # nothing anyone sees moved

    _, snapshot = beat("alice-tab-2", editing=False, was_editing=True)
    assert people(snapshot) == [("Alice Archer", False), ("Bob Baker", False)]


@pytest.mark.spec("D11")
def test_closing_one_of_two_tabs_keeps_the_person_closing_both_removes_them(ticket, alice, bob):
    presence.join(ticket.pk, alice, "alice-tab-1")
    presence.join(ticket.pk, alice, "alice-tab-2")
    presence.join(ticket.pk, bob, "bob-tab")

    _, snapshot = presence.leave("alice-tab-1")
    assert people(snapshot) == [("Alice Archer", False), ("Bob Baker", False)]
    _, snapshot = presence.leave("alice-tab-2")
    assert people(snapshot) == [("Bob Baker", False)]


@pytest.mark.spec("D11")
def test_a_page_that_stopped_heartbeating_drops_out_after_the_expiry(ticket, alice, bob, clock):
    presence.join(ticket.pk, alice, "alice-tab")  # this browser is killed
    presence.join(ticket.pk, bob, "bob-tab")

    clock.advance(seconds=settings.HELPDESK_PRESENCE_EXPIRY - 5)
    assert beat("bob-tab") == (True, None)

    clock.advance(seconds=10)
    _, snapshot = beat("bob-tab")
    assert people(snapshot) == [("Bob Baker", False)]
    assert not TicketPresence.objects.filter(channel_name="alice-tab").exists()
    assert presence.heartbeat(ticket.pk, alice.pk, "alice-tab", False) == (False, None)  # must join again


@pytest.mark.spec("D12")
def test_a_work_session_runs_from_the_first_page_to_the_last(ticket, alice, clock):
    presence.join(ticket.pk, alice, "tab-1")
    stay(clock, 5, "tab-1")
    presence.join(ticket.pk, alice, "tab-2")
    stay(clock, 5, "tab-1", "tab-2")
    presence.leave("tab-1")
    stay(clock, 5, "tab-2")
    presence.leave("tab-2")

    [session] = WorkSession.objects.filter(ticket=ticket, user=alice)
    assert session.seconds == 15 * 60
    assert Ticket.objects.get(pk=ticket.pk).time_spent_seconds == 15 * 60


@pytest.mark.spec("D12")
def test_a_session_cut_by_a_crash_is_closed_at_its_last_heartbeat(ticket, alice, clock):
    presence.join(ticket.pk, alice, "tab")
    stay(clock, 4, "tab")
    clock.advance(hours=2)  # the server died; nobody closed anything

    total, _ = presence.time_spent(ticket)
    assert total == 4 * 60  # never counted as running
    expire_presence.apply()

    [session] = WorkSession.objects.filter(ticket=ticket)
    assert session.ended_at == session.last_seen_at
    assert Ticket.objects.get(pk=ticket.pk).time_spent_seconds == 4 * 60
    assert not TicketPresence.objects.exists()
    expire_presence.apply()
    assert Ticket.objects.get(pk=ticket.pk).time_spent_seconds == 4 * 60  # closed once


@pytest.mark.spec("D12")
def test_time_spent_per_agent_includes_running_sessions(ticket, alice, bob, clock):
    presence.join(ticket.pk, alice, "alice")
    stay(clock, 10, "alice")
    presence.leave("alice")
    presence.join(ticket.pk, bob, "bob")
    stay(clock, 3, "bob")

    total, agents = presence.time_spent(ticket)

    assert total == 13 * 60
    assert [(user.username, seconds) for user, seconds in agents] == [("alice", 600), ("bob", 180)]


@pytest.mark.spec("D12")
def test_time_spent_changes_no_version_and_no_history(ticket, alice, clock):
    version, events = ticket.version, ticket.events.count()
    presence.join(ticket.pk, alice, "tab")
    clock.advance(minutes=1)
    presence.leave("tab")
    ticket.refresh_from_db()
    assert (ticket.version, ticket.events.count()) == (version, events)


@pytest.mark.spec("D12", "L4")
def test_the_list_filters_on_time_spent(alice_client, alice):
    from .test_ticket_list import LIST, listed

    short = make_ticket(alice, title="short")
    long = make_ticket(alice, title="long")
    Ticket.objects.filter(pk=short.pk).update(time_spent_seconds=10 * 60)
    Ticket.objects.filter(pk=long.pk).update(time_spent_seconds=3 * 3600)

    def titles(**params):
        return set(listed(alice_client.get(LIST, {"tab": "all", **params})))

    assert titles(spent_min="1") == {"long"}
    assert titles(spent_max="0.5") == {"short"}
    assert titles(spent_min="0.1", spent_max="4") == {"short", "long"}
