import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.spec("R1", "L1")
def test_agent_signs_in_and_sees_the_tickets(live_server, page, alice, password):
    refund = make_ticket(alice, title="Refund not received for order #48213", priority="high", assignee=alice)
    make_ticket(alice, title="Cannot log in after password reset", assignee=alice)

    page.goto(live_server.url + "/tickets/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/tickets/"))

    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/tickets/$"))  # My Tickets, the first tab
    row = page.get_by_role("row").filter(has_text=refund.reference)
    expect(row).to_contain_text("Refund not received for order #48213")
    expect(row).to_contain_text("High")
    expect(page.get_by_role("row").filter(has_text="Cannot log in after password reset")).to_be_visible()

    row.get_by_role("link", name="Refund not received for order #48213").click()
    expect(page).to_have_url(re.compile(rf"/tickets/{refund.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Refund not received")


@pytest.mark.spec("R1")
def test_wrong_password_shows_a_message_and_stays_signed_out(live_server, page, alice):
    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    page.goto(live_server.url + "/tickets/")
    expect(page).to_have_url(re.compile(r"/login/"))


@pytest.mark.spec("R1")
def test_agent_signs_out_from_the_user_menu(live_server, page, alice, password):
    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/tickets/$"))

    page.locator("summary", has_text="Alice").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login/"))
