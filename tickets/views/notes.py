"""The Activities tab (SPEC D6) and internal notes on it (SPEC D5).

The tab lists a ticket's activities newest first, grouped by day, 30 at a time by keyset. Notes
are added, edited and deleted through `tickets.actions`; a refused change (TicketRuleError) comes
back as a message: 422 where the person can fix the input, 403 when only the author may act.
"""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import formats, timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from .. import actions
from ..access import get_ticket_for_user
from ..actions import TicketRuleError
from ..models import Activity
from ..queries import RowValueBefore
from .list import cursor_of, parse_cursor

ACTIVITY_PAGE_SIZE = 30
MENTION_SUGGESTIONS = 8
TEMPLATE = "tickets/detail/activities.html"


# --- reading ----------------------------------------------------------------------------------

def activity_queryset(ticket):
    """Activities with everything a row shows, in a fixed number of queries (author, contact, mentions)."""
    people = get_user_model().objects.only("username", "first_name", "last_name")
    return (
        Activity.objects.filter(ticket=ticket)
        .select_related("author", "contact")
        .prefetch_related(Prefetch("mentions", queryset=people))
        .order_by("-created_at", "-id")
    )


def keyset_before(queryset, cursor, size):
    """The `size` rows after `cursor` in newest-first order, and whether more follow."""
    if cursor is not None:
        queryset = queryset.filter(RowValueBefore(("created_at", "id"), cursor))
    rows = list(queryset[: size + 1])
    return rows[:size], len(rows) > size


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


def activity_page(ticket, *, cursor=None, previous_day=None):
    """One page of the Activities tab: rows with day headings, and the link to the next page."""
    rows, has_more = keyset_before(activity_queryset(ticket), cursor, ACTIVITY_PAGE_SIZE)
    with_day_headings(rows, previous_day)
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
        "note_max_length": _max_length(),
        **activity_page(ticket, **page),
    }


def _max_length():
    return settings.HELPDESK_NOTE_MAX_LENGTH


@require_GET
@vary_on_headers("HX-Request")
def ticket_activities(request, pk):
    """The next page of activities ("Show older"), or the whole list on a plain request."""
    ticket = get_ticket_for_user(request.user, pk)
    cursor = parse_cursor(request.GET.get("before"))
    previous_day = parse_date(request.GET.get("day") or "") if cursor else None
    context = activities_context(request, ticket, cursor=cursor, previous_day=previous_day)
    if not request.htmx:
        return HttpResponseRedirect(ticket.get_absolute_url())
    return render(request, f"{TEMPLATE}#activity-page", context)


# --- notes ------------------------------------------------------------------------------------

def _with_history(request, ticket, response):
    """Add the History tab's first page, out of band, so the note's event shows there too (SPEC X1)."""
    from .history import TEMPLATE as HISTORY_TEMPLATE  # history.py builds on this module: import late
    from .history import history_context

    merged = (request.POST.get("activities") or request.GET.get("activities")) == "1"
    context = history_context(request, ticket, with_activities=merged)
    oob = render(request, f"{HISTORY_TEMPLATE}#history-list-oob", context)
    response.content = response.content + oob.content
    return response


def _back_to_ticket(ticket):
    return HttpResponseRedirect(ticket.get_absolute_url())


def _refused(request, error, status):
    """A refusal nobody can fix in place: a toast, nothing swapped."""
    messages.error(request, error.message)
    return reswap(HttpResponse(status=status), "none")


def _get_note(ticket, note_id):
    # Child objects are always fetched through their ticket (DESIGN: security).
    return get_object_or_404(
        Activity.objects.select_related("author", "contact").prefetch_related("mentions"),
        pk=note_id,
        ticket=ticket,
        kind=Activity.Kind.NOTE,
    )


def _is_author(note, user):
    return note.author_id is not None and note.author_id == user.pk


