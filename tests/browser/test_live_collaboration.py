"""Two agents on one ticket in two browsers (SPEC D11, D12, X1, D3): they see each other arrive,
start editing and leave; a change by one appears on the other's page; an edit in progress is never
thrown away, and a save over someone else's change is refused with what changed."""

import re
import time

import pytest
from django.db import connection
from playwright.sync_api import expect

from configurations.models import Priority
from tickets.models import Ticket, TicketPresence

from ..asgi_server import asgi_server  # noqa: F401 - fixture
from ..factories import make_ticket
from .support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _server_done_before_the_flush(transactional_db, request):
    """After a test its pages close, and the server records their leaving; the database is flushed
    only once it has, or PostgreSQL's TRUNCATE and the server's last writes could deadlock.

    The main page is closed here: its fixture is torn down after this one, so waiting for it to
    leave without closing it would wait for nothing. A page that closed but stays present fails.
    """
    yield
    if "page" in request.fixturenames:
        request.getfixturevalue("page").context.close()
    deadline = time.monotonic() + 10
    while TicketPresence.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(TicketPresence.objects.values_list("user__username", flat=True)) == [], (
        "every page was closed, but the server still counts these people as present"
    )
    # And whatever the server was still doing (a request of a page being closed, the last writes of
    # its sockets) has finished: idle for half a second on end, within a wait of its own (the one
    # above may have used up its time). One idle look could fall between two of its transactions.
    deadline, idle_since = time.monotonic() + 10, None
    while time.monotonic() < deadline:
        if server_busy():
            idle_since = None
        elif idle_since is None:
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since >= 0.5:
            break
        time.sleep(0.05)
    assert idle_since is not None and time.monotonic() - idle_since >= 0.5, (
        "the server is still working on the test database after its pages closed"
    )


