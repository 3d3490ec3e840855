"""The ticket list workspace (SPEC L1–L6, L10): tabs, filters, sort, paging, new ticket, bulk actions.

The whole list state lives in the URL. A normal request renders the page; an HTMX request renders
only the list region plus out-of-band updates of the tab counts, from the same view.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from configurations.models import Status

from .. import actions
from ..counts import bounded_count, cached_counts, store_counts
from ..filters import TicketFilterSet
from ..forms import NewTicketForm
from ..models import Ticket, TicketView
from ..open_tabs import preference_for
from ..queries import (
    TAB_KEYS,
    TABS,
    hide_completed,
    keyset_page,
    list_ordering,
    tab_queryset,
    ticket_rows,
)
from ..templatetags.people import initials

PAGE_SIZE = 50
STATE_KEYS = {"tab", "sort", "completed", "after", "before", "view", "scheme"}


def parse_cursor(value):
    """A keyset cursor "<iso created_at>_<id>" from the URL, or None when absent or malformed."""
    created, _, pk = (value or "").rpartition("_")
    moment = parse_datetime(created) if created else None
    if moment is None or not pk.isdigit():
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment, int(pk)


def cursor_of(ticket):
    return f"{ticket.created_at.isoformat()}_{ticket.pk}"


class ListState:
    """Tab, sort, completed toggle, filters and cursor, read from the URL (SPEC L5).

    Sort and the completed toggle fall back to the user's preference when the URL does not say;
    links built by the page always carry them, so a copied link shows the same list to anyone.
    """

    def __init__(self, params, preference):
        self.params = params
        tab = params.get("tab", "")
        self.tab = tab if tab in TAB_KEYS else "mine"
        sort = params.get("sort", "")
        self.sort = sort if sort in ("newest", "oldest") else preference.sort_order
        # The toggle is a checkbox: absent from a submitted form (which always carries the tab) means off.
        self.completed_given = params.get("completed") in ("0", "1") or "tab" in params
        self.show_completed = params.get("completed") == "1" if self.completed_given else preference.show_completed
        self.after = parse_cursor(params.get("after"))
        self.before = None if self.after else parse_cursor(params.get("before"))
        self.filter_data = params.copy()
        # A tab ignores the filters it does not offer (SPEC L4), e.g. the assigned agent on My Tickets.
        for key in STATE_KEYS | TicketFilterSet.NOT_ON_TAB.get(self.tab, set()):
            self.filter_data.pop(key, None)

    @property
    def newest_first(self):
        return self.sort == "newest"

    def query(self, **changes):
        """The URL query for this state with some parts changed; cursors are dropped unless given."""
        query = QueryDict(mutable=True)
        query.setlist("tab", [self.tab])
        query.setlist("sort", [self.sort])
        query.setlist("completed", ["1" if self.show_completed else "0"])
        for key in self.filter_data:
            values = [value for value in self.filter_data.getlist(key) if value.strip()]
            if values:
                query.setlist(key, values)
        for key in ("view", "scheme"):
            if self.params.get(key):
                query.setlist(key, [self.params[key]])
        for key, value in changes.items():
            if value is None:
                query.pop(key, None)
            else:
                query.setlist(key, [value])
        return query.urlencode()


def _remember(preference, state, params):
    """Keep the sort order and the completed toggle the user chose (SPEC L3), across tabs and sign-ins."""
    changed = []
    if params.get("sort") in ("newest", "oldest") and preference.sort_order != state.sort:
        preference.sort_order = state.sort
        changed.append("sort_order")
    if state.completed_given and preference.show_completed != state.show_completed:
        preference.show_completed = state.show_completed
        changed.append("show_completed")
    if changed:
        preference.save(update_fields=changed)


def _short_time(moment):
    local = timezone.localtime(moment)
    return local.isoformat(), f"{local.day} {local:%b %y %H:%M}"


def _add_display_values(rows):
    """Dates and the overdue flag for the rows, computed once here rather than by template filters per cell."""
    now = timezone.now()
    for ticket in rows:
        ticket.created_iso, ticket.created_text = _short_time(ticket.created_at)
        agent = ticket.assignee
        if agent is not None:
            ticket.agent_name = agent.get_full_name() or agent.get_username()
            ticket.agent_initials = initials(agent)
            ticket.agent_colour = agent.pk % 10
        if ticket.deadline:
            ticket.deadline_iso, ticket.deadline_text = _short_time(ticket.deadline)
            ticket.overdue = ticket.deadline <= now and ticket.status != Status.RESOLVED


def _tabs(state, counts=None):
    """The five tabs with their links, and their counts when known (else the page loads them)."""
    return [
        {
            "key": key,
            "label": label,
            "count": counts.get(key) if counts else None,
            "query": state.query(tab=key),
            "active": key == state.tab,
        }
        for key, label, _ in TABS
    ]


def _filters(state):
    """One FilterSet for every tab: validated once, then applied per tab minus what a tab lacks."""
    return TicketFilterSet(state.filter_data, queryset=Ticket.objects.none(), tab="all")


def _counts_key(state):
    """What the counts depend on (the filters and the toggle, not the tab, sort or page): their cache key."""
    return state.query(tab="all", after=None, before=None, sort="newest")


def compute_counts(user, state, filterset):
    valid = filterset.is_valid()
    counts = {}
    for key, _, _ in TABS:
        queryset = hide_completed(tab_queryset(key, user), key, state.show_completed)
        if valid:
            queryset = filterset.filter_for_tab(queryset, key)
        counts[key] = bounded_count(queryset)
    return counts


def list_queryset(user, params, preference):
    """The list's state, its filters and the tickets it shows, in the list's order (SPEC L1–L5, L11).

    The one place that turns a list query into tickets: the list pages through this queryset and
    the export streams all of it, so an export always holds exactly the rows the list shows.
    Invalid filters show nothing (the page says why); callers check `filterset.is_valid()`.
    """
    state = ListState(params, preference)
    filterset = _filters(state)
    base = hide_completed(tab_queryset(state.tab, user), state.tab, state.show_completed)
    queryset = filterset.filter_for_tab(base, state.tab) if filterset.is_valid() else base.none()
    return state, filterset, queryset.order_by(*list_ordering(state.newest_first))


@vary_on_headers("HX-Request")
def ticket_list(request):
    preference = preference_for(request)
    state, filterset, queryset = list_queryset(request.user, request.GET, preference)
    _remember(preference, state, request.GET)
    valid = filterset.is_valid()
    rows, has_previous, has_next = keyset_page(
        ticket_rows(queryset),
        after=state.after,
        before=state.before,
        newest_first=state.newest_first,
        size=PAGE_SIZE,
    )
    _add_display_values(rows)
    hidden = TicketFilterSet.NOT_ON_TAB.get(state.tab, set())
    view_id = state.params.get("view", "")
    context = {
        "state": state,
        "active_view": (
            TicketView.objects.visible_to(request.user).filter(pk=int(view_id), is_folder=False).first()
            if view_id.isdigit()
            else None
        ),
        "tickets": rows,
        "filter": filterset,
        "filter_fields": [field for field in filterset.form if field.name not in hidden],
        "filter_errors": not valid,
        "active_filters": filterset.active_count(exclude=hidden),
        "tabs": _tabs(state, cached_counts(request.user, _counts_key(state))),
        # The counts request carries the whole state, so the tab links it returns keep sort and filters.
        "counts_query": state.query(after=None, before=None),
        "previous_query": state.query(before=cursor_of(rows[0])) if rows and has_previous else None,
        "next_query": state.query(after=cursor_of(rows[-1])) if rows and has_next else None,
        "page_query": state.query(
            after=state.params.get("after") or None, before=state.params.get("before") or None
        ),
        "can": {"delete": request.user.has_perm("tickets.delete_ticket")},
    }
    if request.htmx and not request.htmx.history_restore_request:
        if request.htmx.target == "list-main":
            # A tab switch: the filters offered depend on the tab, so the toolbar comes along.
            return render(request, "tickets/ticket_list.html#list-main", context)
        list_region = render_to_string("tickets/ticket_list.html#list-region", context, request)
        tab_counts = render_to_string("tickets/ticket_list.html#list-tabs-oob", context, request)
        return HttpResponse(list_region + tab_counts)
    return render(request, "tickets/ticket_list.html", context)


def ticket_counts(request):
    """The tab bar with every tab's count, for the list to load when they were not cached."""
    preference = preference_for(request)
    state = ListState(request.GET, preference)
    counts = compute_counts(request.user, state, _filters(state))
    store_counts(request.user, _counts_key(state), counts)
    return render(request, "tickets/ticket_list.html#list-tabs", {"tabs": _tabs(state, counts), "state": state})


