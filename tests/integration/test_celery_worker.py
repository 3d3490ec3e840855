"""A real Celery worker sends the debounced customer notification (SPEC D4, N3).

The worker is a separate process on the stack the suite runs on; the SMS provider is a small
HTTP server in this process, so the test sees every request the worker made (tests/celery_worker.py).
"""

import time

import pytest

from notifications.tasks import send_substatus_notification
from tickets import actions
from tickets.models import Activity, Ticket

from ..celery_worker import DELAY, celery_worker, finished, sms_provider, wait_for, workers  # noqa: F401 - fixtures
from ..factories import ContactFactory, SubStatusFactory, UserFactory, make_ticket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.spec("D4", "N3")]


def outbound(ticket):
    return list(Activity.objects.filter(ticket=ticket, direction=Activity.Direction.OUTBOUND).order_by("id"))


@pytest.fixture
def scene(db):
    agent = UserFactory(username="dana")
    contact = ContactFactory(name="Sam Patel", phone="+44 20 7946 0101")
    ticket = make_ticket(agent, title="Washing machine leaks", contact=contact, status="ongoing")
    subs = [
        SubStatusFactory(status="ongoing", name=name, notify_channel="sms", notify_text=f"{name}: {{reference}}")
        for name in ("Parts ordered", "Engineer booked", "Engineer on the way")
    ]
    return agent, ticket, subs


def test_a_real_worker_sends_only_the_final_sub_status_once_even_when_redelivered(celery_worker, sms_provider, scene):
    _, received = sms_provider
    agent, ticket, subs = scene

    for sub_status in subs:  # three changes within the delay
        actions.change_sub_status(ticket, agent, sub_status)
    started = time.monotonic()

    wait_for(lambda: any(a.delivery_state == "sent" for a in outbound(ticket)), timeout=20,
             what=f"the message to be sent:\n{celery_worker.read_text()}")
    assert time.monotonic() - started >= DELAY - 0.5  # not before the sub-status stayed for the delay
    wait_for(lambda: finished(celery_worker, "send_substatus_notification") == 3, timeout=15,
             what=f"the two superseded tasks to run:\n{celery_worker.read_text()}")

    [activity] = outbound(ticket)
    assert activity.body == f"Engineer on the way: {ticket.reference}"
    assert activity.recipient == "+44 20 7946 0101"
    assert [request["body"] for request in received.received] == [activity.body]

    # The broker hands the same task out again (a worker lost its acknowledgement): nothing more is sent.
    token = Ticket.objects.get(pk=ticket.pk).sub_status_changed_at.isoformat()
    send_substatus_notification.apply_async((ticket.pk, token))
    send_substatus_notification.apply_async((ticket.pk, token))
    wait_for(lambda: finished(celery_worker, "send_substatus_notification") == 5, timeout=15,
             what=f"the redelivered tasks to run:\n{celery_worker.read_text()}")
    assert len(outbound(ticket)) == 1
    assert len(received.received) == 1


def test_a_real_worker_retries_a_failing_provider_with_backoff_then_records_it_sent(celery_worker, sms_provider, scene):
    _, received = sms_provider
    agent, ticket, subs = scene
    received.failures = 2

    actions.change_sub_status(ticket, agent, subs[0])

    wait_for(lambda: any(a.delivery_state == "sent" for a in outbound(ticket)), timeout=25,
             what=f"the message to be sent after retries:\n{celery_worker.read_text()}")
    [activity] = outbound(ticket)
    assert activity.attempts == 3
    assert len(received.received) == 3
    assert {request["key"] for request in received.received} == {activity.send_key}
