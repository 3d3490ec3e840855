from django.shortcuts import render

from ..access import get_ticket_for_user
from ..history import with_change_rows
from ..models import Ticket
from .open_tabs import note_ticket_visit


def ticket_detail(request, pk):
    queryset = Ticket.objects.select_related(
        "assignee", "team", "sub_status", "ticket_type", "category", "contact", "account", "parent", "created_by"
    ).prefetch_related("tags")
    ticket = get_ticket_for_user(request.user, pk, queryset)
    note_ticket_visit(request, ticket)  # opening a ticket keeps it as a tab (SPEC L9)
    context = {
        "ticket": ticket,
        "statuses": _status_flow(ticket),
        "notes": ticket.activities.select_related("author").order_by("-created_at", "-id")[:50],
        "events": with_change_rows(ticket.events.select_related("actor").order_by("-created_at", "-id")[:50]),
        "links": Ticket.objects.filter(links=ticket).only("title", "status", "archived").order_by("-id"),
    }
    return render(request, "tickets/ticket_detail.html", context)


def _status_flow(ticket):
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
