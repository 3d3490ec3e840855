"""The History tab (SPEC D7): its next pages, and the ticket as it was after an event.

The pages themselves are built by tickets/parts/history.py, which the ticket page uses too.
"""

from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from ..access import can_open_source, get_ticket_for_user
from ..listing import parse_cursor
from ..models import Ticket, TicketEvent
from ..parts.history import TEMPLATE, history_context
from ..replay import ticket_as_it_was, ticket_now


@require_GET
@vary_on_headers("HX-Request")
def ticket_history(request, pk):
    """A page of history entries: the next page (`events=` cursor) or the first one (the toggle)."""
    ticket = get_ticket_for_user(request.user, pk)
    if not request.htmx:
        return HttpResponseRedirect(ticket.get_absolute_url() + "#history")
    context = history_context(
        request,
        ticket,
        event_cursor=parse_cursor(request.GET.get("events")),
        activity_cursor=parse_cursor(request.GET.get("after_activity")),
        with_activities=request.GET.get("activities") == "1",
    )
    return render(request, f"{TEMPLATE}#history-page", context)


SNAPSHOT_RELATED = ("sub_status", "ticket_type", "category", "contact", "account", "assignee", "team", "parent")


@require_GET
def ticket_as_it_was_view(request, pk, event_id):
    """The ticket's main fields right after one event, replayed backwards from now (SPEC D7)."""
    ticket = get_ticket_for_user(request.user, pk, Ticket.objects.select_related(*SNAPSHOT_RELATED))
    event = get_object_or_404(TicketEvent.objects.select_related("actor"), pk=event_id, ticket=ticket)
    if not request.htmx:
        return HttpResponseRedirect(ticket.get_absolute_url() + "#history")
    rows = ticket_as_it_was(ticket, event, hide_source=not can_open_source(request.user, ticket))
    context = {"ticket": ticket, "event": event, "rows": rows}
    return render(request, f"{TEMPLATE}#snapshot", context)


@require_GET
def ticket_as_it_is_view(request, pk):
    """Reset: the same panel with the values of now."""
    ticket = get_ticket_for_user(request.user, pk, Ticket.objects.select_related(*SNAPSHOT_RELATED))
    if not request.htmx:
        return HttpResponseRedirect(ticket.get_absolute_url() + "#history")
    rows = ticket_now(ticket, hide_source=not can_open_source(request.user, ticket))
    return render(request, f"{TEMPLATE}#snapshot", {"ticket": ticket, "event": None, "rows": rows})
