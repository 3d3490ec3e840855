"""Timers run by Celery beat: re-open dates (SPEC T9) and SLA at-risk alerts (SPEC T8).

SLA states need no timer: the list's "within / at risk / breached" filter compares the stored
deadline and at-risk moment with the current time, so it is never stale.
"""

from celery import shared_task
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notify

from .. import actions, presence
from ..models import Ticket

BATCH = 500


@shared_task(name="tickets.tasks.reopen_due_tickets")
def reopen_due_tickets():
    """Return tickets whose re-open date has come to Ongoing (SPEC T9). Safe to run twice."""
    now = timezone.now()
    due = Ticket.objects.filter(reopen_at__lte=now, archived=False).values_list("pk", flat=True)
    reopened = 0
    for pk in list(due[:1000]):
        ticket = actions.reopen_when_due(pk, now=now)
        reopened += ticket.status == Ticket.Status.ONGOING
    return reopened


@shared_task(name="tickets.tasks.notify_sla_at_risk")
def notify_sla_at_risk():
    """Tell each assignee once when their open ticket enters its SLA's last 20 % (SPEC T8).

    Only tickets still before their deadline are reported: a ticket already breached when first
    seen is not "at risk" any more. Each ticket is claimed with a conditional update, so two beat
    runs at once never tell twice; a new deadline clears the claim (tickets/actions/base.py).
    """
    now = timezone.now()
    due = (
        Ticket.objects.filter(
            archived=False,
            assignee__isnull=False,
            sla_risk_notified_at__isnull=True,
            deadline__gt=now,
            sla_at_risk_at__lte=now,
        )
        .exclude(status=Ticket.Status.RESOLVED)
        .select_related("assignee")
        .order_by("deadline")[:BATCH]
    )
    told = 0
    for ticket in due:
        claimed = Ticket.objects.filter(pk=ticket.pk, sla_risk_notified_at__isnull=True).update(
            sla_risk_notified_at=now
        )
        if not claimed:
            continue
        deadline = timezone.localtime(ticket.deadline)
        notify(
            ticket.assignee,
            Notification.Kind.SLA_AT_RISK,
            f"{ticket.reference} is at risk of breaching its SLA",
            body=f"“{ticket.title}” is due {deadline:%d %b %Y %H:%M}.",
            ticket=ticket,
            url=reverse("tickets:ticket_detail", args=[ticket.pk]),
            dedupe_key=f"sla:{ticket.pk}:{ticket.deadline.isoformat()}",
        )
        told += 1
    return told


@shared_task(name="tickets.tasks.expire_presence")
def expire_presence():
    """Drop ticket pages whose heartbeat stopped and close their work sessions (SPEC D11, D12)."""
    return presence.expire()
