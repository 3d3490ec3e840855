"""Saving the ticket form: one event with old and new values, and no lost update (SPEC D3)."""

import datetime as dt

import pytest

from configurations.models import Priority, Status
from tickets import actions
from tickets.actions import TicketConflict, TicketRuleError
from tickets.models import CustomFieldValue, Ticket, TicketEvent

from ..factories import CategoryFactory, CustomFieldFactory, SLAPolicyFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(alice):
    return make_ticket(alice, title="Printer on fire")


@pytest.mark.spec("D3", "X1", "D7")
def test_saving_the_form_changes_the_fields_bumps_the_version_and_writes_one_event(
    ticket, alice, bob, support_team, published_events
):
    with published_events as events:
        actions.update_ticket(
            ticket,
            alice,
            version=ticket.version,
            title="Printer on fire again",
            priority=Priority.HIGH,
            assignee=bob,
            team=support_team,
        )

    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.title, saved.priority, saved.assignee, saved.team) == (
        "Printer on fire again",
        Priority.HIGH,
        bob,
        support_team,
    )
    assert saved.version == 2

    updates = list(saved.events.filter(kind=TicketEvent.Kind.UPDATED))
    assert len(updates) == 1
    assert saved.events.count() == 2  # CREATED + this one
    assert updates[0].actor == alice
    assert updates[0].version == 2
    assert updates[0].changes == {
        "title": ["Printer on fire", "Printer on fire again"],
        "priority": ["Normal", "High"],
        "assignee": [None, "Bob Baker"],
        "team": [None, "Support"],
    }
    assert len(events) == 1
    assert events[0]["ticket"] == saved.pk
    assert events[0]["version"] == 2
    assert events[0]["kind"] == "updated"
    assert events[0]["fields"] == ["assignee", "priority", "team", "title"]
    assert events[0]["event"] == updates[0].pk


@pytest.mark.spec("D3")
def test_the_callers_ticket_is_brought_up_to_date_after_saving(ticket, alice):
    actions.update_ticket(ticket, alice, version=ticket.version, priority=Priority.URGENT)

    assert ticket.priority == Priority.URGENT
    assert ticket.version == 2


@pytest.mark.spec("D7")
def test_reassigning_logs_both_agents_names(ticket, alice, bob, carol):
    actions.update_ticket(ticket, alice, version=1, assignee=bob)
    actions.update_ticket(ticket, alice, version=2, assignee=carol)

    assert ticket.events.first().changes == {"assignee": ["Bob Baker", "Carol Cole"]}


@pytest.mark.spec("D3", "X1")
def test_saving_an_unchanged_form_writes_nothing(ticket, alice, published_events):
    with published_events as events:
        actions.update_ticket(ticket, alice, version=1, title="Printer on fire", priority=Priority.NORMAL)

    assert Ticket.objects.get(pk=ticket.pk).version == 1
    assert ticket.events.count() == 1
    assert events == []


@pytest.mark.spec("T2", "D7")
def test_a_form_save_that_only_moves_the_status_is_logged_as_a_status_change(ticket, alice):
    actions.update_ticket(ticket, alice, version=1, status=Status.ONGOING)

    latest = ticket.events.first()
    assert latest.kind == TicketEvent.Kind.STATUS_CHANGED
    assert latest.changes == {"status": ["Submitted", "Ongoing"]}


@pytest.mark.spec("T10", "D7")
def test_custom_field_changes_are_saved_and_logged_like_built_in_fields(ticket, alice):
    CustomFieldFactory(name="Order number", key="order")
    CustomFieldFactory(name="Refund", key="refund", field_type="boolean")

    actions.update_ticket(ticket, alice, version=1, custom_values={"order": "A-17", "refund": True})
    actions.update_ticket(ticket, alice, version=2, custom_values={"order": "A-18"})

    values = {value.field.key: value.display for value in ticket.custom_values.select_related("field")}
    assert values == {"order": "A-18", "refund": "Yes"}
    first, second = ticket.events.filter(kind=TicketEvent.Kind.UPDATED).order_by("version")
    assert first.changes == {"custom:order": [None, "A-17"], "custom:refund": [None, "Yes"]}
    assert second.changes == {"custom:order": ["A-17", "A-18"]}
    assert Ticket.objects.get(pk=ticket.pk).version == 3


