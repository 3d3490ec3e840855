"""Inbound email, stored then processed (SPEC D13, D15, T7, X2): where each message goes, and what
never becomes a ticket. The threading matrix: header match, subject reference, several candidates,
none, replies to resolved / archived / pending tickets, auto-replies, bounces, loops, duplicates."""

import base64
import datetime

import pytest
from django.utils import timezone

from configurations.models import Status
from mail import processing
from mail.models import InboundEmail, Mailbox
from mail.receiving import receive
from tests.factories import SubStatusFactory, TeamFactory, make_ticket
from tickets import actions
from tickets.models import Activity, Attachment, Contact, Ticket, TicketEvent, TicketLink

pytestmark = pytest.mark.django_db

State = InboundEmail.State
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def message(
    *,
    subject="Router keeps dropping",
    sender="Anna Berg <anna@customer.example>",
    message_id="<m1@customer.example>",
    headers="",
    body="Hello, my router drops the line every evening.",
):
    lines = [
        f"From: {sender}",
        "To: Support <support@helpdesk.example>",
        f"Subject: {subject}",
        "Date: Thu, 3 Dec 2026 10:00:00 +0000",
        "MIME-Version: 1.0",
    ]
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    lines += [line for line in headers.splitlines() if line]
    lines += ["Content-Type: text/plain; charset=utf-8", "", body, ""]
    return "\r\n".join(lines).encode()


@pytest.fixture
def mailbox(db):
    return Mailbox.objects.create(name="Support", address="support@helpdesk.example", team=TeamFactory(name="Email"))


