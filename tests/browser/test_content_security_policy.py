"""The Content-Security-Policy holds on every kind of page, in Chromium (SPEC B9).

The browser reports each thing the policy blocks as a `securitypolicyviolation` event; the pages are
walked with a listener for them, and work while the policy is enforced: tag colours, progress bars,
the conflict message and the export all run from data-* attributes, not inline code.
"""

import pytest
from playwright.sync_api import expect

from configurations.sections import SECTIONS
from tests.factories import TagFactory, make_ticket
from tickets import actions

from .support import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " @" + event.lineNumber);
});
"""


def violations(page):
    return page.evaluate("window.__violations")


@pytest.mark.spec("B9")
def test_the_pages_an_agent_and_an_admin_use_break_no_rule_of_the_policy(live_server, page, lead, admin_user, alice):
    tag = TagFactory(name="billing", color="#d64545")
    ticket = make_ticket(alice, title="Printer on fire", assignee=alice)
    actions.add_tag(ticket, alice, tag)
    actions.add_note(ticket, alice, "Called the customer")
    page.add_init_script(RECORD_VIOLATIONS)

    response = page.goto(live_server.url + "/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy

    signed_in(page, live_server, lead)
    sections = [f"/configurations/{key}/" for key in SECTIONS]
    agent_pages = [
        "/tickets/?tab=all",
        ticket.get_absolute_url(),
        ticket.get_absolute_url() + "?edit=1",
        f"/tickets/{ticket.pk}/print/",
        "/tickets/import/",
        "/notifications/",
        *sections,
    ]
    for path in agent_pages:
        page.goto(live_server.url + path)
        expect(page.locator("body")).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path

    # The data-* attributes did what the inline styles did.
    page.goto(live_server.url + ticket.get_absolute_url())
    chip = page.locator(".rel-chip", has_text="billing")
    expect(chip).to_be_visible()
    assert page.evaluate("(el) => el.style.getPropertyValue('--tag')", chip.element_handle()) == "#d64545"

    signed_in(page, live_server, admin_user)
    for path in ["/admin/", "/admin/tickets/ticket/", f"/admin/tickets/ticket/{ticket.pk}/change/", "/admin/auth/user/add/"]:
        page.goto(live_server.url + path)
        expect(page.locator("body")).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path