def ticket_create(request):
    """New ticket (SPEC L10): the form, created through the action, with messages where input was entered."""
    if request.method == "POST":
        form = NewTicketForm(request.POST)
        if form.is_valid():
            try:
                ticket = actions.create_ticket(request.user, **form.action_fields())
            except actions.TicketRuleError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, f"{ticket.reference} created.")
                if request.htmx:
                    return HttpResponseClientRedirect(ticket.get_absolute_url())
                return HttpResponseRedirect(ticket.get_absolute_url())
        template = "tickets/ticket_new.html#new-ticket-form" if request.htmx else "tickets/ticket_new.html"
        return render(request, template, {"form": form}, status=422)
    template = "tickets/ticket_new.html#new-ticket-form" if request.htmx else "tickets/ticket_new.html"
    return render(request, template, {"form": NewTicketForm()})


BULK_ACTIONS = {
    "archive": ("archived", actions.archive),
    "unarchive": ("unarchived", actions.unarchive),
    "delete": ("deleted", actions.delete_ticket),
}


@require_POST
def ticket_bulk(request):
    """Apply one action to the selected tickets in one transaction (archive, unarchive, delete)."""
    name = request.POST.get("action", "")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("tickets:ticket_list")
    if name not in BULK_ACTIONS:
        messages.error(request, "Choose what to do with the selected tickets.")
        return HttpResponseRedirect(back or reverse("tickets:ticket_list"))
    if name == "delete" and not request.user.has_perm("tickets.delete_ticket"):
        raise PermissionDenied
    ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()][:500]
    tickets = list(Ticket.objects.filter(pk__in=ids).order_by("pk"))
    if not tickets:
        messages.error(request, "Select at least one ticket first.")
        return HttpResponseRedirect(back or reverse("tickets:ticket_list"))
    verb, action = BULK_ACTIONS[name]
    try:
        with transaction.atomic():
            for ticket in tickets:
                action(ticket, request.user)
    except actions.TicketRuleError as error:
        messages.error(request, f"Nothing was changed: {error.message}")
    else:
        count = len(tickets)
        messages.success(request, f"{count} ticket{'s' if count != 1 else ''} {verb}.")
    return HttpResponseRedirect(back or reverse("tickets:ticket_list"))
