"""The Activities tab (SPEC D6) and internal notes on it (SPEC D5).

The tab lists a ticket's activities newest first, grouped by day, 30 at a time by keyset. Notes
are added, edited and deleted through `tickets.actions`; a refused change (TicketRuleError) comes
back as a message: 422 where the person can fix the input, 403 when only the author may act.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from .. import actions
from ..access import get_ticket_for_user
from ..actions import TicketRuleError
from ..listing import parse_cursor
from ..models import Activity
from ..parts import render_parts
from ..parts.activities import TEMPLATE, activities_context, activity_context
from ..parts.history import TEMPLATE as HISTORY_TEMPLATE
from ..parts.history import history_context

MENTION_SUGGESTIONS = 8


# --- reading ----------------------------------------------------------------------------------

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

def _history_oob(request, ticket):
    """The History tab's first page as an out-of-band part, so the note's event shows there too (SPEC X1)."""
    merged = (request.POST.get("activities") or request.GET.get("activities")) == "1"
    return f"{HISTORY_TEMPLATE}#history-list-oob", history_context(request, ticket, with_activities=merged)


def _back_to_ticket(ticket):
    return HttpResponseRedirect(ticket.get_absolute_url())


def _refused(request, error, status):
    """A refusal nobody can fix in place: a toast, nothing swapped."""
    messages.error(request, error.message)
    return reswap(HttpResponse(status=status), "none")


def _get_note(ticket, note_id):
    # Child objects are always fetched through their ticket (DESIGN: security).
    return get_object_or_404(
        Activity.objects.select_related("author", "contact"),
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
    return render_parts(
        request, (f"{TEMPLATE}#activity-page", activities_context(request, ticket)), _history_oob(request, ticket)
    )


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
        return render(request, f"{TEMPLATE}#note-edit-form", activity_context(request, ticket, note))
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
        context = activity_context(request, ticket, note) | {"note_body": body, "note_error": error.message}
        return render(request, f"{TEMPLATE}#note-edit-form", context, status=422)
    messages.success(request, "Note updated.")
    if not request.htmx:
        return _back_to_ticket(ticket)
    item = (f"{TEMPLATE}#activity-item", activity_context(request, ticket, _get_note(ticket, note.pk)))
    return render_parts(request, item, _history_oob(request, ticket))


@require_GET
def note_detail(request, pk, note_id):
    """One note as the list shows it (what "Cancel" on the edit form returns to)."""
    ticket = get_ticket_for_user(request.user, pk)
    note = _get_note(ticket, note_id)
    if not request.htmx:
        return _back_to_ticket(ticket)
    return render(request, f"{TEMPLATE}#activity-item", activity_context(request, ticket, note))


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
    return render_parts(request, _history_oob(request, ticket))


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
