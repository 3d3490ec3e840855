"""Titles and names are single lines, and no email is lost to a bad header (SPEC X2, D5, B9)."""

import pytest
from django.core import mail
from django.urls import reverse

from tickets import actions
from tickets.actions import TicketRuleError
from tickets.models import Ticket

from ..conftest import csrf_post
from ..factories import UserFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.mark.spec("X2")
@pytest.mark.parametrize("title", ["Printer\r\nBcc: everyone@example.com", "Tab\tin the middle", "Bell\x07"])
def test_a_title_with_a_line_break_or_control_character_is_refused_by_the_action(alice, title):
    with pytest.raises(TicketRuleError, match="single line of text"):
        actions.create_ticket(alice, title=title)
    ticket = make_ticket(alice)
    with pytest.raises(TicketRuleError, match="single line of text"):
        actions.update_ticket(ticket, alice, version=1, title=title)
    assert Ticket.objects.get(pk=ticket.pk).title == "Printer on fire"


@pytest.mark.spec("X2", "L10")
def test_the_new_ticket_form_says_so_at_the_field(alice_client):
    response = csrf_post(alice_client, reverse("tickets:ticket_create"), {"title": "Two\nlines", "priority": "normal"})

    assert response.status_code == 422
    assert "Use a single line of text, without line breaks or tabs." in response.content.decode()
    assert not Ticket.objects.exists()


@pytest.mark.spec("X2", "C1")
def test_a_configuration_name_with_a_line_break_is_refused(lead_client):
    from configurations.models import Tag

    response = csrf_post(lead_client, reverse("configurations:tag_create"), {"name": "vip\r\nX", "color": "#2563eb"})

    assert response.status_code == 422
    assert "single line of text" in response.content.decode()
    assert not Tag.objects.exists()


@pytest.mark.spec("D5", "B9")
def test_one_bad_address_or_an_old_title_with_a_line_break_loses_no_other_mention_email(alice, bob, carol):
    from notifications import agents

    broken = UserFactory(username="broken", email="broken@example.com\r\nBcc: x@example.com")
    ticket = make_ticket(alice)
    Ticket.objects.filter(pk=ticket.pk).update(title="Saved before\r\nthe rule")  # data from before the rule
    note = actions.add_note(ticket, alice, "@broken @bob @carol please look")
    mail.outbox.clear()

    told = agents.tell_mentioned(note.pk)

    assert sorted(message.to[0] for message in mail.outbox) == [bob.email, carol.email]
    assert all("\n" not in message.subject for message in mail.outbox)
    assert "Saved before the rule" in mail.outbox[0].subject
    assert told == 3  # the broken address is skipped, not retried forever
    assert broken.notifications.get().emailed_at is not None
