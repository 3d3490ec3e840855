"""Each activity's actions (SPEC D6): comment, detail, print, create child ticket, move to another
ticket; each change logged in every ticket it touches (X1), refused on archived tickets (T4),
fetched only through a ticket the user may see, and never a 500 on bad input (X2)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from tickets import actions
from tickets.actions import TicketRuleError
from tickets.models import Activity, Attachment, Ticket, TicketEvent

from ..conftest import csrf_post
from ..factories import ContactFactory, make_ticket
from .test_email_activities import RAW, _email, _stored

pytestmark = [pytest.mark.django_db, pytest.mark.spec("D6")]

NUMBER = "+44 20 7946 0001"


@pytest.fixture
def ticket(alice):
    return make_ticket(alice, title="Boiler broken", contact=ContactFactory(name="Dana Smith", phone=NUMBER))


@pytest.fixture
def other(bob):
    return make_ticket(bob, title="Second boiler")


@pytest.fixture
def call(ticket, alice):
    return actions.log_call(ticket, alice, number=NUMBER, direction="outbound", outcome="answered",
                            duration="2:30", note="Will send photos")


def url(name, ticket, activity):
    return reverse(f"tickets:{name}", args=[ticket.pk, activity.pk])


def htmx_get(client, path):
    return client.get(path, HTTP_HX_REQUEST="true")


def htmx_post(client, path, data):
    return csrf_post(client, path, data, HTTP_HX_REQUEST="true")


def with_file(ticket, activity, name="photo.png", data=b"\x89PNG\r\n\x1a\nfake"):
    attachment = Attachment(ticket=ticket, activity=activity, original_name=name, content_type="image/png",
                            size=len(data))
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    return attachment


# --- the menu ---------------------------------------------------------------------------------------

def test_every_activity_row_has_the_menu_and_an_archived_ticket_only_detail_and_print(
    alice_client, alice, ticket, call
):
    note = actions.add_note(ticket, alice, "Checked the boiler")
    page = alice_client.get(ticket.get_absolute_url()).content.decode()
    for activity in (call, note):
        for name in ("activity_comment", "activity_detail", "activity_print", "activity_child", "activity_move"):
            assert url(name, ticket, activity) in page
    assert 'id="activity-dialog"' in page

    actions.archive(ticket, alice)
    page = alice_client.get(ticket.get_absolute_url()).content.decode()
    assert url("activity_detail", ticket, call) in page and url("activity_print", ticket, call) in page
    for name in ("activity_comment", "activity_child", "activity_move"):
        assert url(name, ticket, call) not in page


def test_the_ticket_page_costs_the_same_queries_with_comments_copies_and_calls(
    alice_client, alice, ticket, call, other, django_assert_max_num_queries
):
    from .test_pages import TICKET_DETAIL_QUERIES, count_queries

    plain, _ = count_queries(alice_client, other.get_absolute_url())
    actions.comment_on_activity(call, alice, "Photos came in")
    actions.create_child_ticket(call, alice, title="Replace the valve")
    actions.send_sms(ticket, alice, to=NUMBER, body="Hello")
    busy, _ = count_queries(alice_client, ticket.get_absolute_url())
    assert plain == busy == TICKET_DETAIL_QUERIES


# --- comment ----------------------------------------------------------------------------------------

def test_a_comment_is_an_internal_note_that_quotes_and_links_the_activity(
    alice_client, bob, ticket, call, published_events
):
    form = htmx_get(alice_client, url("activity_comment", ticket, call)).content.decode()
    assert "Outgoing call to +44 20 7946 0001 · Answered · 2:30 — Will send photos" in form

    with published_events:
        response = htmx_post(alice_client, url("activity_comment", ticket, call), {"body": "Photos came in, @bob"})

    assert response.status_code == 200
    comment = Activity.objects.get(kind="note")
    assert (comment.about, comment.direction, comment.body) == (call, "internal", "Photos came in, @bob")
    assert comment.quote.startswith("Outgoing call to")
    assert comment.mentioned == ["bob"]
    html = response.content.decode()
    assert f'href="#activity-{call.pk}"' in html and "Photos came in" in html  # the list, out of band
    assert ticket.events.filter(kind=TicketEvent.Kind.NOTE_ADDED).count() == 1
    assert [event["kind"] for event in published_events] == ["note_added"]


@pytest.mark.spec("D6", "D5", "X2")
def test_an_empty_or_too_long_comment_stays_in_the_dialog_with_its_message(alice_client, ticket, call):
    response = htmx_post(alice_client, url("activity_comment", ticket, call), {"body": "  "})
    assert response.status_code == 422
    assert "A note can&#x27;t be empty." in response.content.decode()
    response = htmx_post(alice_client, url("activity_comment", ticket, call), {"body": "x" * 501})
    assert response.status_code == 422 and "at most 500 characters" in response.content.decode()
    assert not Activity.objects.filter(kind="note").exists()


def test_a_comment_keeps_its_link_when_the_activity_moves(alice, ticket, call, other):
    comment = actions.comment_on_activity(call, alice, "See this call")
    actions.move_activity(call, alice, other)
    from tickets.parts.activities import activity_queryset

    row = activity_queryset(ticket).get(pk=comment.pk)
    assert (row.about_id, row.about_ticket_id) == (call.pk, other.pk)


# --- detail and print -------------------------------------------------------------------------------

def test_the_detail_of_an_email_shows_its_raw_headers(alice_client, ticket):
    email = _email(ticket)
    _stored(email)
    html = alice_client.get(url("activity_detail", ticket, email)).content.decode()
    assert "The email from Sam Lee" in html
    assert "Received" in html and "from mx.example.net by helpdesk" in html  # a header only the raw message has
    assert "&lt;reply-1@example.org&gt;" in html
    assert reverse("mail:email_original_download", args=[ticket.pk, email.pk]) in html
    assert RAW.decode().count("\r\n") > 3


def test_the_detail_of_a_call_shows_every_fact_and_its_comments(alice_client, alice, ticket, call):
    actions.comment_on_activity(call, alice, "Photos came in")
    html = alice_client.get(url("activity_detail", ticket, call)).content.decode()
    for text in ("The call with +44 20 7946 0001", "Answered", "2:30", "Will send photos", "Photos came in"):
        assert text in html


def test_the_print_page_of_an_activity_opens_the_print_dialog(alice_client, ticket, call):
    html = alice_client.get(url("activity_print", ticket, call)).content.decode()
    assert "js/print.js" in html and "Will send photos" in html and ticket.reference in html


@pytest.mark.spec("D6", "T4")
def test_detail_and_print_stay_open_on_an_archived_ticket(alice_client, alice, ticket, call):
    actions.archive(ticket, alice)
    assert alice_client.get(url("activity_detail", ticket, call)).status_code == 200
    assert alice_client.get(url("activity_print", ticket, call)).status_code == 200


@pytest.mark.spec("D6", "R2")
def test_an_activity_is_only_reached_through_its_own_ticket(alice_client, ticket, call, other):
    for name in ("activity_detail", "activity_print"):
        assert alice_client.get(reverse(f"tickets:{name}", args=[other.pk, call.pk])).status_code == 404
    for name in ("activity_comment", "activity_child", "activity_move"):
        path = reverse(f"tickets:{name}", args=[other.pk, call.pk])
        assert htmx_post(alice_client, path, {"body": "x", "title": "x", "target": ticket.pk}).status_code == 404
    assert not Ticket.objects.filter(title="x").exists()


# --- child ticket -----------------------------------------------------------------------------------

def test_a_child_ticket_is_made_from_an_activity_with_a_copy_and_both_histories(
    alice_client, alice, ticket, published_events
):
    email = _email(ticket, body_html=f'<p><img src="/tickets/{ticket.pk}/attachments/0/"></p>')
    photo = with_file(ticket, email)
    email.body_html = f'<p><img src="/tickets/{ticket.pk}/attachments/{photo.pk}/"></p>'
    email.cc, email.bcc = ["Lee <lee@example.com>"], ["audit@example.com"]
    email.save()
    assert "Printer still broken" in htmx_get(alice_client, url("activity_child", ticket, email)).content.decode()

    with published_events:
        response = htmx_post(alice_client, url("activity_child", ticket, email), {"title": "Order a new printer"})

    child = Ticket.objects.get(title="Order a new printer")
    assert response["HX-Redirect"] == child.get_absolute_url()
    assert (child.parent, child.contact, child.created_by) == (ticket, ticket.contact, alice)
    copy = child.activities.get()
    assert (copy.kind, copy.subject, copy.copied_from, copy.message_id) == ("email", email.subject, email, "")
    assert (copy.to, copy.cc, copy.bcc) == (email.to, email.cc, email.bcc)
    [copied_file] = copy.attachments.all()
    assert copied_file.file.name != photo.file.name and copied_file.file.read() == b"\x89PNG\r\n\x1a\nfake"
    assert f"/tickets/{child.pk}/attachments/{copied_file.pk}/" in copy.body_html
    assert email.attachments.count() == 1  # the original keeps its own

    created = child.events.get(kind=TicketEvent.Kind.CREATED)
    assert created.changes["parent"] == [None, str(ticket)]
    assert created.changes["email"] == [None, f"Printer still broken (copied from {ticket.reference})"]
    parent_event = ticket.events.get(kind=TicketEvent.Kind.CHILD_CREATED)
    assert parent_event.changes == {"children": [None, f"{child.reference} Order a new printer"]}
    assert {event["ticket"] for event in published_events} == {ticket.pk, child.pk}
    page = alice_client.get(child.get_absolute_url()).content.decode()
    assert f"Copied from <a href=\"/tickets/{ticket.pk}/#activity-{email.pk}\">{ticket.reference}</a>" in page


@pytest.mark.spec("D6", "N3")
def test_a_copied_message_that_was_still_sending_is_never_sent_again(alice, ticket):
    sms = actions.send_sms(ticket, alice, to=NUMBER, body="On our way")  # pending: the commit never ran
    child = actions.create_child_ticket(sms, alice, title="Follow up")
    copy = child.activities.get()
    assert (copy.delivery_state, copy.next_attempt_at, copy.send_key) == ("", None, None)
    assert Activity.objects.filter(delivery_state="pending").count() == 1


@pytest.mark.spec("D6", "X2")
def test_a_child_ticket_without_a_title_is_refused_in_the_dialog(alice_client, ticket, call):
    response = htmx_post(alice_client, url("activity_child", ticket, call), {"title": " "})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.content.decode()
    assert Ticket.objects.count() == 1
    assert not ticket.events.filter(kind=TicketEvent.Kind.CHILD_CREATED).exists()


@pytest.mark.spec("D6", "T4")
def test_an_archived_ticket_gets_no_child_comment_or_move(alice_client, alice, ticket, call, other):
    actions.archive(ticket, alice)
    for name, data in (("activity_child", {"title": "Child"}), ("activity_comment", {"body": "Hi"}),
                       ("activity_move", {"target": other.pk})):
        response = htmx_post(alice_client, url(name, ticket, call), data)
        assert response.status_code == 422
        assert "archived" in response.content.decode()
    assert Ticket.objects.count() == 2 and Activity.objects.count() == 1
    call.refresh_from_db()
    assert call.ticket == ticket


# --- move -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["call", "note", "sms", "email"])
def test_any_activity_moves_to_another_ticket_logged_on_both(alice_client, alice, ticket, other, kind,
                                                             published_events):
    if kind == "call":
        activity = actions.log_call(ticket, alice, number=NUMBER, direction="inbound", outcome="busy")
    elif kind == "note":
        activity = actions.add_note(ticket, alice, "Internal remark")
    elif kind == "sms":
        activity = actions.send_sms(ticket, alice, to=NUMBER, body="Hello there")
    else:
        activity = _email(ticket)
    with_file(ticket, activity)

    with published_events:
        response = htmx_post(alice_client, url("activity_move", ticket, activity), {"target": other.reference})

    assert response.status_code == 200
    activity.refresh_from_db()
    assert activity.ticket == other
    assert Attachment.objects.get().ticket == other
    moved = TicketEvent.Kind.EMAIL_MOVED if kind == "email" else TicketEvent.Kind.ACTIVITY_MOVED
    source_event, target_event = ticket.events.get(kind=moved), other.events.get(kind=moved)
    assert source_event.changes[kind][1] == f"Moved to {other.reference}"
    assert target_event.changes[kind][1].endswith(f"(moved from {ticket.reference})")
    assert target_event.changes["attachments"] == [None, "photo.png"]
    assert {event["ticket"] for event in published_events} == {ticket.pk, other.pk}
    assert f'id="activity-{activity.pk}"' not in response.content.decode()  # gone from this ticket's list


def test_the_move_search_finds_open_tickets_by_reference_or_title(alice_client, alice, ticket, call, other):
    archived = make_ticket(alice, title="Second boiler, archived")
    actions.archive(archived, alice)
    search = reverse("tickets:activity_move_search", args=[ticket.pk, call.pk])
    by_title = htmx_get(alice_client, search + "?q=second boiler").content.decode()
    assert other.reference in by_title and archived.reference not in by_title
    assert other.reference in htmx_get(alice_client, search + f"?q={other.pk}").content.decode()
    assert f'data-value="{ticket.pk}"' not in htmx_get(alice_client, search + f"?q={ticket.reference}").content.decode()


@pytest.mark.spec("D6", "X2", "T4")
@pytest.mark.parametrize("target,message", [("", "Pick a ticket"), ("T-999999", "No ticket T-999999 exists."),
                                            ("self", "Choose another ticket"), ("archived", "is archived")])
def test_a_move_to_no_ticket_itself_or_an_archived_one_is_refused(alice_client, alice, ticket, call, target, message):
    if target == "self":
        target = ticket.reference
    elif target == "archived":
        archived = make_ticket(alice, title="Old")
        actions.archive(archived, alice)
        target = archived.reference
    response = htmx_post(alice_client, url("activity_move", ticket, call), {"target": target})
    assert response.status_code == 422
    assert message in response.content.decode()
    call.refresh_from_db()
    assert call.ticket == ticket
    assert not TicketEvent.objects.filter(kind=TicketEvent.Kind.ACTIVITY_MOVED).exists()


@pytest.mark.spec("D6", "D13")
def test_the_thread_banner_still_moves_an_email(alice_client, alice, ticket, other):
    email = _email(ticket, thread_candidates=[other.pk], thread_open=True)
    response = csrf_post(alice_client, reverse("mail:email_move", args=[ticket.pk, email.pk]), {"target": other.pk})
    assert response.status_code == 302
    email.refresh_from_db()
    assert (email.ticket, email.thread_open) == (other, False)
    with pytest.raises(TicketRuleError, match="Only a customer's email"):
        actions.move_email(actions.add_note(other, alice, "A note"), alice, ticket)


def test_a_moved_activity_keeps_its_time(alice, ticket, other, call):
    created = call.created_at
    actions.move_activity(call, alice, other)
    call.refresh_from_db()
    assert call.created_at == created and call.created_at <= timezone.now()
