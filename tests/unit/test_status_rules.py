"""Statuses, sub-statuses, category rules and the re-open date (SPEC T2, T3, T7, T9)."""

import datetime as dt

import pytest

from configurations.models import Status
from tickets import actions, tasks
from tickets.actions import TicketRuleError
from tickets.models import Ticket, TicketEvent

from ..factories import CategoryFactory, SubStatusFactory, make_ticket

pytestmark = pytest.mark.django_db


def reload(ticket):
    return Ticket.objects.get(pk=ticket.pk)


@pytest.mark.spec("T2")
@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.SUBMITTED, Status.PENDING),  # forward
        (Status.SUBMITTED, Status.RESOLVED),  # skipping
        (Status.RESOLVED, Status.SUBMITTED),  # backward, all the way
        (Status.ONGOING, Status.PENDING),  # one step back
    ],
)
def test_a_ticket_may_move_forward_backward_or_skip_statuses(alice, start, target):
    ticket = make_ticket(alice, status=start)

    actions.change_status(ticket, alice, target)

    assert reload(ticket).status == target
    event = ticket.events.first()
    assert event.kind == TicketEvent.Kind.STATUS_CHANGED
    assert event.changes["status"] == [start.label, target.label]


@pytest.mark.spec("T2", "X1")
def test_a_status_change_writes_one_event_and_publishes_it(alice, published_events):
    ticket = make_ticket(alice)

    with published_events as events:
        actions.change_status(ticket, alice, Status.ONGOING)

    assert ticket.events.count() == 2
    assert [(event["kind"], event["version"], event["fields"]) for event in events] == [
        ("status_changed", 2, ["status"])
    ]


@pytest.mark.spec("X2")
def test_an_unknown_status_is_refused_with_a_clear_message(alice):
    ticket = make_ticket(alice)
    with pytest.raises(TicketRuleError, match="“closed” is not a status"):
        actions.change_status(ticket, alice, "closed")
    assert reload(ticket).status == Status.SUBMITTED


@pytest.mark.spec("T3", "D1")
def test_the_first_time_each_status_is_reached_is_recorded_once_and_kept(alice, clock):
    created = clock.now
    ticket = make_ticket(alice)

    first_ongoing = clock.advance(hours=1)
    actions.change_status(ticket, alice, Status.ONGOING)
    first_pending = clock.advance(hours=1)
    actions.change_status(ticket, alice, Status.PENDING)
    clock.advance(hours=1)
    actions.change_status(ticket, alice, Status.ONGOING)
    clock.advance(hours=1)
    actions.change_status(ticket, alice, Status.SUBMITTED)

    saved = reload(ticket)
    assert saved.submitted_reached_at == created
    assert saved.ongoing_reached_at == first_ongoing
    assert saved.pending_reached_at == first_pending
    assert saved.resolved_reached_at is None


@pytest.mark.spec("T3", "L4")
def test_resolving_sets_the_resolution_time_and_time_to_complete_and_reopening_clears_them(alice, clock):
    ticket = make_ticket(alice)
    resolved = clock.advance(hours=2, minutes=30)

    actions.change_status(ticket, alice, Status.RESOLVED)

    saved = reload(ticket)
    assert saved.resolved_at == resolved
    assert saved.resolved_reached_at == resolved
    assert saved.completion_seconds == 2 * 3600 + 30 * 60

    clock.advance(hours=1)
    actions.change_status(ticket, alice, Status.ONGOING)

    saved = reload(ticket)
    assert saved.resolved_at is None
    assert saved.completion_seconds is None
    assert saved.resolved_reached_at == resolved  # T3: the first time is kept

    second = clock.advance(hours=1)
    actions.change_status(ticket, alice, Status.RESOLVED)
    saved = reload(ticket)
    assert saved.resolved_at == second
    assert saved.completion_seconds == 4 * 3600 + 30 * 60
    assert saved.resolved_reached_at == resolved


@pytest.mark.spec("T2", "D4")
def test_choosing_a_sub_status_of_another_status_moves_the_status_along(alice):
    waiting = SubStatusFactory(status=Status.PENDING, name="Waiting for customer")
    ticket = make_ticket(alice)

    actions.change_sub_status(ticket, alice, waiting)

    saved = reload(ticket)
    assert (saved.status, saved.sub_status) == (Status.PENDING, waiting)
    event = ticket.events.first()
    assert event.kind == TicketEvent.Kind.STATUS_CHANGED
    assert event.changes == {
        "status": ["Submitted", "Pending"],
        "sub_status": [None, "Pending · Waiting for customer"],
    }


@pytest.mark.spec("D4")
def test_a_sub_status_can_be_chosen_by_id_and_cleared(alice):
    working = SubStatusFactory(status=Status.ONGOING, name="Investigating")
    ticket = make_ticket(alice, status=Status.ONGOING)

    actions.change_sub_status(ticket, alice, working.pk)
    assert reload(ticket).sub_status == working

    actions.change_sub_status(ticket, alice, None)
    assert reload(ticket).sub_status is None
    assert reload(ticket).status == Status.ONGOING


