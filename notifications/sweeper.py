"""Messages and emails that are due or were left by a dead worker, handed to a worker again (SPEC B9).

The database, not the broker, holds what must happen: a ticket's `customer_message_due_at`, a
pending activity's `next_attempt_at`, a notification's `emailed_at`. A task is only the doorbell
that starts the work on time; tickets/sweeper.py runs these every HELPDESK_SWEEP_SECONDS, so a task
lost with its worker costs a delay, never the message. Each call below is safe to run twice: the
work it hands out claims its row before doing anything.
"""

import datetime

from django.conf import settings
from django.db.models import Min

from tickets.actions.messages import claim_substatus_notification
from tickets.models import Activity, Ticket

from .models import Notification

BATCH = 500


def due_customer_messages(now):
    """Record and send the customer messages of sub-statuses that have stayed for the delay (SPEC D4)."""
    from .tasks import deliver_customer_message

    due = (
        Ticket.objects.filter(customer_message_due_at__lte=now)
        .order_by("customer_message_due_at")
        .values_list("pk", "sub_status_changed_at")[:BATCH]
    )
    sent = 0
    for pk, changed_at in list(due):
        activity = claim_substatus_notification(pk, changed_at.isoformat(), now=now)
        if activity is not None:
            deliver_customer_message.delay(activity.pk)
            sent += 1
    return sent


def stalled_deliveries(before):
    """Messages still pending since before `before`: their worker died while sending, or the retry was lost."""
    from .tasks import deliver_customer_message

    stalled = Activity.objects.filter(
        delivery_state=Activity.Delivery.PENDING, next_attempt_at__lte=before
    ).values_list("pk", flat=True)[:BATCH]
    for pk in list(stalled):
        deliver_customer_message.delay(pk)
    return len(stalled)


def due_digests(before):
    """Followers whose first unemailed update is older than the digest delay get their digest (SPEC N2)."""
    from .tasks import send_follower_digest

    cutoff = before - datetime.timedelta(seconds=settings.HELPDESK_FOLLOWER_DIGEST_DELAY)
    users = (
        Notification.objects.filter(kind=Notification.Kind.FOLLOWED_CHANGE, emailed_at__isnull=True)
        .values("user_id")
        .annotate(first=Min("created_at"))
        .filter(first__lte=cutoff)
        .values_list("user_id", flat=True)[:BATCH]
    )
    for user_id in list(users):
        send_follower_digest.delay(user_id)
    return len(users)


def unsent_mention_emails(before):
    """Mentions whose email a dead worker never sent (SPEC D5)."""
    from .tasks import notify_mentions

    keys = Notification.objects.filter(
        kind=Notification.Kind.MENTION, emailed_at__isnull=True, created_at__lte=before
    ).values_list("dedupe_key", flat=True)[:BATCH]
    notes = {int(key.split(":", 1)[1]) for key in keys if key.startswith("mention:") and key[8:].isdigit()}
    for note_id in sorted(notes):
        notify_mentions.delay(note_id)
    return len(notes)
