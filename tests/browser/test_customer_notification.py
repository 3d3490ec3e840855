"""An agent flips a sub-status three times; the customer gets one message, and the ticket shows it (SPEC D4, N3)."""

import pytest
from playwright.sync_api import expect

from tickets.models import Activity

from ..celery_worker import DELAY, celery_worker, sms_provider, wait_for, workers  # noqa: F401 - fixtures
from ..factories import ContactFactory, SubStatusFactory, make_ticket
from .support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.spec("D4", "N3")
def test_three_quick_sub_status_changes_send_one_message_after_the_delay(
    live_server, page, alice, password, celery_worker, sms_provider
):
    _, provider = sms_provider
    for name in ("Parts ordered", "Engineer booked", "Engineer on the way"):
        SubStatusFactory(status="ongoing", name=name, notify_channel="sms", notify_text=f"{name} for {{reference}}.")
    contact = ContactFactory(name="Sam Patel", phone="+44 20 7946 0101")
    ticket = make_ticket(alice, title="Washing machine leaks", contact=contact, status="ongoing", assignee=alice)
    sign_in(page, live_server, "alice", password)
    page.goto(live_server.url + ticket.get_absolute_url())

    for name in ("Parts ordered", "Engineer booked", "Engineer on the way"):
        # The answer replaces the header; the next change must go to the new select, not the old one.
        page.evaluate("document.getElementById('quick-sub-status').dataset.replaced = 'no'")
        page.get_by_label("Sub-status").select_option(label=name)
        expect(page.get_by_role("status").filter(has_text=f"Sub-status set to Ongoing · {name}.")).to_contain_text(
            f"The customer gets an SMS in {DELAY} seconds unless it changes again.", timeout=20000
        )
        expect(page.locator("#quick-sub-status:not([data-replaced])")).to_have_count(1)

    wait_for(
        lambda: Activity.objects.filter(ticket=ticket, delivery_state="sent").exists(),
        timeout=20, what=f"the message:\n{celery_worker.read_text()}",
    )
    page.reload()
    page.get_by_role("tab", name="Activities").click()
    messages = page.locator(".activity-sms")
    expect(messages).to_have_count(1)
    expect(messages).to_contain_text(f"Engineer on the way for {ticket.reference}.")
    expect(messages).to_contain_text("Automatic message to Sam Patel")
    expect(messages).to_contain_text("To +44 20 7946 0101 · Sent")
    assert [request["body"] for request in provider.received] == [f"Engineer on the way for {ticket.reference}."]
    page.screenshot(path="/tmp/shots/customer-message.png", full_page=False)