@pytest.mark.spec("T2")
def test_moving_to_another_status_drops_the_sub_status_of_the_old_one(alice):
    working = SubStatusFactory(status=Status.ONGOING, name="Investigating")
    ticket = make_ticket(alice, status=Status.ONGOING, sub_status=working)

    actions.change_status(ticket, alice, Status.PENDING)

    saved = reload(ticket)
    assert (saved.status, saved.sub_status) == (Status.PENDING, None)
    assert ticket.events.first().changes["sub_status"] == ["Ongoing · Investigating", None]


@pytest.mark.spec("T2", "X2")
def test_a_sub_status_that_belongs_to_another_status_is_refused_on_the_form(alice):
    waiting = SubStatusFactory(status=Status.PENDING, name="Waiting for customer")
    ticket = make_ticket(alice)

    with pytest.raises(TicketRuleError) as refused:
        actions.update_ticket(ticket, alice, version=1, status=Status.ONGOING, sub_status=waiting)

    assert refused.value.message == "The sub-status “Waiting for customer” belongs to Pending, not Ongoing."
    assert refused.value.field == "sub_status"
    saved = reload(ticket)
    assert (saved.status, saved.sub_status, saved.version) == (Status.SUBMITTED, None, 1)


@pytest.mark.spec("T7", "X2")
def test_a_category_that_requires_a_sub_status_refuses_resolving_without_one(alice):
    category = CategoryFactory(name="Refunds", require_substatus_to_resolve=True)
    ticket = make_ticket(alice, category=category, status=Status.ONGOING)

    with pytest.raises(TicketRuleError) as refused:
        actions.change_status(ticket, alice, Status.RESOLVED)

    assert refused.value.message == "The category “Refunds” needs a sub-status before the ticket can be resolved."
    assert refused.value.field == "sub_status"
    saved = reload(ticket)
    assert (saved.status, saved.version, saved.resolved_at) == (Status.ONGOING, 1, None)
    assert ticket.events.count() == 1


@pytest.mark.spec("T7")
def test_a_category_that_requires_a_sub_status_accepts_resolving_with_one(alice):
    category = CategoryFactory(require_substatus_to_resolve=True)
    refunded = SubStatusFactory(status=Status.RESOLVED, name="Refunded")
    ticket = make_ticket(alice, category=category, status=Status.ONGOING)

    actions.change_status(ticket, alice, Status.RESOLVED, sub_status=refunded)
    assert (reload(ticket).status, reload(ticket).sub_status) == (Status.RESOLVED, refunded)


@pytest.mark.spec("T7")
def test_moving_a_resolved_ticket_into_a_category_that_requires_a_sub_status_is_refused(alice):
    strict = CategoryFactory(name="Refunds", require_substatus_to_resolve=True)
    ticket = make_ticket(alice, status=Status.RESOLVED)

    with pytest.raises(TicketRuleError, match="needs a sub-status"):
        actions.update_ticket(ticket, alice, version=1, category=strict)
    assert reload(ticket).category is None


@pytest.mark.spec("T7", "T9", "X2")
def test_a_category_that_requires_a_re_open_date_refuses_pending_without_one(alice, clock):
    category = CategoryFactory(name="Callbacks", require_reopen_date_for_pending=True)
    ticket = make_ticket(alice, category=category)

    with pytest.raises(TicketRuleError) as refused:
        actions.change_status(ticket, alice, Status.PENDING)
    assert refused.value.message == (
        "The category “Callbacks” needs a re-open date before the ticket can be set to Pending."
    )
    assert refused.value.field == "reopen_at"
    assert reload(ticket).status == Status.SUBMITTED

    tomorrow = clock.now + dt.timedelta(days=1)
    actions.change_status(ticket, alice, Status.PENDING, reopen_at=tomorrow)
    saved = reload(ticket)
    assert (saved.status, saved.reopen_at) == (Status.PENDING, tomorrow)


@pytest.mark.spec("T9", "X2")
def test_a_re_open_date_is_refused_on_a_ticket_that_is_not_pending_or_resolved(alice, clock):
    ticket = make_ticket(alice, status=Status.ONGOING)

    with pytest.raises(TicketRuleError, match="A re-open date can only be set on Pending or Resolved tickets."):
        actions.update_ticket(ticket, alice, version=1, reopen_at=clock.now + dt.timedelta(days=1))
    assert reload(ticket).reopen_at is None


@pytest.mark.spec("T9")
def test_moving_to_ongoing_clears_the_re_open_date(alice, clock):
    ticket = make_ticket(alice)
    actions.change_status(ticket, alice, Status.PENDING, reopen_at=clock.now + dt.timedelta(days=1))

    actions.change_status(ticket, alice, Status.ONGOING)

    assert reload(ticket).reopen_at is None
    assert ticket.events.first().changes["reopen_at"] == ["2024-06-04 09:00", None]