@require_POST
def note_add(request, pk):
    """Add an internal note (SPEC D5); the Activities list comes back with the note at the top."""
    ticket = get_ticket_for_user(request.user, pk)
    body = request.POST.get("body", "")
    try:
        actions.add_note(ticket, request.user, body)
    except TicketRuleError as error:
        if not request.htmx:
            messages.error(request, error.message)
            return _back_to_ticket(ticket)
        if error.field != "body":
            return _refused(request, error, 422)
        context = activities_context(request, ticket) | {"note_body": body, "note_error": error.message}
        response = render(request, f"{TEMPLATE}#note-form", context, status=422)
        return reswap(retarget(response, "#note-form"), "outerHTML")
    messages.success(request, "Note added.")
    if not request.htmx:
        return _back_to_ticket(ticket)
    response = render(request, f"{TEMPLATE}#activity-page", activities_context(request, ticket))
    return _with_history(request, ticket, response)


@require_http_methods(["GET", "POST"])
def note_edit(request, pk, note_id):
    """The inline edit form (GET) and saving it (POST); only the author, never on an archived ticket."""
    ticket = get_ticket_for_user(request.user, pk)
    note = _get_note(ticket, note_id)
    if request.method == "GET":
        if not _is_author(note, request.user):
            return _refused(request, TicketRuleError("Only the author of a note can edit it."), 403)
        if ticket.archived:
            return _refused(request, TicketRuleError(f"{ticket.reference} is archived and can't be changed."), 422)
        return render(request, f"{TEMPLATE}#note-edit-form", _note_context(request, ticket, note))
    body = request.POST.get("body", "")
    try:
        note = actions.edit_note(note, request.user, body)
    except TicketRuleError as error:
        if not request.htmx:
            messages.error(request, error.message)
            return _back_to_ticket(ticket)
        if not _is_author(note, request.user):
            return _refused(request, error, 403)
        if error.field != "body":
            return _refused(request, error, 422)
        context = _note_context(request, ticket, note) | {"note_body": body, "note_error": error.message}
        return render(request, f"{TEMPLATE}#note-edit-form", context, status=422)
    messages.success(request, "Note updated.")
    if not request.htmx:
        return _back_to_ticket(ticket)
    response = render(request, f"{TEMPLATE}#activity-item", _note_context(request, ticket, _get_note(ticket, note.pk)))
    return _with_history(request, ticket, response)


@require_GET
def note_detail(request, pk, note_id):
    """One note as the list shows it (what "Cancel" on the edit form returns to)."""
    ticket = get_ticket_for_user(request.user, pk)
    note = _get_note(ticket, note_id)
    if not request.htmx:
        return _back_to_ticket(ticket)
    return render(request, f"{TEMPLATE}#activity-item", _note_context(request, ticket, note))


@require_POST
def note_delete(request, pk, note_id):
    """Delete a note; only its author may (SPEC D5). The row disappears from the list."""
    ticket = get_ticket_for_user(request.user, pk)
    note = _get_note(ticket, note_id)
    try:
        actions.delete_note(note, request.user)
    except TicketRuleError as error:
        if not request.htmx:
            messages.error(request, error.message)
            return _back_to_ticket(ticket)
        return _refused(request, error, 403 if not _is_author(note, request.user) else 422)
    messages.success(request, "Note deleted.")
    if not request.htmx:
        return _back_to_ticket(ticket)
    return _with_history(request, ticket, HttpResponse(""))


def _note_context(request, ticket, note):
    note.day_label = None  # a single row never opens a day group
    return {
        "ticket": ticket,
        "user": request.user,
        "activity": note,
        "can_add_notes": not ticket.archived,
        "note_max_length": _max_length(),
    }


# --- @mention autocomplete ------------------------------------------------------------------

@require_GET
def mention_suggestions(request):
    """Active agents whose username or name starts with `q`, for the @mention list (SPEC D5)."""
    query = (request.GET.get("q") or "").strip().lstrip("@")
    if not query:
        return JsonResponse({"results": []})
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(username__istartswith=query) | Q(first_name__istartswith=query) | Q(last_name__istartswith=query))
        .only("username", "first_name", "last_name")
        .order_by("username")[:MENTION_SUGGESTIONS]
    )
    return JsonResponse(
        {
            "results": [
                {"username": user.username, "name": user.get_full_name() or user.username, "id": user.pk}
                for user in users
            ]
        }
    )
