"""The "This email may belong to one of these tickets." banner, in Chromium (SPEC D13): an email whose
headers matched several tickets is moved to another by keyboard, or the banner is dismissed."""

import re

import pytest
from playwright.sync_api import expect

from mail.models import InboundEmail, Mailbox
from mail.receiving import receive
from tickets.models import Activity, TicketEvent

from .support import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BANNER = "This email may belong to one of these tickets."


def email(mailbox, message_id, subject, references=""):
    raw = (
        f"From: Anna Berg <anna@customer.example>\r\nTo: support@helpdesk.example\r\nSubject: {subject}\r\n"
        f"Message-ID: {message_id}\r\n" + (f"References: {references}\r\n" if references else "") + "\r\n"
        "Here is the photo of the router you asked for.\r\n"
    ).encode()
    inbound, _ = receive(mailbox, raw, source=InboundEmail.Source.FILE)
    inbound.refresh_from_db()
    assert inbound.state == InboundEmail.State.PROCESSED, inbound.error
    return inbound


@pytest.fixture
def threads(db, media_root):
    mailbox = Mailbox.objects.create(name="Support", address="support@helpdesk.example")
    first = email(mailbox, "<a@customer.example>", "Router drops the line")
    second = email(mailbox, "<b@customer.example>", "Invoice for November")
    reply = email(mailbox, "<c@customer.example>", "Photo", "<a@customer.example> <b@customer.example>")
    assert reply.ticket_id == second.ticket_id
    return first.ticket, second.ticket, reply.activity


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.spec("D13", "X3")
def test_moving_the_email_to_a_candidate_from_the_keyboard(live_server, page, alice, threads):
    first, second, reply = threads
    signed_in(page, live_server, alice)
    page.goto(live_server.url + second.get_absolute_url())
    banner = page.get_by_role("region", name=BANNER)
    expect(banner).to_contain_text("“Photo” from Anna Berg <anna@customer.example>")
    page.screenshot(path="/tmp/thread-banner.png")

    banner.get_by_text("1 possible ticket").focus()
    page.keyboard.press("Enter")
    candidate = banner.get_by_role("link", name=re.compile(first.reference))
    expect(candidate).to_be_visible()
    expect(candidate).to_have_attribute("href", first.get_absolute_url())
    page.screenshot(path="/tmp/thread-banner-open.png")
    banner.get_by_role("button", name=f"Move the email to {first.reference}").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"/tickets/{first.pk}/$"))
    expect(page.get_by_role("status").filter(has_text=f"The email was moved here from {second.reference}")).to_be_visible()
    expect(page.locator("#activity-list")).to_contain_text("Photo")
    assert Activity.objects.get(pk=reply.pk).ticket_id == first.pk
    assert TicketEvent.objects.filter(ticket=second, kind=TicketEvent.Kind.EMAIL_MOVED, actor=alice).exists()

    page.goto(live_server.url + second.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(second.title)
    expect(page.get_by_text(BANNER)).to_have_count(0)


@pytest.mark.spec("D13")
def test_dismissing_keeps_the_email_where_it_is(live_server, page, alice, threads):
    _first, second, reply = threads
    signed_in(page, live_server, alice)
    page.goto(live_server.url + second.get_absolute_url())
    page.get_by_role("region", name=BANNER).get_by_role("button", name="Dismiss").click()
    expect(page.get_by_role("status").filter(has_text=f"The email stays on {second.reference}")).to_be_visible()
    expect(page.get_by_text(BANNER)).to_have_count(0)
    reply.refresh_from_db()
    assert reply.ticket_id == second.pk and reply.thread_open is False