def server_busy():
    """Whether another session on the test database (the server's) is inside a statement or transaction."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state IS NOT NULL AND state <> 'idle'"
        )
        return cursor.fetchone()[0] > 0


@pytest.fixture
def second(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 860})
    yield context.new_page()
    context.close()


def presence(page):
    return page.locator("#ticket-header [data-presence]")


def open_ticket_as(page, server, username, password, ticket):
    sign_in(page, server, username, password)
    page.goto(server.url + ticket.get_absolute_url())


def save_priority(page, priority):
    """Edit the form, choose `priority`, save, and wait for the form to be back in read mode."""
    form = page.locator("#ticket-form")
    form.get_by_role("button", name="Edit").click()
    form.get_by_label("Priority").select_option(priority)
    form.get_by_role("button", name="Save").click()
    expect(form.get_by_role("button", name="Edit")).to_be_visible()


@pytest.mark.spec("D11", "D12")
def test_two_agents_see_each_other_arrive_edit_and_leave(asgi_server, page, second, alice, bob, password):
    ticket = make_ticket(alice, title="Router keeps rebooting")
    open_ticket_as(page, asgi_server, "alice", password, ticket)
    expect(presence(page)).to_be_hidden()  # alone: nothing to show

    open_ticket_as(second, asgi_server, "bob", password, ticket)
    expect(presence(page)).to_contain_text("Bob Baker is viewing")
    expect(presence(second)).to_contain_text("Alice Archer is viewing")

    second.locator("#ticket-form").get_by_role("button", name="Edit").click()
    second.locator("#ticket-form").get_by_label("Title").fill("Router reboots every hour")
    expect(presence(page)).to_contain_text("Bob Baker is editing")
    expect(page.locator(".presence-face.is-editing")).to_have_attribute("title", "Bob Baker · editing")
    page.screenshot(path="/tmp/shots/presence-editing.png")

    second.close()
    expect(presence(page)).to_be_hidden()

    page.reload()
    time_spent = page.locator("#ticket-time-spent")
    expect(time_spent).to_contain_text("Bob Baker")
    expect(time_spent).to_contain_text("Alice Archer")


@pytest.mark.spec("X1")
def test_someone_elses_change_appears_without_a_reload(asgi_server, page, second, alice, bob, password):
    ticket = make_ticket(alice, title="Invoice missing")
    open_ticket_as(page, asgi_server, "alice", password, ticket)
    open_ticket_as(second, asgi_server, "bob", password, ticket)
    expect(presence(page)).to_contain_text("Bob Baker")

    save_priority(second, "urgent")
    second.locator("#note-body").fill("Called the customer back")
    second.get_by_role("button", name="Add note").click()

    expect(page.locator("#ticket-header .chip-priority-urgent")).to_be_visible()
    expect(page.locator("#ticket-form")).to_contain_text("Urgent")
    expect(page.locator("#activity-list")).to_contain_text("Called the customer back")


@pytest.mark.spec("X1", "D3")
def test_an_edit_in_progress_is_kept_and_its_save_refused_with_what_changed(
    asgi_server, page, second, alice, bob, password
):
    ticket = make_ticket(alice, title="Printer on fire")
    open_ticket_as(page, asgi_server, "alice", password, ticket)
    mine = page.locator("#ticket-form")
    mine.get_by_role("button", name="Edit").click()
    mine.get_by_label("Title").fill("Printer on fire, third floor")
    mine.get_by_label("Priority").select_option("low")

    open_ticket_as(second, asgi_server, "bob", password, ticket)
    expect(presence(page)).to_contain_text("Bob Baker")  # Alice's page hears the ticket
    save_priority(second, "high")

    notice = mine.locator("[data-live-notice]")
    expect(notice).to_contain_text("Bob Baker changed Priority while you were editing")
    expect(notice).to_contain_text("You changed that too")
    expect(mine.get_by_label("Title")).to_have_value("Printer on fire, third floor")
    expect(page.locator("#ticket-header .chip-priority-high")).to_be_visible()  # the header shows it at once
    page.screenshot(path="/tmp/shots/live-notice.png")

    mine.get_by_role("button", name="Save").click()
    expect(mine.get_by_role("alert")).to_contain_text("Bob Baker changed Priority")
    expect(mine.get_by_label("Title")).to_have_value("Printer on fire, third floor")
    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.title, saved.priority) == ("Printer on fire", Priority.HIGH)


@pytest.mark.spec("X1", "D3")
def test_an_edit_of_other_fields_is_told_it_keeps_both_changes_and_saves(asgi_server, page, second, alice, bob, password):
    ticket = make_ticket(alice, title="Printer on fire")
    open_ticket_as(page, asgi_server, "alice", password, ticket)
    mine = page.locator("#ticket-form")
    mine.get_by_role("button", name="Edit").click()
    mine.get_by_label("Title").fill("Printer on fire, third floor")

    open_ticket_as(second, asgi_server, "bob", password, ticket)
    expect(presence(page)).to_contain_text("Bob Baker")
    save_priority(second, "high")

    expect(mine.locator("[data-live-notice]")).to_contain_text("saving it keeps their change")
    with page.expect_response(lambda response: response.request.method == "POST" and "/form/" in response.url) as saving:
        mine.get_by_role("button", name="Save").click()
    assert saving.value.status == 200
    expect(mine.get_by_role("button", name="Edit", exact=True)).to_be_visible()
    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.title, saved.priority) == ("Printer on fire, third floor", Priority.HIGH)


@pytest.mark.spec("X1")
def test_the_list_offers_a_refresh_and_open_tabs_show_a_dot(asgi_server, page, second, alice, bob, password):
    watched = make_ticket(alice, title="Watched ticket", assignee=alice)
    sign_in(page, asgi_server, "alice", password)
    page.goto(asgi_server.url + watched.get_absolute_url())  # kept as an open tab
    page.goto(asgi_server.url + "/tickets/")
    expect(page.locator(f'.open-tab[data-ticket-id="{watched.pk}"]')).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-live-list", "open")

    open_ticket_as(second, asgi_server, "bob", password, watched)
    form = second.locator("#ticket-form")
    form.get_by_role("button", name="Edit").click()
    form.get_by_label("Title").fill("Watched ticket, updated")
    form.get_by_role("button", name="Save").click()
    expect(form.get_by_role("button", name="Edit")).to_be_visible()

    expect(page.locator(f'.open-tab[data-ticket-id="{watched.pk}"]')).to_have_class(re.compile(r"has-update"))
    hint = page.locator("[data-list-hint]")
    expect(hint).to_contain_text("A ticket was added or changed since this list was loaded.")
    page.screenshot(path="/tmp/shots/list-hint.png")
    hint.get_by_role("button", name="Refresh list").click()
    expect(hint).to_be_hidden()
    expect(page.locator("#list-region")).to_contain_text("Watched ticket, updated")

    page.reload()  # the dot stays until the ticket is looked at
    expect(page.locator(f'.open-tab[data-ticket-id="{watched.pk}"]')).to_have_class(re.compile(r"has-update"))
    page.goto(asgi_server.url + watched.get_absolute_url())
    page.goto(asgi_server.url + "/tickets/")
    expect(page.locator(f'.open-tab[data-ticket-id="{watched.pk}"]')).not_to_have_class(re.compile(r"has-update"))


@pytest.mark.spec("D11", "X1", "L9")
def test_a_peek_counts_as_viewing_and_follows_changes(asgi_server, page, second, alice, bob, password):
    ticket = make_ticket(alice, title="Peeked at", assignee=alice)
    sign_in(page, asgi_server, "alice", password)
    page.goto(asgi_server.url + "/tickets/?tab=all")
    page.get_by_role("button", name=f"Peek at {ticket.reference}").click()
    peek = page.get_by_role("complementary", name="Ticket preview")
    expect(peek).to_contain_text("Peeked at")

    open_ticket_as(second, asgi_server, "bob", password, ticket)
    expect(presence(second)).to_contain_text("Alice Archer is viewing")
    expect(peek.locator("[data-presence]")).to_contain_text("Bob Baker is viewing")

    save_priority(second, "urgent")
    expect(peek).to_contain_text("Urgent")

    page.keyboard.press("Escape")  # closing the peek leaves the ticket
    expect(presence(second)).to_be_hidden()
