"""Open ticket tabs and the peek panel (SPEC L9): up to ten per user, in their order, kept across devices."""

import json
import re
import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from tickets import actions, open_tabs
from tickets.models import Ticket, UserPreference

from ..conftest import _client_for, csrf_post
from ..factories import make_ticket

pytestmark = [pytest.mark.django_db, pytest.mark.spec("L9")]

FULL = "You already have 10 tickets open, the most at once."


def tickets(actor, count, prefix="Ticket"):
    return [make_ticket(actor, title=f"{prefix} {number}") for number in range(count)]


def tabs_of(user):
    return UserPreference.for_user(user).open_tickets


def set_tabs(user, ids):
    preference = UserPreference.for_user(user)
    preference.open_tickets = list(ids)
    preference.save()


def tab_html(html, ticket):
    """The <li> of one ticket's tab in the bar's HTML."""
    match = re.search(rf'<li class="open-tab[^"]*" data-ticket-id="{ticket.pk}">.*?</li>', html, re.S)
    assert match, f"no tab for {ticket.reference}"
    return match.group(0)


def htmx(**extra):
    return {"HTTP_HX_REQUEST": "true", **extra}


# --- opening -------------------------------------------------------------------------------------

def test_visiting_a_ticket_page_opens_it_as_the_last_tab(alice_client, alice):
    first, second = tickets(alice, 2)

    alice_client.get(f"/tickets/{first.pk}/")
    alice_client.get(f"/tickets/{second.pk}/")

    assert tabs_of(alice) == [first.pk, second.pk]


def test_visiting_an_open_ticket_again_keeps_one_tab_where_it_is(alice_client, alice):
    first, second, third = tickets(alice, 3)
    set_tabs(alice, [first.pk, second.pk, third.pk])

    response = alice_client.get(f"/tickets/{first.pk}/")

    assert response.status_code == 200
    assert tabs_of(alice) == [first.pk, second.pk, third.pk]


