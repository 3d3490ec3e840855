"""What the beat timers do: re-open dates (SPEC T9) and SLA at-risk alerts (SPEC T8).

SLA states need no timer: the list's "within / at risk / breached" filter compares the stored
deadline and at-risk moment with the current time, so it is never stale. The Celery tasks in
tickets/tasks/timers.py only call these.
"""

from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notify

from . import actions
from .models import Ticket

BATCH = 500
REOPEN_BATCH = 1000


def reopen_due_tickets(now=None):
    """Return tickets whose re-open date has come to Ongoing (SPEC T9); how many. Safe to run twice."""
    now = now or timezone.now()
    due = Ticket.objects.filter(reopen_at__lte=now, archived=False).values_list("pk", flat=True)
    reopened = 0
    for pk in list(due[:REOPEN_BATCH]):
        ticket = actions.reopen_when_due(pk, now=now)
        reopened += ticket.status == Ticket.Status.ONGOING
    return reopened


def notify_sla_at_risk(now=None):
    """Tell each assignee once when their open ticket enters its SLA's last 20 % (SPEC T8); how many.

    Only tickets still before their deadline are reported: a ticket already breached when first
    seen is not "at risk" any more. Each ticket is claimed first (`actions.claim_sla_risk_alert`),
    so two runs at once never tell twice.
    """
    now = now or timezone.now()
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
        if not actions.claim_sla_risk_alert(ticket.pk, now):
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
