"""The ticket page's header and status flow (SPEC D1, T3) and its time spent card (SPEC D12)."""

from configurations.models import SubStatus

from .. import presence
from ..models import Ticket

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


def header_context(ticket, *, oob=False):
    return {
        "ticket": ticket,
        "statuses": status_flow(ticket),
        "sub_status_choices": SubStatus.objects.order_by("status", "position"),
        "oob": oob,
    }


def time_spent_context(ticket):
    total, agents = presence.time_spent(ticket)
    return {"time_spent_total": total, "time_spent_agents": agents}
