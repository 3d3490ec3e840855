"""Open ticket tabs and peek in a real browser (SPEC L9): real clicks, drags and keys."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_ticket
from tickets.models import UserPreference

from .support import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.spec("L9")]

ALL_TICKETS = "/tickets/?tab=all"


def set_tabs(user, tickets):
    preference = UserPreference.for_user(user)
    preference.open_tickets = [ticket.pk for ticket in tickets]
    preference.save()


def tab_bar(page):
    return page.get_by_role("navigation", name="Open tickets")


def tab_links(page):
    return tab_bar(page).locator(".open-tab-link")


def expect_tabs(page, tickets):
    expect(tab_links(page)).to_have_count(len(tickets))
    for link, ticket in zip(tab_links(page).all(), tickets, strict=True):
        expect(link).to_contain_text(ticket.reference)
        expect(link).to_contain_text(ticket.title[:10])


def list_row(page, ticket):
    return page.get_by_role("row").filter(has_text=ticket.reference)


def test_three_tickets_opened_from_the_list_become_three_tabs(live_server, page, alice):
    tickets = [make_ticket(alice, title=title) for title in ("Refund not received", "Parcel lost", "Wrong size")]
    signed_in(page, live_server, alice)

    page.goto(live_server.url + ALL_TICKETS)
    for ticket in tickets:
        list_row(page, ticket).get_by_role("link", name=ticket.title).click()
        expect(page).to_have_url(re.compile(rf"/tickets/{ticket.pk}/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(ticket.title)
        expect(tab_bar(page).locator("[aria-current=page]")).to_contain_text(ticket.reference)
        tab_bar(page).get_by_role("link", name="Tickets").click()
        expect(page).to_have_url(re.compile(r"/tickets/\?tab=all"))  # back to the list as it was left

    expect_tabs(page, tickets)
    assert UserPreference.for_user(alice).open_tickets == [ticket.pk for ticket in tickets]


def test_a_tab_dragged_to_the_front_stays_there_after_a_reload(live_server, page, alice):
    first, second, third = tickets = [make_ticket(alice, title=f"Ticket number {n}") for n in (1, 2, 3)]
    set_tabs(alice, tickets)
    signed_in(page, live_server, alice)
    page.goto(live_server.url + first.get_absolute_url())
    expect_tabs(page, tickets)

    with page.expect_response(re.compile(r"/tickets/open-tabs/order/$")) as saved:
        tab_links(page).nth(2).drag_to(tab_links(page).nth(0), target_position={"x": 6, "y": 12})
    assert saved.value.status == 204

    expect_tabs(page, [third, first, second])
    page.reload()
    expect_tabs(page, [third, first, second])
    expect(tab_bar(page).locator("[aria-current=page]")).to_contain_text(first.reference)


def test_tabs_reorder_and_open_by_keyboard(live_server, page, alice):
    first, second, third = tickets = [make_ticket(alice, title=f"Ticket number {n}") for n in (1, 2, 3)]
    set_tabs(alice, tickets)
    signed_in(page, live_server, alice)
    page.goto(live_server.url + first.get_absolute_url())

    tab_links(page).nth(1).focus()
    with page.expect_response(re.compile(r"/tickets/open-tabs/order/$")):
        page.keyboard.press("Alt+Shift+ArrowLeft")
    expect_tabs(page, [second, first, third])
    expect(tab_links(page).nth(0)).to_be_focused()

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/tickets/{second.pk}/$"))
    expect_tabs(page, [second, first, third])


def test_closing_tabs(live_server, page, alice):
    first, second, third = tickets = [make_ticket(alice, title=f"Ticket number {n}") for n in (1, 2, 3)]
    set_tabs(alice, tickets)
    signed_in(page, live_server, alice)
    page.goto(live_server.url + second.get_absolute_url())

    # Another ticket's tab: it goes, and the page stays.
    tab_bar(page).get_by_role("button", name=f"Close {first.reference}").click()
    expect_tabs(page, [second, third])
    expect(page).to_have_url(re.compile(rf"/tickets/{second.pk}/$"))

    # The ticket you are on: the next tab opens.
    tab_bar(page).get_by_role("button", name=f"Close {second.reference}").click()
    expect(page).to_have_url(re.compile(rf"/tickets/{third.pk}/$"))
    expect_tabs(page, [third])

    # The last one: back to the list.
    tab_bar(page).get_by_role("button", name=f"Close {third.reference}").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/tickets/$"))
    expect(tab_links(page)).to_have_count(0)
    assert UserPreference.for_user(alice).open_tickets == []


def test_the_eleventh_ticket_shows_a_message_and_ten_tabs_stay(live_server, page, alice):
    ten = [make_ticket(alice, title=f"Open ticket {n}") for n in range(10)]
    set_tabs(alice, ten)
    eleventh = make_ticket(alice, title="One too many")
    signed_in(page, live_server, alice)

    page.goto(live_server.url + ALL_TICKETS)
    list_row(page, eleventh).get_by_role("link", name="One too many").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("One too many")
    toast = page.locator("#toasts [data-toast]")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text("You already have 10 tickets open, the most at once.")
    expect(toast).to_contain_text(f"Close a tab to keep {eleventh.reference} in your tabs.")
    expect_tabs(page, ten)
    expect(tab_bar(page)).not_to_contain_text(eleventh.reference)
    expect(tab_bar(page)).to_contain_text("10 of 10 open")


def test_ten_tabs_fit_on_one_line_at_1280_pixels(live_server, page, alice):
    ten = [make_ticket(alice, title=f"A rather long ticket title that will not fit, number {n}") for n in range(10)]
    set_tabs(alice, ten)
    signed_in(page, live_server, alice)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + ten[0].get_absolute_url())

    boxes = [link.bounding_box() for link in tab_links(page).all()]
    bar = tab_bar(page).bounding_box()
    assert len({round(box["y"]) for box in boxes}) == 1  # one row
    assert boxes[-1]["x"] + boxes[-1]["width"] <= bar["x"] + bar["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280  # no sideways scrolling


def test_peek_shows_a_ticket_beside_the_list_without_leaving_it(live_server, page, alice, support_team):
    rows = [make_ticket(alice, title=f"Filler ticket {n}") for n in range(30)]
    target = make_ticket(
        alice, title="Refund not received", priority="high", assignee=alice, team=support_team, description="Hi"
    )
    rows.insert(0, target)
    signed_in(page, live_server, alice)
    page.goto(live_server.url + ALL_TICKETS)
    url = page.url
    peek = page.get_by_role("complementary", name="Ticket preview")
    expect(peek).to_be_hidden()

    row = list_row(page, rows[20])
    row.scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    row.get_by_role("button", name=f"Peek at {rows[20].reference}").click()
    expect(peek).to_be_visible()
    expect(peek).to_contain_text(rows[20].title)
    assert page.evaluate("window.scrollY") == scrolled
    assert page.url == url

    page.keyboard.press("Escape")
    expect(peek).to_be_hidden()
    expect(row.get_by_role("button", name=f"Peek at {rows[20].reference}")).to_be_focused()

    page.evaluate("window.scrollTo(0, 0)")
    list_row(page, target).get_by_role("button", name=f"Peek at {target.reference}").click()
    expect(peek.get_by_role("heading", name="Refund not received")).to_be_visible()
    expect(peek).to_contain_text(target.reference)
    expect(peek).to_contain_text("High")
    expect(peek).to_contain_text("Alice Archer")
    external = peek.get_by_role("link", name=f"Open {target.reference} in a new browser tab")
    expect(external).to_have_attribute("target", "_blank")
    expect(external).to_have_attribute("href", f"/tickets/{target.pk}/")
    assert page.url == url
    assert UserPreference.for_user(alice).open_tickets == []  # a peek opens no tab

    peek.get_by_role("button", name="Close preview").click()
    expect(peek).to_be_hidden()

    list_row(page, target).get_by_role("button", name=f"Peek at {target.reference}").click()
    peek.get_by_role("link", name="Open", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/tickets/{target.pk}/$"))
    expect_tabs(page, [target])


def test_the_external_link_opens_the_ticket_in_a_new_browser_tab(live_server, page, alice):
    target = make_ticket(alice, title="Refund not received")
    signed_in(page, live_server, alice)
    page.goto(live_server.url + ALL_TICKETS)
    list_row(page, target).get_by_role("button", name=f"Peek at {target.reference}").click()
    peek = page.get_by_role("complementary", name="Ticket preview")

    with page.context.expect_page() as opened:
        peek.get_by_role("link", name=f"Open {target.reference} in a new browser tab").click()
    new_tab = opened.value
    new_tab.wait_for_load_state()

    assert new_tab.url == f"{live_server.url}/tickets/{target.pk}/"
    expect(new_tab.get_by_role("heading", level=1)).to_have_text("Refund not received")
    assert page.url.endswith(ALL_TICKETS)  # the list stays where it was
    expect(peek).to_be_visible()
