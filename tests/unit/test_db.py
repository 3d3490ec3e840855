"""tickets/db.py, the one module whose SQL differs by database, gives the same answers on both.

The suite runs twice in CI (SQLite, then PostgreSQL), so each test here proves its function on both.
"""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Q

from configurations.models import Tag
from tickets.counts import bounded_count
from tickets.db import InList, RowValueBefore, count_within, estimate_rows, lock_table, seconds_since
from tickets.models import Ticket

from ..factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(alice):
    moment = dt.datetime(2024, 6, 3, 9, tzinfo=dt.UTC)
    rows = [make_ticket(alice, title=f"Ticket {n}", created_at=moment + dt.timedelta(minutes=n // 2)) for n in range(8)]
    return rows


@pytest.mark.spec("L6")
def test_the_row_value_predicate_matches_the_or_it_replaces(tickets):
    pivot = tickets[4]
    by_row_value = Ticket.objects.filter(RowValueBefore(("created_at", "id"), (pivot.created_at, pivot.pk)))
    by_or = Ticket.objects.filter(Q(created_at__lt=pivot.created_at) | Q(created_at=pivot.created_at, id__lt=pivot.pk))
    after = Ticket.objects.filter(RowValueBefore(("created_at", "id"), (pivot.created_at, pivot.pk), descending=False))

    assert set(by_row_value) == set(by_or) == set(tickets[:4])
    assert set(after) == set(tickets[5:])


@pytest.mark.spec("L11")
def test_in_list_matches_in_and_an_empty_list_matches_nothing(tickets):
    wanted = [tickets[1].pk, tickets[6].pk]
    assert set(Ticket.objects.filter(InList("id", wanted))) == set(Ticket.objects.filter(pk__in=wanted))
    assert not Ticket.objects.filter(InList("id", [])).exists()


@pytest.mark.spec("L4")
def test_seconds_since_adds_the_open_stretch_to_the_closed_ones(tickets):
    ticket = tickets[0]
    since = dt.datetime(2024, 6, 3, 10, tzinfo=dt.UTC)
    Ticket.objects.filter(pk=ticket.pk).update(unassigned_since=since, unassigned_seconds=30)
    Ticket.objects.filter(pk=tickets[1].pk).update(unassigned_since=None, unassigned_seconds=12)
    now = since + dt.timedelta(minutes=2)

    values = dict(
        Ticket.objects.filter(pk__in=[ticket.pk, tickets[1].pk])
        .annotate(total=seconds_since("unassigned_since", now, plus="unassigned_seconds"))
        .values_list("pk", "total")
    )

    assert values == {ticket.pk: 150, tickets[1].pk: 12}


@pytest.mark.spec("L1")
def test_count_within_counts_exactly_when_it_can(tickets):
    assert count_within(Ticket.objects.all(), 1000) == (8, True)
    assert bounded_count(Ticket.objects.all(), cap=5).display == "5+"


@pytest.mark.spec("L1")
@pytest.mark.postgres
def test_the_planners_estimate_is_read_without_reading_rows(tickets):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")
    assert estimate_rows(Ticket.objects.all()) == 8


@pytest.mark.spec("T5")
def test_lock_table_holds_the_table_for_the_rest_of_the_transaction():
    from django.db import transaction

    with transaction.atomic():
        lock_table(Tag)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT mode FROM pg_locks WHERE relation = 'configurations_tag'::regclass AND pid = pg_backend_pid()"
                )
                modes = {row[0] for row in cursor.fetchall()}
            assert "ShareRowExclusiveLock" in modes
        else:
            # SQLite takes the database's write lock when the transaction begins (IMMEDIATE).
            assert connection.settings_dict["OPTIONS"].get("transaction_mode") == "IMMEDIATE"


@pytest.mark.spec("L4")
def test_an_id_set_reads_back_sorted_and_overlaps_matches_any_of_its_ids(alice):
    low, mid, high = Tag.objects.create(name="low"), Tag.objects.create(name="mid"), Tag.objects.create(name="high")
    both = make_ticket(alice, tags=[high, low])
    one = make_ticket(alice, tags=[mid])
    make_ticket(alice)

    assert Ticket.objects.get(pk=both.pk).tag_ids == sorted([low.pk, high.pk])
    assert set(Ticket.objects.filter(tag_ids__overlaps=[low.pk])) == {both}
    assert set(Ticket.objects.filter(tag_ids__overlaps=[mid.pk, high.pk])) == {both, one}
    assert set(Ticket.objects.filter(tag_ids__overlaps=[mid.pk, 10**6])) == {one}
    assert not Ticket.objects.filter(tag_ids__overlaps=[]).exists()
