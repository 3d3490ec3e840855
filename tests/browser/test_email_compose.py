"""Writing and sending email from the ticket page, in Chromium (SPEC D14, D6, B2, X3)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from mail.models import EmailDraft, Mailbox
from tickets.models import Activity

from ..factories import CategoryFactory, ContactFactory, make_ticket
from .support import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ticket(alice, support_team, media_root):
    category = CategoryFactory(name="Heating", default_queue="support@helpdesk.example")
    Mailbox.objects.create(name="Acme Support", address="support@helpdesk.example", category=category,
                           signature="Acme Support · 0800 123")
    Mailbox.objects.create(name="Acme Sales", address="sales@helpdesk.example")
    contact = ContactFactory(name="Dana Smith", email="dana@example.com")
    return make_ticket(alice, title="Boiler broken", contact=contact, category=category)


def inbound(ticket):
    return Activity.objects.create(
        ticket=ticket, kind=Activity.Kind.EMAIL, direction=Activity.Direction.INBOUND, subject="Boiler broken",
        sender="Dana Smith <dana@example.com>", to=["support@helpdesk.example"], body="It knocks at night.",
        body_html="<p>It knocks at night.</p>", message_id="<m1@customer.example>", created_at=ticket.created_at,
    )


def open_editor(page):
    page.locator(".compose-menu > summary").click()
    page.locator(".compose-menu").get_by_role("button", name="E-mail").click()
    editor = page.locator("[data-composer]")
    expect(editor).to_be_visible()
    return editor


@pytest.mark.spec("D14", "X3")
def test_an_agent_composes_formats_and_sends_an_email_from_the_keyboard(live_server, page, alice, ticket):
    signed_in(page, live_server, alice)
    page.goto(live_server.url + ticket.get_absolute_url())

    editor = open_editor(page)
    expect(editor.get_by_label("From")).to_have_value(str(Mailbox.objects.get(address="support@helpdesk.example").pk))
    expect(editor.get_by_label("To", exact=True)).to_have_value("Dana Smith <dana@example.com>")
    expect(editor.get_by_label("Subject")).to_have_value(f"Boiler broken [{ticket.reference}]")
    expect(editor.get_by_text("Acme Support · 0800 123")).to_be_visible()
    body = editor.get_by_role("textbox", name="Message")
    expect(body).to_be_focused()  # To was filled in: typing starts in the message
    page.keyboard.type("Dear Dana, the engineer comes ")
    page.keyboard.press("Control+b")
    page.keyboard.type("tomorrow")
    page.keyboard.press("Control+b")
    page.keyboard.type(".")
    editor.get_by_label("Cc", exact=True).fill("not an address")
    page.screenshot(path="/tmp/email-compose.png")

    page.keyboard.press("Control+Enter")
    expect(editor.get_by_text("Not an email address: “not an address”.")).to_be_visible()
    expect(editor.get_by_label("Cc", exact=True)).to_be_focused()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    editor.get_by_role("button", name="Send").click()

    item = page.locator("#activity-list .activity-email").first
    expect(item).to_contain_text("Dear Dana, the engineer comes tomorrow.")
    expect(item).to_contain_text("Sent")
    expect(page.locator("[data-composer]")).to_have_count(0)
    page.screenshot(path="/tmp/email-sent.png", full_page=True)
    (message,) = mail.outbox
    assert message.to == ["Dana Smith <dana@example.com>"] and message.cc == []
    html = message.alternatives[0][0]
    assert "<b>tomorrow</b>" in html and "Acme Support · 0800 123" in html
    assert not EmailDraft.objects.exists()


@pytest.mark.spec("D14")
def test_the_draft_survives_a_reload(live_server, page, alice, ticket):
    signed_in(page, live_server, alice)
    page.goto(live_server.url + ticket.get_absolute_url())
    editor = open_editor(page)
    editor.get_by_role("textbox", name="Message").click()
    page.keyboard.type("Half a thought")
    expect(editor.locator("[data-draft-status]")).to_contain_text("Draft saved")

    page.reload()

    body = page.locator("[data-composer]").get_by_role("textbox", name="Message")
    expect(body).to_have_text("Half a thought")


@pytest.mark.spec("D6", "B2")
def test_reply_then_undo_brings_the_email_back_into_the_editor(live_server, page, alice, ticket, settings):
    settings.HELPDESK_SEND_UNDO_SECONDS = 60
    email = inbound(ticket)
    signed_in(page, live_server, alice)
    page.goto(live_server.url + ticket.get_absolute_url())

    page.locator(f"#activity-{email.pk}").get_by_role("button", name="Reply to this email").click()
    editor = page.locator("[data-composer]")
    expect(editor.get_by_label("Subject")).to_have_value(f"Re: Boiler broken [{ticket.reference}]")
    expect(editor.locator("blockquote")).to_contain_text("It knocks at night.")
    expect(editor.get_by_role("textbox", name="Message")).to_be_focused()  # a reply starts above the quote
    page.keyboard.type("We will call you.")
    editor.get_by_role("button", name="Send").click()

    sent = page.locator("#activity-list .activity-email").first
    expect(sent).to_contain_text("Sending…")
    page.screenshot(path="/tmp/email-undo.png")
    sent.get_by_role("button", name="Undo").click()

    editor = page.locator("[data-composer]")
    expect(editor.get_by_role("textbox", name="Message")).to_contain_text("We will call you.")
    expect(page.locator("#activity-list")).not_to_contain_text("Sending…")
    assert mail.outbox == []
    assert not Activity.objects.filter(direction=Activity.Direction.OUTBOUND).exists()
    expect(page.get_by_role("status").filter(has_text=re.compile("Sending undone"))).to_be_visible()


@pytest.mark.spec("D14", "B2")
def test_the_side_panel_offers_templates_and_one_fills_the_email_which_is_sent(live_server, page, alice, ticket):
    from configurations.models import ReplyTemplate

    ReplyTemplate.objects.create(name="Engineer visit", category=ticket.category, subject="Visit for {reference}",
                                 body="Dear {customer},\n\nour engineer comes tomorrow.\n\n{agent}")
    ReplyTemplate.objects.create(name="Other category", category=CategoryFactory(name="Billing"), body="Invoice")
    signed_in(page, live_server, alice)
    page.goto(live_server.url + ticket.get_absolute_url())
    expect(page.locator("#ticket-form")).to_be_visible()

    editor = open_editor(page)
    templates = page.get_by_role("region", name="Templates")
    expect(templates).to_be_visible()
    expect(templates).not_to_contain_text("Other category")
    expect(page.locator("#ticket-form")).to_be_hidden()  # the side panel switched to the templates
    page.screenshot(path="/tmp/email-templates.png")
    templates.get_by_role("button", name=re.compile("Engineer visit")).click()

    expect(editor.get_by_label("Subject")).to_have_value(f"Visit for [{ticket.reference}]")
    body = page.locator("[data-composer]").get_by_role("textbox", name="Message")
    expect(body).to_contain_text("Dear Dana Smith,")
    expect(body).to_contain_text("Alice Archer")
    page.locator("[data-composer]").get_by_role("button", name="Send").click()

    expect(page.locator("#activity-list .activity-email").first).to_contain_text("Sent")
    expect(page.locator("#ticket-form")).to_be_visible()  # and back to the ticket once sent
    (message,) = mail.outbox
    assert message.subject == f"Visit for [{ticket.reference}]"
    assert "Dear Dana Smith," in message.body and "our engineer comes tomorrow." in message.body
