"""Email an agent writes and sends from the ticket (SPEC D14, D6, B2, N3, X1, X2).

The editor's requests are made as the page makes them (HTMX, CSRF header); delivery runs eagerly
through Django's locmem backend here. tests/integration/test_outgoing_smtp.py sends through a
real SMTP server, and tests/browser/test_email_compose.py drives the editor in Chromium.
"""

import datetime as dt
import email
from email import policy

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from mail import outgoing
from mail.models import DraftFile, EmailDraft, Mailbox
from notifications import tasks
from notifications.customer_messages import Outcome, deliver
from tickets import actions
from tickets.models import Activity, Attachment, TicketEvent

from ..conftest import csrf_post
from ..factories import CategoryFactory, ContactFactory, make_ticket

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def category(support_team):
    return CategoryFactory(name="Hardware", default_queue="support@helpdesk.example")


@pytest.fixture
def support_box(category, support_team):
    return Mailbox.objects.create(
        name="Acme Support", address="support@helpdesk.example", category=category, team=support_team,
        signature="Acme Support\nCall us on 0800 123",
    )


@pytest.fixture
def sales_box(db):
    return Mailbox.objects.create(name="Acme Sales", address="sales@helpdesk.example")


@pytest.fixture
def billing_box(billing_team):
    return Mailbox.objects.create(name="Billing", address="billing@helpdesk.example", team=billing_team)


@pytest.fixture
def ticket(alice, category, support_box):
    contact = ContactFactory(name="Dana Smith", email="dana@example.com")
    return make_ticket(alice, title="Boiler broken", contact=contact, category=category)


def url(name, ticket, *args):
    return reverse(f"mail:{name}", args=[ticket.pk, *args])


def compose(client, ticket, mode="new", activity=None):
    data = {"mode": mode}
    if activity is not None:
        data["activity"] = activity.pk
    return csrf_post(client, url("email_compose", ticket), data, **HX)


def draft_data(draft, **changes):
    data = {
        "mailbox": draft.mailbox_id or "", "to": draft.to, "cc": draft.cc, "bcc": draft.bcc,
        "subject": draft.subject, "body_html": draft.body_html,
    }
    data.update(changes)
    return data


def send(client, ticket, data, capture=None):
    if capture is None:
        return csrf_post(client, url("email_send", ticket), data, **HX)
    with capture(execute=True):
        return csrf_post(client, url("email_send", ticket), data, **HX)


def inbound_email(ticket, *, message_id="<m1@customer.example>", sender="Dana Smith <dana@example.com>"):
    return Activity.objects.create(
        ticket=ticket, kind=Activity.Kind.EMAIL, direction=Activity.Direction.INBOUND, subject="Boiler broken",
        sender=sender, to=["Acme Support <support@helpdesk.example>", "Sam Lee <sam@example.com>"],
        cc=["Pat Doe <pat@example.com>"], body="It makes a knocking noise.",
        body_html="<p>It makes a <b>knocking</b> noise.</p>", message_id=message_id,
        references="<m0@customer.example>", created_at=ticket.created_at,
    )


def parsed(message):
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


# --- the editor ---------------------------------------------------------------------------------


@pytest.mark.spec("D14", "T7")
def test_a_new_email_starts_from_the_categorys_mailbox_to_the_contact_with_the_reference(
    alice_client, alice, ticket, support_box, sales_box
):
    response = compose(alice_client, ticket)

    assert response.status_code == 200
    draft = EmailDraft.objects.get(ticket=ticket, author=alice)
    assert draft.mailbox == support_box
    assert draft.to == "Dana Smith <dana@example.com>"
    assert draft.subject == f"Boiler broken [{ticket.reference}]"
    page = response.content.decode()
    assert 'data-composer' in page and "Acme Sales &lt;sales@helpdesk.example&gt;" in page
    assert "Call us on 0800 123" in page  # the mailbox's signature shown under the editor


