"""`seed_demo` gives a new user a realistic helpdesk, once; `--tickets N` builds benchmark data."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from configurations.models import Status
from mail.models import InboundEmail, Mailbox
from tickets.models import Activity, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.spec("T1", "T3", "T4", "T8", "R1")
def test_demo_data_covers_every_status_and_running_it_again_changes_nothing():
    _seed()

    users = get_user_model().objects
    assert users.get(username="alice").check_password("demo")
    assert users.get(username="lead").has_perm("tickets.manage_configurations")
    assert users.get(username="admin").is_superuser
    assert not users.get(username="carol").has_perm("tickets.manage_configurations")

    tickets = Ticket.objects
    assert 250 <= tickets.count() <= 350
    assert set(tickets.values_list("status", flat=True)) == set(Status.values)
    assert tickets.filter(archived=True).exists()
    assert tickets.filter(assignee__isnull=True, team__isnull=True).exists()
    assert tickets.filter(deadline__isnull=False).exists()
    assert tickets.filter(status=Status.RESOLVED, resolved_at__isnull=True).count() == 0
    # Made through the actions: every ticket has its history, starting with its creation.
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.CREATED).count() == tickets.count()
    # One mailbox whose conversations came in through the pipeline (SPEC D13): a reply that re-opened
    # a resolved ticket, and one whose headers matched two tickets.
    assert Mailbox.objects.count() == 1
    assert set(InboundEmail.objects.values_list("state", flat=True)) == {InboundEmail.State.PROCESSED}
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.EMAIL_RECEIVED, changes__has_key="reopened").exists()
    assert Activity.objects.filter(thread_open=True).count() == 1

    counts = (tickets.count(), TicketEvent.objects.count())
    assert "already present" in _seed()
    assert (Ticket.objects.count(), TicketEvent.objects.count()) == counts


@pytest.mark.spec("L6")
def test_bulk_mode_adds_consistent_benchmark_tickets():
    _seed("--tickets", "300", "--batch-size", "120")

    bulk = Ticket.objects.order_by("-id")[:300]
    assert Ticket.objects.count() >= 600
    for ticket in bulk:
        assert ticket.created_at <= ticket.updated_at
        assert (ticket.status == Status.RESOLVED) == (ticket.resolved_at is not None)
        assert ticket.reached_at(ticket.status) is not None
    assert TicketEvent.objects.filter(ticket__in=[t.pk for t in bulk]).count() == 300