@pytest.mark.spec("T10")
def test_clearing_a_custom_field_removes_its_value_and_logs_it(ticket, alice):
    CustomFieldFactory(name="Order number", key="order")
    actions.update_ticket(ticket, alice, version=1, custom_values={"order": "A-17"})

    actions.update_ticket(ticket, alice, version=2, custom_values={"order": ""})

    assert not CustomFieldValue.objects.filter(ticket=ticket).exists()
    assert ticket.events.first().changes == {"custom:order": ["A-17", None]}


@pytest.mark.spec("T10", "X2")
def test_a_bad_custom_value_is_refused_with_a_clear_message_and_nothing_changes(ticket, alice):
    CustomFieldFactory(name="Amount", key="amount", field_type="number")
    CustomFieldFactory(name="Channel", key="channel", field_type="choice", choices=["Phone", "Email"])

    with pytest.raises(TicketRuleError, match="Amount needs a number value."):
        actions.update_ticket(ticket, alice, version=1, priority=Priority.HIGH, custom_values={"amount": "lots"})
    with pytest.raises(TicketRuleError, match="Channel must be one of: Phone, Email."):
        actions.update_ticket(ticket, alice, version=1, custom_values={"channel": "Fax"})

    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.priority, saved.version) == (Priority.NORMAL, 1)
    assert not CustomFieldValue.objects.exists()
    assert ticket.events.count() == 1


@pytest.mark.spec("T10", "X2")
def test_a_required_custom_field_cannot_be_emptied(ticket, alice):
    CustomFieldFactory(name="Order number", key="order", required=True)

    with pytest.raises(TicketRuleError, match="Order number is required."):
        actions.update_ticket(ticket, alice, version=1, custom_values={"order": ""})


@pytest.mark.spec("D3")
def test_a_stale_form_is_refused_naming_who_changed_what_and_nothing_is_saved(ticket, alice, bob, published_events):
    loaded_version = ticket.version
    actions.update_ticket(Ticket.objects.get(pk=ticket.pk), bob, version=loaded_version, priority=Priority.HIGH)

    with published_events as events, pytest.raises(TicketConflict) as refused:
        actions.update_ticket(ticket, alice, version=loaded_version, title="My title", priority=Priority.LOW)

    assert refused.value.message.startswith("Bob Baker changed Priority while you were editing.")
    assert "reload" in refused.value.message
    assert [event.actor for event in refused.value.events] == [bob]
    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.title, saved.priority, saved.version) == ("Printer on fire", Priority.HIGH, 2)
    assert saved.events.count() == 2
    assert events == []


@pytest.mark.spec("D3")
def test_a_conflict_names_every_person_and_every_field_of_the_save_they_changed(ticket, alice, bob, carol):
    CustomFieldFactory(name="Order number", key="order")
    actions.update_ticket(ticket, bob, version=1, priority=Priority.HIGH, title="Bob's title")
    actions.update_ticket(ticket, carol, version=2, assignee=carol, custom_values={"order": "A-1"})

    with pytest.raises(TicketConflict) as refused:
        actions.update_ticket(
            ticket, alice, version=1, priority=Priority.LOW, assignee=alice, custom_values={"order": "B-2"}
        )

    assert refused.value.message.startswith(
        "Bob Baker and Carol Cole changed Priority, Assigned agent, Order number while you were editing."
    )
    assert Ticket.objects.get(pk=ticket.pk).version == 3


@pytest.mark.spec("D3")
def test_a_stale_version_is_refused_even_for_the_same_person(ticket, alice):
    actions.update_ticket(ticket, alice, version=1, priority=Priority.HIGH)

    with pytest.raises(TicketConflict, match="Alice Archer changed Priority"):
        actions.update_ticket(ticket, alice, version=1, priority=Priority.LOW)


@pytest.mark.spec("D3", "D5", "T5", "N2", "D10")
def test_a_colleagues_note_tag_follow_or_attachment_never_blocks_a_save(ticket, alice, bob):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ..factories import TagFactory

    loaded = ticket.version
    actions.add_note(ticket, bob, "Called the customer back")
    actions.add_tag(ticket, bob, TagFactory(name="vip"))
    actions.follow(ticket, bob)
    actions.attach_files(ticket, bob, [(SimpleUploadedFile("log.txt", b"log"), "log.txt", "text/plain")])

    actions.update_ticket(ticket, alice, version=loaded, priority=Priority.URGENT)

    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.priority, saved.version) == (Priority.URGENT, loaded + 5)
    assert list(saved.tags.values_list("name", flat=True)) == ["vip"]
    assert list(saved.followers.all()) == [bob]
    assert saved.events.get(version=loaded + 5).changes == {"priority": ["Normal", "Urgent"]}