@pytest.mark.spec("D14")
def test_an_agent_may_send_only_from_mailboxes_of_no_team_their_teams_or_the_tickets_category(
    carol, alice, ticket, support_box, sales_box, billing_box
):
    assert set(outgoing.usable_mailboxes(alice, ticket)) == {support_box, sales_box}
    # Carol (Billing) may use Billing's and the shared one, and the ticket's category's own queue.
    assert set(outgoing.usable_mailboxes(carol, ticket)) == {support_box, sales_box, billing_box}
    other = make_ticket(alice, title="Elsewhere")
    assert set(outgoing.usable_mailboxes(carol, other)) == {sales_box, billing_box}


@pytest.mark.spec("D14", "X2")
def test_a_mailbox_the_agent_may_not_use_is_not_taken_from_a_posted_draft(
    alice_client, alice, ticket, billing_box, support_box
):
    compose(alice_client, ticket)
    draft = EmailDraft.objects.get(ticket=ticket, author=alice)

    csrf_post(alice_client, url("email_draft_save", ticket), draft_data(draft, mailbox=billing_box.pk), **HX)

    draft.refresh_from_db()
    assert draft.mailbox == support_box


@pytest.mark.spec("D14")
def test_the_draft_is_kept_per_ticket_and_agent_and_comes_back_after_a_reload(
    alice_client, alice, bob, ticket, client
):
    compose(alice_client, ticket)
    draft = EmailDraft.objects.get(ticket=ticket, author=alice)
    body = "<p>Dear Dana,</p><p>our engineer <b>comes tomorrow</b>.</p><script>alert(1)</script>"

    response = csrf_post(alice_client, url("email_draft_save", ticket), draft_data(draft, body_html=body, cc="x@y"), **HX)

    assert response.status_code == 200 and "Draft saved" in response.content.decode()
    draft.refresh_from_db()
    assert draft.body_html == "<p>Dear Dana,</p><p>our engineer <b>comes tomorrow</b>.</p>"
    assert draft.cc == "x@y"  # kept as typed; checked when sent
    page = alice_client.get(ticket.get_absolute_url()).content.decode()
    assert url("email_draft", ticket) in page  # the page loads the draft into the editor
    loaded = alice_client.get(url("email_draft", ticket), **HX).content.decode()
    assert "comes tomorrow" in loaded and "<script>" not in loaded
    # Bob has no draft on the ticket: his page loads none.
    client.force_login(bob)
    assert url("email_draft", ticket) not in client.get(ticket.get_absolute_url()).content.decode()


@pytest.mark.spec("D14")
def test_discarding_the_draft_removes_it_and_its_files(alice_client, alice, ticket, django_capture_on_commit_callbacks):
    compose(alice_client, ticket)
    draft = EmailDraft.objects.get(ticket=ticket, author=alice)
    upload = SimpleUploadedFile("notes.txt", b"engineer notes")
    csrf_post(alice_client, url("email_draft_upload", ticket), {**draft_data(draft), "files": upload}, **HX)
    (item,) = DraftFile.objects.filter(draft=draft)
    storage, name = item.file.storage, item.file.name

    with django_capture_on_commit_callbacks(execute=True):
        csrf_post(alice_client, url("email_draft_discard", ticket), {}, **HX)

    assert not EmailDraft.objects.filter(pk=draft.pk).exists()
    assert not storage.exists(name)


@pytest.mark.spec("D14", "X2")
def test_a_refused_upload_says_why_in_the_editor_and_keeps_nothing(alice_client, alice, ticket):
    compose(alice_client, ticket)
    draft = EmailDraft.objects.get(ticket=ticket, author=alice)
    upload = SimpleUploadedFile("run.exe", b"MZ...")

    response = csrf_post(alice_client, url("email_draft_upload", ticket), {**draft_data(draft), "files": upload}, **HX)

    assert response.status_code == 422
    assert ".exe files are not allowed" in response.content.decode()
    assert not DraftFile.objects.exists()


# --- sending ------------------------------------------------------------------------------------


