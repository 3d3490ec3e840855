"""Creating a ticket: the row, its first history event, its live event and its derived columns."""

import datetime as dt

import pytest

from configurations.models import Priority, Status
from tickets import actions
from tickets.actions import TicketRuleError
from tickets.models import Ticket, TicketEvent

from ..factories import CategoryFactory, CustomFieldFactory, SLAPolicyFactory, TagFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.spec("T1", "X1")
def test_creating_a_ticket_saves_it_with_one_created_event_and_one_live_event(alice, published_events):
    with published_events as events:
        ticket = actions.create_ticket(alice, title="  Printer on fire  ", description="Smoke everywhere")

    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.title == "Printer on fire"
    assert saved.description == "Smoke everywhere"
    assert saved.status == Status.SUBMITTED
    assert saved.priority == Priority.NORMAL
    assert saved.created_by == alice
    assert saved.reference == f"T-{saved.pk:06d}"
    assert saved.version == 1

    history = list(TicketEvent.objects.filter(ticket=saved))
    assert len(history) == 1
    created = history[0]
    assert created.kind == TicketEvent.Kind.CREATED
    assert created.actor == alice
    assert created.version == 1
    assert created.changes["title"] == [None, "Printer on fire"]
    assert created.changes["status"] == [None, "Submitted"]

    assert events == [
        {
            "ticket": saved.pk,
            "version": 1,
            "kind": "created",
            "fields": sorted(created.changes),
            "actor": alice.pk,
            "actor_name": "Alice Archer",
            "labels": ["Title", "Status", "Description"],
            "event": created.pk,
        }
    ]


@pytest.mark.spec("T1")
def test_the_created_event_lists_the_fields_given_as_display_values(alice, bob, support_team):
    kind = TicketTypeFactory(name="Internal")
    ticket = actions.create_ticket(
        alice, title="Refund", priority=Priority.HIGH, assignee=bob, team=support_team, ticket_type=kind
    )

    changes = ticket.events.get().changes
    assert changes["priority"] == [None, "High"]
    assert changes["assignee"] == [None, "Bob Baker"]
    assert changes["team"] == [None, "Support"]
    assert changes["ticket_type"] == [None, "Internal"]


@pytest.mark.spec("T3")
def test_a_new_ticket_records_when_it_reached_submitted(alice):
    before = dt.datetime.now(dt.UTC)
    ticket = actions.create_ticket(alice, title="Printer on fire")

    assert ticket.submitted_reached_at is not None
    assert ticket.submitted_reached_at >= before - dt.timedelta(seconds=1)
    assert ticket.submitted_reached_at == ticket.created_at
    assert ticket.pending_reached_at is None
    assert ticket.ongoing_reached_at is None
    assert ticket.resolved_reached_at is None
    assert ticket.resolved_at is None


@pytest.mark.spec("T3")
def test_a_ticket_created_as_resolved_records_its_resolution_at_once(alice):
    ticket = actions.create_ticket(alice, title="Answered on the phone", status=Status.RESOLVED)

    assert ticket.resolved_reached_at == ticket.created_at
    assert ticket.resolved_at == ticket.created_at
    assert ticket.completion_seconds == 0


@pytest.mark.spec("T8")
def test_the_deadline_follows_the_categorys_sla_when_none_is_given(alice):
    policy = SLAPolicyFactory(high_minutes=4 * 60)
    category = CategoryFactory(sla_policy=policy)  # no calendar: counted around the clock
    created_at = dt.datetime(2024, 6, 3, 9, tzinfo=dt.UTC)

    ticket = actions.create_ticket(
        alice, title="Refund", category=category, priority=Priority.HIGH, created_at=created_at
    )

    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.deadline == dt.datetime(2024, 6, 3, 13, tzinfo=dt.UTC)
    assert saved.deadline_is_manual is False
    assert saved.sla_at_risk_at == dt.datetime(2024, 6, 3, 12, 12, tzinfo=dt.UTC)


@pytest.mark.spec("T8")
def test_a_ticket_without_sla_has_no_deadline(alice):
    ticket = actions.create_ticket(alice, title="Question", category=CategoryFactory())
    assert ticket.deadline is None


@pytest.mark.spec("T8")
def test_a_deadline_given_by_hand_is_kept_and_marked_manual(alice):
    category = CategoryFactory(sla_policy=SLAPolicyFactory())
    deadline = dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)

    ticket = actions.create_ticket(alice, title="Refund", category=category, deadline=deadline)

    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.deadline == deadline
    assert saved.deadline_is_manual is True


