"""On PostgreSQL the keyset predicate must bound an index scan, or deep pages get slow (SPEC L6)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from tickets.queries import page_after, ticket_rows

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _explain(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.spec("L6")
def test_deep_page_predicate_is_an_index_condition_on_created_at_and_id(alice):
    from tests.factories import make_ticket

    make_ticket(alice, title="one")
    cursor = (timezone.now() + datetime.timedelta(days=1), 10**9)
    queryset = ticket_rows().filter(archived=False).order_by("-created_at", "-id")
    from tickets.db import RowValueBefore

    plan = _explain(queryset.filter(RowValueBefore(("created_at", "id"), cursor))[:51])
    assert "Index Cond: (ROW(created_at, id) < ROW(" in plan, plan


@pytest.mark.spec("L6")
def test_page_after_returns_the_next_rows_on_postgres(alice):
    from tests.factories import make_ticket

    tickets = [make_ticket(alice, title=f"ticket {n}") for n in range(5)]
    first, more = page_after(ticket_rows(), None, size=2)
    assert [t.pk for t in first] == [tickets[4].pk, tickets[3].pk] and more
    second, more = page_after(ticket_rows(), (first[-1].created_at, first[-1].pk), size=2)
    assert [t.pk for t in second] == [tickets[2].pk, tickets[1].pk] and more


@pytest.mark.spec("L4")
@pytest.mark.parametrize(("name", "value", "index"), [
    ("email", "sam.lee", "contact_email_trgm"), ("phone", "900701", "contact_phone_trgm"),
])
def test_the_customer_email_and_phone_search_is_answered_from_a_trigram_index(name, value, index):
    """Part of an address or number is found through the index, not a scan of every contact."""
    from tickets.models import Contact

    plan = _explain(Contact.objects.filter(**{f"{name}__icontains": value}).values_list("pk", flat=True)[:500])
    assert f"Bitmap Index Scan on {index}" in plan, plan


@pytest.mark.spec("L4")
def test_the_list_finds_tickets_by_part_of_the_customers_email_or_phone_on_postgres(alice_client, alice):
    from tests.factories import ContactFactory, make_ticket

    sam = ContactFactory(name="Sam Lee", email="Sam.Lee12@Example.org", phone="+44 7700 900701")
    other = ContactFactory(name="Ola Nord", email="ola@example.org", phone="+44 7700 900123")
    wanted, unwanted = make_ticket(alice, title="Sam's", contact=sam), make_ticket(alice, title="Ola's", contact=other)

    for query in ("email=sam.lee1", "phone=900701"):
        page = alice_client.get(f"/tickets/?tab=all&{query}").content.decode()
        assert wanted.reference in page and unwanted.reference not in page, query



@pytest.mark.spec("L4", "L6")
@pytest.mark.parametrize("tab", ["mine", "team", "archived"])
def test_the_list_finds_a_pages_tickets_from_the_index_alone_then_reads_just_those(tab, alice, alice_client):
    """Filters on the indexed columns plus a tag are answered by an index-only scan: the table is
    read for the page's tickets only, not for every ticket the filters pass over (tag + status on
    the Archived tab walked 25,000 table rows for six tickets at a million tickets)."""
    import re

    from django.test.utils import CaptureQueriesContext

    from configurations.models import Tag
    from tests.factories import TeamFactory, make_ticket
    from tickets import actions

    team = TeamFactory(name="Billing")
    team.members.add(alice)
    tag = Tag.objects.create(name="vip")
    ticket = make_ticket(alice, title="Tagged", assignee=alice, team=team)
    actions.change_status(ticket, alice, "ongoing")
    actions.add_tag(ticket, alice, tag)
    if tab == "archived":
        actions.archive(ticket, alice)
    with CaptureQueriesContext(connection) as queries:
        page = alice_client.get(f"/tickets/?tab={tab}&tag={tag.pk}&status=ongoing&completed=0")
    assert ticket.reference in page.content.decode()
    [sql] = [query["sql"] for query in queries if '"tickets_ticket"."id" IN (SELECT' in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert re.search(r"Index Only Scan (Backward )?using ticket_\w+ on tickets_ticket [uv]0", plan), plan


@pytest.mark.spec("L4", "T10")
def test_a_text_custom_field_filter_finds_values_from_a_trigram_index():
    """Part of a text custom field's value is found through the index, not by reading every value."""
    from tickets.models import CustomFieldValue

    values = CustomFieldValue.objects.filter(text_value__icontains="#1012")
    plan = _explain(values.values_list("ticket_id", flat=True)[:500])
    assert "Bitmap Index Scan on customvalue_text_trgm" in plan, plan


