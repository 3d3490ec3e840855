"""Counters and claims kept on the ticket row that are not changes a person made.

They move without a version bump or a history event, so nobody's open form turns stale because
a colleague closed a tab or an alert went out; each is a conditional update, safe to run twice.
"""

from django.db.models import F

from ..models import Ticket
from .guard import ticket_writes


def add_time_spent(ticket_id, seconds):
    """Add a closed work session's seconds to the ticket's time spent (SPEC D12)."""
    if seconds <= 0:
        return
    with ticket_writes():
        Ticket.objects.filter(pk=ticket_id).update(time_spent_seconds=F("time_spent_seconds") + int(seconds))


def claim_sla_risk_alert(ticket_id, now):
    """Claim the ticket's one at-risk alert for its current deadline (SPEC T8); False if already claimed.

    Two timers running at once never both tell: only one conditional update finds the claim empty.
    A new deadline clears the claim (TicketChange._update_derived), so it gets its own alert.
    """
    with ticket_writes():
        return bool(Ticket.objects.filter(pk=ticket_id, sla_risk_notified_at__isnull=True).update(
            sla_risk_notified_at=now
        ))