@pytest.mark.spec("T9", "X1")
def test_a_due_pending_ticket_returns_to_ongoing_by_itself_and_the_history_says_so(alice, clock, published_events):
    ticket = make_ticket(alice)
    actions.change_status(ticket, alice, Status.PENDING, reopen_at=clock.now + dt.timedelta(hours=2))
    clock.advance(hours=2)

    with published_events as events:
        actions.reopen_when_due(ticket.pk)

    saved = reload(ticket)
    assert (saved.status, saved.reopen_at) == (Status.ONGOING, None)
    assert saved.ongoing_reached_at == clock.now
    event = saved.events.first()
    assert event.kind == TicketEvent.Kind.REOPENED
    assert event.actor is None
    assert event.actor_name == "System"
    assert event.changes["status"] == ["Pending", "Ongoing"]
    assert event.changes["reopen_at"] == ["2024-06-03 11:00", None]
    assert event.changes["reopened"] == [None, "2024-06-03 11:00"]
    assert [(e["kind"], e["actor"]) for e in events] == [("reopened", None)]


@pytest.mark.spec("T9")
def test_a_due_resolved_ticket_returns_to_ongoing_and_is_no_longer_resolved(alice, clock):
    ticket = make_ticket(alice)
    actions.change_status(ticket, alice, Status.RESOLVED, reopen_at=clock.now + dt.timedelta(days=7))
    clock.advance(days=8)

    actions.reopen_when_due(ticket)

    saved = reload(ticket)
    assert (saved.status, saved.resolved_at, saved.completion_seconds) == (Status.ONGOING, None, None)


@pytest.mark.spec("T9")
def test_a_pending_ticket_that_is_not_yet_due_is_left_alone(alice, clock):
    ticket = make_ticket(alice)
    reopen_at = clock.now + dt.timedelta(hours=2)
    actions.change_status(ticket, alice, Status.PENDING, reopen_at=reopen_at)
    clock.advance(hours=1, minutes=59)

    actions.reopen_when_due(ticket)

    saved = reload(ticket)
    assert (saved.status, saved.reopen_at, saved.version) == (Status.PENDING, reopen_at, 2)
    assert not saved.events.filter(kind=TicketEvent.Kind.REOPENED).exists()


@pytest.mark.spec("T9")
def test_reopening_a_due_ticket_twice_changes_it_only_once(alice, clock):
    ticket = make_ticket(alice)
    actions.change_status(ticket, alice, Status.PENDING, reopen_at=clock.now + dt.timedelta(hours=2))
    clock.advance(hours=3)

    actions.reopen_when_due(ticket)
    actions.reopen_when_due(ticket)

    saved = reload(ticket)
    assert saved.status == Status.ONGOING
    assert saved.version == 3
    assert saved.events.filter(kind=TicketEvent.Kind.REOPENED).count() == 1


@pytest.mark.spec("T9")
def test_the_periodic_task_reopens_exactly_the_due_tickets(alice, clock):
    due = make_ticket(alice, title="Call back today")
    later = make_ticket(alice, title="Call back next week")
    untouched = make_ticket(alice, title="No date")
    actions.change_status(due, alice, Status.PENDING, reopen_at=clock.now + dt.timedelta(hours=1))
    actions.change_status(later, alice, Status.PENDING, reopen_at=clock.now + dt.timedelta(days=7))
    actions.change_status(untouched, alice, Status.PENDING)
    clock.advance(hours=1)

    assert tasks.reopen_due_tickets() == 1
    assert tasks.reopen_due_tickets() == 0  # safe to run twice

    assert reload(due).status == Status.ONGOING
    assert reload(later).status == Status.PENDING
    assert reload(untouched).status == Status.PENDING
    assert due.events.filter(kind=TicketEvent.Kind.REOPENED).count() == 1


@pytest.mark.spec("T9", "T4")
def test_the_periodic_task_leaves_archived_tickets_alone(alice, clock):
    ticket = make_ticket(alice)
    actions.change_status(ticket, alice, Status.PENDING, reopen_at=clock.now + dt.timedelta(hours=1))
    actions.archive(ticket, alice)
    clock.advance(hours=2)

    assert tasks.reopen_due_tickets() == 0
    assert reload(ticket).status == Status.PENDING


@pytest.mark.spec("T7", "X2")
def test_a_ticket_cannot_be_created_pending_without_the_re_open_date_its_category_requires(alice):
    category = CategoryFactory(name="Callbacks", require_reopen_date_for_pending=True)

    with pytest.raises(TicketRuleError, match="needs a re-open date"):
        make_ticket(alice, category=category, status=Status.PENDING)

    assert not Ticket.objects.exists()
