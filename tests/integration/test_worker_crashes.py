"""Workers killed at the worst moments lose nothing and do nothing twice (SPEC B9, D4, N3, L12).

A real worker is killed with SIGKILL (no warm shutdown, no acknowledgement, as a crash or the OOM
killer would) before a customer message is due, while the SMS provider is receiving it, and in the
middle of an import. A new worker takes over and the sweeper runs (as beat would): each customer
gets exactly one message, the import completes with every row once, and nothing is done twice.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.tasks import deliver_customer_message  # noqa: F401 - registered for the worker
from tickets import actions
from tickets.imports import running
from tickets.models import Activity, Ticket, TicketImport
from tickets.sweeper import sweep

from ..celery_worker import DELAY, sms_provider, wait_for, workers  # noqa: F401 - fixtures
from ..factories import ContactFactory, SubStatusFactory, UserFactory, make_ticket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.spec("B9")]


@pytest.fixture(autouse=True)
def _quick_orphans(settings):
    settings.HELPDESK_ORPHAN_AFTER = 1


@pytest.fixture
def scene(db):
    agent = UserFactory(username="dana")
    ticket = make_ticket(agent, title="Washing machine leaks", contact=ContactFactory(phone="+44 20 7946 0101"),
                         status="ongoing")
    booked = SubStatusFactory(status="ongoing", name="Engineer booked", notify_channel="sms",
                              notify_text="Booked: {reference}")
    return agent, ticket, booked


def received(worker, task):
    return any(f"{task}[" in line and " received" in line for line in worker.log.read_text().splitlines())


def outbound(ticket):
    return list(Activity.objects.filter(ticket=ticket, direction=Activity.Direction.OUTBOUND))


def sent(ticket):
    return any(activity.delivery_state == "sent" for activity in outbound(ticket))


def sweep_until(condition, what, timeout=25):
    """Run the sweeper, as beat does, until the work is done (the new worker does the work it hands out)."""
    wait_for(lambda: sweep() is not None and condition(), timeout=timeout, what=what)


@pytest.mark.spec("D4", "N3")
def test_a_worker_killed_before_the_message_was_due_loses_no_message(workers, sms_provider, scene):
    _, provider = sms_provider
    agent, ticket, booked = scene
    first = workers()
    actions.change_sub_status(ticket, agent, booked)
    wait_for(lambda: received(first, "notifications.tasks.send_substatus_notification"), timeout=10,
             what=f"the worker to hold the debounced task:\n{first.log.read_text()}")

    first.kill()  # the task, waiting for its ETA, dies with the worker
    second = workers()
    sweep_until(lambda: sent(ticket), f"the message to go out:\n{second.log.read_text()}")

    assert len(outbound(ticket)) == 1
    assert list(provider.delivered) == [outbound(ticket)[0].send_key]
    assert Ticket.objects.get(pk=ticket.pk).customer_message_due_at is None


@pytest.mark.spec("D4", "N3")
def test_a_worker_killed_while_the_provider_takes_the_message_sends_it_once(workers, sms_provider, scene):
    _, provider = sms_provider
    agent, ticket, booked = scene
    provider.hold_next = True
    first = workers()
    actions.change_sub_status(ticket, agent, booked)
    assert provider.held.wait(20), first.log.read_text()

    first.kill()  # the provider has the message; the worker never learnt it went
    provider.release.set()
    second = workers()
    sweep_until(lambda: sent(ticket), f"the message to be recorded:\n{second.log.read_text()}")

    [activity] = outbound(ticket)
    assert activity.attempts == 1  # the killed attempt was rolled back with its worker
    assert len(provider.received) == 2  # the same message asked twice...
    assert list(provider.delivered) == [activity.send_key]  # ...under one key: the customer gets one SMS


@pytest.mark.spec("L12")
def test_a_worker_killed_mid_import_leaves_an_import_that_resumes_and_creates_every_row_once(workers, db):
    lead = UserFactory(username="lee", role="Team Leader")
    rows = [{"row": number, "title": f"Ticket {number}", "data": {"title": f"Ticket {number}"}} for number in range(2, 402)]
    job = running.start_import(lead, SimpleUploadedFile("tickets.csv", b"Title\n"), rows)
    first = workers()
    running.confirm_import(lead, job.pk)
    wait_for(lambda: TicketImport.objects.get(pk=job.pk).rows_done >= 50, timeout=30,
             what=f"the import to start:\n{first.log.read_text()}")

    first.kill()
    stopped_at = TicketImport.objects.get(pk=job.pk).rows_done
    second = workers()
    sweep_until(lambda: TicketImport.objects.get(pk=job.pk).state == TicketImport.State.DONE,
                f"the import to finish:\n{second.log.read_text()}", timeout=60)

    job.refresh_from_db()
    assert stopped_at < 400
    assert (job.created_count, job.failed_count) == (400, 0)
    assert sorted(entry["row"] for entry in job.report) == list(range(2, 402))
    titles = list(Ticket.objects.values_list("title", flat=True))
    assert len(titles) == len(set(titles)) == 400