PLANNER_PATHS = ("enable_seqscan", "enable_indexscan", "enable_bitmapscan", "enable_sort")


def _explain_with(queryset, *off):
    """The plan with the planner paths named turned off (and the others on)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for setting in PLANNER_PATHS:
            cursor.execute(f"SET LOCAL {setting} = {'off' if setting in off else 'on'}")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.spec("L4")
def test_a_tag_filter_is_tested_in_the_list_index_or_read_from_the_tag_index(alice):
    """A common tag walks the tab's ordered index and tests the ids it carries; a rare one reads GIN."""
    from tests.factories import TagFactory, make_ticket
    from tickets.models import Ticket
    from tickets.queries import hide_completed, tab_queryset

    tag = TagFactory(name="printer")
    make_ticket(alice, title="tagged", assignee=alice, tags=[tag])
    keys = (
        hide_completed(tab_queryset("mine", alice), "mine", False)
        .filter(tag_ids__overlaps=[tag.pk]).order_by("-created_at", "-id").values("pk")[:51]
    )

    walk = _explain_with(keys, "enable_seqscan", "enable_bitmapscan", "enable_sort")
    assert "Index Only Scan Backward using ticket_open_agent" in walk, walk
    assert "tag_ids &&" in walk, walk
    rare = Ticket.objects.filter(tag_ids__overlaps=[tag.pk]).order_by().values("pk")
    lookup = _explain_with(rare, "enable_seqscan", "enable_indexscan")
    assert "Bitmap Index Scan on ticket_tag_ids" in lookup, lookup


@pytest.mark.spec("L4")
def test_a_common_custom_value_is_probed_along_the_walk_and_a_rare_one_read_first(alice, monkeypatch):
    """Which plan a custom-field filter gets follows how many tickets hold the value, not the table's size."""
    from django.http import QueryDict

    from configurations.models import CustomField
    from tests.factories import CustomFieldFactory, make_ticket
    from tickets import filters
    from tickets.queries import hide_completed, tab_queryset

    CustomFieldFactory(key="channel", name="Channel", field_type=CustomField.FieldType.CHOICE, choices=["SMS", "Email"])
    sms = make_ticket(alice, title="by sms", assignee=alice, custom_values={"channel": "SMS"})
    make_ticket(alice, title="by email", assignee=alice, custom_values={"channel": "Email"})
    base = hide_completed(tab_queryset("mine", alice), "mine", False)

    def keys():
        found = filters.TicketFilterSet(QueryDict("cf_channel=SMS"), queryset=base, tab="mine")
        assert found.is_valid(), found.errors
        return found.qs.order_by("-created_at", "-id").values("pk")[:51]

    assert list(keys().values_list("pk", flat=True)) == [sms.pk]
    rare_plan = _explain(keys())
    assert "SubPlan" not in rare_plan, rare_plan

    monkeypatch.setattr(filters, "RARE_VALUE_ROWS", 0)  # as if a third of a million tickets held it
    assert list(keys().values_list("pk", flat=True)) == [sms.pk]
    common_plan = _explain_with(keys(), "enable_seqscan", "enable_bitmapscan", "enable_sort")
    assert "SubPlan" in common_plan and "ticket_open_agent" in common_plan, common_plan
