"""The ticket form (D3), the quick sub-status change (D4), the panel ratio (D2) and the print view."""

import json

import pytest
from django.urls import reverse

from configurations.models import CustomField, Priority, Status
from tickets import actions
from tickets.models import Ticket, TicketEvent, UserPreference

from ..conftest import csrf_post
from ..factories import CategoryFactory, CustomFieldFactory, SLAPolicyFactory, SubStatusFactory, make_ticket
from ..forms import submitted, with_changes

pytestmark = pytest.mark.django_db


def form_data(client, ticket, **changes):
    """What the edit form posts, as the page rendered it (values and the values loaded), with some fields changed."""
    url = reverse("tickets:ticket_form", args=[ticket.pk])
    html = client.get(url, {"edit": "1"}, HTTP_HX_REQUEST="true").content.decode()
    return with_changes(submitted(html, action=url), **changes)


def save(client, ticket, *, data=None, **changes):
    data = data if data is not None else form_data(client, ticket, **changes)
    return csrf_post(client, reverse("tickets:ticket_form", args=[ticket.pk]), data, HTTP_HX_REQUEST="true")


@pytest.mark.spec("D3")
def test_edit_shows_the_fields_and_save_changes_them_through_the_action(alice_client, alice):
    ticket = make_ticket(alice, title="Printer on fire")
    editing = alice_client.get(reverse("tickets:ticket_form", args=[ticket.pk]), {"edit": "1"}).content.decode()
    assert 'name="priority"' in editing and 'name="version"' in editing

    response = save(alice_client, ticket, priority=Priority.URGENT, title="Printer really on fire")
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.title, ticket.version) == (Priority.URGENT, "Printer really on fire", 2)
    event = ticket.events.get(kind=TicketEvent.Kind.UPDATED)
    assert event.changes == {"priority": ["Normal", "Urgent"], "title": ["Printer on fire", "Printer really on fire"]}
    html = response.content.decode()
    assert 'id="ticket-header" hx-swap-oob="true"' in html  # the header shows the saved values too
    assert "saved" in json.loads(response["HX-Trigger"])["messages"][0]["message"]


@pytest.mark.spec("D3")
def test_a_stale_save_of_a_field_someone_changed_is_refused_and_names_who_changed_it(alice_client, alice, bob):
    ticket = make_ticket(alice, title="Printer on fire")
    loaded = form_data(alice_client, ticket, title="My new title", priority=Priority.LOW)
    actions.update_ticket(ticket, bob, version=1, priority=Priority.HIGH)

    response = save(alice_client, ticket, data=loaded)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Bob Baker changed Priority" in html
    assert 'value="My new title"' in html  # the person's input is kept, not lost
    ticket.refresh_from_db()
    assert ticket.title == "Printer on fire" and ticket.priority == Priority.HIGH


@pytest.mark.spec("D3")
def test_a_stale_save_of_other_fields_is_saved_keeping_the_colleagues_change(alice_client, alice, bob):
    ticket = make_ticket(alice, title="Printer on fire")
    loaded = form_data(alice_client, ticket, title="My new title")
    actions.update_ticket(ticket, bob, version=1, priority=Priority.HIGH)

    response = save(alice_client, ticket, data=loaded)
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.title, ticket.priority) == ("My new title", Priority.HIGH)


@pytest.mark.spec("D3", "T7")
def test_category_rules_are_shown_on_the_form(alice_client, alice):
    category = CategoryFactory(require_substatus_to_resolve=True)
    ticket = make_ticket(alice, category=category)
    response = save(alice_client, ticket, status=Status.RESOLVED)
    assert response.status_code == 422
    assert "needs a sub-status before the ticket can be resolved" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.SUBMITTED


@pytest.mark.spec("D3", "T10")
def test_custom_fields_are_edited_validated_and_logged(alice_client, alice):
    CustomFieldFactory(name="Refund amount", key="refund", field_type=CustomField.FieldType.NUMBER)
    CustomFieldFactory(name="Order number", key="order", required=True)
    ticket = make_ticket(alice, custom_values={"order": "A-1"})

    bad = save(alice_client, ticket, cf_refund="lots", cf_order="")
    assert bad.status_code == 422
    assert "Enter a number." in bad.content.decode() and "This field is required." in bad.content.decode()

    good = save(alice_client, ticket, cf_refund="12.50", cf_order="A-1")
    assert good.status_code == 200
    assert ticket.events.get(kind=TicketEvent.Kind.UPDATED).changes == {"custom:refund": [None, "12.5"]}


@pytest.mark.spec("D3", "T4")
def test_an_archived_ticket_cannot_be_edited(alice_client, alice):
    ticket = actions.archive(make_ticket(alice), alice)
    page = alice_client.get(reverse("tickets:ticket_form", args=[ticket.pk]), {"edit": "1"}).content.decode()
    assert 'name="priority"' not in page and ">Edit<" not in page
    response = save(alice_client, ticket, data={"priority": Priority.URGENT, "version": ticket.version})
    assert response.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.NORMAL


