"""Assigning tickets, and the total unassigned time the list filters on (SPEC R2, L1, L4)."""

import pytest

from tickets import actions
from tickets.models import Ticket, TicketEvent

from ..factories import make_ticket

pytestmark = pytest.mark.django_db


def reload(ticket):
    return Ticket.objects.get(pk=ticket.pk)


@pytest.mark.spec("R2", "X1", "D7")
def test_any_agent_may_assign_a_ticket_to_an_agent_and_a_team(alice, carol, support_team, published_events):
    ticket = make_ticket(alice)

    with published_events as events:
        actions.assign(ticket, carol, agent=alice, team=support_team)

    saved = reload(ticket)
    assert (saved.assignee, saved.team, saved.version) == (alice, support_team, 2)
    event = saved.events.first()
    assert (event.kind, event.actor) == (TicketEvent.Kind.ASSIGNED, carol)
    assert event.changes == {"assignee": [None, "Alice Archer"], "team": [None, "Support"]}
    assert [(e["kind"], e["fields"]) for e in events] == [("assigned", ["assignee", "team"])]


@pytest.mark.spec("R2")
def test_reassigning_only_the_agent_keeps_the_team(alice, bob, support_team):
    ticket = make_ticket(alice, assignee=alice, team=support_team)

    actions.assign(ticket, bob, agent=bob)

    saved = reload(ticket)
    assert (saved.assignee, saved.team) == (bob, support_team)
    assert saved.events.first().changes == {"assignee": ["Alice Archer", "Bob Baker"]}


@pytest.mark.spec("R2", "L1")
def test_unassigning_removes_both_agent_and_team(alice, support_team):
    ticket = make_ticket(alice, assignee=alice, team=support_team)

    actions.unassign(ticket, alice)

    saved = reload(ticket)
    assert (saved.assignee, saved.team) == (None, None)
    assert saved.events.first().changes == {"assignee": ["Alice Archer", None], "team": ["Support", None]}


@pytest.mark.spec("X1")
def test_assigning_to_the_current_assignee_writes_nothing(alice):
    ticket = make_ticket(alice, assignee=alice)

    actions.assign(ticket, alice, agent=alice)

    assert reload(ticket).version == 1
    assert ticket.events.count() == 1


@pytest.mark.spec("L4", "L1")
def test_unassigned_time_adds_up_across_stretches_without_an_agent_or_team(alice, bob, clock):
    ticket = make_ticket(alice)  # unassigned from the start
    clock.advance(minutes=10)
    actions.assign(ticket, alice, agent=bob)  # 10 minutes unassigned

    saved = reload(ticket)
    assert (saved.unassigned_seconds, saved.unassigned_since) == (600, None)

    clock.advance(hours=5)  # assigned time does not count
    actions.unassign(ticket, alice)
    assert reload(ticket).unassigned_since == clock.now

    clock.advance(minutes=20)
    actions.assign(ticket, alice, agent=alice)  # another 20 minutes

    saved = reload(ticket)
    assert (saved.unassigned_seconds, saved.unassigned_since) == (30 * 60, None)


@pytest.mark.spec("L4", "L1")
def test_a_ticket_assigned_only_to_a_team_counts_as_assigned(alice, support_team, clock):
    ticket = make_ticket(alice)
    clock.advance(minutes=5)

    actions.assign(ticket, alice, team=support_team)
    clock.advance(hours=1)
    actions.assign(ticket, alice, agent=alice)  # still assigned: no stretch closes or opens
    clock.advance(hours=1)
    actions.assign(ticket, alice, agent=None)  # the team still holds it

    saved = reload(ticket)
    assert saved.unassigned_seconds == 300
    assert saved.unassigned_since is None


@pytest.mark.spec("L4")
def test_changes_that_are_not_assignments_do_not_touch_the_unassigned_clock(alice, clock):
    started = clock.now
    ticket = make_ticket(alice)
    clock.advance(hours=1)

    actions.update_ticket(ticket, alice, version=1, title="Renamed")

    saved = reload(ticket)
    assert (saved.unassigned_seconds, saved.unassigned_since) == (0, started)