def deliver(mailbox, raw, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inbound, _ = receive(mailbox, raw, source=InboundEmail.Source.FILE)
    inbound.refresh_from_db()
    return inbound


@pytest.fixture
def arrive(mailbox, django_capture_on_commit_callbacks):
    return lambda raw, box=None: deliver(box or mailbox, raw, django_capture_on_commit_callbacks)


@pytest.mark.spec("D13", "T7")
def test_a_new_message_becomes_a_ticket_with_its_contact_and_the_mailboxs_team(arrive, mailbox):
    inbound = arrive(message())
    assert inbound.state == State.PROCESSED, inbound.error
    ticket = inbound.ticket
    assert ticket.title == "Router keeps dropping"
    assert ticket.team == mailbox.team
    assert ticket.source_channel == "email"
    assert ticket.contact.name == "Anna Berg" and ticket.contact.email == "anna@customer.example"
    email = inbound.activity
    assert (email.kind, email.direction) == (Activity.Kind.EMAIL, Activity.Direction.INBOUND)
    assert email.sender == "Anna Berg <anna@customer.example>"
    assert email.to == ["Support <support@helpdesk.example>"]
    assert "drops the line" in email.body and "drops the line" in email.body_html
    assert email.message_id == "<m1@customer.example>"
    # One event: the ticket was created with the email.
    (created,) = TicketEvent.objects.filter(ticket=ticket)
    assert created.kind == TicketEvent.Kind.CREATED
    assert created.changes["email"] == [None, "Anna Berg <anna@customer.example>: Router keeps dropping"]


@pytest.mark.spec("D13")
def test_the_same_message_twice_is_one_activity(arrive):
    first = arrive(message())
    second = arrive(message(body="the same Message-ID, resent"))
    assert first.pk == second.pk
    assert Activity.objects.filter(kind=Activity.Kind.EMAIL).count() == 1
    # Processing again (a redelivered task) changes nothing either.
    assert processing.process(first.pk) == State.PROCESSED
    assert Ticket.objects.count() == 1


@pytest.mark.spec("D13")
def test_a_message_without_message_id_is_deduplicated_by_its_bytes(arrive):
    arrive(message(message_id=""))
    arrive(message(message_id=""))
    arrive(message(message_id="", body="another message"))
    assert Ticket.objects.count() == 2


@pytest.mark.spec("D13")
def test_an_existing_contact_is_found_by_address_whatever_its_case(arrive):
    contact = Contact.objects.create(name="Anna B.", email="Anna@Customer.example")
    inbound = arrive(message())
    assert inbound.ticket.contact == contact
    assert Contact.objects.count() == 1


@pytest.mark.spec("D13")
def test_a_reply_is_threaded_by_its_headers(arrive):
    first = arrive(message())
    reply = arrive(
        message(
            subject="Re: something else entirely",
            message_id="<m2@customer.example>",
            headers="In-Reply-To: <m1@customer.example>\r\nReferences: <m1@customer.example>",
        )
    )
    assert reply.ticket == first.ticket
    assert Ticket.objects.count() == 1
    assert first.ticket.activities.filter(kind=Activity.Kind.EMAIL).count() == 2


@pytest.mark.spec("D13")
def test_references_alone_thread_a_reply_from_a_client_without_in_reply_to(arrive):
    first = arrive(message())
    reply = arrive(message(message_id="<m3@x>", headers="References: <unknown@x> <m1@customer.example>"))
    assert reply.ticket == first.ticket


@pytest.mark.spec("D13")
def test_without_header_threading_the_headers_are_not_used(arrive, mailbox):
    first = arrive(message())
    mailbox.header_threading = False
    mailbox.save()
    reply = arrive(message(message_id="<m2@x>", headers="In-Reply-To: <m1@customer.example>"))
    assert reply.ticket != first.ticket


@pytest.mark.spec("D13")
def test_the_subject_reference_threads_a_reply_whose_headers_match_nothing(arrive, alice):
    ticket = make_ticket(alice, title="Invoice")
    inbound = arrive(message(subject=f"Re: Invoice [{ticket.reference}]", message_id="<m9@x>"))
    assert inbound.ticket == ticket


@pytest.mark.spec("D13")
def test_a_subject_naming_no_ticket_opens_a_new_one(arrive):
    inbound = arrive(message(subject="Re: [T-999999] gone", message_id="<m9@x>"))
    assert inbound.state == State.PROCESSED
    assert inbound.ticket.title == "Re: [T-999999] gone"


@pytest.mark.spec("D13")
def test_headers_matching_several_tickets_go_to_the_latest_and_offer_the_others(arrive, alice, clock):
    older = arrive(message(message_id="<a@x>", subject="First"))
    clock.advance(minutes=5)
    newer = arrive(message(message_id="<b@x>", subject="Second"))
    clock.advance(minutes=5)
    reply = arrive(message(message_id="<c@x>", headers="References: <a@x> <b@x>"))
    assert reply.ticket == newer.ticket
    email = reply.activity
    assert email.thread_open is True
    assert email.thread_candidates == [older.ticket.pk]


@pytest.mark.spec("D15")
def test_a_reply_to_a_resolved_ticket_reopens_it_and_the_history_says_why(arrive, alice):
    first = arrive(message())
    resolved = SubStatusFactory(name="Fixed", status=Status.RESOLVED)
    actions.change_sub_status(first.ticket, alice, resolved)
    reply = arrive(message(message_id="<m2@x>", headers="In-Reply-To: <m1@customer.example>"))
    ticket = Ticket.objects.get(pk=first.ticket_id)
    assert reply.ticket == ticket
    assert ticket.status == Status.ONGOING and ticket.sub_status is None
    event = ticket.events.order_by("-id").first()
    assert event.kind == TicketEvent.Kind.EMAIL_RECEIVED
    assert event.changes["status"] == ["Resolved", "Ongoing"]
    assert event.changes["reopened"][1] == "The customer replied to a resolved ticket"


@pytest.mark.spec("D15")
def test_a_reply_to_a_pending_ticket_moves_it_back_to_ongoing(arrive, alice):
    first = arrive(message())
    actions.change_status(first.ticket, alice, Status.PENDING, reopen_at=timezone.now() + datetime.timedelta(days=2))
    arrive(message(message_id="<m2@x>", headers="In-Reply-To: <m1@customer.example>"))
    ticket = Ticket.objects.get(pk=first.ticket_id)
    assert ticket.status == Status.ONGOING and ticket.reopen_at is None


@pytest.mark.spec("D15")
def test_a_reply_to_an_ongoing_ticket_keeps_its_status(arrive, alice):
    first = arrive(message())
    actions.change_status(first.ticket, alice, Status.ONGOING)
    version = Ticket.objects.get(pk=first.ticket_id).version
    arrive(message(message_id="<m2@x>", headers="In-Reply-To: <m1@customer.example>"))
    ticket = Ticket.objects.get(pk=first.ticket_id)
    assert ticket.status == Status.ONGOING and ticket.version == version + 1


@pytest.mark.spec("D15", "T4")
def test_a_reply_to_an_archived_ticket_opens_a_new_ticket_linked_to_it(arrive, alice):
    first = arrive(message())
    actions.archive(first.ticket, alice)
    archived_version = Ticket.objects.get(pk=first.ticket_id).version
    reply = arrive(message(message_id="<m2@x>", headers="In-Reply-To: <m1@customer.example>"))
    assert reply.state == State.PROCESSED
    assert reply.ticket != first.ticket
    assert TicketLink.objects.filter(from_ticket=reply.ticket, to_ticket=first.ticket).exists()
    archived = Ticket.objects.get(pk=first.ticket_id)
    assert archived.archived and archived.activities.count() == 1
    assert archived.version == archived_version + 1  # only the link's event


@pytest.mark.spec("D13", "N2")
def test_followers_and_the_assignee_are_told_of_a_reply(arrive, alice, bob, lead):
    from notifications.models import Notification

    first = arrive(message())
    actions.assign(first.ticket, lead, agent=alice)
    actions.follow(first.ticket, bob)
    arrive(message(message_id="<m2@x>", headers="In-Reply-To: <m1@customer.example>"))
    told = Notification.objects.filter(kind=Notification.Kind.FOLLOWED_CHANGE, body__startswith="New email from")
    assert sorted(told.values_list("user__username", flat=True)) == sorted([alice.username, bob.username])
    assert "Anna Berg <anna@customer.example>: Router keeps dropping" in told.first().body


AUTOMATIC = [
    "Auto-Submitted: auto-replied",
    "Auto-Submitted: auto-generated",
    "Precedence: bulk",
    "Precedence: junk",
    "Precedence: list",
    "X-Autoreply: yes",
    "X-Autorespond: Out of office",
    "X-Auto-Response-Suppress: All",
]


@pytest.mark.spec("D13")
@pytest.mark.parametrize("header", AUTOMATIC)
def test_automatic_mail_never_creates_a_ticket(arrive, header):
    inbound = arrive(message(headers=header))
    assert inbound.state == State.IGNORED
    assert "Not a customer's message" in inbound.error
    assert Ticket.objects.count() == 0


@pytest.mark.spec("D13")
def test_auto_submitted_no_is_a_person_writing(arrive):
    assert arrive(message(headers="Auto-Submitted: no")).state == State.PROCESSED


@pytest.mark.spec("D13")
@pytest.mark.parametrize(
    "kind",
    ["loop header", "own message id", "own mailbox"],
)
def test_mail_we_sent_ourselves_never_creates_a_ticket(arrive, mailbox, settings, kind):
    settings.HELPDESK_MAIL_MESSAGE_ID_DOMAIN = "helpdesk.example"
    raw = {
        "loop header": message(headers="X-Helpdesk-Loop: helpdesk.example"),
        "own message id": message(message_id=processing.make_message_id()),
        "own mailbox": message(sender="Support <SUPPORT@helpdesk.example>"),
    }[kind]
    inbound = arrive(raw)
    assert inbound.state == State.IGNORED
    assert "this helpdesk" in inbound.error
    assert Ticket.objects.count() == 0


@pytest.mark.spec("D13")
def test_a_customers_message_id_on_our_domain_is_still_a_customer(arrive, settings):
    # Thunderbird writes Message-IDs on the sender's domain: a colleague in the same company is a customer.
    settings.HELPDESK_MAIL_MESSAGE_ID_DOMAIN = "helpdesk.example"
    assert arrive(message(message_id="<4f1a-77@helpdesk.example>")).state == State.PROCESSED


@pytest.mark.spec("D13")
def test_one_sender_opens_at_most_the_limit_of_new_tickets_an_hour(arrive, settings, clock):
    settings.HELPDESK_MAIL_NEW_TICKETS_PER_SENDER_HOUR = 3
    states = [arrive(message(message_id=f"<n{i}@x>", subject=f"Flood {i}")).state for i in range(5)]
    assert states == [State.PROCESSED] * 3 + [State.IGNORED] * 2
    assert "opened 3 tickets in the last hour" in InboundEmail.objects.filter(state=State.IGNORED).first().error
    # Replies to their tickets still come in, and an hour later new ones do again.
    first = InboundEmail.objects.get(message_id="<n0@x>")
    assert arrive(message(message_id="<r@x>", headers="In-Reply-To: <n0@x>")).ticket == first.ticket
    clock.advance(minutes=61)
    assert arrive(message(message_id="<later@x>")).state == State.PROCESSED


def bounce(original_id, action="failed", status="5.1.1"):
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>\r\n"
        "To: support@helpdesk.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce-1@mx.customer.example>\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n--B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.customer.example\r\n\r\n"
        f"Final-Recipient: rfc822; gone@customer.example\r\nAction: {action}\r\nStatus: {status}\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
        "\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: support@helpdesk.example\r\nTo: gone@customer.example\r\nMessage-ID: {original_id}\r\nSubject: Your case\r\n"
        "\r\n--B--\r\n"
    ).encode()


