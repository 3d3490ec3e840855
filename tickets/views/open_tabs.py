"""Open ticket tabs and the peek side panel (SPEC L9).

A ticket opens in place (its page, which adds it as a tab), in a new browser tab (its external-link
icon; the visit adds the tab too), or as a peek: a compact panel beside the list that leaves the
list, its URL and its scroll position alone, and does not add a tab.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from .. import open_tabs
from ..access import get_ticket_for_user
from ..models import Ticket
from ..parts.workspace import OPEN_TABS_TEMPLATE, bar_context

BAR_PARTIAL = OPEN_TABS_TEMPLATE + "#open-tabs"
PEEK_ACTIVITIES = 5


def note_ticket_visit(request, ticket):
    """The ticket page was visited: keep the ticket as a tab, or say why it could not be kept.

    It also notes the version seen, so the tab shows no "changed" dot until someone else changes
    the ticket again (SPEC X1). The common case costs one read of the preference row, and one
    conditional update of the visit.
    """
    open_tabs.mark_seen(request.user, ticket)
    preference = open_tabs.preference_for(request)
    if ticket.pk in open_tabs.open_ids(preference):
        return
    result = open_tabs.open_ticket(request.user, ticket)
    request._helpdesk_preference = result.preference
    if result.refused:
        messages.warning(request, open_tabs.limit_message(ticket))


@require_GET
@vary_on_headers("HX-Request")
def ticket_peek(request, pk):
    """The compact ticket panel for the list's peek button (an HTMX fragment)."""
    if not request.htmx:
        # The fragment is not a page: a peek link opened on its own shows the ticket itself.
        return HttpResponseRedirect(reverse("tickets:ticket_detail", args=[pk]))
    queryset = Ticket.objects.select_related(
        "assignee", "team", "sub_status", "ticket_type", "category", "contact"
    ).prefetch_related("tags")
    try:
        ticket = get_ticket_for_user(request.user, pk, queryset)
    except Http404:
        text = "That ticket no longer exists. It may have been merged or deleted."
        return _htmx_message(HttpResponseNotFound(text, content_type="text/plain"), text, "warning")
    activities = ticket.activities.select_related("author").order_by("-created_at", "-id")[:PEEK_ACTIVITIES]
    open_tabs.mark_seen(request.user, ticket)
    context = {"ticket": ticket, "activities": activities, "presence_heartbeat": settings.HELPDESK_PRESENCE_HEARTBEAT}
    return render(request, "tickets/peek.html", context)


@require_POST
def open_tab_add(request, pk):
    """Keep a ticket as a tab without going to it; the 11th is refused (409 for HTMX)."""
    ticket = get_ticket_for_user(request.user, pk)
    result = open_tabs.open_ticket(request.user, ticket)
    request._helpdesk_preference = result.preference
    if result.refused:
        text = open_tabs.limit_message(ticket)
        if request.htmx:
            return _htmx_message(HttpResponse(text, status=409, content_type="text/plain"), text, "warning")
        messages.warning(request, text)
        return HttpResponseRedirect(_back(request))
    if request.htmx:
        return _bar(request, _current(request))
    return HttpResponseRedirect(ticket.get_absolute_url())


@require_POST
def open_tab_close(request, pk):
    """Close a tab. Closing the ticket you are on takes you to the next tab, else to the list."""
    current = _current(request)
    preference, neighbour = open_tabs.close_ticket(request.user, pk)
    request._helpdesk_preference = preference
    if current == pk:
        destination = (
            reverse("tickets:ticket_detail", args=[neighbour]) if neighbour else reverse("tickets:ticket_list")
        )
        return HttpResponseClientRedirect(destination) if request.htmx else HttpResponseRedirect(destination)
    if request.htmx:
        return _bar(request, current)
    return HttpResponseRedirect(_back(request))


@require_POST
def open_tabs_reorder(request):
    """Save the tab order after a drag and drop: `order` holds the ticket ids, left to right."""
    try:
        ids = [int(value) for value in request.POST.getlist("order")]
    except ValueError:
        return HttpResponseBadRequest("order must be ticket ids")
    open_tabs.reorder(request.user, ids[: open_tabs.MAX_OPEN_TICKETS * 2])
    return HttpResponse(status=204)


def _bar(request, current):
    back = _back(request)
    return render(request, BAR_PARTIAL, bar_context(request, active_id=current, back_url=back))


def _current(request):
    """The ticket whose page the request came from (posted by the tab bar), or None."""
    value = request.POST.get("current", "")
    return int(value) if value.isdigit() else None


def _back(request):
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    current = _current(request)
    return reverse("tickets:ticket_detail", args=[current]) if current else reverse("tickets:ticket_list")


def _htmx_message(response, text, level):
    # The toast for an HTMX request comes through HX-Trigger (static/js/app.js shows it), because
    # no page is rendered that could carry a Django message.
    response["HX-Trigger"] = json.dumps({"messages": [{"message": text, "level": level}]})
    return response
