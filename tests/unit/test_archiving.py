"""Archived tickets are read-only on the server, and unarchiving restores them (SPEC T4)."""

import pytest

from configurations.models import Priority, Status
from tickets import actions
from tickets.actions import TicketRuleError
from tickets.models import Activity, Ticket, TicketEvent, TicketLink

from ..factories import SubStatusFactory, TagFactory, make_ticket

pytestmark = pytest.mark.django_db


def reload(ticket):
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def archived(alice):
    ticket = make_ticket(alice, title="Old case", status=Status.PENDING)
    actions.archive(ticket, alice)
    return reload(ticket)


def refused_message(ticket):
    return f"{ticket.reference} is archived and can't be changed. Unarchive it first."


@pytest.mark.spec("T4", "X1")
@pytest.mark.parametrize("status", list(Status))
def test_any_ticket_can_be_archived_whatever_its_status_and_keeps_it(alice, status, published_events):
    ticket = make_ticket(alice, status=status)

    with published_events as events:
        actions.archive(ticket, alice)

    saved = reload(ticket)
    assert saved.archived is True
    assert saved.archived_at is not None
    assert saved.status == status
    event = saved.events.first()
    assert (event.kind, event.actor, event.changes) == (TicketEvent.Kind.ARCHIVED, alice, {"archived": ["No", "Yes"]})
    assert [e["kind"] for e in events] == ["archived"]


@pytest.mark.spec("T4")
def test_archiving_an_archived_ticket_again_changes_nothing(archived, alice):
    actions.archive(archived, alice)
    assert archived.events.filter(kind=TicketEvent.Kind.ARCHIVED).count() == 1


@pytest.mark.spec("T4", "X2")
def test_an_archived_ticket_refuses_form_edits(archived, alice):
    with pytest.raises(TicketRuleError) as refused:
        actions.update_ticket(archived, alice, version=archived.version, priority=Priority.URGENT)

    assert refused.value.message == refused_message(archived)
    saved = reload(archived)
    assert (saved.priority, saved.version) == (Priority.NORMAL, archived.version)


@pytest.mark.spec("T4", "X2")
def test_an_archived_ticket_refuses_status_and_sub_status_changes(archived, alice):
    working = SubStatusFactory(status=Status.ONGOING)

    with pytest.raises(TicketRuleError, match="is archived and can't be changed"):
        actions.change_status(archived, alice, Status.ONGOING)
    with pytest.raises(TicketRuleError, match="is archived and can't be changed"):
        actions.change_sub_status(archived, alice, working)

    saved = reload(archived)
    assert (saved.status, saved.sub_status) == (Status.PENDING, None)


@pytest.mark.spec("T4", "X2")
def test_an_archived_ticket_refuses_new_tags(archived, alice):
    with pytest.raises(TicketRuleError, match=refused_message(archived)):
        actions.add_tag(archived, alice, TagFactory(name="vip"))
    assert not archived.tags.exists()


@pytest.mark.spec("T4", "X2")
def test_an_archived_ticket_keeps_its_tags_and_refuses_removing_them(alice):
    vip = TagFactory(name="vip")
    ticket = make_ticket(alice, tags=[vip])
    actions.archive(ticket, alice)

    with pytest.raises(TicketRuleError, match="is archived"):
        actions.remove_tag(ticket, alice, vip)
    assert list(ticket.tags.all()) == [vip]


@pytest.mark.spec("T4", "X2")
def test_an_archived_ticket_refuses_new_notes(archived, alice):
    with pytest.raises(TicketRuleError, match=refused_message(archived)):
        actions.add_note(archived, alice, "Customer called again")
    assert not Activity.objects.filter(ticket=archived).exists()


@pytest.mark.spec("T4", "X2")
def test_an_archived_ticket_keeps_its_notes_and_refuses_editing_or_deleting_them(alice):
    ticket = make_ticket(alice)
    note = actions.add_note(ticket, alice, "Called the customer")
    actions.archive(ticket, alice)

    with pytest.raises(TicketRuleError, match="is archived"):
        actions.edit_note(note, alice, "Changed my mind")
    with pytest.raises(TicketRuleError, match="is archived"):
        actions.delete_note(note, alice)
    assert Activity.objects.get(pk=note.pk).body == "Called the customer"


@pytest.mark.spec("T4", "T6", "X2")
def test_an_archived_ticket_refuses_links_from_it(archived, alice):
    other = make_ticket(alice, title="Fresh case")

    with pytest.raises(TicketRuleError, match=refused_message(archived)):
        actions.link_tickets(archived, alice, other)

    assert not TicketLink.objects.exists()
    assert other.events.count() == 1  # the other ticket got no half of a link either


@pytest.mark.spec("T4", "T6")
def test_an_archived_ticket_can_be_the_target_of_a_link(archived, alice):
    fresh = make_ticket(alice, title="Fresh case")

    actions.link_tickets(fresh, alice, archived)

    assert list(fresh.links.all()) == [archived]
    assert list(archived.links.all()) == [fresh]
    assert archived.events.first().kind == TicketEvent.Kind.LINKED
    assert reload(archived).archived is True


@pytest.mark.spec("T4", "X2")
def test_an_archived_ticket_refuses_assignment_followers_and_parent_changes(archived, alice, bob):
    other = make_ticket(alice)
    with pytest.raises(TicketRuleError, match="is archived"):
        actions.assign(archived, alice, agent=bob)
    with pytest.raises(TicketRuleError, match="is archived"):
        actions.follow(archived, alice)
    with pytest.raises(TicketRuleError, match="is archived"):
        actions.set_parent(archived, alice, other)

    saved = reload(archived)
    assert (saved.assignee, saved.parent) == (None, None)
    assert not saved.followers.exists()


@pytest.mark.spec("T4", "X1")
def test_unarchiving_restores_editability_and_the_status_it_had(archived, alice, published_events):
    with published_events as events:
        actions.unarchive(archived, alice)

    saved = reload(archived)
    assert (saved.archived, saved.archived_at, saved.status) == (False, None, Status.PENDING)
    event = saved.events.first()
    assert (event.kind, event.changes) == (TicketEvent.Kind.UNARCHIVED, {"archived": ["Yes", "No"]})
    assert [e["kind"] for e in events] == ["unarchived"]

    actions.update_ticket(saved, alice, version=saved.version, priority=Priority.HIGH)
    actions.add_note(saved, alice, "Back on it")
    assert reload(saved).priority == Priority.HIGH


@pytest.mark.spec("T4")
def test_unarchiving_a_ticket_that_is_not_archived_changes_nothing(alice):
    ticket = make_ticket(alice)
    actions.unarchive(ticket, alice)
    assert reload(ticket).version == 1
    assert ticket.events.count() == 1
