"""Background work an action enqueues after its commit (DESIGN: tasks are enqueued on commit).

- A sub-status with a customer notification schedules the debounced send (SPEC D4).
- Any change but the creation tells the ticket's followers (SPEC N2).
- A note with @mentions tells the mentioned agents (SPEC D5).
- An email an agent sends is delivered once its undo window has passed (SPEC D14, B2).

`without_background_work()` turns this off for bulk jobs that must not message anyone, such as
loading demo data; `without_customer_messages()` keeps everything but the customer message, for
changes the customer's case did not undergo (a sub-status replaced by another when it is deleted).
"""

import datetime
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.conf import settings
from django.db import transaction

_enabled = ContextVar("ticket_background_work", default=True)
_customer_messages = ContextVar("ticket_customer_messages", default=True)


@contextmanager
def _switched_off(switch):
    token = switch.set(False)
    try:
        yield
    finally:
        switch.reset(token)


def without_background_work():
    return _switched_off(_enabled)


def without_customer_messages():
    return _switched_off(_customer_messages)


def customer_message_due(ticket, now):
    """When the customer hears of the ticket's new sub-status (SPEC D4), or None when nobody is told."""
    sub_status = ticket.sub_status
    if not (_enabled.get() and _customer_messages.get() and sub_status is not None and sub_status.notify_channel):
        return None
    return now + datetime.timedelta(seconds=settings.SUBSTATUS_NOTIFY_DELAY)


def enqueue_background_work(change, event):
    if not _enabled.get():
        return
    from notifications import tasks  # the tasks call the actions: imported late to avoid a cycle

    ticket = change.ticket
    if "sub_status" in change.changes and ticket.customer_message_due_at is not None:
        token = ticket.sub_status_changed_at.isoformat()
        transaction.on_commit(
            partial(
                tasks.send_substatus_notification.apply_async,
                (ticket.pk, token),
                countdown=settings.SUBSTATUS_NOTIFY_DELAY,
            )
        )
    if event.kind != event.Kind.CREATED:
        transaction.on_commit(partial(tasks.notify_followers.delay, event.pk))


def enqueue_mention_notifications(note):
    if not _enabled.get():
        return
    from notifications import tasks

    transaction.on_commit(partial(tasks.notify_mentions.delay, note.pk))


def enqueue_message_delivery(activity, countdown=0):
    """Deliver a recorded outbound message after the commit (SPEC N3): notifications/customer_messages.py.

    `countdown` holds an agent's email back for its undo window (SPEC B2).
    """
    if not _enabled.get():
        return
    from notifications import tasks

    if countdown:
        transaction.on_commit(partial(tasks.deliver_customer_message.apply_async, (activity.pk,), countdown=countdown))
    else:
        transaction.on_commit(partial(tasks.deliver_customer_message.delay, activity.pk))