@pytest.mark.spec("D14", "B2", "N3", "X1")
def test_sending_records_the_email_delivers_it_with_html_text_signature_and_files_and_tells_viewers(
    alice_client, alice, ticket, support_box, published_events, django_capture_on_commit_callbacks
):
    (picked,) = actions.attach_files(
        ticket, alice, [(SimpleUploadedFile("manual.pdf", b"%PDF-1.4 manual"), "manual.pdf", "application/pdf")]
    )
    compose(alice_client, ticket)
    draft = EmailDraft.objects.get(ticket=ticket, author=alice)
    csrf_post(alice_client, url("email_draft_upload", ticket),
              {**draft_data(draft), "files": SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20)}, **HX)
    body = '<p>Dear Dana,</p><ul><li>Turn it <i>off</i></li></ul><p>See <a href="https://acme.example/faq">the FAQ</a>.</p>'
    data = draft_data(draft, body_html=body, cc="Sam Lee <sam@example.com>", bcc="boss@acme.example",
                      attachments=[picked.pk])

    with published_events:
        response = send(alice_client, ticket, data)

    assert response.status_code == 200, response.content.decode()[:500]
    assert not EmailDraft.objects.filter(ticket=ticket).exists()
    (activity,) = Activity.objects.filter(ticket=ticket, direction=Activity.Direction.OUTBOUND)
    assert (activity.kind, activity.author, activity.delivery_state) == ("email", alice, Activity.Delivery.SENT)
    assert activity.sender == "Acme Support <support@helpdesk.example>"
    assert activity.to == ["Dana Smith <dana@example.com>"] and activity.cc == ["Sam Lee <sam@example.com>"]
    assert activity.bcc == ["boss@acme.example"]
    assert activity.message_id.startswith("<helpdesk.") and activity.message_id.endswith("@localhost>")
    assert sorted(activity.attachments.values_list("original_name", flat=True)) == ["manual.pdf", "photo.png"]

    (message,) = mail.outbox
    assert message.from_email == "Acme Support <support@helpdesk.example>"
    assert message.subject == f"Boiler broken [{ticket.reference}]"
    assert message.bcc == ["boss@acme.example"]
    sent = parsed(message)
    assert sent["Message-ID"] == activity.message_id
    assert "Bcc" not in sent
    text = sent.get_body(("plain",)).get_content()
    assert text.startswith("Dear Dana,\n\n- Turn it off\n\nSee the FAQ (https://acme.example/faq).")
    assert text.rstrip().endswith("-- \nAcme Support\nCall us on 0800 123")
    html = sent.get_body(("html",)).get_content()
    assert "<i>off</i>" in html and "Call us on 0800 123" in html
    assert sorted(part.get_filename() for part in sent.iter_attachments()) == ["manual.pdf", "photo.png"]

    event = TicketEvent.objects.filter(ticket=ticket).first()
    assert event.kind == TicketEvent.Kind.EMAIL_SENT and event.actor == alice
    assert event.changes["email"] == [None, f"To Dana Smith <dana@example.com>: Boiler broken [{ticket.reference}]"]
    assert [e["kind"] for e in published_events if e["kind"] != "delivery"] == ["email_sent"]
    assert any(e.get("kind") == "delivery" and e["delivery"] == "sent" for e in published_events)
    page = response.content.decode()
    assert 'id="activity-list"' in page and "hx-swap-oob" in page and "Boiler broken" in page


@pytest.mark.spec("D14", "X2")
@pytest.mark.parametrize(
    "field, value, message",
    [
        ("to", "dana@", "Not an email address: “dana@”."),
        ("to", "", "Add at least one recipient."),
        ("cc", "Sam <sam at example.com>", "Not an email address"),
        ("subject", "   ", "Give the email a subject."),
        ("body_html", "<p> </p>", "Write the message before sending it."),
    ],
)
def test_a_draft_that_cannot_be_sent_says_why_at_the_field_and_nothing_is_sent(
    alice_client, alice, ticket, field, value, message
):
    compose(alice_client, ticket)
    draft = EmailDraft.objects.get(ticket=ticket, author=alice)
    data = draft_data(draft, body_html="<p>Hello</p>")
    data[field] = value

    response = send(alice_client, ticket, data)

    assert response.status_code == 422
    page = response.content.decode()
    assert message in page and 'aria-invalid="true"' in page
    assert not Activity.objects.filter(direction=Activity.Direction.OUTBOUND).exists()
    assert mail.outbox == []
    assert EmailDraft.objects.filter(ticket=ticket, author=alice).exists()


