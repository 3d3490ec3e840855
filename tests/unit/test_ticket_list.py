"""The ticket list: tabs, filters, sort, toggle, URL state, paging, new ticket and bulk actions."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from configurations.models import CustomField, Priority, Status
from tickets import actions
from tickets.models import Ticket, TicketEvent, UserPreference

from ..conftest import csrf_post
from ..factories import (
    CategoryFactory,
    ContactFactory,
    CustomFieldFactory,
    SLAPolicyFactory,
    SubStatusFactory,
    TagFactory,
    TicketTypeFactory,
    make_ticket,
)
from ..forms import submitted

pytestmark = pytest.mark.django_db

LIST = "/tickets/"


def listed(response):
    return [ticket.title for ticket in response.context["tickets"]]


def counts(client, **params):
    """The tab counts the list loads next to itself."""
    response = client.get(reverse("tickets:ticket_counts"), params)
    assert response.status_code == 200
    found = re.findall(r'<a href="\?tab=(\w+)[^"]*".*?aria-label="([\d,]+) tickets"', response.content.decode(), re.S)
    return {key: int(value.replace(",", "")) for key, value in found}


@pytest.fixture
def board(alice, bob, carol, support_team, billing_team):
    """A small board: tickets for alice, for bob, for each team, unassigned, resolved, archived."""
    return {
        "alice": make_ticket(alice, title="alice's", assignee=alice),
        "bob": make_ticket(alice, title="bob's", assignee=bob),
        "support": make_ticket(alice, title="support's", team=support_team),
        "billing": make_ticket(alice, title="billing's", team=billing_team),
        "nobody": make_ticket(alice, title="nobody's"),
        "done": make_ticket(alice, title="done", assignee=alice, status=Status.RESOLVED),
        "archived": actions.archive(make_ticket(alice, title="archived", assignee=alice), alice),
    }


@pytest.mark.spec("L1")
def test_each_tab_shows_its_tickets_and_only_archived_shows_archived(alice_client, board):
    assert listed(alice_client.get(LIST, {"tab": "mine"})) == ["alice's"]
    assert set(listed(alice_client.get(LIST, {"tab": "team"}))) == {"support's"}
    assert listed(alice_client.get(LIST, {"tab": "unassigned"})) == ["nobody's"]
    assert listed(alice_client.get(LIST, {"tab": "archived"})) == ["archived"]
    assert set(listed(alice_client.get(LIST, {"tab": "all"}))) == {
        "alice's", "bob's", "support's", "billing's", "nobody's"
    }


@pytest.mark.spec("L1")
def test_every_tab_shows_its_count_and_the_counts_follow_the_filters(alice_client, board):
    assert counts(alice_client, tab="all") == {"mine": 1, "team": 1, "unassigned": 1, "archived": 1, "all": 5}
    assert counts(alice_client, tab="all", priority="high") == {
        "mine": 0, "team": 0, "unassigned": 0, "archived": 0, "all": 0
    }
    # Cached until a ticket changes: a new ticket shows at once.
    make_ticket(board["alice"].created_by, title="another", assignee=board["alice"].assignee)
    assert counts(alice_client, tab="all")["mine"] == 2


@pytest.mark.spec("L1")
def test_the_list_loads_uncached_counts_in_a_second_request(alice_client, board):
    html = alice_client.get(LIST, {"tab": "all"}).content.decode()
    assert 'hx-trigger="load"' in html and reverse("tickets:ticket_counts") in html
    counts(alice_client, tab="all")
    html = alice_client.get(LIST, {"tab": "all"}).content.decode()
    assert 'hx-trigger="load"' not in html
    assert 'aria-label="5 tickets"' in html


@pytest.mark.spec("L1")
def test_counts_are_capped_instead_of_counting_the_whole_table(alice_client, board):
    from tickets.counts import bounded_count

    count = bounded_count(Ticket.objects.all(), cap=2)
    assert count.capped and count.value == 3 and count.display == "2+"
    assert bounded_count(Ticket.objects.filter(archived=True), cap=2).display == "1"


@pytest.mark.spec("L2")
def test_resolved_tickets_are_hidden_until_show_completed_is_on(alice_client, board):
    assert listed(alice_client.get(LIST, {"tab": "mine"})) == ["alice's"]
    shown = alice_client.get(LIST, {"tab": "mine", "completed": "1"})
    assert set(listed(shown)) == {"alice's", "done"}
    assert counts(alice_client, tab="mine", completed="1")["mine"] == 2


@pytest.mark.spec("L3")
def test_sort_order_is_kept_per_user_across_tabs_and_sign_ins(client, alice, board):
    client.force_login(alice)
    client.get(LIST, {"tab": "all", "sort": "oldest"})
    assert UserPreference.objects.get(user=alice).sort_order == "oldest"

    client.logout()
    client.force_login(alice)
    response = client.get(LIST)  # no sort in the URL: the preference decides
    assert response.context["state"].sort == "oldest"
    titles = listed(client.get(LIST, {"tab": "all", "sort": "oldest"}))
    assert titles[0] == "alice's" and titles[-1] == "nobody's"
    titles = listed(client.get(LIST, {"tab": "all", "sort": "newest"}))
    assert titles[0] == "nobody's"


@pytest.mark.spec("L5")
def test_links_on_the_page_carry_the_whole_state(alice_client, board):
    response = alice_client.get(LIST, {"tab": "all", "priority": "normal", "sort": "oldest", "completed": "1"})
    team_tab = next(tab for tab in response.context["tabs"] if tab["key"] == "team")
    assert team_tab["query"] == "tab=team&sort=oldest&completed=1&priority=normal"


@pytest.mark.spec("L5")
def test_an_htmx_filter_change_returns_only_the_list_and_the_tab_counts(alice_client, board):
    response = alice_client.get(LIST, {"tab": "all", "priority": "normal"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<nav id=\"list-tabs\"" in html and 'hx-swap-oob="true"' in html
    assert "alice&#x27;s" in html or "alice's" in html
    assert "<header class=\"topnav\"" not in html
    assert response["Vary"].count("HX-Request")


@pytest.mark.spec("L5")
def test_a_tab_switch_brings_the_filters_of_that_tab(alice_client, board):
    response = alice_client.get(LIST, {"tab": "mine"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-main")
    html = response.content.decode()
    assert 'id="list-filters"' in html
    assert 'name="agent"' not in html  # My Tickets has no assigned-agent filter


@pytest.mark.spec("L4")
def test_filters_respect_the_tab(alice_client, alice, bob, board):
    mine = alice_client.get(LIST, {"tab": "mine", "agent": bob.pk})
    assert 'name="agent"' not in mine.content.decode()
    assert listed(mine) == ["alice's"]  # the agent filter is ignored on My Tickets
    team = alice_client.get(LIST, {"tab": "team", "team": 999})
    assert 'name="team"' not in team.content.decode()
    assert listed(team) == ["support's"]


@pytest.mark.spec("L4")
def test_each_filter_narrows_the_list(alice_client, alice, bob, support_team):
    kind = TicketTypeFactory(name="Incident")
    waiting = SubStatusFactory(status=Status.PENDING, name="Waiting")
    vip = TagFactory(name="vip")
    contact = ContactFactory(email="pat@example.org", phone="+44 1632 960123")
    urgent = make_ticket(alice, title="urgent one", priority=Priority.URGENT, ticket_type=kind)
    pending = make_ticket(alice, title="pending one", status=Status.PENDING, sub_status=waiting)
    tagged = make_ticket(alice, title="tagged one", tags=[vip], contact=contact, assignee=bob, team=support_team)
    make_ticket(alice, title="plain one")

    def titles(**params):
        return set(listed(alice_client.get(LIST, {"tab": "all", **params})))

    assert titles(priority="urgent") == {"urgent one"}
    assert titles(type=kind.pk) == {"urgent one"}
    assert titles(status="pending") == {"pending one"}
    assert titles(sub_status=waiting.pk) == {"pending one"}
    assert titles(id=urgent.reference) == {"urgent one"}
    assert titles(id=str(pending.pk)) == {"pending one"}
    assert titles(id="not a reference") == set()
    assert titles(phone="960123") == {"tagged one"}
    assert titles(email="PAT@example") == {"tagged one"}
    assert titles(agent=bob.pk) == {"tagged one"}
    assert titles(team=support_team.pk) == {"tagged one"}
    assert titles(tag=vip.pk) == {"tagged one"}
    assert tagged.pk


@pytest.mark.spec("L4", "T8")
def test_sla_and_overdue_filters(alice_client, alice, clock):
    policy = SLAPolicyFactory(normal_minutes=100)
    category = CategoryFactory(sla_policy=policy)
    start = clock.now
    late = make_ticket(alice, title="late", category=category)
    clock.advance(minutes=50)
    risky = make_ticket(alice, title="risky", category=category)
    clock.advance(minutes=60)  # late: 110 min in (breached); risky: 60 min (within)
    fresh = make_ticket(alice, title="fresh", category=category)
    clock.advance(minutes=25)  # risky: 85 min in (at risk); fresh: 25 min (within)
    assert start < clock.now and late.pk and risky.pk and fresh.pk

    def titles(**params):
        return set(listed(alice_client.get(LIST, {"tab": "all", **params})))

    assert titles(sla="breached") == {"late"}
    assert titles(sla="at_risk") == {"risky"}
    assert titles(sla="within") == {"fresh"}
    assert titles(overdue="yes") == {"late"}
    assert titles(overdue="no") == {"risky", "fresh"}


@pytest.mark.spec("L4")
def test_time_ranges_filter_on_time_to_complete_and_unassigned_time(alice_client, alice, bob, clock):
    quick = make_ticket(alice, title="quick")
    slow = make_ticket(alice, title="slow")
    waiting = make_ticket(alice, title="waiting")
    clock.advance(hours=1)
    actions.assign(quick, alice, agent=bob)
    actions.change_status(quick, alice, Status.RESOLVED)
    clock.advance(hours=4)
    actions.assign(slow, alice, agent=bob)
    actions.change_status(slow, alice, Status.RESOLVED)

    def titles(**params):
        return set(listed(alice_client.get(LIST, {"tab": "all", "completed": "1", **params})))

    assert titles(ttc_max="2") == {"quick"}
    assert titles(ttc_min="2") == {"slow"}
    assert titles(unassigned_min="3") == {"slow", "waiting"}  # waiting is still running: 5 h
    assert titles(unassigned_max="2") == {"quick"}
    assert waiting.pk


@pytest.mark.spec("L4", "T10")
def test_custom_fields_are_filters_too(alice_client, alice):
    warranty = CustomFieldFactory(name="Warranty", key="warranty", field_type=CustomField.FieldType.BOOLEAN)
    channel = CustomFieldFactory(
        name="Preferred contact", key="preferred", field_type=CustomField.FieldType.CHOICE, choices=["Email", "SMS"]
    )
    make_ticket(alice, title="covered", custom_values={"warranty": True, "preferred": "SMS"})
    make_ticket(alice, title="not covered", custom_values={"warranty": False})

    response = alice_client.get(LIST, {"tab": "all", "cf_warranty": "yes"})
    assert listed(response) == ["covered"]
    assert "cf_preferred" in response.context["filter"].form.fields
    assert listed(alice_client.get(LIST, {"tab": "all", "cf_preferred": "SMS"})) == ["covered"]
    assert warranty.pk and channel.pk


@pytest.mark.spec("L4", "X2")
def test_a_bad_filter_value_shows_a_message_not_an_error(alice_client, board):
    response = alice_client.get(LIST, {"tab": "all", "priority": "enormous", "ttc_min": "-3"})
    assert response.status_code == 200
    assert listed(response) == []
    assert "Some filters are not valid" in response.content.decode()


@pytest.mark.spec("L4")
def test_the_filter_panel_shows_the_filters_in_force_and_sends_them_back_unchanged(alice_client, board):
    tag = TagFactory(name="billing")
    query = {"tab": "all", "priority": ["high", "urgent"], "tag": str(tag.pk), "sla": "breached", "ttc_min": "2.5"}
    html = alice_client.get(LIST, query).content.decode()

    sent = submitted(html, form_id="list-filters")
    assert {name: values for name, values in sent.items() if values != [""]} == {
        "tab": ["all"], "priority": ["high", "urgent"], "tag": [str(tag.pk)], "sla": ["breached"], "ttc_min": ["2.5"],
        "sort": ["newest"],
    }  # nothing else is in force
    assert re.search(r'<input type="number" name="ttc_min" id="id_ttc_min" value="2.5" min="0" step="any">', html)
    assert '<label for="id_sla">SLA</label>' in html and '<option value="">Any</option>' in html


@pytest.mark.spec("L4", "X2")
def test_a_filter_the_form_refuses_is_marked_where_it_was_entered(alice_client, board):
    html = alice_client.get(LIST, {"tab": "all", "ttc_min": "-3"}).content.decode()
    assert re.search(r'name="ttc_min" id="id_ttc_min" value="-3"[^>]* aria-invalid="true"', html)
    assert "Ensure this value is greater than or equal to 0." in html


@pytest.mark.spec("L6")
def test_keyset_pages_walk_forward_and_back_through_the_list(alice_client, alice, monkeypatch):
    monkeypatch.setattr("tickets.views.list.PAGE_SIZE", 2)
    for n in range(5):
        make_ticket(alice, title=f"t{n}")
    first = alice_client.get(LIST, {"tab": "all"})
    assert listed(first) == ["t4", "t3"] and first.context["previous_query"] is None
    second = alice_client.get(LIST + "?" + first.context["next_query"])
    assert listed(second) == ["t2", "t1"]
    third = alice_client.get(LIST + "?" + second.context["next_query"])
    assert listed(third) == ["t0"] and third.context["next_query"] is None
    back = alice_client.get(LIST + "?" + third.context["previous_query"])
    assert listed(back) == ["t2", "t1"]
    assert "after=" not in back.context["tabs"][0]["query"]


@pytest.mark.spec("L6")
def test_the_list_costs_the_same_queries_for_ten_and_fifty_rows(alice_client, alice, support_team):
    def queries_for(count):
        Ticket.objects.all().delete()
        for n in range(count):
            make_ticket(alice, title=f"n{n}", assignee=alice, team=support_team, tags=[TagFactory(name=f"t{n % 3}")])
        alice_client.get(LIST, {"tab": "all"})  # the first visit creates the user's preferences
        with CaptureQueriesContext(connection) as captured:
            response = alice_client.get(LIST, {"tab": "all", "priority": "normal"})
        assert len(response.context["tickets"]) == count
        return len(captured)

    assert queries_for(10) == queries_for(50)


@pytest.mark.spec("L10", "T1")
def test_new_ticket_is_created_through_the_action(alice, alice_client):
    contact = ContactFactory(email="sam@example.org")
    response = csrf_post(
        alice_client,
        reverse("tickets:ticket_create"),
        {"title": "Parcel lost", "priority": "high", "customer": "SAM@example.org", "assignee": alice.pk},
    )
    ticket = Ticket.objects.get(title="Parcel lost")
    assert response.status_code == 302 and response["Location"] == ticket.get_absolute_url()
    assert ticket.contact == contact and ticket.assignee == alice and ticket.priority == "high"
    assert ticket.events.get().kind == TicketEvent.Kind.CREATED


@pytest.mark.spec("L10", "X2")
def test_new_ticket_with_bad_input_explains_and_creates_nothing(alice_client):
    response = csrf_post(
        alice_client, reverse("tickets:ticket_create"), {"title": "  ", "customer": "who@nowhere.test"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "This field is required" in html or "needs a title" in html
    assert "No contact has the email address or phone number" in html
    assert not Ticket.objects.exists()


@pytest.mark.spec("L10", "T4")
def test_selected_tickets_are_archived_together(alice_client, board):
    ids = [board["alice"].pk, board["nobody"].pk]
    response = csrf_post(
        alice_client, reverse("tickets:ticket_bulk"), {"action": "archive", "ids": ids, "next": "/tickets/?tab=all"}
    )
    assert response.status_code == 302 and response["Location"] == "/tickets/?tab=all"
    assert Ticket.objects.filter(pk__in=ids, archived=True).count() == 2
    assert TicketEvent.objects.filter(ticket_id__in=ids, kind=TicketEvent.Kind.ARCHIVED).count() == 2


@pytest.mark.spec("L10", "R3")
def test_deleting_tickets_needs_the_right(alice_client, lead_client, board):
    target = board["nobody"].pk
    refused = csrf_post(alice_client, reverse("tickets:ticket_bulk"), {"action": "delete", "ids": [target]})
    assert refused.status_code == 403 and Ticket.objects.filter(pk=target).exists()
    page = alice_client.get(LIST, {"tab": "all"}).content.decode()
    assert not re.search(r'value="delete"', page)

    allowed = csrf_post(lead_client, reverse("tickets:ticket_bulk"), {"action": "delete", "ids": [target]})
    assert allowed.status_code == 302 and not Ticket.objects.filter(pk=target).exists()
    assert 'value="delete"' in lead_client.get(LIST, {"tab": "all"}).content.decode()


@pytest.mark.spec("L10", "R3")
def test_without_the_bulk_edit_right_the_list_offers_no_bulk_action_and_refuses_one(alice_client, board):
    Group.objects.get(name="Agent").permissions.remove(Permission.objects.get(codename="bulk_edit_tickets"))
    page = alice_client.get(LIST, {"tab": "all"}).content.decode()
    assert 'value="archive"' not in page and 'value="delete"' not in page

    ids = [board["alice"].pk]
    refused = csrf_post(alice_client, reverse("tickets:ticket_bulk"), {"action": "archive", "ids": ids})
    assert refused.status_code == 403 and not Ticket.objects.filter(pk__in=ids, archived=True).exists()


@pytest.mark.spec("L3", "L5")
def test_the_tab_links_loaded_with_the_counts_keep_the_sort_and_filters(alice_client, board):
    html = alice_client.get(
        reverse("tickets:ticket_counts"), {"tab": "mine", "sort": "oldest", "completed": "1", "priority": "high"}
    ).content.decode()
    assert "?tab=all&amp;sort=oldest&amp;completed=1&amp;priority=high" in html
    assert 'aria-current="page"' in html.split("My Tickets")[0].rsplit("<a", 1)[1]
