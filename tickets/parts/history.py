"""The History tab (SPEC D7): every change, 50 at a time by keyset, optionally merged with activities.

Merged pages keep one cursor per stream (the last event and the last activity shown), so each
page is the newest 50 of what is left of both: no gaps, no duplicates, never an OFFSET.
The ticket's source (SPEC R4) is redacted for people the form hides it from.
"""

from urllib.parse import urlencode

from ..access import can_open_source
from ..history import with_change_rows
from ..listing import cursor_text
from ..models import TicketEvent
from ..queries import page_after
from .activities import activity_queryset

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


def history_page(ticket, viewer, *, event_cursor=None, activity_cursor=None, with_activities=False):
    """One page of the History tab for `viewer` and the query string of the next one (None at the end)."""
    size = HISTORY_PAGE_SIZE
    events, more_events = page_after(event_queryset(ticket), event_cursor, size=size)
    if not with_activities:
        entries, has_more = merge_newest_first(events, [], size)
        has_more = more_events
    else:
        activities, more_activities = page_after(activity_queryset(ticket), activity_cursor, size=size)
        entries, has_more = merge_newest_first(events, activities, size)
        has_more = has_more or more_events or more_activities
    shown_events = [entry for entry in entries if entry.entry_type == "event"]
    with_change_rows(shown_events, hide_source=not can_open_source(viewer, ticket))

    next_query = None
    if has_more and entries:
        shown_activities = [entry for entry in entries if entry.entry_type == "activity"]
        params = {}
        if shown_events:
            event_cursor = (shown_events[-1].created_at, shown_events[-1].pk)
        if event_cursor:
            params["events"] = cursor_text(*event_cursor)
        if with_activities:
            params["activities"] = "1"
            if shown_activities:
                activity_cursor = (shown_activities[-1].created_at, shown_activities[-1].pk)
            if activity_cursor:
                params["after_activity"] = cursor_text(*activity_cursor)
        next_query = urlencode(params)
    return {"entries": entries, "history_next": next_query, "with_activities": with_activities}


def history_context(request, ticket, **page):
    return {"ticket": ticket, "user": request.user, **history_page(ticket, request.user, **page)}
