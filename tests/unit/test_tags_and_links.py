"""Tags (at most 10 per ticket), symmetric links, and parent tickets (SPEC T5, T6, T1)."""

import pytest

from tickets import actions
from tickets.actions import TicketRuleError
from tickets.actions.detach import remove_now
from tickets.models import Ticket, TicketEvent, TicketLink

from ..factories import TagFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(alice):
    return make_ticket(alice, title="Printer on fire")


@pytest.mark.spec("T5", "X1", "D7")
def test_applying_a_tag_logs_the_tags_before_and_after(ticket, bob, published_events):
    actions.add_tag(ticket, bob, TagFactory(name="printer"))

    with published_events as events:
        actions.add_tag(ticket, bob, TagFactory(name="fire"))

    assert sorted(ticket.tags.values_list("name", flat=True)) == ["fire", "printer"]
    event = ticket.events.first()
    assert (event.kind, event.actor) == (TicketEvent.Kind.TAG_ADDED, bob)
    assert event.changes == {"tags": [["printer"], ["fire", "printer"]]}
    assert [e["kind"] for e in events] == ["tag_added"]


@pytest.mark.spec("T5")
def test_a_ticket_takes_up_to_ten_tags(ticket, alice):
    for number in range(10):
        actions.add_tag(ticket, alice, TagFactory(name=f"tag-{number:02d}"))

    assert ticket.tags.count() == 10


@pytest.mark.spec("T5", "X2")
def test_the_eleventh_tag_is_refused_with_a_clear_message(ticket, alice, published_events):
    for number in range(10):
        actions.add_tag(ticket, alice, TagFactory(name=f"tag-{number:02d}"))
    version = Ticket.objects.get(pk=ticket.pk).version

    with published_events as events, pytest.raises(TicketRuleError) as refused:
        actions.add_tag(ticket, alice, TagFactory(name="one-too-many"))

    assert refused.value.message == (
        f"{ticket.reference} already has 10 tags, the most a ticket can have. Remove one before adding “one-too-many”."
    )
    assert refused.value.field == "tags"
    assert ticket.tags.count() == 10
    assert Ticket.objects.get(pk=ticket.pk).version == version
    assert events == []


@pytest.mark.spec("T5")
def test_adding_a_tag_the_ticket_already_has_changes_nothing(ticket, alice):
    vip = TagFactory(name="vip")
    actions.add_tag(ticket, alice, vip)

    actions.add_tag(ticket, alice, vip)

    assert ticket.tags.count() == 1
    assert ticket.events.filter(kind=TicketEvent.Kind.TAG_ADDED).count() == 1
    assert Ticket.objects.get(pk=ticket.pk).version == 2


@pytest.mark.spec("T5")
def test_a_tag_already_on_a_full_ticket_is_not_refused(ticket, alice):
    tags = [TagFactory(name=f"tag-{number:02d}") for number in range(10)]
    for tag in tags:
        actions.add_tag(ticket, alice, tag)

    actions.add_tag(ticket, alice, tags[0])  # no error: nothing to add

    assert ticket.tags.count() == 10


@pytest.mark.spec("T5", "D7")
def test_removing_a_tag_is_logged_and_removing_a_missing_one_changes_nothing(ticket, alice):
    vip, urgent = TagFactory(name="vip"), TagFactory(name="urgent")
    actions.add_tag(ticket, alice, vip)
    actions.add_tag(ticket, alice, urgent)

    actions.remove_tag(ticket, alice, vip)
    actions.remove_tag(ticket, alice, vip)

    assert list(ticket.tags.all()) == [urgent]
    removals = ticket.events.filter(kind=TicketEvent.Kind.TAG_REMOVED)
    assert [event.changes for event in removals] == [{"tags": [["urgent", "vip"], ["urgent"]]}]


@pytest.mark.spec("T6", "X1")
def test_links_are_symmetric_and_each_ticket_gets_its_own_event(ticket, alice, bob, published_events):
    other = make_ticket(alice, title="Toner empty")

    with published_events as events:
        actions.link_tickets(ticket, bob, other)

    assert list(ticket.links.all()) == [other]
    assert list(other.links.all()) == [ticket]
    mine, theirs = ticket.events.first(), other.events.first()
    assert (mine.kind, mine.actor, mine.changes) == (TicketEvent.Kind.LINKED, bob, {"links": [[], [other.reference]]})
    assert (theirs.kind, theirs.actor, theirs.changes) == (
        TicketEvent.Kind.LINKED,
        bob,
        {"links": [[], [ticket.reference]]},
    )
    assert sorted((e["ticket"], e["kind"]) for e in events) == sorted(
        [(ticket.pk, "linked"), (other.pk, "linked")]
    )


