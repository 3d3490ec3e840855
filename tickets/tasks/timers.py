"""Timers run by Celery beat: thin wrappers over tickets/timers.py and tickets/presence.py."""

from celery import shared_task

from .. import presence, timers


@shared_task(name="tickets.tasks.reopen_due_tickets")
def reopen_due_tickets():
    """Return tickets whose re-open date has come to Ongoing (SPEC T9). Safe to run twice."""
    return timers.reopen_due_tickets()


@shared_task(name="tickets.tasks.notify_sla_at_risk")
def notify_sla_at_risk():
    """Tell each assignee once when their open ticket enters its SLA's last 20 % (SPEC T8)."""
    return timers.notify_sla_at_risk()


@shared_task(name="tickets.tasks.expire_presence")
def expire_presence():
    """Drop ticket pages whose heartbeat stopped and close their work sessions (SPEC D11, D12)."""
    return presence.expire()