@pytest.mark.spec("D13")
def test_a_bounce_marks_the_message_it_reports_on_and_opens_no_ticket(arrive, alice):
    ticket = make_ticket(alice, title="Case")
    sent = Activity.objects.create(
        ticket=ticket, kind=Activity.Kind.EMAIL, direction=Activity.Direction.OUTBOUND, subject="Your case",
        message_id="<helpdesk.sent-1@helpdesk.example>", delivery_state=Activity.Delivery.SENT,
        recipient="gone@customer.example", created_at=timezone.now(),
    )
    inbound = arrive(bounce("<helpdesk.sent-1@helpdesk.example>"))
    assert inbound.state == State.PROCESSED and inbound.ticket == ticket
    sent.refresh_from_db()
    assert sent.delivery_state == Activity.Delivery.BOUNCED
    assert "gone@customer.example" in sent.delivery_detail and "User unknown" in sent.delivery_detail
    assert Ticket.objects.count() == 1


@pytest.mark.spec("D13")
def test_a_bounce_of_a_message_we_did_not_send_and_a_delay_report_are_ignored(arrive):
    assert arrive(bounce("<unknown@elsewhere>")).state == State.IGNORED
    delayed = arrive(bounce("<other@x>", action="delayed", status="4.4.7").replace(b"bounce-1", b"bounce-2"))
    assert delayed.state == State.IGNORED and "delay" in delayed.error
    assert Ticket.objects.count() == 0