def test_the_eleventh_ticket_page_still_shows_but_is_not_kept_and_says_why(alice_client, alice):
    ten = tickets(alice, 10)
    set_tabs(alice, [ticket.pk for ticket in ten])
    eleventh = make_ticket(alice, title="The eleventh")

    response = alice_client.get(f"/tickets/{eleventh.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "The eleventh" in page
    assert f"{FULL} Close a tab to keep {eleventh.reference} in your tabs." in page
    assert tabs_of(alice) == [ticket.pk for ticket in ten]
    assert f'aria-label="Close {eleventh.reference}"' not in page


def test_keeping_a_tab_refuses_the_eleventh_with_409_and_a_message_for_htmx(alice_client, alice):
    set_tabs(alice, [ticket.pk for ticket in tickets(alice, 10)])
    eleventh = make_ticket(alice, title="The eleventh")

    response = csrf_post(alice_client, f"/tickets/{eleventh.pk}/open-tab/", **htmx())

    assert response.status_code == 409
    trigger = json.loads(response["HX-Trigger"])
    assert trigger["messages"][0]["level"] == "warning"
    assert trigger["messages"][0]["message"].startswith(FULL)
    assert eleventh.pk not in tabs_of(alice)
    assert len(tabs_of(alice)) == 10


def test_keeping_a_tab_without_htmx_refuses_the_eleventh_with_a_message(alice_client, alice):
    set_tabs(alice, [ticket.pk for ticket in tickets(alice, 10)])
    eleventh = make_ticket(alice, title="The eleventh")

    response = csrf_post(alice_client, f"/tickets/{eleventh.pk}/open-tab/", {"next": "/notifications/"})

    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert FULL in alice_client.get("/notifications/").content.decode()  # shown as a toast there
    assert eleventh.pk not in tabs_of(alice)


def test_keeping_a_tab_with_htmx_adds_it_and_returns_the_tab_bar(alice_client, alice):
    first, second = tickets(alice, 2)
    set_tabs(alice, [first.pk])

    response = csrf_post(alice_client, f"/tickets/{second.pk}/open-tab/", **htmx())

    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<nav id="open-tabs"')
    assert "<script" not in page  # the script comes with the page, not with each swap
    assert f'aria-label="Close {second.reference}"' in page
    assert tabs_of(alice) == [first.pk, second.pk]


def test_keeping_a_missing_ticket_is_a_404(alice_client, alice):
    assert csrf_post(alice_client, "/tickets/999999/open-tab/", **htmx()).status_code == 404
    assert tabs_of(alice) == []


def test_a_deleted_ticket_drops_out_silently_and_frees_its_slot(alice_client, alice, lead):
    ten = tickets(alice, 10)
    set_tabs(alice, [ticket.pk for ticket in ten])
    gone = ten[3]
    actions.delete_ticket(gone, lead)
    eleventh = make_ticket(alice, title="Takes the free slot")

    page = alice_client.get(f"/tickets/{ten[0].pk}/").content.decode()
    assert gone.reference not in page
    assert ten[4].reference in page

    response = alice_client.get(f"/tickets/{eleventh.pk}/")

    assert FULL not in response.content.decode()
    assert tabs_of(alice) == [ticket.pk for ticket in ten if ticket != gone] + [eleventh.pk]


def test_stored_ids_that_are_not_tickets_are_ignored(alice_client, alice):
    ticket = make_ticket(alice)
    set_tabs(alice, ["7", None, ticket.pk, ticket.pk, True, -1, {"id": 3}])

    assert open_tabs.open_ids(UserPreference.for_user(alice)) == [ticket.pk]
    assert alice_client.get(f"/tickets/{ticket.pk}/").status_code == 200


# --- closing -------------------------------------------------------------------------------------

def test_closing_a_tab_removes_it_and_returns_the_bar_for_htmx(alice_client, alice):
    first, second, third = tickets(alice, 3)
    set_tabs(alice, [first.pk, second.pk, third.pk])

    response = csrf_post(alice_client, f"/tickets/{second.pk}/close-tab/", {"current": first.pk}, **htmx())

    assert response.status_code == 200
    page = response.content.decode()
    assert second.reference not in page
    assert 'aria-current="page"' in tab_html(page, first)
    assert 'aria-current="page"' not in tab_html(page, third)
    assert tabs_of(alice) == [first.pk, third.pk]


def test_closing_the_ticket_you_are_on_goes_to_the_next_tab(alice_client, alice):
    first, second, third = tickets(alice, 3)
    set_tabs(alice, [first.pk, second.pk, third.pk])

    response = csrf_post(alice_client, f"/tickets/{second.pk}/close-tab/", {"current": second.pk}, **htmx())

    assert response["HX-Redirect"] == f"/tickets/{third.pk}/"
    assert tabs_of(alice) == [first.pk, third.pk]


def test_closing_the_last_tab_you_are_on_goes_to_the_one_before_it(alice_client, alice):
    first, second = tickets(alice, 2)
    set_tabs(alice, [first.pk, second.pk])

    response = csrf_post(alice_client, f"/tickets/{second.pk}/close-tab/", {"current": second.pk})

    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{first.pk}/"


def test_closing_the_only_tab_you_are_on_goes_to_the_list(alice_client, alice):
    (only,) = tickets(alice, 1)
    set_tabs(alice, [only.pk])

    response = csrf_post(alice_client, f"/tickets/{only.pk}/close-tab/", {"current": only.pk}, **htmx())

    assert response["HX-Redirect"] == "/tickets/"
    assert tabs_of(alice) == []


def test_closing_the_tab_you_are_on_skips_a_deleted_neighbour(alice_client, alice, lead):
    first, second, third = tickets(alice, 3)
    set_tabs(alice, [first.pk, second.pk, third.pk])
    actions.delete_ticket(third, lead)

    response = csrf_post(alice_client, f"/tickets/{second.pk}/close-tab/", {"current": second.pk}, **htmx())

    assert response["HX-Redirect"] == f"/tickets/{first.pk}/"
    assert tabs_of(alice) == [first.pk]


def test_closing_without_javascript_returns_to_the_page_it_came_from(alice_client, alice):
    first, second = tickets(alice, 2)
    set_tabs(alice, [first.pk, second.pk])

    response = csrf_post(alice_client, f"/tickets/{second.pk}/close-tab/", {"next": "/tickets/?tab=all"})
    assert response["Location"] == "/tickets/?tab=all"

    response = csrf_post(alice_client, f"/tickets/{first.pk}/close-tab/", {"next": "https://evil.example/"})
    assert response["Location"] == "/tickets/"


def test_closing_a_tab_that_is_not_open_changes_nothing(alice_client, alice):
    first, second = tickets(alice, 2)
    set_tabs(alice, [first.pk])

    response = csrf_post(alice_client, f"/tickets/{second.pk}/close-tab/", **htmx())

    assert response.status_code == 200
    assert tabs_of(alice) == [first.pk]


# --- order ---------------------------------------------------------------------------------------

def test_the_order_of_the_tabs_is_saved(alice_client, alice):
    first, second, third = tickets(alice, 3)
    set_tabs(alice, [first.pk, second.pk, third.pk])

    response = csrf_post(alice_client, "/tickets/open-tabs/order/", {"order": [third.pk, first.pk, second.pk]})

    assert response.status_code == 204
    assert tabs_of(alice) == [third.pk, first.pk, second.pk]
    page = alice_client.get(f"/tickets/{first.pk}/").content.decode()
    assert page.index(third.reference) < page.index(f'aria-label="Close {first.reference}"') < page.index(
        f'aria-label="Close {second.reference}"'
    )


def test_reordering_ignores_unknown_ids_and_keeps_tabs_it_was_not_told_about(alice_client, alice, bob):
    first, second, third = tickets(alice, 3)
    bobs = make_ticket(bob, title="Bob's")
    set_tabs(alice, [first.pk, second.pk, third.pk])

    csrf_post(alice_client, "/tickets/open-tabs/order/", {"order": [third.pk, bobs.pk, 999999, third.pk]})

    assert tabs_of(alice) == [third.pk, first.pk, second.pk]


def test_reordering_refuses_an_order_that_is_not_ids(alice_client, alice):
    (ticket,) = tickets(alice, 1)
    set_tabs(alice, [ticket.pk])

    response = csrf_post(alice_client, "/tickets/open-tabs/order/", {"order": ["1; drop table"]})

    assert response.status_code == 400
    assert tabs_of(alice) == [ticket.pk]


# --- per user ------------------------------------------------------------------------------------

def test_another_users_tabs_are_untouched(alice_client, alice, bob):
    first, second, third = tickets(alice, 3)
    set_tabs(bob, [first.pk, second.pk, third.pk])
    set_tabs(alice, [third.pk, second.pk])

    alice_client.get(f"/tickets/{first.pk}/")
    csrf_post(alice_client, f"/tickets/{second.pk}/close-tab/")
    csrf_post(alice_client, "/tickets/open-tabs/order/", {"order": [first.pk, third.pk]})

    assert tabs_of(alice) == [first.pk, third.pk]
    assert tabs_of(bob) == [first.pk, second.pk, third.pk]


def test_tabs_follow_the_user_to_a_new_sign_in(alice, password, client):
    first, second = tickets(alice, 2)
    set_tabs(alice, [second.pk, first.pk])

    client.post("/login/", {"username": "alice", "password": password})
    page = client.get(f"/tickets/{first.pk}/").content.decode()

    assert page.index(f'aria-label="Close {second.reference}"') < page.index(f'aria-label="Close {first.reference}"')


@pytest.mark.parametrize(
    "path", ["/tickets/{pk}/open-tab/", "/tickets/{pk}/close-tab/", "/tickets/open-tabs/order/"]
)
def test_tab_changes_need_the_csrf_token(alice_client, alice, path):
    ticket = make_ticket(alice)
    set_tabs(alice, [ticket.pk])

    response = alice_client.post(path.format(pk=ticket.pk), {"order": [ticket.pk]}, **htmx())

    assert response.status_code == 403
    assert tabs_of(alice) == [ticket.pk]


@pytest.mark.parametrize(
    "path", ["/tickets/{pk}/open-tab/", "/tickets/{pk}/close-tab/", "/tickets/open-tabs/order/"]
)
def test_tab_changes_are_posts_only(alice_client, alice, path):
    ticket = make_ticket(alice)
    assert alice_client.get(path.format(pk=ticket.pk)).status_code == 405


# --- the tab bar ---------------------------------------------------------------------------------

def render_bar(user, path="/tickets/"):
    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = resolve(path)
    user.get_all_permissions()  # read once per request by the rights middleware, before any page part
    with CaptureQueriesContext(connection) as queries:
        html = Template("{% load open_tabs %}{% open_tabs_bar %}").render(Context({"request": request}))
    return html, len(queries)


def test_the_tab_bar_costs_two_queries_for_2_and_for_10_tabs(alice):
    ten = tickets(alice, 10)
    set_tabs(alice, [ticket.pk for ticket in ten[:2]])
    html_two, two = render_bar(alice)

    set_tabs(alice, [ticket.pk for ticket in ten])
    html_ten, ten_queries = render_bar(alice)

    assert html_two.count("data-ticket-id=") == 2
    assert html_ten.count("data-ticket-id=") == 10
    assert two == ten_queries == 2


def test_a_ticket_page_costs_the_same_with_2_and_10_tabs_open(alice_client, alice):
    ten = tickets(alice, 10)

    def page_queries(open_ids):
        set_tabs(alice, open_ids)
        with CaptureQueriesContext(connection) as queries:
            assert alice_client.get(f"/tickets/{ten[0].pk}/").status_code == 200
        return len(queries)

    assert page_queries([t.pk for t in ten[:2]]) == page_queries([t.pk for t in ten])


def test_the_tab_bar_shows_reference_and_title_and_marks_the_ticket_you_are_on(alice):
    first, second = make_ticket(alice, title="Refund <not> received"), make_ticket(alice, title="Toner")
    set_tabs(alice, [first.pk, second.pk])

    html, _ = render_bar(alice, f"/tickets/{second.pk}/")

    assert 'aria-label="Open tickets"' in html
    assert "Refund &lt;not&gt; received" in html and "<not>" not in html
    assert 'aria-current="page"' in tab_html(html, second)
    assert "is-active" in tab_html(html, second)
    assert 'aria-current="page"' not in tab_html(html, first)
    assert f'aria-label="Close {first.reference}"' in html
    assert 'href="/tickets/"' in html  # the "Tickets" home tab
    assert "2 of 10 open" in html


def test_the_home_tab_is_current_on_the_list(alice):
    html, _ = render_bar(alice, "/tickets/")
    home = html.split("</a>")[0]
    assert "Tickets" in home and 'aria-current="page"' in home
    assert "stay here as tabs" in html


def test_the_tab_bar_renders_nothing_for_an_anonymous_user(db):
    request = RequestFactory().get("/tickets/")
    request.user = AnonymousUser()
    html = Template("{% load open_tabs %}{% open_tabs_bar %}").render(Context({"request": request}))
    assert html.strip() == ""


# --- peek ----------------------------------------------------------------------------------------

def test_any_agent_may_peek_any_ticket(bob, alice, support_team):
    ticket = make_ticket(alice, title="Refund not received", priority="high", assignee=alice, team=support_team)
    for number in range(7):
        actions.add_note(ticket, alice, f"Note number {number}")
    client = _client_for(bob)

    response = client.get(f"/tickets/{ticket.pk}/peek/", **htmx())

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert ticket.reference in page and "Refund not received" in page
    assert "chip-status-submitted" in page and "chip-priority-high" in page
    assert "Alice Archer" in page and "Support" in page
    assert [f"Note number {n}" in page for n in range(7)] == [False, False] + [True] * 5  # the latest five
    assert f'href="/tickets/{ticket.pk}/" target="_blank"' in page
    assert "data-peek-close" in page
    assert ticket.pk not in tabs_of(bob)  # a peek does not open a tab


def test_peek_costs_the_same_whatever_the_activities(alice_client, alice):
    quiet, busy = make_ticket(alice, title="Quiet"), make_ticket(alice, title="Busy")
    for number in range(12):
        actions.add_note(busy, alice, f"Note {number}")

    def queries(ticket):
        with CaptureQueriesContext(connection) as captured:
            assert alice_client.get(f"/tickets/{ticket.pk}/peek/", **htmx()).status_code == 200
        return len(captured)

    assert queries(quiet) == queries(busy)


def test_peeking_a_missing_ticket_is_a_404_with_a_message(alice_client):
    response = alice_client.get("/tickets/999999/peek/", **htmx())

    assert response.status_code == 404
    assert "no longer exists" in json.loads(response["HX-Trigger"])["messages"][0]["message"]


def test_peek_without_htmx_takes_you_to_the_ticket(alice_client, alice):
    ticket = make_ticket(alice)
    response = alice_client.get(f"/tickets/{ticket.pk}/peek/")
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.pk}/"


