"""A customer's message survives its worker (SPEC D13, B9): stored before anything else, processed by
a real Celery worker, and handed to a new worker by the sweeper when the first died with it."""

import datetime

import pytest
from django.utils import timezone

from mail.models import InboundEmail, Mailbox
from mail.receiving import receive
from tickets.models import Activity, Ticket
from tickets.sweeper import sweep

from ..celery_worker import sms_provider, wait_for, workers  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.spec("D13", "B9")]

RAW = (
    b"From: Lena Fischer <lena@customer.example>\r\nTo: support@helpdesk.example\r\n"
    b"Subject: Heating broken\r\nMessage-ID: <heating-1@customer.example>\r\n\r\nNo heat since Monday.\r\n"
)


@pytest.fixture(autouse=True)
def _quick_orphans(settings):
    settings.HELPDESK_ORPHAN_AFTER = 1


def state(inbound):
    inbound.refresh_from_db()
    return inbound.state


def test_a_real_worker_turns_a_stored_message_into_a_ticket(workers):
    workers()
    mailbox = Mailbox.objects.create(name="Support", address="support@helpdesk.example")
    inbound, _ = receive(mailbox, RAW, source=InboundEmail.Source.WEBHOOK)
    wait_for(lambda: state(inbound) == InboundEmail.State.PROCESSED, timeout=30, what="the message to be processed")
    assert Ticket.objects.get().title == "Heating broken"


def test_a_message_whose_worker_died_mid_way_is_processed_once_by_the_next(workers):
    mailbox = Mailbox.objects.create(name="Support", address="support@helpdesk.example")
    # The first worker claimed the message (its attempt is counted) and died before committing
    # anything else: its task is gone with it, and the row still waits.
    inbound, _ = receive(mailbox, RAW, source=InboundEmail.Source.WEBHOOK, enqueue=False)
    InboundEmail.objects.filter(pk=inbound.pk).update(
        attempts=1, updated_at=timezone.now() - datetime.timedelta(seconds=5)
    )
    workers()
    assert sweep()["inbound emails"] == 1
    wait_for(lambda: state(inbound) == InboundEmail.State.PROCESSED, timeout=30, what="the new worker to process it")
    assert Activity.objects.filter(kind=Activity.Kind.EMAIL).count() == 1
    assert inbound.attempts == 2
    # Sweeping again finds nothing waiting, and nothing is done twice.
    assert sweep()["inbound emails"] == 0
    assert Ticket.objects.count() == 1
