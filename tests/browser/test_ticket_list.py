"""What an agent does on the ticket list, in Chromium: tabs, filters, sort, URL state, new ticket, bulk."""

import re

import pytest
from playwright.sync_api import expect

from configurations.models import Status
from tickets.models import Ticket

from ..factories import ContactFactory, make_ticket
from .support import confirm_dialog, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def rows(page):
    return page.locator("#list-region tbody tr")


@pytest.fixture
def board(alice, bob, support_team):
    return {
        "mine": make_ticket(alice, title="Refund for order 1001", assignee=alice, priority="high"),
        "bobs": make_ticket(alice, title="Bob's broken router", assignee=bob),
        "team": make_ticket(alice, title="Team invoice question", team=support_team),
        "free": make_ticket(alice, title="Nobody owns this yet", priority="urgent"),
        "done": make_ticket(alice, title="Already solved", assignee=alice, status=Status.RESOLVED),
    }


def tab(page, name):
    return page.get_by_role("navigation", name="Ticket tabs").get_by_role("link", name=re.compile(name))


def switch_to(page, name):
    """Click a tab and wait until its list and toolbar are in (they arrive by an HTMX swap).

    The click waits for the tab counts, which replace the tabs when they arrive: a click while they
    are swapped in would press one link and release on its successor, which is no click at all.
    """
    expect(page.locator("#list-tabs[hx-get]")).to_have_count(0)
    tab(page, name).click()
    expect(tab(page, name)).to_have_attribute("aria-current", "page")


@pytest.mark.spec("L1", "L5")
def test_switching_tabs_swaps_the_list_keeps_the_page_and_updates_the_url(live_server, page, alice, password, board):
    sign_in(page, live_server, "alice", password)
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("Refund for order 1001")
    expect(tab(page, "My Tickets")).to_contain_text("1")
    expect(tab(page, "All Tickets")).to_contain_text("4")

    page.evaluate("window.__sameDocument = true")
    switch_to(page, "Unassigned")
    expect(page).to_have_url(re.compile(r"tab=unassigned"))
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("Nobody owns this yet")
    expect(tab(page, "Unassigned")).to_have_attribute("aria-current", "page")
    assert page.evaluate("window.__sameDocument") is True  # no full reload

    switch_to(page, "All Tickets")
    expect(rows(page)).to_have_count(4)
    page.go_back()
    expect(page).to_have_url(re.compile(r"tab=unassigned"))
    expect(rows(page)).to_have_count(1)


@pytest.mark.spec("L4", "L5")
def test_a_filter_refreshes_only_the_list_and_survives_a_reload(live_server, page, alice, password, board):
    sign_in(page, live_server, "alice", password)
    switch_to(page, "All Tickets")
    expect(rows(page)).to_have_count(4)

    page.evaluate("window.__sameDocument = true")
    page.locator("summary", has_text="Filters").click()
    page.get_by_role("group", name="Priority").get_by_label("Urgent").check()
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("Nobody owns this yet")
    expect(page).to_have_url(re.compile(r"priority=urgent"))
    expect(tab(page, "All Tickets")).to_contain_text("1")
    assert page.evaluate("window.__sameDocument") is True

    page.reload()
    expect(rows(page)).to_have_count(1)
    expect(page.locator("summary", has_text="Filters")).to_contain_text("1")


@pytest.mark.spec("L2", "L3")
def test_show_completed_and_the_sort_order_stick(live_server, page, alice, password, board):
    sign_in(page, live_server, "alice", password)
    page.get_by_label("Show Completed Tickets").check()
    expect(rows(page)).to_have_count(2)
    expect(page.get_by_text("Already solved")).to_be_visible()

    page.get_by_label("Sort by creation date").select_option("oldest")
    expect(rows(page).first).to_contain_text("Refund for order 1001")
    expect(page).to_have_url(re.compile(r"sort=oldest"))

    switch_to(page, "All Tickets")
    expect(rows(page).first).to_contain_text("Refund for order 1001")  # oldest first on every tab
    page.goto(live_server.url + "/tickets/")
    expect(page.get_by_label("Sort by creation date")).to_have_value("oldest")


@pytest.mark.spec("L10", "X2")
def test_new_ticket_dialog_explains_bad_input_then_creates_the_ticket(live_server, page, alice, password, board):
    ContactFactory(name="Sam Client", email="sam@example.org")
    sign_in(page, live_server, "alice", password)
    page.get_by_role("button", name="New ticket").click()
    dialog = page.get_by_role("dialog", name="New ticket")
    expect(dialog).to_be_visible()

    dialog.get_by_label("Customer email or phone").fill("nobody@nowhere.test")
    dialog.get_by_role("button", name="Create ticket").click()
    expect(dialog.get_by_text("This field is required")).to_be_visible()
    expect(dialog.get_by_text("No contact has the email address or phone number")).to_be_visible()
    assert Ticket.objects.count() == 5

    dialog.get_by_label("Title").fill("Parcel arrived damaged")
    dialog.get_by_label("Customer email or phone").fill("sam@example.org")
    dialog.get_by_role("button", name="Create ticket").click()
    expect(page).to_have_url(re.compile(r"/tickets/\d+/$"))
    created = Ticket.objects.get(title="Parcel arrived damaged")
    assert page.url.endswith(f"/tickets/{created.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Parcel arrived damaged")