@pytest.mark.spec("D13", "X2")
def test_a_message_that_fails_is_kept_with_its_reason_and_the_next_still_comes_in(arrive, monkeypatch):
    real = actions.create_ticket_from_email

    def broken(parsed, **kwargs):
        if "poison" in parsed.subject:
            raise ValueError("the database said no")
        return real(parsed, **kwargs)

    monkeypatch.setattr(actions, "create_ticket_from_email", broken)
    failed = arrive(message(subject="poison", message_id="<p@x>"))
    assert failed.state == State.FAILED and failed.error == "ValueError: the database said no"
    assert Ticket.objects.count() == 0 and Contact.objects.count() == 0  # nothing half-saved
    assert arrive(message(message_id="<ok@x>")).state == State.PROCESSED

    monkeypatch.setattr(actions, "create_ticket_from_email", real)
    assert processing.retry([failed.pk]) == 1
    assert processing.process(failed.pk) == State.PROCESSED


@pytest.mark.spec("D13")
def test_a_message_that_keeps_stopping_its_worker_is_given_up(mailbox, settings):
    inbound, _ = receive(mailbox, message(), source=InboundEmail.Source.FILE)
    InboundEmail.objects.filter(pk=inbound.pk).update(attempts=settings.HELPDESK_MAIL_MAX_ATTEMPTS)
    assert processing.process(inbound.pk) == State.FAILED
    inbound.refresh_from_db()
    assert "stopped before the end" in inbound.error and Ticket.objects.count() == 0


