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
