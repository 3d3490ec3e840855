"""Agents' email through a real SMTP server on loopback (SPEC D14, B2, N3, D13).

Each test starts aiosmtpd on a free port of 127.0.0.1 and stops it after; Django's SMTP backend
talks to it as it would to the company's relay. The server can be told to answer 451 (try later)
or 550 (no such mailbox), so the retry of a temporary failure and the record of a permanent one
are what a real server makes of them. The round trip then feeds the customer's reply, threaded
to what we sent by its In-Reply-To alone, through the inbound pipeline.
"""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.core.files.uploadedfile import SimpleUploadedFile

from mail import outgoing, processing
from mail.models import EmailDraft, InboundEmail, Mailbox
from mail.receiving import receive
from notifications import tasks
from notifications.customer_messages import Outcome, deliver
from tickets import actions
from tickets.models import Activity

from ..factories import CategoryFactory, ContactFactory, make_ticket

pytestmark = pytest.mark.django_db


class Relay:
    """An SMTP server's handler: keeps what it accepts; refuses as the test says."""

    def __init__(self):
        self.received = []  # (envelope recipients, parsed message)
        self.temporary_failures = 0
        self.unknown = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.unknown:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.temporary_failures:
            self.temporary_failures -= 1
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def relay(settings):
    handler = Relay()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.EMAIL_TIMEOUT = 10
    yield handler
    controller.stop()


@pytest.fixture
def eager_retries():
    """Eager retries run at once, nested: each one returns instead of raising through the test."""
    from tickets_site.celery import app

    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = propagates


@pytest.fixture
def mailbox(support_team):
    category = CategoryFactory(name="Heating", default_queue="support@helpdesk.example")
    return Mailbox.objects.create(name="Acme Support", address="support@helpdesk.example", category=category,
                                  team=support_team, signature="Acme Support")


@pytest.fixture
def ticket(alice, mailbox):
    contact = ContactFactory(name="Dana Smith", email="dana@example.com")
    return make_ticket(alice, title="Boiler broken", contact=contact, category=mailbox.category)


def write(ticket, user, *, body="<p>The engineer comes <b>tomorrow</b>.</p>", **fields):
    draft = outgoing.start_draft(ticket, user)
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.body_html = body
    draft.save()
    return draft


def send(ticket, user, capture):
    with capture(execute=True):
        return outgoing.send(ticket, user)


@pytest.mark.spec("D14", "B2", "N3")
def test_an_email_leaves_through_the_smtp_server_with_its_parts_files_and_headers(
    relay, alice, ticket, django_capture_on_commit_callbacks
):
    draft = write(ticket, alice, cc="Sam Lee <sam@example.com>", bcc="boss@acme.example")
    (attachment,) = actions.attach_files(
        ticket, alice, [(SimpleUploadedFile("manual.pdf", b"%PDF-1.4 manual"), "manual.pdf", "application/pdf")]
    )
    draft.attachment_ids = [attachment.pk]
    draft.save()

    activity = send(ticket, alice, django_capture_on_commit_callbacks)

    activity.refresh_from_db()
    assert activity.delivery_state == Activity.Delivery.SENT and activity.attempts == 1
    ((recipients, message),) = relay.received
    assert sorted(recipients) == ["boss@acme.example", "dana@example.com", "sam@example.com"]
    assert message["From"] == "Acme Support <support@helpdesk.example>"
    assert message["To"] == "Dana Smith <dana@example.com>" and message["Cc"] == "Sam Lee <sam@example.com>"
    assert message["Bcc"] is None
    assert message["Subject"] == f"Boiler broken [{ticket.reference}]"
    assert message["Message-ID"] == activity.message_id
    assert message.get_body(("plain",)).get_content().startswith("The engineer comes tomorrow.")
    assert "<b>tomorrow</b>" in message.get_body(("html",)).get_content()
    (part,) = message.iter_attachments()
    assert (part.get_filename(), part.get_content()) == ("manual.pdf", b"%PDF-1.4 manual")


@pytest.mark.spec("N3", "D14")
def test_a_temporary_refusal_is_retried_and_the_email_then_goes_once(
    relay, alice, ticket, django_capture_on_commit_callbacks, monkeypatch, eager_retries
):
    relay.temporary_failures = 1
    delays = []
    original = tasks.deliver_customer_message.retry

    def retry(*args, countdown=None, **kwargs):
        delays.append(countdown)
        return original(*args, countdown=countdown, **kwargs)

    monkeypatch.setattr(tasks.deliver_customer_message, "retry", retry)
    write(ticket, alice)

    activity = send(ticket, alice, django_capture_on_commit_callbacks)

    activity.refresh_from_db()
    assert delays == [30]
    assert (activity.delivery_state, activity.attempts) == (Activity.Delivery.SENT, 2)
    assert len(relay.received) == 1
    assert tasks.deliver_customer_message.apply((activity.pk,)).get() == "done"  # redelivered: nothing sent
    assert len(relay.received) == 1


@pytest.mark.spec("N3", "D14")
def test_a_permanent_refusal_is_recorded_with_the_servers_reason_and_not_retried(
    relay, alice, ticket, django_capture_on_commit_callbacks
):
    relay.unknown = {"dana@example.com"}
    write(ticket, alice)

    activity = send(ticket, alice, django_capture_on_commit_callbacks)

    activity.refresh_from_db()
    assert (activity.delivery_state, activity.attempts) == (Activity.Delivery.FAILED, 1)
    assert "550" in activity.delivery_detail and "No such mailbox" in activity.delivery_detail
    assert relay.received == []
    assert deliver(activity.pk) == (Outcome.DONE, None)


@pytest.mark.spec("D14", "D13", "D6")
def test_the_customers_reply_threads_back_to_the_ticket_by_its_headers(
    relay, alice, ticket, mailbox, django_capture_on_commit_callbacks
):
    write(ticket, alice)
    send(ticket, alice, django_capture_on_commit_callbacks)
    ((_, sent),) = relay.received
    other = make_ticket(alice, title="Another matter")
    # The customer's client keeps our Message-ID in In-Reply-To and drops the reference from the subject.
    reply = (
        "From: Dana Smith <dana@example.com>\r\nTo: Acme Support <support@helpdesk.example>\r\n"
        f"Subject: Re: about the boiler\r\nMessage-ID: <reply-1@example.com>\r\n"
        f"In-Reply-To: {sent['Message-ID']}\r\nReferences: {sent['Message-ID']}\r\n"
        "Date: Thu, 3 Dec 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Tomorrow suits me.\r\n\r\n> The engineer comes tomorrow.\r\n"
    ).encode()

    with django_capture_on_commit_callbacks(execute=True):
        inbound, _ = receive(mailbox, reply, source=InboundEmail.Source.FILE)
    inbound.refresh_from_db()

    assert inbound.state == InboundEmail.State.PROCESSED, inbound.error
    assert inbound.ticket_id == ticket.pk != other.pk
    assert inbound.activity.direction == Activity.Direction.INBOUND
    assert "Tomorrow suits me." in inbound.activity.body
    # And our reply to that reply threads on: In-Reply-To and References name the whole conversation.
    draft = outgoing.start_draft(ticket, alice, EmailDraft.Mode.REPLY, inbound.activity)
    draft.body_html = "<p>Booked.</p>" + draft.body_html
    draft.save()
    send(ticket, alice, django_capture_on_commit_callbacks)
    answer = relay.received[-1][1]
    assert answer["In-Reply-To"] == "<reply-1@example.com>"
    assert answer["References"].split() == [sent["Message-ID"], "<reply-1@example.com>"]
    assert processing.is_own_message_id(answer["Message-ID"])