@pytest.mark.spec("T6")
def test_linking_the_same_pair_twice_changes_nothing(ticket, alice):
    other = make_ticket(alice, title="Toner empty")
    actions.link_tickets(ticket, alice, other)

    actions.link_tickets(ticket, alice, other)
    actions.link_tickets(other, alice, ticket)

    assert TicketLink.objects.count() == 2  # one row per direction
    assert ticket.events.filter(kind=TicketEvent.Kind.LINKED).count() == 1
    assert other.events.filter(kind=TicketEvent.Kind.LINKED).count() == 1


@pytest.mark.spec("T6")
def test_a_ticket_links_to_tickets_of_any_status(ticket, alice):
    resolved = make_ticket(alice, title="Done", status="resolved")
    actions.link_tickets(ticket, alice, resolved)
    assert list(resolved.links.all()) == [ticket]


@pytest.mark.spec("T6", "X2")
def test_a_ticket_cannot_be_linked_to_itself(ticket, alice):
    with pytest.raises(TicketRuleError, match="A ticket can't be linked to itself."):
        actions.link_tickets(ticket, alice, Ticket.objects.get(pk=ticket.pk))
    assert not TicketLink.objects.exists()


@pytest.mark.spec("T6", "D7")
@pytest.mark.parametrize("from_side", ["first", "second"])
def test_unlinking_from_either_side_removes_both_directions(ticket, alice, from_side):
    other = make_ticket(alice, title="Toner empty")
    actions.link_tickets(ticket, alice, other)
    one, two = (ticket, other) if from_side == "first" else (other, ticket)

    actions.unlink_tickets(one, alice, two)

    assert not TicketLink.objects.exists()
    assert one.events.first().changes == {"links": [[two.reference], []]}
    assert two.events.first().changes == {"links": [[one.reference], []]}
    assert one.events.first().kind == two.events.first().kind == TicketEvent.Kind.UNLINKED


@pytest.mark.spec("T6")
def test_unlinking_tickets_that_are_not_linked_changes_nothing(ticket, alice):
    other = make_ticket(alice, title="Toner empty")
    actions.unlink_tickets(ticket, alice, other)
    assert ticket.events.count() == other.events.count() == 1


@pytest.mark.spec("T1", "D7")
def test_a_parent_ticket_can_be_set_and_cleared(ticket, alice):
    parent = make_ticket(alice, title="Office outage")

    actions.set_parent(ticket, alice, parent)
    assert Ticket.objects.get(pk=ticket.pk).parent == parent
    assert ticket.events.first().changes == {"parent": [None, str(parent)]}

    actions.set_parent(ticket, alice, None)
    assert Ticket.objects.get(pk=ticket.pk).parent is None


@pytest.mark.spec("T1", "X2")
def test_a_ticket_cannot_become_its_own_parent_or_its_descendants_child(alice):
    grandparent = make_ticket(alice, title="Outage")
    parent = make_ticket(alice, title="Floor 2")
    child = make_ticket(alice, title="Printer")
    actions.set_parent(parent, alice, grandparent)
    actions.set_parent(child, alice, parent)

    with pytest.raises(TicketRuleError, match=f"{child.reference} can't be the parent"):
        actions.set_parent(grandparent, alice, Ticket.objects.get(pk=child.pk))
    with pytest.raises(TicketRuleError, match="can't be the parent"):
        actions.set_parent(grandparent, alice, Ticket.objects.get(pk=grandparent.pk))

    assert Ticket.objects.get(pk=grandparent.pk).parent is None


def _row_tag_ids(ticket):
    return Ticket.objects.values_list("tag_ids", flat=True).get(pk=ticket.pk)


@pytest.mark.spec("T5", "L4")
def test_the_rows_copy_of_its_tag_ids_follows_every_way_tags_change(alice, bob):
    printer, fire, paper = TagFactory(name="printer"), TagFactory(name="fire"), TagFactory(name="paper")
    ticket = make_ticket(alice, tags=[fire, printer])
    assert _row_tag_ids(ticket) == sorted([printer.pk, fire.pk])

    actions.add_tag(ticket, bob, paper)
    actions.remove_tag(ticket, bob, printer)
    assert _row_tag_ids(ticket) == sorted([fire.pk, paper.pk])

    ticket.refresh_from_db()
    actions.update_ticket(ticket, bob, version=ticket.version, add_tags=[printer], remove_tags=[fire, paper])
    assert _row_tag_ids(ticket) == [printer.pk]
    assert ticket.tag_ids == [printer.pk]  # the caller's instance too

    other = make_ticket(alice, tags=[printer])
    remove_now(printer, alice, replacement=fire)
    assert _row_tag_ids(ticket) == _row_tag_ids(other) == [fire.pk]

    fire.tickets.add(make_ticket(alice))  # from the tag's side
    fire.tickets.clear()
    assert list(Ticket.objects.exclude(tag_ids=[]).values_list("pk", flat=True)) == []
