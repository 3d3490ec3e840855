"""The Activities tab (SPEC D5, D6): a ticket's communications and notes, newest first, grouped by day.

30 rows a page by keyset; one page is one query (authors and contacts joined, each note's mentions
on its row), however many notes the ticket has, and one more for the files when the page shows emails.
"""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F
from django.utils import formats, timezone

from ..listing import cursor_of
from ..models import Activity, Attachment
from ..queries import page_after

ACTIVITY_PAGE_SIZE = 30
TEMPLATE = "tickets/detail/activities.html"


def activity_queryset(ticket):
    """Activities with everything a row shows in one query: authors and contacts joined, the
    mentions a note highlights kept on its row, and where a comment's activity or a copy's
    original is now (SPEC D6)."""
    return (
        Activity.objects.filter(ticket=ticket)
        .select_related("author", "contact")
        .annotate(about_ticket_id=F("about__ticket_id"), copied_from_ticket_id=F("copied_from__ticket_id"))
        .order_by("-created_at", "-id")
    )


def day_label(day, today=None):
    today = today or timezone.localdate()
    if day == today:
        return "Today"
    if day == today - datetime.timedelta(days=1):
        return "Yesterday"
    return formats.date_format(day, "D j M Y")


def with_day_headings(activities, previous_day=None):
    """Mark the first activity of each day with `day_label`; `previous_day` continues a group."""
    today = timezone.localdate()
    for activity in activities:
        day = timezone.localdate(activity.created_at)
        activity.day = day
        activity.day_label = day_label(day, today) if day != previous_day else None
        previous_day = day
    return activities


def with_files(activities):
    """Each email's kept files as `files`, read in one query for the page, and only when it has emails."""
    emails = {activity.pk: activity for activity in activities if activity.kind == Activity.Kind.EMAIL}
    for activity in activities:
        activity.files = []
    if emails:
        for attachment in Attachment.objects.filter(activity__in=list(emails)).order_by("pk"):
            emails[attachment.activity_id].files.append(attachment)
    return activities


def activity_page(ticket, *, cursor=None, previous_day=None):
    """One page of the Activities tab: rows with day headings, and the link to the next page."""
    rows, has_more = page_after(activity_queryset(ticket), cursor, size=ACTIVITY_PAGE_SIZE)
    with_day_headings(rows, previous_day)
    with_files(rows)
    next_query = None
    if has_more:
        last = rows[-1]
        next_query = urlencode({"before": cursor_of(last), "day": last.day.isoformat()})
    return {"activities": rows, "activities_next": next_query}


def activities_context(request, ticket, **page):
    return {
        "ticket": ticket,
        "user": request.user,
        "can_add_notes": not ticket.archived,
        "note_max_length": settings.HELPDESK_NOTE_MAX_LENGTH,
        # Annotated by the ticket page (no query of its own): the agent's draft email loads into the editor.
        "has_email_draft": getattr(ticket, "has_email_draft", False) and not ticket.archived,
        **activity_page(ticket, **page),
    }


def activity_context(request, ticket, activity):
    """One activity as the list shows it, on its own (after an edit, or "Cancel" on the edit form)."""
    activity.day_label = None  # a single row never opens a day group
    with_files([activity])
    for link in ("about", "copied_from"):
        if not hasattr(activity, f"{link}_ticket_id"):
            related = getattr(activity, link) if getattr(activity, f"{link}_id") else None
            setattr(activity, f"{link}_ticket_id", related.ticket_id if related else None)
    return {
        "ticket": ticket,
        "user": request.user,
        "activity": activity,
        "can_add_notes": not ticket.archived,
        "note_max_length": settings.HELPDESK_NOTE_MAX_LENGTH,
    }