@pytest.mark.spec("D4", "T2")
def test_sub_status_changes_at_once_and_says_so(alice_client, alice):
    waiting = SubStatusFactory(status=Status.PENDING, name="Waiting for customer")
    ticket = make_ticket(alice)
    response = csrf_post(
        alice_client, reverse("tickets:ticket_sub_status", args=[ticket.pk]), {"sub_status": waiting.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.sub_status == waiting and ticket.status == Status.PENDING  # the status moves along
    toast = json.loads(response["HX-Trigger"])["messages"][0]["message"]
    assert toast == "Sub-status set to Pending · Waiting for customer."
    assert ticket.events.get(kind=TicketEvent.Kind.STATUS_CHANGED)


@pytest.mark.spec("D2")
def test_the_panel_ratio_is_kept_per_user(alice_client, alice):
    ticket = make_ticket(alice)
    assert csrf_post(alice_client, reverse("tickets:panel_ratio"), {"ratio": "1:2"}).status_code == 204
    assert UserPreference.objects.get(user=alice).panel_ratio == "1:2"
    assert 'data-ratio="1:2"' in alice_client.get(ticket.get_absolute_url()).content.decode()
    assert csrf_post(alice_client, reverse("tickets:panel_ratio"), {"ratio": "9:1"}).status_code == 422


def test_the_print_view_shows_the_ticket_with_its_notes_and_history(alice_client, alice):
    ticket = make_ticket(alice, title="Printer on fire")
    actions.add_note(ticket, alice, "Called the customer back")
    html = alice_client.get(reverse("tickets:ticket_print", args=[ticket.pk])).content.decode()
    assert "Printer on fire" in html and "Called the customer back" in html and "Created" in html


@pytest.mark.spec("D3", "N2")
def test_followers_are_edited_in_the_form_as_one_save(alice_client, alice, bob, carol):
    ticket = make_ticket(alice, followers=[carol])
    response = save(alice_client, ticket, followers=[bob.pk])
    assert response.status_code == 200
    assert list(ticket.followers.all()) == [bob]
    event = ticket.events.get(version=2)
    assert (event.kind, event.changes) == (TicketEvent.Kind.UPDATED, {"followers": [["Carol Cole"], ["Bob Baker"]]})
    assert ticket.events.count() == 2


@pytest.mark.spec("D3", "N2")
def test_a_stale_form_changing_only_followers_keeps_a_colleagues_follower_change(alice_client, alice, bob, carol):
    ticket = make_ticket(alice)
    loaded = form_data(alice_client, ticket, followers=[carol.pk])
    actions.follow(ticket, bob, bob)

    response = save(alice_client, ticket, data=loaded)

    assert response.status_code == 200
    assert set(ticket.followers.all()) == {bob, carol}


@pytest.mark.spec("D3", "D5")
def test_a_colleagues_note_while_editing_never_blocks_the_save(alice_client, alice, bob):
    ticket = make_ticket(alice)
    loaded = form_data(alice_client, ticket, priority=Priority.HIGH)
    actions.add_note(ticket, bob, "Customer called again")

    response = save(alice_client, ticket, data=loaded)

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.version) == (Priority.HIGH, 3)


@pytest.mark.spec("D3", "T8")
def test_saving_without_touching_the_deadline_keeps_it_automatic(alice_client, alice):
    import datetime as dt

    category = CategoryFactory(sla_policy=SLAPolicyFactory(normal_minutes=8 * 60, urgent_minutes=60))
    created = dt.datetime(2024, 6, 3, 9, 0, 17, 250000, tzinfo=dt.UTC)  # an SLA deadline keeps these seconds
    ticket = make_ticket(alice, category=category, created_at=created)

    assert save(alice_client, ticket, title="New title").status_code == 200
    assert save(alice_client, Ticket.objects.get(pk=ticket.pk), priority=Priority.URGENT).status_code == 200

    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.deadline_is_manual is False
    assert saved.deadline == created + dt.timedelta(hours=1)


@pytest.mark.spec("D9", "R4")
def test_the_source_shows_only_with_access_to_its_channel_and_product(alice_client, alice, support_team):
    from configurations.models import SourceAccess

    ticket = make_ticket(
        alice, source_channel="email", source_product="Web shop", source_url="https://crm.example.com/e/42"
    )
    internal = make_ticket(alice)
    url = reverse("tickets:ticket_form", args=[ticket.pk])
    assert "https://crm.example.com/e/42" not in alice_client.get(url).content.decode()
    assert "Hidden: no access" in alice_client.get(url).content.decode()

    SourceAccess.objects.create(team=support_team, channel="email")  # any product of the email channel
    assert "https://crm.example.com/e/42" in alice_client.get(url).content.decode()
    SourceAccess.objects.all().delete()
    SourceAccess.objects.create(team=support_team, channel="email", product="Mobile app")
    assert "https://crm.example.com/e/42" not in alice_client.get(url).content.decode()
    assert "Internal" in alice_client.get(reverse("tickets:ticket_form", args=[internal.pk])).content.decode()