@pytest.mark.spec("D13")
def test_the_sweeper_hands_a_message_left_waiting_to_a_worker(mailbox, clock, django_capture_on_commit_callbacks):
    from tickets.sweeper import sweep

    with django_capture_on_commit_callbacks(execute=False):  # the worker never got the task
        inbound, _ = receive(mailbox, message(), source=InboundEmail.Source.FILE)
    assert sweep()["inbound emails"] == 0  # not yet: it may still be on its way
    clock.advance(minutes=2)
    assert sweep()["inbound emails"] == 1
    inbound.refresh_from_db()
    assert inbound.state == State.PROCESSED


ATTACHMENTS = (
    "From: Anna <anna@customer.example>\r\nTo: support@helpdesk.example\r\nSubject: Photos\r\n"
    "Message-ID: <att@x>\r\nMIME-Version: 1.0\r\n"
    'Content-Type: multipart/mixed; boundary="M"\r\n\r\n'
    '--M\r\nContent-Type: multipart/related; boundary="R"\r\n\r\n'
    '--R\r\nContent-Type: text/html; charset=utf-8\r\n\r\n'
    '<p>See <img src="cid:shot@x"> and <img src="https://tracker.example/p.gif"></p>'
    '<script>alert(1)</script><p onclick="x()">ok</p>\r\n'
    "--R\r\nContent-Type: image/png\r\nContent-ID: <shot@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    + base64.b64encode(PNG).decode()
    + "\r\n--R--\r\n"
    "--M\r\nContent-Type: application/x-msdownload; name=\"setup.exe\"\r\n"
    "Content-Disposition: attachment; filename=\"setup.exe\"\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAA==\r\n"
    "--M\r\nContent-Type: application/pdf\r\n"
    "Content-Disposition: attachment; filename*=utf-8''Rechnung%20M%C3%A4rz.pdf\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(b"%PDF-1.4 tiny").decode() + "\r\n"
    "--M--\r\n"
).encode()


@pytest.mark.spec("D13", "D10", "X2")
def test_files_follow_the_attachment_rules_and_inline_images_show_in_the_body(arrive):
    inbound = arrive(ATTACHMENTS)
    email = inbound.activity
    files = {a.original_name: a for a in Attachment.objects.filter(activity=email)}
    assert set(files) == {"image.png", "Rechnung März.pdf"}
    assert files["Rechnung März.pdf"].ticket == inbound.ticket
    assert email.skipped_files == [{"name": "setup.exe", "reason": ".exe files are not kept"}]
    inline_url = f"/tickets/{inbound.ticket_id}/attachments/{files['image.png'].pk}/"
    assert f'src="{inline_url}"' in email.body_html
    assert 'data-remote-src="https://tracker.example/p.gif"' in email.body_html
    assert ' src="https://tracker.example' not in email.body_html
    assert email.remote_images is True
    assert "<script" not in email.body_html and "onclick" not in email.body_html and "alert" not in email.body_html


@pytest.mark.spec("D13", "X2")
def test_an_over_limit_attachment_is_skipped_by_name_and_the_mail_still_comes_in(arrive, settings):
    settings.HELPDESK_ATTACHMENT_MAX_BYTES = 10
    email = arrive(ATTACHMENTS).activity
    reasons = {file["name"]: file["reason"] for file in email.skipped_files}
    assert reasons["Rechnung März.pdf"].endswith("larger than 10 bytes")
    assert "Photos" == email.subject


@pytest.mark.spec("D13")
def test_the_quoted_conversation_is_folded_away(arrive):
    body = (
        "Thanks, that fixed it!\r\n\r\nAnna\r\n\r\n"
        "On Wed, 2 Dec 2026 at 09:00, Support <support@helpdesk.example> wrote:\r\n"
        "> Please restart the router.\r\n"
    )
    email = arrive(message(body=body)).activity
    assert "fixed it" in email.body_html and "restart" not in email.body_html
    assert "restart the router" in email.quoted_html
    assert "restart the router" in email.body  # search finds the whole message


