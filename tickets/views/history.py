"""The History tab (SPEC D7): every change, 50 at a time by keyset, optionally merged with activities.

Merged pages keep one cursor per stream (the last event and the last activity shown), so each
page is the newest 50 of what is left of both: no gaps, no duplicates, never an OFFSET.
"""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from ..access import get_ticket_for_user
from ..history import with_change_rows
from ..models import Ticket, TicketEvent
from ..replay import ticket_as_it_was, ticket_now
from .list import parse_cursor
from .notes import activity_queryset, keyset_before

HISTORY_PAGE_SIZE = 50
TEMPLATE = "tickets/detail/history.html"
EVENT, ACTIVITY = 0, 1  # at the same instant an activity is listed above the event it caused


def event_queryset(ticket):
    return TicketEvent.objects.filter(ticket=ticket).select_related("actor").order_by("-created_at", "-id")


def merge_newest_first(events, activities, size):
    """The newest `size` of two newest-first lists, each entry tagged with `entry_type`."""
    for event in events:
        event.entry_type = "event"
    for activity in activities:
        activity.entry_type = "activity"
    entries = sorted(
        [*events, *activities],
        key=lambda entry: (entry.created_at, ACTIVITY if entry.entry_type == "activity" else EVENT, entry.pk),
        reverse=True,
    )
    return entries[:size], len(entries) > size


def history_page(ticket, *, event_cursor=None, activity_cursor=None, with_activities=False):
    """One page of the History tab and the query string of the next one (None at the end)."""
    size = HISTORY_PAGE_SIZE
    events, more_events = keyset_before(event_queryset(ticket), event_cursor, size)
    if not with_activities:
        entries, has_more = merge_newest_first(events, [], size)
        has_more = more_events
    else:
        activities, more_activities = keyset_before(activity_queryset(ticket), activity_cursor, size)
        entries, has_more = merge_newest_first(events, activities, size)
        has_more = has_more or more_events or more_activities
    with_change_rows([entry for entry in entries if entry.entry_type == "event"])

    next_query = None
    if has_more and entries:
        shown_events = [entry for entry in entries if entry.entry_type == "event"]
        shown_activities = [entry for entry in entries if entry.entry_type == "activity"]
        params = {}
        if shown_events:
            event_cursor = (shown_events[-1].created_at, shown_events[-1].pk)
        if event_cursor:
            params["events"] = _cursor_text(event_cursor)
        if with_activities:
            params["activities"] = "1"
            if shown_activities:
                activity_cursor = (shown_activities[-1].created_at, shown_activities[-1].pk)
            if activity_cursor:
                params["after_activity"] = _cursor_text(activity_cursor)
        next_query = urlencode(params)
    return {"entries": entries, "history_next": next_query, "with_activities": with_activities}


def _cursor_text(cursor):
    moment, pk = cursor
    return f"{moment.isoformat()}_{pk}"


def history_context(request, ticket, **page):
    return {"ticket": ticket, "user": request.user, **history_page(ticket, **page)}


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
    context = {"ticket": ticket, "event": event, "rows": ticket_as_it_was(ticket, event)}
    return render(request, f"{TEMPLATE}#snapshot", context)


@require_GET
def ticket_as_it_is_view(request, pk):
    """Reset: the same panel with the values of now."""
    ticket = get_ticket_for_user(request.user, pk, Ticket.objects.select_related(*SNAPSHOT_RELATED))
    if not request.htmx:
        return HttpResponseRedirect(ticket.get_absolute_url() + "#history")
    return render(request, f"{TEMPLATE}#snapshot", {"ticket": ticket, "event": None, "rows": ticket_now(ticket)})
