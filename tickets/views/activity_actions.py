"""The "⋯" menu of each activity (SPEC D6): comment, detail, print, create child ticket, move.

Comment, child ticket and move open a small form in the Activities tab's dialog (GET) and post to
the same URL; a refusal comes back in the dialog with its message (422), a success closes it and
refreshes the Activities and History lists out of band. Detail and print are pages of their own,
open on archived tickets too; the three changes are refused there by the actions (T4).
"""

from email import policy
from email.parser import BytesHeaderParser

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from mail.models import InboundEmail

from .. import actions
from ..access import get_ticket_for_user
from ..actions import TicketRuleError
from ..actions.activities import activity_summary, quote_of
from ..actions.conversations import duration_display
from ..models import Activity, Attachment, Ticket
from ..models.tickets import parse_reference
from ..parts import render_parts
from ..parts.activities import with_files
from ..queries import DETAIL_RELATED
from .conversations import refreshed_lists
from .relations import search_tickets

TEMPLATE = "tickets/detail/activity_actions.html"


def _activity(request, pk, activity_pk):
    """The ticket the user may see and one of its activities (never fetched by bare id)."""
    ticket = get_ticket_for_user(request.user, pk, Ticket.objects.select_related(*DETAIL_RELATED))
    activity = get_object_or_404(
        Activity.objects.select_related("author", "contact", "about", "copied_from"), pk=activity_pk, ticket=ticket
    )
    return ticket, activity


def _dialog(request, partial, context, status=200):
    return render(request, f"{TEMPLATE}#{partial}", context, status=status)


def _describe(activity):
    """ "the email from Dana Smith", "the call with +44 …", "the note by Alice" """
    who = activity.contact.name if activity.contact else ""
    if activity.kind == Activity.Kind.NOTE:
        return "this note"
    if activity.kind == Activity.Kind.CALL:
        return f"the call with {activity.recipient}" if activity.recipient else "this call"
    kind = activity.get_kind_display() if activity.kind == Activity.Kind.SMS else activity.get_kind_display().lower()
    if activity.direction == Activity.Direction.INBOUND and who:
        return f"the {kind} from {who}"
    if activity.direction == Activity.Direction.OUTBOUND and (who or activity.recipient):
        return f"the {kind} to {who or activity.recipient}"
    return f"this {kind}"


def _base_context(ticket, activity, **extra):
    return {"ticket": ticket, "activity": activity, "described": _describe(activity), **extra}


# --- comment ---------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def activity_comment(request, pk, activity_pk):
    """An internal note that quotes and links the activity (D6, with D5's rules)."""
    ticket, activity = _activity(request, pk, activity_pk)
    if not request.htmx:
        return HttpResponseRedirect(ticket.get_absolute_url())
    context = _base_context(ticket, activity, quote=quote_of(activity), body="", error=None)
    if request.method == "GET":
        return _dialog(request, "comment-form", context)
    body = request.POST.get("body", "")
    try:
        actions.comment_on_activity(activity, request.user, body)
    except TicketRuleError as error:
        return _dialog(request, "comment-form", {**context, "body": body, "error": error}, status=422)
    messages.success(request, "Comment added.")
    return render_parts(request, *refreshed_lists(request, ticket))


# --- child ticket -------------------------------------------------------------------------------

def _child_title(ticket, activity):
    if activity.kind == Activity.Kind.EMAIL and activity.subject:
        return activity.subject[:200]
    return f"Follow-up of {ticket.reference}: {ticket.title}"[:200]