@pytest.mark.spec("D14", "T4")
def test_an_archived_ticket_sends_nothing(alice_client, alice, ticket):
    compose(alice_client, ticket)
    draft = EmailDraft.objects.get(ticket=ticket, author=alice)
    actions.archive(ticket, alice)

    response = send(alice_client, ticket, draft_data(draft, body_html="<p>Hello</p>"))

    assert response.status_code == 422
    assert "archived" in response.content.decode()
    assert not Activity.objects.filter(direction=Activity.Direction.OUTBOUND).exists()
    assert compose(alice_client, ticket).status_code == 422
    page = alice_client.get(ticket.get_absolute_url()).content.decode()
    assert url("email_compose", ticket) not in page


@pytest.mark.spec("D14", "R2")
def test_only_people_who_may_work_on_tickets_send(alice, ticket):
    from django.core.exceptions import PermissionDenied

    from ..factories import UserFactory

    nobody = UserFactory(username="nobody")
    nobody.groups.clear()
    message = actions.OutgoingEmail(
        sender="x@helpdesk.example", to=["dana@example.com"], subject="Hi", body_html="<p>Hi</p>", body_text="Hi",
        message_id="<helpdesk.1@localhost>",
    )
    with pytest.raises(PermissionDenied):
        actions.send_email(ticket, nobody, message)
    assert not Activity.objects.filter(direction=Activity.Direction.OUTBOUND).exists()


