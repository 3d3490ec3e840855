"""Internal notes: length limit, @mentions, edited and deleted only by their author (SPEC D5)."""

import pytest

from tickets import actions
from tickets.actions import TicketRuleError
from tickets.models import Activity, Ticket, TicketEvent

from ..factories import UserFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(alice):
    return make_ticket(alice, title="Printer on fire")


@pytest.mark.spec("D5", "X1")
def test_a_note_is_stored_as_an_internal_activity_and_logged(ticket, alice, published_events):
    with published_events as events:
        note = actions.add_note(ticket, alice, "  Called the customer 📞  ")

    saved = Activity.objects.get(pk=note.pk)
    assert saved.ticket_id == ticket.pk
    assert (saved.kind, saved.direction, saved.author) == (Activity.Kind.NOTE, Activity.Direction.INTERNAL, alice)
    assert saved.body == "Called the customer 📞"
    assert saved.edited_at is None
    event = ticket.events.first()
    assert (event.kind, event.actor, event.changes) == (
        TicketEvent.Kind.NOTE_ADDED,
        alice,
        {"note": [None, "Called the customer 📞"]},
    )
    assert [(e["kind"], e["ticket"]) for e in events] == [("note_added", ticket.pk)]
    assert Ticket.objects.get(pk=ticket.pk).version == 2


@pytest.mark.spec("D5")
def test_mentioned_agents_are_resolved_from_their_usernames(ticket, alice, bob, carol):
    UserFactory(username="dave", is_active=False)

    note = actions.add_note(ticket, alice, "@bob and @carol, please look. @nobody @dave; mail me at alice@example.com")

    assert set(note.mentions.all()) == {bob, carol}


@pytest.mark.spec("D5")
def test_a_mention_at_the_end_of_a_sentence_is_found(ticket, alice, bob):
    note = actions.add_note(ticket, alice, "Over to you @bob.")
    assert list(note.mentions.all()) == [bob]


@pytest.mark.spec("D5")
def test_a_note_of_500_characters_is_accepted(ticket, alice):
    note = actions.add_note(ticket, alice, "x" * 500)
    assert len(Activity.objects.get(pk=note.pk).body) == 500


@pytest.mark.spec("D5", "X2")
def test_a_note_of_501_characters_is_refused_with_the_count_in_the_message(ticket, alice):
    with pytest.raises(TicketRuleError) as refused:
        actions.add_note(ticket, alice, "x" * 501)

    assert refused.value.message == "A note can be at most 500 characters; this one has 501."
    assert refused.value.field == "body"
    assert not Activity.objects.exists()
    assert ticket.events.count() == 1


@pytest.mark.spec("D5", "X2")
@pytest.mark.parametrize("body", ["", "   \n ", None])
def test_an_empty_note_is_refused(ticket, alice, body):
    with pytest.raises(TicketRuleError, match="A note can't be empty."):
        actions.add_note(ticket, alice, body)
    assert not Activity.objects.exists()


@pytest.mark.spec("D5", "D7")
def test_the_author_edits_a_note_and_it_keeps_its_time_and_is_marked_edited(clock, ticket, alice, bob):
    note = actions.add_note(ticket, alice, "Call back at 3")
    written_at = note.created_at
    edited_at = clock.advance(minutes=5)

    actions.edit_note(note, alice, "Call back at 4, @bob")

    saved = Activity.objects.get(pk=note.pk)
    assert saved.body == "Call back at 4, @bob"
    assert saved.created_at == written_at
    assert saved.edited_at == edited_at
    assert list(saved.mentions.all()) == [bob]
    event = ticket.events.first()
    assert (event.kind, event.changes) == (TicketEvent.Kind.NOTE_EDITED, {"note": ["Call back at 3", "Call back at 4, @bob"]})


@pytest.mark.spec("D5")
def test_editing_a_note_to_the_same_text_changes_nothing(ticket, alice):
    note = actions.add_note(ticket, alice, "Call back at 3")

    actions.edit_note(note, alice, "Call back at 3")

    assert Activity.objects.get(pk=note.pk).edited_at is None
    assert not ticket.events.filter(kind=TicketEvent.Kind.NOTE_EDITED).exists()


@pytest.mark.spec("D5", "X2")
def test_an_edit_is_held_to_the_same_length_limit(ticket, alice):
    note = actions.add_note(ticket, alice, "short")
    with pytest.raises(TicketRuleError, match="this one has 600"):
        actions.edit_note(note, alice, "y" * 600)
    assert Activity.objects.get(pk=note.pk).body == "short"


@pytest.mark.spec("D5", "X2")
def test_someone_else_cannot_edit_or_delete_a_note(ticket, alice, bob):
    note = actions.add_note(ticket, alice, "Mine")

    with pytest.raises(TicketRuleError, match="Only the author of a note can edit it."):
        actions.edit_note(note, bob, "Yours now")
    with pytest.raises(TicketRuleError, match="Only the author of a note can delete it."):
        actions.delete_note(note, bob)

    saved = Activity.objects.get(pk=note.pk)
    assert (saved.body, saved.edited_at) == ("Mine", None)
    assert ticket.events.count() == 2


@pytest.mark.spec("D5", "D7", "X1")
def test_the_author_deletes_a_note_and_the_history_keeps_what_it_said(ticket, alice, published_events):
    note = actions.add_note(ticket, alice, "Wrong ticket, sorry")

    with published_events as events:
        actions.delete_note(note, alice)

    assert not Activity.objects.filter(pk=note.pk).exists()
    event = ticket.events.first()
    assert (event.kind, event.actor, event.changes) == (
        TicketEvent.Kind.NOTE_DELETED,
        alice,
        {"note": ["Wrong ticket, sorry", None]},
    )
    assert [e["kind"] for e in events] == ["note_deleted"]


@pytest.mark.spec("D7")
def test_a_long_note_is_shortened_in_the_history_but_stored_in_full(ticket, alice):
    body = "word " * 60
    note = actions.add_note(ticket, alice, body)

    logged = ticket.events.first().changes["note"][1]
    assert len(logged) == 80
    assert logged.endswith("…")
    assert Activity.objects.get(pk=note.pk).body == body.strip()