@pytest.mark.spec("L1", "L4")
def test_a_new_unassigned_ticket_starts_its_unassigned_clock(alice):
    ticket = actions.create_ticket(alice, title="Nobody's yet")

    assert ticket.unassigned_since == ticket.created_at
    assert ticket.unassigned_seconds == 0


@pytest.mark.spec("L1", "L4")
def test_a_ticket_created_with_an_agent_is_not_unassigned(alice, bob):
    ticket = actions.create_ticket(alice, title="For Bob", assignee=bob)

    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.unassigned_since is None
    assert saved.unassigned_seconds == 0


@pytest.mark.spec("X2", "T1")
@pytest.mark.parametrize("title", ["", "   ", None])
def test_a_ticket_needs_a_title_and_nothing_is_saved_without_one(alice, title, published_events):
    with published_events as events, pytest.raises(TicketRuleError) as refused:
        actions.create_ticket(alice, title=title)

    assert refused.value.message == "A ticket needs a title."
    assert refused.value.field == "title"
    assert Ticket.objects.count() == 0
    assert TicketEvent.objects.count() == 0
    assert events == []


@pytest.mark.spec("X2")
def test_a_title_longer_than_200_characters_is_refused(alice):
    with pytest.raises(TicketRuleError, match="at most 200 characters"):
        actions.create_ticket(alice, title="x" * 201)
    assert Ticket.objects.count() == 0


@pytest.mark.spec("X2")
def test_an_unknown_priority_is_refused_with_a_clear_message(alice):
    with pytest.raises(TicketRuleError, match="“sky-high” is not a priority"):
        actions.create_ticket(alice, title="Refund", priority="sky-high")
    assert Ticket.objects.count() == 0


@pytest.mark.spec("T10", "X2")
def test_a_required_custom_field_must_be_given_and_nothing_is_saved_without_it(alice):
    CustomFieldFactory(name="Order number", key="order", required=True)

    with pytest.raises(TicketRuleError) as refused:
        actions.create_ticket(alice, title="Refund")

    assert refused.value.message == "Order number is required."
    assert refused.value.field == "custom:order"
    assert Ticket.objects.count() == 0
    assert TicketEvent.objects.count() == 0


@pytest.mark.spec("T10")
def test_custom_field_values_given_at_creation_are_stored_and_logged(alice):
    CustomFieldFactory(name="Order number", key="order", required=True)
    CustomFieldFactory(name="Amount", key="amount", field_type="number")

    ticket = actions.create_ticket(alice, title="Refund", custom_values={"order": "A-17", "amount": "12.50"})

    values = {value.field.key: value.display for value in ticket.custom_values.select_related("field")}
    assert values == {"order": "A-17", "amount": "12.5"}
    changes = ticket.events.get().changes
    assert changes["custom:order"] == [None, "A-17"]
    assert changes["custom:amount"] == [None, "12.5"]


@pytest.mark.spec("T10")
def test_a_required_custom_field_of_another_category_is_not_asked_for(alice):
    CustomFieldFactory(name="IBAN", key="iban", required=True, category=CategoryFactory(name="Billing"))

    ticket = actions.create_ticket(alice, title="Printer", category=CategoryFactory(name="Hardware"))

    assert Ticket.objects.filter(pk=ticket.pk).exists()


@pytest.mark.spec("T5")
def test_ten_tags_are_accepted_at_creation(alice):
    tags = [TagFactory() for _ in range(10)]

    ticket = actions.create_ticket(alice, title="Tagged", tags=tags)

    assert ticket.tags.count() == 10
    assert ticket.events.get().changes["tags"] == [None, sorted(tag.name for tag in tags)]


@pytest.mark.spec("T5", "X2")
def test_more_than_ten_tags_at_creation_are_refused_and_nothing_is_saved(alice):
    tags = [TagFactory() for _ in range(11)]

    with pytest.raises(TicketRuleError) as refused:
        actions.create_ticket(alice, title="Too many", tags=tags)

    assert refused.value.message == "A ticket can have at most 10 tags."
    assert Ticket.objects.count() == 0


@pytest.mark.spec("D3")
def test_creating_with_a_field_that_is_not_on_the_form_is_a_programming_error(alice):
    with pytest.raises(TypeError, match="version"):
        actions.create_ticket(alice, title="Refund", version=7)
    assert Ticket.objects.count() == 0