@require_http_methods(["GET", "POST"])
def activity_child(request, pk, activity_pk):
    """A new ticket made from the activity, linked as this ticket's child; it opens when made."""
    ticket, activity = _activity(request, pk, activity_pk)
    if not request.htmx:
        return HttpResponseRedirect(ticket.get_absolute_url())
    context = _base_context(ticket, activity, title=_child_title(ticket, activity), error=None)
    if request.method == "GET":
        return _dialog(request, "child-form", context)
    title = request.POST.get("title", "")
    try:
        child = actions.create_child_ticket(activity, request.user, title=title)
    except TicketRuleError as error:
        return _dialog(request, "child-form", {**context, "title": title, "error": error}, status=422)
    messages.success(request, f"{child.reference} was made from {_describe(activity)} of {ticket.reference}.")
    return HttpResponseClientRedirect(child.get_absolute_url())


# --- move -----------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def activity_move(request, pk, activity_pk):
    """Move the activity to another ticket, found by reference or title; logged on both (D6)."""
    ticket, activity = _activity(request, pk, activity_pk)
    if not request.htmx:
        return HttpResponseRedirect(ticket.get_absolute_url())
    context = _base_context(ticket, activity, query="", error=None)
    if request.method == "GET":
        return _dialog(request, "move-form", context)
    typed = (request.POST.get("target") or request.POST.get("q") or "").strip()[:200]
    target_pk = parse_reference(typed)
    target = Ticket.objects.filter(pk=target_pk).first() if target_pk is not None else None
    error = None
    if target is None:
        error = TicketRuleError(
            f"No ticket {typed} exists." if target_pk is not None else "Pick a ticket from the search results.",
            field="target",
        )
    else:
        try:
            actions.move_activity(activity, request.user, get_ticket_for_user(request.user, target.pk))
        except TicketRuleError as refused:
            error = refused
    if error is not None:
        return _dialog(request, "move-form", {**context, "query": typed, "error": error}, status=422)
    messages.success(request, f"Moved {_describe(activity)} to {target.reference}.")
    return render_parts(request, *refreshed_lists(request, ticket))


@require_GET
@vary_on_headers("HX-Request")
def activity_move_search(request, pk, activity_pk):
    """The options of the move dialog's search: tickets that can take the activity (not archived)."""
    ticket, activity = _activity(request, pk, activity_pk)
    query = request.GET.get("q", "").strip()[:200]
    candidates = Ticket.objects.exclude(pk=ticket.pk).filter(archived=False)
    results = search_tickets(candidates, query) if query else []
    return render(request, f"{TEMPLATE}#move-results", {"results": results, "query": query})


# --- detail and print ---------------------------------------------------------------------------

def _raw_headers(activity):
    """An inbound email's headers as they arrived (from its stored original), or None."""
    if activity.kind != Activity.Kind.EMAIL:
        return None, None
    inbound = next(iter(InboundEmail.objects.filter(activity=activity).order_by()[:1]), None)
    if inbound is None:
        return None, None
    try:
        with inbound.raw.open("rb") as handle:
            raw = handle.read()
    except (FileNotFoundError, ValueError):
        return inbound, None
    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
    return inbound, [(name, " ".join(str(value).split())) for name, value in headers.items()]


def _detail_context(ticket, activity):
    with_files([activity])
    if activity.kind != Activity.Kind.EMAIL:
        activity.files = list(Attachment.objects.filter(activity=activity).order_by("pk"))
    inbound, headers = _raw_headers(activity)
    return _base_context(
        ticket, activity,
        summary=activity_summary(activity, length=120),
        duration=duration_display(activity.call_seconds),
        inbound=inbound,
        raw_headers=headers,
        comments=list(activity.comments.select_related("author").order_by("created_at", "id")),
    )


@require_GET
def activity_detail(request, pk, activity_pk):
    """One activity in full: who, when, every address and header, its body, files and comments."""
    ticket, activity = _activity(request, pk, activity_pk)
    response = render(request, "tickets/activity_detail.html", _detail_context(ticket, activity))
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def activity_print(request, pk, activity_pk):
    """A printable page of one activity; the browser's print dialog opens once it has loaded."""
    ticket, activity = _activity(request, pk, activity_pk)
    return render(request, "tickets/activity_print.html", _detail_context(ticket, activity))