@pytest.mark.spec("L10", "T4")
def test_selecting_rows_and_archiving_them(live_server, page, alice, password, board):
    sign_in(page, live_server, "alice", password)
    switch_to(page, "All Tickets")
    expect(page.locator("[data-bulk-bar]")).to_be_hidden()
    page.get_by_label(f"Select {board['free'].reference}").check()
    page.get_by_label(f"Select {board['team'].reference}").check()
    expect(page.locator("[data-bulk-bar]")).to_contain_text("2 selected")
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)  # agents lack the right
    page.get_by_role("button", name="Archive").click()

    expect(page.get_by_role("status").filter(has_text="2 tickets archived")).to_be_visible()
    expect(rows(page)).to_have_count(2)
    switch_to(page, "Archived")
    expect(rows(page)).to_have_count(2)


@pytest.mark.spec("X3", "L9")
def test_keyboard_reaches_a_ticket_and_enter_opens_it(live_server, page, alice, password, board):
    sign_in(page, live_server, "alice", password)
    link = page.get_by_role("link", name="Refund for order 1001")
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/tickets/{board['mine'].pk}/$"))


@pytest.mark.spec("L6", "L5")
def test_paging_older_and_newer_keeps_its_place_in_the_url(live_server, page, alice, password, monkeypatch):
    monkeypatch.setattr("tickets.views.list.PAGE_SIZE", 2)
    for number in range(1, 6):
        make_ticket(alice, title=f"Case {number}", assignee=alice)
    sign_in(page, live_server, "alice", password)
    expect(rows(page)).to_have_count(2)
    expect(rows(page).first).to_contain_text("Case 5")

    page.get_by_role("link", name="Older →").click()
    expect(page).to_have_url(re.compile(r"after="))
    expect(rows(page).first).to_contain_text("Case 3")
    page.reload()
    expect(rows(page).first).to_contain_text("Case 3")

    page.get_by_role("link", name="Older →").click()
    expect(rows(page)).to_have_count(1)
    expect(page.get_by_role("link", name="Older →")).to_have_count(0)
    page.get_by_role("link", name="← Newer").click()
    expect(rows(page).first).to_contain_text("Case 3")


@pytest.mark.spec("L4")
def test_the_filters_offered_follow_the_tab(live_server, page, alice, password, board):
    sign_in(page, live_server, "alice", password)
    page.locator("summary", has_text="Filters").click()
    panel = page.get_by_role("group", name="Filters")
    expect(panel.get_by_role("group", name="Assigned agent")).to_have_count(0)  # My Tickets
    expect(panel.get_by_role("group", name="Assigned team")).to_have_count(1)

    switch_to(page, "Teams Assigned")
    page.locator("summary", has_text="Filters").click()
    panel = page.get_by_role("group", name="Filters")
    expect(panel.get_by_role("group", name="Assigned team")).to_have_count(0)
    expect(panel.get_by_role("group", name="Assigned agent")).to_have_count(1)


@pytest.mark.spec("L10", "X3")
def test_bulk_delete_asks_in_the_sites_dialog_and_deletes_only_once_confirmed(live_server, page, lead, password, board):
    sign_in(page, live_server, "lead", password)
    switch_to(page, "All Tickets")
    page.get_by_label(f"Select {board['free'].reference}").check()
    page.get_by_label(f"Select {board['team'].reference}").check()
    page.get_by_role("button", name=f"Peek at {board['mine'].reference}").click()
    peek = page.get_by_role("complementary", name="Ticket preview")
    expect(peek).to_contain_text("Refund for order 1001")
    page.get_by_role("button", name="Delete").click()
    confirm = confirm_dialog(page)
    expect(confirm).to_contain_text("Delete the selected tickets with their history? This cannot be undone.")
    page.keyboard.press("Escape")  # answers the question only: the peek behind it stays
    expect(confirm).to_be_hidden()
    expect(peek).to_be_visible()
    assert Ticket.objects.count() == 5

    page.get_by_role("button", name="Delete").click()
    confirm.get_by_role("button", name="Delete").click()
    expect(rows(page)).to_have_count(2)
    assert not Ticket.objects.filter(pk__in=[board["free"].pk, board["team"].pk]).exists()
    assert Ticket.objects.count() == 3
