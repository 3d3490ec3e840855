"""Keyset paging of the ticket list: correct at any depth, ties included, never an OFFSET (SPEC L6, L3).

Database-agnostic: runs on SQLite by default and on PostgreSQL when DATABASE_URL is set.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets import actions
from tickets.db import RowValueBefore
from tickets.models import Ticket
from tickets.queries import page_after, ticket_rows

from ..factories import make_ticket

pytestmark = pytest.mark.django_db

START = dt.datetime(2024, 6, 3, 9, tzinfo=dt.UTC)


@pytest.fixture
def tickets_with_ties(alice):
    """Eleven tickets; every three share a creation time, so ids break the ties."""
    return [
        make_ticket(alice, title=f"Ticket {number}", created_at=START + dt.timedelta(seconds=number // 3))
        for number in range(11)
    ]


def walk(queryset, *, newest_first, size):
    """Every page from the first to the last, as lists of ids."""
    pages, cursor = [], None
    while True:
        rows, has_more = page_after(queryset, cursor, newest_first=newest_first, size=size)
        pages.append([row.pk for row in rows])
        if not has_more:
            return pages
        cursor = (rows[-1].created_at, rows[-1].pk)
        assert len(pages) < 50, "paging does not end"


@pytest.mark.spec("L6", "L3")
@pytest.mark.parametrize("size", [1, 2, 3, 4, 10, 11, 50])
def test_newest_first_pages_cover_every_ticket_once_in_order(tickets_with_ties, size):
    expected = [t.pk for t in sorted(tickets_with_ties, key=lambda t: (t.created_at, t.pk), reverse=True)]

    pages = walk(ticket_rows(), newest_first=True, size=size)

    assert [pk for page in pages for pk in page] == expected
    assert all(len(page) == size for page in pages[:-1])
    assert 1 <= len(pages[-1]) <= size


@pytest.mark.spec("L6", "L3")
@pytest.mark.parametrize("size", [1, 2, 3, 4, 10, 11, 50])
def test_oldest_first_pages_cover_every_ticket_once_in_order(tickets_with_ties, size):
    expected = [t.pk for t in sorted(tickets_with_ties, key=lambda t: (t.created_at, t.pk))]

    pages = walk(ticket_rows(), newest_first=False, size=size)

    assert [pk for page in pages for pk in page] == expected


@pytest.mark.spec("L6")
def test_a_page_says_whether_more_follow(tickets_with_ties):
    rows, has_more = page_after(ticket_rows(), None, size=10)
    assert (len(rows), has_more) == (10, True)
    rows, has_more = page_after(ticket_rows(), (rows[-1].created_at, rows[-1].pk), size=10)
    assert (len(rows), has_more) == (1, False)
    rows, has_more = page_after(ticket_rows(), (rows[-1].created_at, rows[-1].pk), size=10)
    assert (rows, has_more) == ([], False)


@pytest.mark.spec("L6")
def test_a_cursor_in_the_middle_of_a_tie_continues_with_the_rest_of_the_tie(tickets_with_ties):
    tie = [t for t in tickets_with_ties if t.created_at == START + dt.timedelta(seconds=1)]
    assert len(tie) == 3
    middle = tie[1]

    newer_rows, _ = page_after(ticket_rows(), (middle.created_at, middle.pk), newest_first=True, size=1)
    older_rows, _ = page_after(ticket_rows(), (middle.created_at, middle.pk), newest_first=False, size=1)

    assert newer_rows == [tie[0]]
    assert older_rows == [tie[2]]


@pytest.mark.spec("L6", "L1")
def test_paging_respects_the_filters_of_the_queryset(tickets_with_ties, alice):
    for ticket in tickets_with_ties[::2]:
        actions.archive(ticket, alice)
    active = ticket_rows().filter(archived=False)
    expected = [t.pk for t in reversed(tickets_with_ties[1::2])]

    pages = walk(active, newest_first=True, size=2)

    assert [pk for page in pages for pk in page] == expected


@pytest.mark.spec("L6")
def test_a_page_is_one_query_with_a_row_value_comparison_and_no_offset(tickets_with_ties):
    cursor = (tickets_with_ties[5].created_at, tickets_with_ties[5].pk)

    with CaptureQueriesContext(connection) as queries:
        page_after(ticket_rows(), cursor, newest_first=True, size=3)
        page_after(ticket_rows(), cursor, newest_first=False, size=3)

    assert len(queries) == 2
    newest, oldest = (query["sql"] for query in queries.captured_queries)
    assert '("tickets_ticket"."created_at", "tickets_ticket"."id") <' in newest
    assert '("tickets_ticket"."created_at", "tickets_ticket"."id") >' in oldest
    for sql in (newest, oldest):
        assert "OFFSET" not in sql.upper()
        assert " OR " not in sql.upper()


@pytest.mark.spec("L6")
def test_the_row_value_expression_reads_as_sql_on_the_queryset():
    queryset = Ticket.objects.filter(RowValueBefore(("created_at", "id"), (START, 5)))
    assert '("tickets_ticket"."created_at", "tickets_ticket"."id") <' in str(queryset.query)


@pytest.mark.spec("L6")
def test_a_keyset_filter_survives_cloning_counting_and_use_as_a_subquery(tickets_with_ties):
    pivot = tickets_with_ties[6]
    before = Ticket.objects.filter(RowValueBefore(("created_at", "id"), (pivot.created_at, pivot.pk)))
    expected = {t.pk for t in tickets_with_ties if (t.created_at, t.pk) < (pivot.created_at, pivot.pk)}

    assert set(before.values_list("pk", flat=True)) == expected
    assert before.filter(title__startswith="Ticket").count() == len(expected) == 6
    assert set(Ticket.objects.filter(pk__in=before.values("pk")).values_list("pk", flat=True)) == expected
