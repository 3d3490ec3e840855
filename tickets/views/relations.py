"""Tags, linked tickets and archiving on the ticket page (SPEC T4, T5, T6, D8).

Thin views: fetch the ticket through the access helper, call the action, render the card again.
An HTMX request gets the card (422 with the message inside it when a rule refuses the change); a
plain form post is redirected back to the ticket page with the message as a toast.
"""

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from configurations.models import Tag

from .. import actions
from ..access import get_ticket_for_user
from ..actions import TicketRuleError
from ..models import Ticket, TicketLink
from ..models.tickets import parse_reference
from ..parts.relations import LINK_RESULTS, LINKS_CARD, TAGS_CARD, links_context, tags_context

SEARCH_LIMIT = 10
MIN_TITLE_QUERY = 2


def _ticket(request, pk):
    return get_ticket_for_user(request.user, pk, Ticket.objects.prefetch_related("tags"))


def _card(request, ticket, template, context_for, *, error=None, **extra):
    """The card after a change; a refused change comes back as 422 with its message inside."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        return HttpResponseRedirect(ticket.get_absolute_url())
    fresh = _ticket(request, ticket.pk)
    response = render(request, template, context_for(fresh, error=error, **extra))
    if error:
        response.status_code = 422
    return response


def _int(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


# --- tags (T5) ------------------------------------------------------------------------------------

@require_POST
def tag_add(request, pk):
    ticket = _ticket(request, pk)
    tag = Tag.objects.filter(pk=_int(request.POST.get("tag"))).first()
    if tag is None:
        return _card(request, ticket, TAGS_CARD, tags_context, error="Pick a tag from the list.")
    try:
        actions.add_tag(ticket, request.user, tag)
    except TicketRuleError as refused:
        return _card(request, ticket, TAGS_CARD, tags_context, error=refused.message)
    return _card(request, ticket, TAGS_CARD, tags_context)


@require_POST
def tag_remove(request, pk, tag_pk):
    ticket = _ticket(request, pk)
    tag = Tag.objects.filter(pk=tag_pk).first()
    if tag is not None:  # a tag deleted meanwhile is already gone from the ticket
        try:
            actions.remove_tag(ticket, request.user, tag)
        except TicketRuleError as refused:
            return _card(request, ticket, TAGS_CARD, tags_context, error=refused.message)
    return _card(request, ticket, TAGS_CARD, tags_context)


# --- linked tickets (T6, D8) ----------------------------------------------------------------------

def search_link_candidates(ticket, text):
    """Up to ten tickets to link: by reference ("T-000123", "#123", "123"), else by title words.

    Every ticket counts, archived ones included (T6); newest first; never the ticket itself or one
    it is already linked to.
    """
    linked = TicketLink.objects.filter(from_ticket=ticket).values("to_ticket_id")
    return search_tickets(Ticket.objects.exclude(pk=ticket.pk).exclude(pk__in=linked), text)


def search_tickets(candidates, text):
    """Up to ten of `candidates`: by reference ("T-000123", "#123", "123"), else by title words; newest first."""
    text = (text or "").strip()
    reference = parse_reference(text)
    if reference is not None:
        found = list(candidates.filter(pk=reference).only("title", "status", "archived"))
        if found or not text.isdigit():
            return found
        # A bare number that is no ticket may still be part of a title ("order 1001").
    words = text.split()
    if not words or len(text) < MIN_TITLE_QUERY:
        return []
    condition = Q()
    for word in words[:6]:
        condition &= Q(title__icontains=word)
    return list(
        candidates.filter(condition).only("title", "status", "archived").order_by("-created_at", "-id")[:SEARCH_LIMIT]
    )


@require_GET
@vary_on_headers("HX-Request")
def link_search(request, pk):
    """The options of the "Link ticket" search box (an HTML fragment of listbox options)."""
    ticket = _ticket(request, pk)
    query = request.GET.get("q", "").strip()[:200]
    results = search_link_candidates(ticket, query) if query else []
    return render(request, LINK_RESULTS, {"ticket": ticket, "results": results, "query": query})


@require_POST
def link_add(request, pk):
    """Link the picked ticket; `other` is its id, or a typed reference such as T-000123."""
    ticket = _ticket(request, pk)
    typed = (request.POST.get("other") or request.POST.get("q") or "").strip()[:200]
    other_pk = parse_reference(typed)
    other = Ticket.objects.filter(pk=other_pk).first() if other_pk is not None else None
    if other is None:
        error = f"No ticket {typed} exists." if other_pk is not None else "Pick a ticket from the search results."
        return _card(request, ticket, LINKS_CARD, links_context, error=error, query=typed)
    other = get_ticket_for_user(request.user, other.pk)
    try:
        actions.link_tickets(ticket, request.user, other)
    except TicketRuleError as refused:
        return _card(request, ticket, LINKS_CARD, links_context, error=refused.message, query=typed)
    return _card(request, ticket, LINKS_CARD, links_context)


@require_POST
def link_remove(request, pk, other_pk):
    ticket = _ticket(request, pk)
    other = Ticket.objects.filter(pk=other_pk).first()
    if other is not None:
        try:
            actions.unlink_tickets(ticket, request.user, other)
        except TicketRuleError as refused:
            return _card(request, ticket, LINKS_CARD, links_context, error=refused.message)
    return _card(request, ticket, LINKS_CARD, links_context)


# --- archiving (T4) -------------------------------------------------------------------------------

@require_POST
def ticket_archive(request, pk):
    """Archive the ticket; the whole page reloads, since every editable control on it changes."""
    ticket = _ticket(request, pk)
    try:
        actions.archive(ticket, request.user)
    except TicketRuleError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"{ticket.reference} archived. It is read-only until someone unarchives it.")
    return HttpResponseRedirect(ticket.get_absolute_url())


@require_POST
def ticket_unarchive(request, pk):
    ticket = _ticket(request, pk)
    try:
        actions.unarchive(ticket, request.user)
    except TicketRuleError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"{ticket.reference} unarchived, back as {ticket.get_status_display()}.")
    return HttpResponseRedirect(ticket.get_absolute_url())
