"""Email activities on the ticket page (SPEC D6, D13): addresses, the sanitised body with the quote
folded, files, remote images on request, and the original message behind an access check."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mail.models import InboundEmail, Mailbox
from tests.factories import ContactFactory, UserFactory, make_ticket
from tickets.models import Activity, Attachment

pytestmark = pytest.mark.django_db

RAW = (
    b"Received: from mx.example.net by helpdesk\r\n"
    b"From: Sam Lee <sam@example.org>\r\n"
    b"To: support@helpdesk.example\r\n"
    b"Subject: Printer still broken\r\n"
    b"Message-ID: <reply-1@example.org>\r\n"
    b"\r\n"
    b"It is still on fire.\r\n"
)


def _email(ticket, **fields):
    values = {
        "kind": Activity.Kind.EMAIL,
        "direction": Activity.Direction.INBOUND,
        "contact": ContactFactory(name="Sam Lee", email="sam@example.org"),
        "subject": "Printer still broken",
        "sender": "Sam Lee <sam@example.org>",
        "to": ["Support <support@helpdesk.example>"],
        "cc": ["Kim <kim@example.org>"],
        "body": "It is still on fire.",
        "body_html": "<p>It is <b>still</b> on fire.</p>",
        "message_id": "<reply-1@example.org>",
        "created_at": timezone.now(),
        **fields,
    }
    return Activity.objects.create(ticket=ticket, **values)


def _stored(activity, raw=RAW):
    mailbox, _ = Mailbox.objects.get_or_create(address="support@helpdesk.example", defaults={"name": "Support"})
    now = timezone.now()
    inbound = InboundEmail(
        mailbox=mailbox, source=InboundEmail.Source.IMAP, size=len(raw), message_id="<reply-1@example.org>",
        dedupe_key=f"test:{activity.pk}", subject="Printer still broken", state=InboundEmail.State.PROCESSED,
        received_at=now, updated_at=now, ticket=activity.ticket, activity=activity,
    )
    inbound.raw.save("message.eml", ContentFile(raw), save=False)
    inbound.save()
    return inbound


@pytest.mark.spec("D6", "D13")
def test_an_email_shows_its_addresses_body_folded_quote_and_files(alice, alice_client):
    ticket = make_ticket(alice, title="Printer")
    email = _email(
        ticket,
        quoted_html="<blockquote><p>On Monday you wrote: have you tried turning it off?</p></blockquote>",
        skipped_files=[{"name": "setup.exe", "reason": "EXE files are not allowed"}],
    )
    Attachment.objects.create(
        ticket=ticket, activity=email, file=ContentFile(b"%PDF-1.4", name="invoice.pdf"),
        original_name="invoice.pdf", content_type="application/pdf", size=8,
    )
    page = alice_client.get(ticket.get_absolute_url()).content.decode()

    assert "Sam Lee &lt;sam@example.org&gt;" in page
    assert "Support &lt;support@helpdesk.example&gt;" in page and "Kim &lt;kim@example.org&gt;" in page
    assert "<p>It is <b>still</b> on fire.</p>" in page
    assert '<details class="email-quote">' in page and "have you tried turning it off?" in page
    assert "invoice.pdf" in page and f"/tickets/{ticket.pk}/attachments/" in page
    assert "setup.exe" in page and "not kept: EXE files are not allowed" in page
    assert "Load remote images" not in page


@pytest.mark.spec("D13")
def test_remote_images_wait_for_the_agent_and_only_the_ticket_page_may_load_them(alice, alice_client):
    ticket = make_ticket(alice, title="Newsletter")
    _email(ticket, body_html='<p><img data-remote-src="https://tracker.example/p.gif" alt=""></p>', remote_images=True)
    response = alice_client.get(ticket.get_absolute_url())
    page = response.content.decode()

    assert "Load remote images" in page
    assert ' src="https://tracker.example' not in page
    img_src = next(part for part in response["Content-Security-Policy"].split(";") if "img-src" in part)
    assert "https:" in img_src
    list_csp = alice_client.get("/tickets/")["Content-Security-Policy"]
    assert "https:" not in next(part for part in list_csp.split(";") if "img-src" in part)


@pytest.mark.spec("D6")
def test_a_page_of_emails_reads_their_files_in_one_more_query(alice, alice_client):
    ticket = make_ticket(alice, title="Busy")
    for n in range(5):
        email = _email(ticket, message_id=f"<m{n}@example.org>")
        Attachment.objects.create(
            ticket=ticket, activity=email, file=ContentFile(b"%PDF-1.4", name=f"f{n}.pdf"),
            original_name=f"f{n}.pdf", content_type="application/pdf", size=8,
        )
    url, htmx = f"/tickets/{ticket.pk}/activities/", {"HTTP_HX_REQUEST": "true"}
    alice_client.get(url, **htmx)
    with CaptureQueriesContext(connection) as few:
        alice_client.get(url, **htmx)
    for n in range(5, 15):
        _email(ticket, message_id=f"<m{n}@example.org>")
    with CaptureQueriesContext(connection) as many:
        page = alice_client.get(url, **htmx).content.decode()
    assert len(many) == len(few)
    assert sum(1 for query in many if '"tickets_attachment"' in query["sql"]) == 1
    assert "f4.pdf" in page


@pytest.mark.spec("D6", "D13")
def test_show_original_lists_the_headers_as_they_arrived_and_downloads_the_exact_bytes(alice, alice_client):
    ticket = make_ticket(alice, title="Printer")
    email = _email(ticket)
    _stored(email)
    page = alice_client.get(ticket.get_absolute_url()).content.decode()
    url = f"/tickets/{ticket.pk}/emails/{email.pk}/original/"
    assert url in page

    original = alice_client.get(url)
    text = original.content.decode()
    assert original.status_code == 200 and original["Cache-Control"] == "private, no-store"
    assert text.index("Received") < text.index("Message-ID")
    assert "from mx.example.net by helpdesk" in text and "&lt;reply-1@example.org&gt;" in text

    download = alice_client.get(url.replace("original/", "original.eml"))
    assert download["Content-Type"] == "message/rfc822"
    assert b"".join(download.streaming_content) == RAW


@pytest.mark.spec("D13", "R2")
def test_the_original_is_only_for_those_who_may_see_the_ticket_and_only_through_its_own_ticket(alice, alice_client):
    ticket, other = make_ticket(alice, title="Printer"), make_ticket(alice, title="Other")
    email = _email(ticket)
    _stored(email)
    assert alice_client.get(f"/tickets/{other.pk}/emails/{email.pk}/original/").status_code == 404
    note = Activity.objects.create(
        ticket=ticket, kind=Activity.Kind.NOTE, author=alice, body="internal", created_at=timezone.now()
    )
    assert alice_client.get(f"/tickets/{ticket.pk}/emails/{note.pk}/original/").status_code == 404

    outsider = UserFactory(username="viewer")
    outsider.groups.clear()
    outsider_client = type(alice_client)()
    outsider_client.force_login(outsider)
    for path in ("original/", "original.eml"):
        response = outsider_client.get(f"/tickets/{ticket.pk}/emails/{email.pk}/{path}")
        assert response.status_code == 403 and b"reply-1" not in response.content
