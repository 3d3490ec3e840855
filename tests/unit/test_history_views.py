"""The History tab: keyset pages, merged activities, and the ticket as it was (SPEC D7, X1)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from configurations.models import Priority, Status
from tickets import actions
from tickets.models import Activity, TicketEvent
from tickets.replay import current_values, replay, ticket_as_it_was

from ..factories import CustomFieldFactory, TagFactory, make_ticket

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ticket(alice):
    return make_ticket(alice, title="Printer on fire")


def make_events(ticket, count, *, start, step=dt.timedelta(minutes=-3)):
    """Events written straight to the table (only the listing is tested), newest first from `start`."""
    return TicketEvent.objects.bulk_create(
        TicketEvent(ticket=ticket, kind="updated", changes={"title": [f"Title {n + 1}", f"Title {n}"]},
                    version=1000 - n, created_at=start + step * n)
        for n in range(count)
    )


def entry_ids(html):
    return re.findall(r'id="(event-\d+|history-activity-\d+)"', html)


def next_url(html):
    match = re.search(r'class="history-more" hx-get="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def all_pages(client, ticket, query=""):
    url = reverse("tickets:ticket_history", args=[ticket.pk]) + query
    pages, ids = [], []
    while url:
        response = client.get(url, **HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        found = entry_ids(html)
        pages.append(len(found))
        ids += found
        url = next_url(html)
    return pages, ids


@pytest.mark.spec("D7")
def test_history_pages_50_at_a_time_by_keyset_without_gaps_or_duplicates(clock, alice_client, ticket):
    make_events(ticket, 119, start=clock.now + dt.timedelta(days=1))
    # Ties on the timestamp are ordered by id, still once each.
    make_events(ticket, 5, start=clock.now + dt.timedelta(hours=20), step=dt.timedelta(0))

    pages, ids = all_pages(alice_client, ticket)

    expected = [f"event-{pk}" for pk in ticket.events.order_by("-created_at", "-id").values_list("pk", flat=True)]
    assert pages == [50, 50, 25]
    assert ids == expected


@pytest.mark.spec("D7")
def test_show_activities_merges_both_streams_newest_first_across_pages(clock, alice_client, alice, ticket):
    start = clock.now + dt.timedelta(days=1)
    make_events(ticket, 70, start=start, step=dt.timedelta(minutes=-2))
    Activity.objects.bulk_create(
        Activity(ticket=ticket, kind="note", direction="internal", author=alice, body=f"Note {n}",
                 created_at=start + dt.timedelta(minutes=-3 * n))
        for n in range(45)
    )
    # An activity at exactly the instant of an event: both appear, the activity first.
    Activity.objects.create(ticket=ticket, kind="call", direction="outbound", author=alice, body="Tie",
                            created_at=start)

    pages, ids = all_pages(alice_client, ticket, "?activities=1")

    rows = [(e.created_at, 0, e.pk, f"event-{e.pk}") for e in ticket.events.all()]
    rows += [(a.created_at, 1, a.pk, f"history-activity-{a.pk}") for a in ticket.activities.all()]
    expected = [row[3] for row in sorted(rows, reverse=True)]
    assert pages == [50, 50, 17]
    assert ids == expected
    assert ids[0].startswith("history-activity-")


@pytest.mark.spec("D7")
def test_each_event_shows_who_when_and_every_field_old_and_new(alice_client, alice, ticket):
    field = CustomFieldFactory(name="Order number", key="order")
    actions.update_ticket(ticket, alice, version=ticket.version, priority=Priority.HIGH, custom_values={"order": "A-1"})
    assert field

    html = alice_client.get(reverse("tickets:ticket_history", args=[ticket.pk]), **HTMX).content.decode()

    assert "Alice Archer" in html
    assert re.search(r"<dt>Priority</dt>\s*<dd><del>Normal</del><span[^>]*>→</span>High</dd>", html)
    assert re.search(r"<dt>Order number</dt>\s*<dd>A-1</dd>", html)


@pytest.mark.spec("D7")
def test_the_history_fragment_is_not_a_page(alice_client, ticket):
    response = alice_client.get(reverse("tickets:ticket_history", args=[ticket.pk]))
    assert response.status_code == 302
    assert response["Location"] == ticket.get_absolute_url() + "#history"


# --- the ticket as it was ------------------------------------------------------------------------

@pytest.mark.spec("D7")
def test_replay_undoes_newer_changes_and_does_not_touch_its_input():
    current = {"priority": "Urgent", "tags": ["billing", "vip"], "custom:order": "A-3", "followers": ["Bob Baker"]}
    newer = [
        {"tags": [["billing"], ["billing", "vip"]]},
        {"priority": ["High", "Urgent"], "custom:order": ["A-2", "A-3"], "note": [None, "hi"]},
        {"followers": [None, "Bob Baker"], "assignee": ["Carol Cole", "Alice Archer"]},
    ]

    then = replay(current, newer)

    assert then == {
        "priority": "High",
        "tags": ["billing"],
        "custom:order": "A-2",
        "followers": [],
        "assignee": "Carol Cole",
    }
    assert current["tags"] == ["billing", "vip"]


@pytest.mark.spec("D7")
def test_replay_of_nothing_newer_is_the_present():
    assert replay({"priority": "Low"}, []) == {"priority": "Low"}


@pytest.mark.spec("D7", "T10")
def test_the_ticket_as_it_was_after_each_event_of_a_real_sequence(alice, bob, ticket, support_team):
    CustomFieldFactory(name="Order number", key="order")
    vip, billing = TagFactory(name="vip"), TagFactory(name="billing")
    other = make_ticket(alice, title="Related")

    def step(call):
        call()
        return ticket.events.order_by("-created_at", "-id").first()

    created = ticket.events.get(kind="created")
    e1 = step(lambda: actions.update_ticket(ticket, alice, version=ticket.version, priority=Priority.HIGH,
                                            custom_values={"order": "A-1"}))
    e2 = step(lambda: actions.add_tag(ticket, alice, vip))
    e3 = step(lambda: actions.assign(ticket, alice, agent=bob, team=support_team))
    e4 = step(lambda: actions.add_tag(ticket, alice, billing))
    e5 = step(lambda: actions.update_ticket(ticket, alice, version=ticket.version, priority=Priority.URGENT,
                                            title="Printer really on fire", custom_values={"order": "A-2"}))
    e6 = step(lambda: actions.link_tickets(ticket, alice, other))
    e7 = step(lambda: actions.change_status(ticket, alice, Status.ONGOING))
    actions.add_note(ticket, alice, "A note changes no field")

    def then(event):
        return {row["name"]: row["then"] for row in ticket_as_it_was(ticket, event)}

    first = then(created)
    assert (first["title"], first["priority"], first["status"]) == ("Printer on fire", "Normal", "Submitted")
    assert (first["tags"], first["links"], first["assignee"], first.get("custom:order")) == ([], [], None, None)

    assert then(e1)["priority"] == "High" and then(e1)["custom:order"] == "A-1" and then(e1)["tags"] == []
    assert then(e2)["tags"] == ["vip"]
    assert (then(e3)["assignee"], then(e3)["team"]) == ("Bob Baker", "Support")
    assert then(e4)["tags"] == ["billing", "vip"]
    assert (then(e5)["priority"], then(e5)["title"], then(e5)["custom:order"]) == (
        "Urgent", "Printer really on fire", "A-2")
    assert then(e5)["links"] == []
    assert then(e6)["links"] == [other.reference]
    assert then(e6)["status"] == "Submitted"
    assert then(e7) | {} == {key: value for key, value in current_values(ticket).items() if key in then(e7)}


@pytest.mark.spec("D7")
def test_expanding_an_entry_shows_the_old_values_and_reset_shows_now(alice_client, alice, ticket):
    actions.update_ticket(ticket, alice, version=ticket.version, priority=Priority.HIGH)
    created = ticket.events.get(kind="created")

    past = alice_client.get(reverse("tickets:ticket_as_it_was", args=[ticket.pk, created.pk]), **HTMX)
    now = alice_client.get(reverse("tickets:ticket_as_it_is", args=[ticket.pk]), **HTMX)

    assert past.status_code == now.status_code == 200
    past_html, now_html = past.content.decode(), now.content.decode()
    assert "The ticket as it was" in past_html
    assert re.search(
        r'is-changed" data-field="priority">\s*<dt>Priority</dt>\s*<dd>Normal\s*<span class="snapshot-now">now: High',
        past_html,
    )
    assert "The ticket now" in now_html
    assert re.search(r'data-field="priority">\s*<dt>Priority</dt>\s*<dd>High', now_html)


@pytest.mark.spec("D7")
def test_an_event_is_only_found_through_its_own_ticket(alice_client, alice, ticket):
    other = make_ticket(alice, title="Other")
    event = other.events.get()
    url = reverse("tickets:ticket_as_it_was", args=[ticket.pk, event.pk])
    assert alice_client.get(url, **HTMX).status_code == 404


# --- query counts -------------------------------------------------------------------------------

def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **HTMX)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.spec("D7")
def test_history_pages_cost_the_same_queries_for_5_or_60_events_with_or_without_activities(
    clock, alice_client, alice, bob
):
    small, large = make_ticket(alice, title="Small"), make_ticket(alice, title="Large")
    for ticket, count in ((small, 5), (large, 60)):
        for n in range(count):
            clock.advance(seconds=1)
            actions.update_ticket(ticket, bob if n % 2 else alice, version=ticket.version,
                                  priority=Priority.HIGH if n % 2 else Priority.LOW)
            actions.add_note(ticket, alice, f"Note {n} @bob")

    def url(ticket, query=""):
        return reverse("tickets:ticket_history", args=[ticket.pk]) + query

    alice_client.get(small.get_absolute_url())
    # session, user (preference joined), the user's rights and roles, ticket, events (actors joined)
    assert count_queries(alice_client, url(small)) == count_queries(alice_client, url(large)) == 5
    # + activities (authors joined, mentions on the row)
    assert count_queries(alice_client, url(small, "?activities=1")) == count_queries(
        alice_client, url(large, "?activities=1")) == 6


@pytest.mark.spec("D7")
def test_the_snapshot_costs_the_same_queries_for_a_short_or_long_history(clock, alice_client, alice):
    small, large = make_ticket(alice, title="Small"), make_ticket(alice, title="Large")
    for ticket, count in ((small, 3), (large, 40)):
        for n in range(count):
            clock.advance(seconds=1)
            actions.update_ticket(ticket, alice, version=ticket.version,
                                  priority=Priority.HIGH if n % 2 else Priority.LOW)

    def url(ticket):
        return reverse("tickets:ticket_as_it_was", args=[ticket.pk, ticket.events.get(kind="created").pk])

    alice_client.get(small.get_absolute_url())
    assert count_queries(alice_client, url(small)) == count_queries(alice_client, url(large))


@pytest.mark.spec("D2")
def test_the_panel_query_parameter_opens_the_history_tab(alice_client, ticket):
    html = alice_client.get(ticket.get_absolute_url(), {"panel": "history"}).content.decode()
    assert re.search(r'id="tab-history"[^>]*\s+aria-selected="true"', html)
    assert re.search(r'id="panel-activities"[^>]*\s+hidden', html)
    default = alice_client.get(ticket.get_absolute_url()).content.decode()
    assert re.search(r'id="tab-activities"[^>]*\s+aria-selected="true"', default)
    assert re.search(r'id="panel-history"[^>]*\s+hidden', default)


@pytest.mark.spec("D7")
def test_a_ticket_page_opened_on_activities_loads_its_history_when_the_tab_is_first_shown(alice_client, ticket):
    make_events(ticket, 3, start=ticket.created_at)
    history_url = reverse("tickets:ticket_history", args=[ticket.pk])

    page = alice_client.get(ticket.get_absolute_url()).content.decode()
    on_history = alice_client.get(ticket.get_absolute_url() + "?panel=history").content.decode()
    first_page = alice_client.get(history_url, **HTMX).content.decode()

    listing = page[page.index('id="history-list"'):]
    listing = listing[:listing.index("</ol>")]
    assert entry_ids(listing) == [] and f'hx-get="{history_url}" hx-trigger="intersect once"' in listing
    assert len(entry_ids(on_history)) == len(entry_ids(first_page)) == TicketEvent.objects.filter(ticket=ticket).count()