@pytest.mark.parametrize("path", ["/tickets/{pk}/peek/", "/tickets/{pk}/open-tab/", "/tickets/open-tabs/order/"])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, alice, path):
    ticket = make_ticket(alice)
    url = path.format(pk=ticket.pk)

    response = client.get(url, **htmx()) if "peek" in path else client.post(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_an_inactive_user_cannot_peek(alice, bob):
    ticket = make_ticket(alice)
    client = _client_for(bob)
    bob.is_active = False
    bob.save()

    response = client.get(f"/tickets/{ticket.pk}/peek/", **htmx())

    assert response.status_code in (302, 403)


# --- races ---------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_tickets_opened_at_the_same_moment_are_all_kept_up_to_the_limit(alice):
    many = tickets(alice, 14)
    UserPreference.for_user(alice)
    start = threading.Barrier(len(many))
    outcomes = []

    def open_one(ticket):
        try:
            start.wait()
            outcomes.append(open_tabs.open_ticket(alice, ticket).outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=open_one, args=(ticket,)) for ticket in many]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    kept = tabs_of(alice)
    assert len(kept) == len(set(kept)) == 10
    assert sorted(outcomes) == sorted([open_tabs.OPENED] * 10 + [open_tabs.LIMIT_REACHED] * 4)
    assert set(kept) <= {ticket.pk for ticket in many}
    assert Ticket.objects.count() == 14
