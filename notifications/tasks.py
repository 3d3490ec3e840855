"""Celery tasks for messages and notifications: thin, idempotent, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from tickets.actions.messages import claim_substatus_notification
from tickets.models import Ticket

from . import agents
from .customer_messages import Outcome, deliver


@shared_task(bind=True, name="notifications.tasks.send_substatus_notification")
def send_substatus_notification(self, ticket_id, token):
    """The debounced customer notification of a sub-status change (SPEC D4).

    Enqueued on commit with countdown SUBSTATUS_NOTIFY_DELAY; it sends only if the sub-status has
    not changed since (the token is the moment it changed) and differs from what the customer was
    last told. A task that arrives early (clocks of web and worker apart) waits for the rest.
    """
    ticket = Ticket.objects.filter(pk=ticket_id).only("sub_status_changed_at", "customer_message_due_at").first()
    if ticket is None or ticket.sub_status_changed_at is None or ticket.customer_message_due_at is None:
        return None
    early = (ticket.customer_message_due_at - timezone.now()).total_seconds()
    if early > 1 and not self.request.is_eager and ticket.sub_status_changed_at.isoformat() == token:
        send_substatus_notification.apply_async((ticket_id, token), countdown=early)
        return None
    activity = claim_substatus_notification(ticket_id, token)
    if activity is None:
        return None
    deliver_customer_message.delay(activity.pk)
    return activity.pk


@shared_task(bind=True, name="notifications.tasks.deliver_customer_message", max_retries=None)
def deliver_customer_message(self, activity_id):
    """Send one recorded customer message; temporary failures retry with doubling delays (N3).

    Safe to run twice: the message is claimed under its row lock and sent only while pending. A
    task that comes inside the message's undo window (D14) comes back when it ends; under eager
    execution (tests) it leaves that to the sweeper rather than wait in the caller.
    """
    outcome, wait = deliver(activity_id)
    if outcome is Outcome.RETRY:
        raise self.retry(countdown=wait)
    if outcome is Outcome.NOT_YET and not self.request.is_eager:
        deliver_customer_message.apply_async((activity_id,), countdown=wait)
    return outcome.value


@shared_task(bind=True, name="notifications.tasks.notify_mentions", max_retries=5)
def notify_mentions(self, note_id):
    """Tell each agent @mentioned in a note, in the Notification Center and by email (SPEC D5)."""
    return agents.tell_mentioned(note_id)


def _schedule_digest(user_id):
    send_follower_digest.apply_async((user_id,), countdown=settings.HELPDESK_FOLLOWER_DIGEST_DELAY)


@shared_task(name="notifications.tasks.notify_followers")
def notify_followers(event_id):
    """Put a change in the Notification Center of the ticket's followers (SPEC N2); the first unemailed
    update schedules an email digest."""
    return agents.tell_followers(event_id, _schedule_digest)


@shared_task(name="notifications.tasks.send_follower_digest")
def send_follower_digest(user_id):
    """One email with every followed-ticket update not yet emailed (SPEC N2). Safe to run twice."""
    return agents.send_follower_digest(user_id)