@pytest.mark.spec("D13")
def test_a_gmail_html_quote_is_folded_away(arrive):
    raw = (
        b"From: anna@customer.example\r\nTo: support@helpdesk.example\r\nSubject: Re: case\r\n"
        b"Message-ID: <g@x>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b'<div dir="ltr">It works now.</div><div class="gmail_quote"><div class="gmail_attr">On Wed, Support wrote:</div>'
        b"<blockquote>Please restart.</blockquote></div>\r\n"
    )
    email = arrive(raw).activity
    assert "It works now." in email.body_html and "restart" not in email.body_html
    assert "Please restart." in email.quoted_html


@pytest.mark.spec("D13")
@pytest.mark.parametrize(
    ("charset", "declared"),
    [("cp1252", "iso-8859-1"), ("cp949", "ks_c_5601-1987"), ("shift_jis", "shift-jis"), ("utf-8", "us-ascii")],
)
def test_mislabelled_and_unusual_charsets_are_read(arrive, charset, declared):
    text = {"cp1252": "Grüße – “quoted”", "cp949": "안녕하세요", "shift_jis": "こんにちは", "utf-8": "naïve café"}[charset]
    raw = (
        "From: a@customer.example\r\nTo: support@helpdesk.example\r\n"
        "Subject: =?utf-8?b?" + base64.b64encode(b"Frage zur Rechnung").decode() + "?=\r\n"
        f"Message-ID: <{charset}@x>\r\nContent-Type: text/plain; charset={declared}\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + text.encode(charset) + b"\r\n"
    email = arrive(raw).activity
    assert email.subject == "Frage zur Rechnung"
    assert text in email.body


@pytest.mark.spec("D13")
def test_moving_an_email_to_a_candidate_is_logged_on_both_tickets(arrive, alice):
    older = arrive(message(message_id="<a@x>", subject="First"))
    newer = arrive(message(message_id="<b@x>", subject="Second"))
    reply = arrive(message(message_id="<c@x>", subject="Photo", headers="References: <a@x> <b@x>"))
    email = reply.activity
    actions.move_email(email, alice, older.ticket)
    email.refresh_from_db()
    assert email.ticket_id == older.ticket_id and email.thread_open is False
    source_event = TicketEvent.objects.filter(ticket=newer.ticket, kind=TicketEvent.Kind.EMAIL_MOVED).get()
    target_event = TicketEvent.objects.filter(ticket=older.ticket, kind=TicketEvent.Kind.EMAIL_MOVED).get()
    assert source_event.changes["email"] == ["Photo", f"Moved to {older.ticket.reference}"]
    assert target_event.changes["email"] == [None, f"Photo (moved from {newer.ticket.reference})"]
    assert source_event.actor == alice


@pytest.mark.spec("D13")
def test_moving_refuses_an_archived_target_and_changes_nothing(arrive, alice):
    older = arrive(message(message_id="<a@x>"))
    reply = arrive(message(message_id="<c@x>", subject="Other"))
    actions.archive(older.ticket, alice)
    with pytest.raises(actions.TicketRuleError):
        actions.move_email(reply.activity, alice, older.ticket)
    assert Activity.objects.get(pk=reply.activity_id).ticket_id == reply.ticket_id


@pytest.mark.spec("D13", "R2")
def test_moving_and_dismissing_need_the_right_to_work_on_tickets(arrive, db):
    from django.contrib.auth import get_user_model

    from tickets.access import RightRequired

    older = arrive(message(message_id="<a@x>"))
    arrive(message(message_id="<b@x>", subject="Another"))
    reply = arrive(message(message_id="<c@x>", headers="References: <a@x> <b@x>"))
    viewer = get_user_model().objects.create_user("viewer", password="x")  # signed in, no role
    with pytest.raises(RightRequired):
        actions.move_email(reply.activity, viewer, older.ticket)
    with pytest.raises(RightRequired):
        actions.dismiss_thread_suggestion(reply.activity, viewer)
