"""The front end's shared assets, in Chromium (SPEC X3): icons from the one sprite, stylesheets in one order."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import TagFactory, make_ticket
from tickets import actions

from .support import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ICONS_ON_PAGE = """() => Array.from(document.querySelectorAll("svg")).map(svg => {
  const use = svg.querySelector(":scope > use");
  return {icon: svg.classList.contains("icon"), href: use ? use.getAttribute("href") : null,
          hidden: svg.getAttribute("aria-hidden"), width: svg.getBoundingClientRect().width};
})"""


@pytest.mark.spec("X3")
def test_every_icon_on_the_main_pages_is_drawn_from_the_sprite(live_server, page, lead, alice):
    ticket = make_ticket(alice, title="Printer on fire", assignee=alice)
    TagFactory(name="billing")
    actions.add_note(ticket, alice, "Called the customer")
    signed_in(page, live_server, lead)
    sprite = page.request.get(live_server.url + "/static/icons/sprite.svg")
    assert sprite.ok and sprite.headers["content-type"].startswith("image/svg+xml")
    symbols = set(re.findall(r'<symbol id="([\w-]+)"', sprite.text()))

    for path in ["/tickets/?tab=all", ticket.get_absolute_url(), "/configurations/sub-statuses/", "/notifications/"]:
        page.goto(live_server.url + path)
        expect(page.locator("main")).to_be_visible()
        icons = page.evaluate(ICONS_ON_PAGE)
        assert icons, path
        for icon in icons:
            assert icon["icon"] and icon["hidden"] == "true", (path, icon)
            assert icon["href"] and "/static/icons/sprite" in icon["href"], (path, icon)
            assert icon["href"].split("#")[1] in symbols, (path, icon)

    # Scripts draw the same icons: a toast's close button.
    page.evaluate("helpdesk.toast('Saved', 'success')")
    close = page.locator("#toasts [data-toast-close] svg.icon use").last
    assert close.get_attribute("href").endswith("#icon-x")
    expect(page.locator("#toasts [data-toast-close] svg.icon").last).to_have_css("width", "14px")


@pytest.mark.spec("X3")
def test_pages_link_the_stylesheets_in_the_order_the_single_file_imports_them(live_server, page, alice):
    signed_in(page, live_server, alice)
    page.goto(live_server.url + "/tickets/")
    links = page.eval_on_selector_all(
        "link[rel=stylesheet]", "links => links.map(link => new URL(link.href).pathname)"
    )
    entry = page.request.get(live_server.url + "/static/css/app.css").text()
    imported = ["/static/css/" + name for name in re.findall(r'@import url\("([^"]+)"\)', entry)]
    assert links == imported and len(links) > 3
    # Every part arrived and applied: the tokens (first) and the live styles (last) are in force.
    assert page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--s-4').trim()") == "16px"
