"""The pages: sign-in required, rights enforced, and query counts that do not grow with the data."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from configurations.models import CustomField
from tickets import actions

from ..factories import CustomFieldFactory, TagFactory, make_ticket

pytestmark = pytest.mark.django_db

# Pinned: the whole request, session and user included. A change here is a performance change.
# List (full page): session, user, preferences, the page of tickets (related names joined), the filter
# choices (custom fields, types, sub-statuses, agents, teams, tags), the views sidebar, the open-ticket
# tabs, the user's rights and roles (one query), unread notifications. The user comes with its
# preference row joined. The HTMX partial skips the page chrome.
TICKET_LIST_QUERIES = 14
TICKET_LIST_PARTIAL_QUERIES = 5
# Detail (SPEC budget: at most 15, however long the history): session, user with its preference,
# the user's rights and roles, the ticket with its related rows, the open-ticket tabs, the form
# (custom fields with the ticket's values, followers, sub-status choices), the activities of the left
# panel (the History tab loads when first shown), every tag marked on or off the ticket, links and
# attachments cards, time spent, the visit (one upsert), unread notifications.
TICKET_DETAIL_QUERIES = 15


def count_queries(client, url, **params):
    client.get(url, params)  # the first visit may create preferences or open a tab: count a normal one
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response


@pytest.mark.spec("R1")
@pytest.mark.parametrize("path", ["/tickets/", "/tickets/{pk}/", "/configurations/", "/notifications/", "/"])
def test_every_page_needs_sign_in(client, alice, path):
    ticket = make_ticket(alice)
    url = path.format(pk=ticket.pk)

    response = client.get(url, follow=True)

    assert response.redirect_chain, url
    final = response.redirect_chain[-1][0]
    assert final.startswith("/login/"), final
    assert response.status_code == 200  # the login page itself is open


@pytest.mark.spec("R1")
def test_the_login_page_takes_the_agent_to_the_ticket_list(client, alice, password):
    response = client.post("/login/", {"username": "alice", "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/tickets/"


@pytest.mark.spec("R2", "L1")
def test_an_agent_sees_active_tickets_in_the_list_but_not_archived_ones(alice_client, alice, bob):
    mine = make_ticket(alice, title="Printer on fire")
    bobs = make_ticket(bob, title="Toner empty", assignee=bob)
    old = make_ticket(alice, title="Long gone")
    actions.archive(old, alice)

    response = alice_client.get("/tickets/", {"tab": "all"})

    assert response.status_code == 200
    page = response.content.decode()
    for ticket in (mine, bobs):
        assert ticket.reference in page
        assert ticket.title in page
        assert ticket.get_absolute_url() in page
    assert old.title not in page


@pytest.mark.spec("R2", "D1", "D7")
def test_an_agent_sees_any_tickets_page_with_its_history(alice_client, bob):
    ticket = make_ticket(bob, title="Toner empty")
    actions.add_note(ticket, bob, "Ordered new toner")

    response = alice_client.get(f"/tickets/{ticket.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert ticket.reference in page
    assert "Toner empty" in page
    assert "Ordered new toner" in page


@pytest.mark.spec("X2")
def test_a_missing_ticket_is_a_404_not_a_500(alice_client):
    assert alice_client.get("/tickets/999999/").status_code == 404


@pytest.mark.spec("R3", "C1")
def test_configurations_are_refused_to_an_agent_and_open_to_a_team_leader(alice_client, lead_client):
    assert alice_client.get("/configurations/").status_code == 403
    assert lead_client.get("/configurations/").status_code == 200


@pytest.mark.spec("N1")
def test_an_agent_sees_the_notification_center(alice_client):
    assert alice_client.get("/notifications/").status_code == 200


@pytest.mark.spec("L6")
def test_the_ticket_list_makes_the_same_number_of_queries_for_10_and_50_tickets(
    alice_client, alice, bob, support_team
):
    tickets = [make_ticket(alice, title=f"Ticket {number}", assignee=bob, team=support_team) for number in range(10)]
    few, _ = count_queries(alice_client, "/tickets/", tab="all")

    tickets += [make_ticket(alice, title=f"Ticket {number}", assignee=bob, team=support_team) for number in range(10, 50)]
    many, response = count_queries(alice_client, "/tickets/", tab="all")

    page = response.content.decode()
    assert all(ticket.reference in page for ticket in tickets)
    assert few == many == TICKET_LIST_QUERIES


@pytest.mark.spec("L6", "L5")
def test_the_next_page_of_the_list_is_an_htmx_partial_with_the_same_query_count(alice_client, alice):
    tickets = [make_ticket(alice, title=f"Ticket {number:02d}") for number in range(55)]
    first = alice_client.get("/tickets/", {"tab": "all"})
    next_query = first.context["next_query"]
    assert next_query

    with CaptureQueriesContext(connection) as queries:
        response = alice_client.get("/tickets/?" + next_query, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-region")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert [ticket.reference in page for ticket in tickets] == [True] * 5 + [False] * 50  # the five oldest
    assert len(queries) == TICKET_LIST_PARTIAL_QUERIES


@pytest.mark.spec("D7", "L6", "T10")
def test_a_ticket_page_makes_the_same_number_of_queries_for_5_and_60_history_events(alice_client, alice, bob):
    fields = [
        CustomFieldFactory(name="Order number", key="order", field_type=CustomField.FieldType.TEXT),
        CustomFieldFactory(name="Amount", key="amount", field_type=CustomField.FieldType.NUMBER),
        CustomFieldFactory(name="Due", key="due", field_type=CustomField.FieldType.DATE),
        CustomFieldFactory(name="Paid", key="paid", field_type=CustomField.FieldType.BOOLEAN),
    ]
    values = {"order": "A-1001", "amount": "12.50", "due": "2024-07-01", "paid": True}
    tags = [TagFactory(name="Refund"), TagFactory(name="VIP")]

    def ticket_with_events(count):
        ticket = make_ticket(alice, title="Busy ticket", custom_values=values, tags=tags)
        for number in range(count - 1):
            if number % 2:
                actions.add_note(ticket, bob, f"Note {number} for @alice")
            else:
                actions.assign(ticket, alice, agent=bob if number % 4 == 0 else alice)
        assert ticket.events.count() == count
        return ticket

    quiet, busy = ticket_with_events(5), ticket_with_events(60)
    for ticket in (quiet, busy):
        other = make_ticket(alice, title="Linked one")
        actions.link_tickets(ticket, alice, other)

    few, _ = count_queries(alice_client, f"/tickets/{quiet.pk}/")
    many, response = count_queries(alice_client, f"/tickets/{busy.pk}/")

    assert few == many == TICKET_DETAIL_QUERIES
    details = response.content.decode()
    for label, shown in (("Order number", "A-1001"), ("Amount", "12.5"), ("Due", "2024-07-01"), ("Paid", "Yes")):
        assert re.search(rf"<dt>{label}</dt>\s*<dd>{re.escape(shown)}</dd>", details), label
    assert len(fields) == 4 and all(tag.name in details for tag in tags)
