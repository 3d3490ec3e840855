"""The ticket page's header and status flow (SPEC D1, T3) and its time spent card (SPEC D12)."""

from django.db.models import Exists, OuterRef

from configurations.models import SubStatus

from .. import presence
from ..models import Activity, Ticket

HEADER = "tickets/detail/header.html"


def status_flow(ticket):
    """The four statuses left to right: completed, current or upcoming, with first-reached times (T3)."""
    order = list(Ticket.Status)
    current = order.index(ticket.status)
    return [
        {
            "label": status.label,
            "value": status.value,
            "state": "current" if index == current else ("done" if index < current else "upcoming"),
            "reached_at": ticket.reached_at(status.value),
        }
        for index, status in enumerate(order)
    ]


# Read with the ticket page's ticket (no query of its own): whether any email awaits the banner.
OPEN_THREADS = Exists(Activity.objects.filter(ticket=OuterRef("pk"), thread_open=True))


def thread_suggestions(ticket):
    """Emails on this ticket whose headers also matched other tickets (SPEC D13), with those tickets.

    Nothing is read when the ticket was fetched with OPEN_THREADS false (nearly always); otherwise
    the emails on the partial index, and their candidates.
    """
    if getattr(ticket, "has_thread_suggestions", True) is False:
        return []
    emails = list(
        Activity.objects.filter(ticket=ticket, thread_open=True)
        .only("pk", "ticket_id", "subject", "sender", "thread_candidates", "created_at")
        .order_by("-created_at", "-id")[:5]
    )
    if emails:
        wanted = {pk for email in emails for pk in email.thread_candidates}
        found = Ticket.objects.filter(pk__in=wanted).only("pk", "title", "status", "archived").in_bulk()
        for email in emails:
            email.candidates = [found[pk] for pk in email.thread_candidates if pk in found]
    return [email for email in emails if email.candidates]


def header_context(ticket, *, oob=False):
    return {
        "ticket": ticket,
        "thread_suggestions": thread_suggestions(ticket),
        "statuses": status_flow(ticket),
        "sub_status_choices": SubStatus.objects.order_by("status", "position"),
        "oob": oob,
    }


def time_spent_context(ticket):
    total, agents = presence.time_spent(ticket)
    return {"time_spent_total": total, "time_spent_agents": agents}
