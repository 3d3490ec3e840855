import datetime

from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.views.decorators.vary import vary_on_headers

from .access import get_ticket_for_user
from .history import with_change_rows
from .models import Ticket
from .queries import page_after, ticket_rows

PAGE_SIZE = 50


def _parse_cursor(value):
    """A keyset cursor "<iso created_at>_<id>" from the URL, or None when absent or malformed."""
    created, _, pk = (value or "").rpartition("_")
    moment = parse_datetime(created) if created else None
    if moment is None or not pk.isdigit():
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment, int(pk)


def _cursor_of(ticket):
    return f"{ticket.created_at.isoformat()}_{ticket.pk}"


@vary_on_headers("HX-Request")
def ticket_list(request):
    """The tickets, newest first, one keyset page at a time (active tickets; archived hidden)."""
    cursor = _parse_cursor(request.GET.get("after"))
    queryset = ticket_rows().filter(archived=False)
    rows, has_more = page_after(queryset, cursor, size=PAGE_SIZE)
    context = {
        "tickets": rows,
        "next_cursor": _cursor_of(rows[-1]) if has_more else None,
        "is_first_page": cursor is None,
    }
    template = "tickets/ticket_list.html#ticket-rows" if request.htmx else "tickets/ticket_list.html"
    return render(request, template, context)


def ticket_detail(request, pk):
    queryset = Ticket.objects.select_related(
        "assignee", "team", "sub_status", "ticket_type", "category", "contact", "account", "parent", "created_by"
    ).prefetch_related("tags")
    ticket = get_ticket_for_user(request.user, pk, queryset)
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