@pytest.mark.spec("D3")
def test_a_stale_save_of_other_fields_keeps_both_peoples_changes(ticket, alice, bob):
    actions.update_ticket(ticket, bob, version=1, title="Bob's title")

    actions.update_ticket(ticket, alice, version=1, priority=Priority.HIGH, assignee=alice)

    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.title, saved.priority, saved.assignee) == ("Bob's title", Priority.HIGH, alice)


@pytest.mark.spec("D3", "T10")
def test_a_stale_save_of_a_custom_field_is_refused_when_the_category_changed_meanwhile(ticket, alice, bob):
    CustomFieldFactory(name="Order number", key="order")
    actions.update_ticket(ticket, bob, version=1, category=CategoryFactory(name="Refunds"))

    with pytest.raises(TicketConflict, match="Bob Baker changed Category"):
        actions.update_ticket(ticket, alice, version=1, custom_values={"order": "A-1"})


@pytest.mark.spec("D3", "N2")
def test_followers_saved_from_a_stale_form_keep_a_colleagues_follower_change(ticket, alice, bob, carol):
    actions.follow(ticket, bob, bob)

    actions.update_ticket(ticket, alice, version=1, follow=[carol])

    saved = Ticket.objects.get(pk=ticket.pk)
    assert set(saved.followers.all()) == {bob, carol}
    assert saved.events.get(version=3).changes == {"followers": [["Bob Baker"], ["Bob Baker", "Carol Cole"]]}


@pytest.mark.spec("D3")
def test_one_save_changing_fields_followers_and_tags_is_one_event(ticket, alice, bob, published_events):
    from ..factories import TagFactory

    vip = TagFactory(name="vip")
    with published_events as events:
        actions.update_ticket(ticket, alice, version=1, priority=Priority.HIGH, follow=[alice, bob], add_tags=[vip])

    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.version == 2
    assert saved.events.get(version=2).changes == {
        "priority": ["Normal", "High"],
        "followers": [[], ["Alice Archer", "Bob Baker"]],
        "tags": [[], ["vip"]],
    }
    assert [event["version"] for event in events] == [2]


@pytest.mark.spec("D3")
def test_posting_a_field_that_is_not_on_the_form_is_a_programming_error(ticket, alice):
    with pytest.raises(TypeError, match="archived"):
        actions.update_ticket(ticket, alice, version=1, archived=True)
    with pytest.raises(TypeError, match="created_by"):
        actions.update_ticket(ticket, alice, version=1, created_by=alice)


@pytest.mark.spec("T8")
def test_changing_priority_recomputes_the_sla_deadline(alice):
    category = CategoryFactory(sla_policy=SLAPolicyFactory(normal_minutes=8 * 60, urgent_minutes=60))
    created_at = dt.datetime(2024, 6, 3, 9, tzinfo=dt.UTC)
    ticket = make_ticket(alice, category=category, created_at=created_at)
    assert ticket.deadline == created_at + dt.timedelta(hours=8)

    actions.update_ticket(ticket, alice, version=1, priority=Priority.URGENT)

    assert Ticket.objects.get(pk=ticket.pk).deadline == created_at + dt.timedelta(hours=1)
    assert ticket.events.first().changes["deadline"] == ["2024-06-03 17:00", "2024-06-03 10:00"]


@pytest.mark.spec("T8")
def test_a_deadline_set_by_hand_stays_when_priority_changes_until_it_is_cleared(alice):
    category = CategoryFactory(sla_policy=SLAPolicyFactory(normal_minutes=8 * 60, urgent_minutes=60))
    created_at = dt.datetime(2024, 6, 3, 9, tzinfo=dt.UTC)
    ticket = make_ticket(alice, category=category, created_at=created_at)
    by_hand = dt.datetime(2024, 6, 10, 12, tzinfo=dt.UTC)

    actions.update_ticket(ticket, alice, version=1, deadline=by_hand)
    actions.update_ticket(ticket, alice, version=2, priority=Priority.URGENT)
    assert Ticket.objects.get(pk=ticket.pk).deadline == by_hand

    actions.update_ticket(ticket, alice, version=3, deadline=None)
    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.deadline == created_at + dt.timedelta(hours=1)
    assert saved.deadline_is_manual is False
