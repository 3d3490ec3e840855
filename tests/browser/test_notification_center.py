"""The Notification Center in Chromium: a mention reaches the bell without a reload (SPEC N1, D5)."""

import re

import pytest
from playwright.sync_api import expect

from notifications.models import Notification
from tickets import actions

from ..factories import make_ticket
from .support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.spec("N1", "D5")
def test_a_mention_lights_the_bell_and_opens_the_ticket(live_server, page, alice, bob, password, settings):
    settings.HELPDESK_NOTIFICATION_POLL_SECONDS = 1
    ticket = make_ticket(alice, title="Router keeps rebooting")
    sign_in(page, live_server, "bob", password)
    bell = page.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(bell).to_have_attribute("aria-label", "Notifications")

    actions.add_note(ticket, alice, "@bob can you take this one?")  # eager: the mention task runs on commit

    expect(bell).to_have_attribute("aria-label", "Notifications, 1 unread")
    expect(page.locator("#unread-count")).to_have_text("1")
    expect(page.get_by_role("status").filter(has_text=f"Alice Archer mentioned you on {ticket.reference}")).to_be_visible()

    bell.click()
    item = page.locator(".notification").filter(has_text=f"Alice Archer mentioned you on {ticket.reference}")
    expect(item).to_have_class(re.compile(r"is-unread"))
    expect(item).to_contain_text("@bob can you take this one?")
    page.screenshot(path="/tmp/shots/notification-center.png")
    item.get_by_role("link", name=f"Alice Archer mentioned you on {ticket.reference}").click()

    expect(page).to_have_url(re.compile(rf"/tickets/{ticket.pk}/$"))
    expect(page.locator("#unread-count")).to_be_hidden()
    assert Notification.objects.get(user=bob).read_at is not None


@pytest.mark.spec("N1")
def test_a_mention_made_while_the_page_loads_still_shows_its_toast(live_server, page, alice, bob, password):
    ticket = make_ticket(alice, title="Printer on fire")
    sign_in(page, live_server, "bob", password)

    mentioned = []

    def mention_before_answering(route):
        if not mentioned:
            mentioned.append(actions.add_note(ticket, alice, "@bob while you were loading"))
        route.continue_()

    # The page's first look at the count is answered only after the mention exists.
    page.route("**/notifications/unread/", mention_before_answering)
    page.reload()

    expect(page.locator("#unread-count")).to_have_text("1")
    expect(page.get_by_role("status").filter(has_text=f"Alice Archer mentioned you on {ticket.reference}")).to_be_visible()


@pytest.mark.spec("N1")
def test_mark_read_and_mark_all_read(live_server, page, alice, bob, password):
    ticket = make_ticket(alice, title="Invoice missing")
    for text in ("@bob first", "@bob second", "@bob third"):
        actions.add_note(ticket, alice, text)
    sign_in(page, live_server, "bob", password)
    page.goto(live_server.url + "/notifications/")
    expect(page.locator(".notification.is-unread")).to_have_count(3)

    page.locator(".notification").first.get_by_role("button", name="Mark read").click()
    expect(page.locator(".notification.is-unread")).to_have_count(2)
    expect(page.locator("#unread-count")).to_have_text("2")

    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_role("status").filter(has_text="Marked 2 notifications as read.")).to_be_visible()
    expect(page.locator(".notification.is-unread")).to_have_count(0)
    expect(page.locator("#unread-count")).to_be_hidden()