@pytest.mark.spec("D14", "D13")
def test_the_subject_always_carries_the_reference_for_threading(
    alice_client, alice, ticket, django_capture_on_commit_callbacks
):
    compose(alice_client, ticket)
    draft = EmailDraft.objects.get(ticket=ticket, author=alice)

    send(alice_client, ticket, draft_data(draft, subject="Your boiler", body_html="<p>Fixed.</p>"),
         django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.subject == f"Your boiler [{ticket.reference}]"


# --- reply, reply all, forward -----------------------------------------------------------------


@pytest.mark.spec("D6", "D14")
def test_reply_answers_the_sender_quotes_the_original_and_threads_with_its_headers(
    alice_client, alice, ticket, django_capture_on_commit_callbacks
):
    original = inbound_email(ticket)

    compose(alice_client, ticket, "reply", original)

    draft = EmailDraft.objects.get(ticket=ticket, author=alice)
    assert draft.mode == "reply" and draft.reply_to == original
    assert draft.to == "Dana Smith <dana@example.com>" and draft.cc == ""
    assert draft.subject == f"Re: Boiler broken [{ticket.reference}]"
    assert "<blockquote><p>It makes a <b>knocking</b> noise.</p></blockquote>" in draft.body_html
    assert "Dana Smith &lt;dana@example.com&gt; wrote:" in draft.body_html

    send(alice_client, ticket, draft_data(draft, body_html="<p>We come tomorrow.</p>" + draft.body_html),
         django_capture_on_commit_callbacks)

    sent = parsed(mail.outbox[0])
    assert sent["In-Reply-To"] == "<m1@customer.example>"
    assert sent["References"] == "<m0@customer.example> <m1@customer.example>"
    text = sent.get_body(("plain",)).get_content()
    assert "We come tomorrow." in text and "> It makes a knocking noise." in text


@pytest.mark.spec("D6", "D14")
def test_reply_all_copies_everyone_but_the_helpdesks_own_mailboxes(alice_client, alice, ticket):
    original = inbound_email(ticket)

    compose(alice_client, ticket, "reply_all", original)

    draft = EmailDraft.objects.get(ticket=ticket, author=alice)
    assert draft.to == "Dana Smith <dana@example.com>"
    assert draft.cc == "Sam Lee <sam@example.com>, Pat Doe <pat@example.com>"


@pytest.mark.spec("D6", "D14")
def test_forward_goes_to_any_address_with_the_originals_files(
    alice_client, alice, ticket, django_capture_on_commit_callbacks
):
    original = inbound_email(ticket)
    (file,) = actions.attach_files(
        ticket, alice, [(SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 invoice"), "invoice.pdf", "application/pdf")]
    )
    Attachment.objects.filter(pk=file.pk).update(activity=original)

    compose(alice_client, ticket, "forward", original)

    draft = EmailDraft.objects.get(ticket=ticket, author=alice)
    assert (draft.to, draft.attachment_ids) == ("", [file.pk])
    assert draft.subject == f"Fwd: Boiler broken [{ticket.reference}]"
    assert "Forwarded message" in draft.body_html and "knocking" in draft.body_html
    data = draft_data(draft, to="engineer@partner.example", attachments=[file.pk])
    send(alice_client, ticket, data, django_capture_on_commit_callbacks)

    message = mail.outbox[0]
    assert message.to == ["engineer@partner.example"]
    sent = parsed(message)
    assert sent["In-Reply-To"] is None and "<m1@customer.example>" in sent["References"]
    assert [part.get_filename() for part in sent.iter_attachments()] == ["invoice.pdf"]
    assert [part.get_content() for part in sent.iter_attachments()] == [b"%PDF-1.4 invoice"]


@pytest.mark.spec("D6")
def test_every_email_on_the_page_offers_reply_reply_all_and_forward(alice_client, ticket):
    original = inbound_email(ticket)
    page = alice_client.get(ticket.get_absolute_url()).content.decode()
    for mode in ("reply", "reply_all", "forward"):
        assert f'"mode": "{mode}", "activity": "{original.pk}"' in page


# --- undo ----------------------------------------------------------------------------------------


@pytest.fixture
def undo_window(settings):
    settings.HELPDESK_SEND_UNDO_SECONDS = 10


@pytest.mark.spec("B2", "D14")
def test_undo_inside_the_window_brings_the_email_back_to_the_editor_and_nothing_leaves(
    clock, alice_client, alice, ticket, undo_window, django_capture_on_commit_callbacks
):
    compose(alice_client, ticket)
    draft = EmailDraft.objects.get(ticket=ticket, author=alice)
    csrf_post(alice_client, url("email_draft_upload", ticket),
              {**draft_data(draft), "files": SimpleUploadedFile("notes.txt", b"engineer notes")}, **HX)
    scheduled = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tasks.deliver_customer_message, "apply_async",
                      lambda args, countdown=0: scheduled.append((args, countdown)))
        response = send(alice_client, ticket, draft_data(draft, body_html="<p>On our way.</p>"),
                        django_capture_on_commit_callbacks)
    (activity,) = Activity.objects.filter(direction=Activity.Direction.OUTBOUND)
    assert scheduled == [((activity.pk,), 10)]
    assert activity.delivery_state == "pending" and activity.undoable
    assert "Sending…" in response.content.decode() and url("email_undo", ticket, activity.pk) in response.content.decode()
    clock.advance(seconds=5)
    assert deliver(activity.pk) == (Outcome.NOT_YET, 5.0)  # a task that comes early sends nothing

    response = csrf_post(alice_client, url("email_undo", ticket, activity.pk), {}, **HX)

    assert response.status_code == 200
    assert not Activity.objects.filter(pk=activity.pk).exists()
    draft = EmailDraft.objects.get(ticket=ticket, author=alice)
    assert draft.body_html == "<p>On our way.</p>"  # without the signature added when it was sent
    assert draft.to == "Dana Smith <dana@example.com>"
    assert [f.original_name for f in draft.files.all()] == ["notes.txt"]
    assert draft.files.get().file.read() == b"engineer notes"
    assert "On our way." in response.content.decode()
    assert TicketEvent.objects.filter(ticket=ticket).first().kind == TicketEvent.Kind.EMAIL_UNSENT
    assert deliver(activity.pk) == (Outcome.DONE, None)
    assert mail.outbox == []


@pytest.mark.spec("B2")
def test_undo_after_the_window_is_refused_and_the_email_goes(clock, alice_client, alice, ticket, undo_window):
    compose(alice_client, ticket)
    draft = EmailDraft.objects.get(ticket=ticket, author=alice)
    send(alice_client, ticket, draft_data(draft, body_html="<p>On our way.</p>"))
    (activity,) = Activity.objects.filter(direction=Activity.Direction.OUTBOUND)
    clock.advance(seconds=11)

    response = csrf_post(alice_client, url("email_undo", ticket, activity.pk), {}, **HX)

    assert response.status_code == 422
    assert deliver(activity.pk) == (Outcome.DONE, None)
    activity.refresh_from_db()
    assert activity.delivery_state == "sent" and len(mail.outbox) == 1


@pytest.mark.spec("B2")
def test_only_the_sender_can_undo(clock, alice, bob, ticket, undo_window):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    compose(client, ticket)
    draft = EmailDraft.objects.get(ticket=ticket, author=alice)
    send(client, ticket, draft_data(draft, body_html="<p>On our way.</p>"))
    (activity,) = Activity.objects.filter(direction=Activity.Direction.OUTBOUND)
    client.force_login(bob)

    response = csrf_post(client, url("email_undo", ticket, activity.pk), {}, **HX)

    assert response.status_code == 422
    assert Activity.objects.filter(pk=activity.pk, delivery_state="pending").exists()


@pytest.mark.spec("D14", "B9")
def test_the_sweeper_sends_an_email_whose_task_was_lost_once_its_window_has_passed(
    clock, alice_client, alice, ticket, undo_window, settings
):
    from notifications.sweeper import stalled_deliveries

    compose(alice_client, ticket)
    draft = EmailDraft.objects.get(ticket=ticket, author=alice)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tasks.deliver_customer_message, "apply_async", lambda *a, **k: None)  # the task is lost
        send(alice_client, ticket, draft_data(draft, body_html="<p>On our way.</p>"))
    assert stalled_deliveries(clock.now) == 0  # still inside its window

    clock.advance(seconds=10 + settings.HELPDESK_ORPHAN_AFTER)
    assert stalled_deliveries(clock.now - dt.timedelta(seconds=settings.HELPDESK_ORPHAN_AFTER)) == 1

    assert len(mail.outbox) == 1


@pytest.mark.spec("D14")
def test_a_pending_email_shows_sending_and_its_fate_once_delivered(clock, alice_client, alice, ticket, undo_window):
    compose(alice_client, ticket)
    draft = EmailDraft.objects.get(ticket=ticket, author=alice)
    send(alice_client, ticket, draft_data(draft, body_html="<p>On our way.</p>"))
    (activity,) = Activity.objects.filter(direction=Activity.Direction.OUTBOUND)
    item = alice_client.get(url("email_item", ticket, activity.pk), **HX).content.decode()
    assert "Sending…" in item and "Undo" in item and 'hx-trigger="every 2s"' in item

    clock.advance(seconds=10)
    deliver(activity.pk)

    item = alice_client.get(url("email_item", ticket, activity.pk), **HX).content.decode()
    assert "Sent" in item and "Undo" not in item and "hx-trigger" not in item.split(">", 1)[0]


# --- the ticket page stays as cheap ------------------------------------------------------------


@pytest.mark.spec("D14")
def test_the_ticket_page_costs_the_same_queries_with_emails_and_a_draft(alice_client, alice, ticket):
    from .test_pages import TICKET_DETAIL_QUERIES, count_queries

    compose(alice_client, ticket)
    queries, response = count_queries(alice_client, ticket.get_absolute_url())
    assert queries == TICKET_DETAIL_QUERIES
    assert url("email_draft", ticket) in response.content.decode()
    # Emails on the page cost the one query for their files they always did, reply buttons nothing.
    inbound_email(ticket)
    inbound_email(ticket, message_id="<m2@customer.example>")
    assert count_queries(alice_client, ticket.get_absolute_url())[0] == TICKET_DETAIL_QUERIES + 1


@pytest.mark.spec("D14", "X2")
def test_addresses_are_read_as_people_type_them():
    assert outgoing.parse_addresses("Dana <dana@example.com>; sam@example.com,\nDANA@example.com") == (
        ["Dana <dana@example.com>", "sam@example.com"], None,
    )
    assert outgoing.parse_addresses("dana, x@y")[1] == "Not an email address: “dana”, “x@y”."


# --- reply templates -------------------------------------------------------------------------------


@pytest.fixture
def templates(category):
    from configurations.models import ReplyTemplate

    return {
        "visit": ReplyTemplate.objects.create(
            name="Engineer visit", category=category, subject="Visit for {reference}",
            body="Dear {customer},\n\nour engineer comes tomorrow about “{title}”.\n\n{agent}",
        ),
        "thanks": ReplyTemplate.objects.create(name="Thanks", body="Thank you, {customer}!"),
        "elsewhere": ReplyTemplate.objects.create(
            name="Billing only", category=CategoryFactory(name="Billing"), body="About your invoice."
        ),
        "sms": ReplyTemplate.objects.create(name="Text only", channel="sms", body="See you tomorrow."),
    }


@pytest.mark.spec("D14", "B2")
def test_the_editor_offers_the_categorys_and_the_global_email_templates_in_the_side_panel(
    alice_client, ticket, templates
):
    page = compose(alice_client, ticket).content.decode()

    assert 'id="email-templates"' in page and 'hx-swap-oob="true"' in page
    assert "Engineer visit" in page and "Thanks" in page
    assert "Billing only" not in page and "Text only" not in page


@pytest.mark.spec("D14", "B2")
def test_choosing_a_template_fills_subject_and_body_for_this_ticket(alice_client, alice, ticket, templates):
    compose(alice_client, ticket)
    draft = EmailDraft.objects.get(ticket=ticket, author=alice)

    response = csrf_post(alice_client, url("email_template_apply", ticket),
                         {**draft_data(draft), "template": templates["visit"].pk}, **HX)

    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.subject == f"Visit for [{ticket.reference}]"  # bracketed, as threading by subject reads it
    assert draft.body_html == (
        "<p>Dear Dana Smith,</p><p>our engineer comes tomorrow about “Boiler broken”.</p><p>Alice Archer</p>"
    )
    assert "Dear Dana Smith," in response.content.decode()


@pytest.mark.spec("D14", "B2", "D6")
def test_a_template_in_a_reply_keeps_the_quoted_original_below_it(alice_client, alice, ticket, templates):
    original = inbound_email(ticket)
    compose(alice_client, ticket, "reply", original)
    draft = EmailDraft.objects.get(ticket=ticket, author=alice)

    csrf_post(alice_client, url("email_template_apply", ticket),
              {**draft_data(draft, body_html="<p>scratch</p>"), "template": templates["thanks"].pk}, **HX)

    draft.refresh_from_db()
    assert draft.subject == f"Re: Boiler broken [{ticket.reference}]"  # the template has no subject
    assert draft.body_html.startswith("<p>Thank you, Dana Smith!</p>")
    assert "scratch" not in draft.body_html
    assert "<blockquote><p>It makes a <b>knocking</b> noise.</p></blockquote>" in draft.body_html


@pytest.mark.spec("D14", "X2")
def test_a_template_of_another_category_is_refused(alice_client, alice, ticket, templates):
    compose(alice_client, ticket)
    draft = EmailDraft.objects.get(ticket=ticket, author=alice)

    response = csrf_post(alice_client, url("email_template_apply", ticket),
                         {**draft_data(draft), "template": templates["elsewhere"].pk}, **HX)

    assert response.status_code == 422
    assert "not offered on this ticket" in response.content.decode()
    draft.refresh_from_db()
    assert "invoice" not in draft.body_html
