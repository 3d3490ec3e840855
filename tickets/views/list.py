"""The ticket list workspace (SPEC L1–L6, L10): tabs, filters, sort, paging, new ticket, bulk actions.

The whole list state lives in the URL. A normal request renders the page; an HTMX request renders
only the list region plus out-of-band updates of the tab counts, from the same view.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from configurations.models import Status

from .. import actions
from ..access import BULK_EDIT, DELETE, has_right
from ..counts import cached_counts, store_counts
from ..display import initials, user_display
from ..filters import TicketFilterSet
from ..forms import NewTicketForm
from ..listing import ListState, compute_counts, counts_key, cursor_of, list_filters, list_queryset
from ..models import TicketView
from ..open_tabs import preference_for
from ..parts import render_parts
from ..parts.filters import filter_controls
from ..queries import TABS, keyset_page, ticket_rows

PAGE_SIZE = 50


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
    return local.isoformat(timespec="seconds"), f"{local.day} {local:%b %y %H:%M}"


def _row_urls(name):
    """A function pk -> the URL of `name` for that ticket, from one reverse() for the whole page."""
    placeholder = 987654321
    before, after = reverse(name, args=[placeholder]).split(str(placeholder))
    return lambda pk: f"{before}{pk}{after}"


def _add_display_values(rows):
    """Dates, links and the overdue flag of the rows, computed once here rather than by template tags per cell."""
    now = timezone.now()
    detail_url, peek_url = _row_urls("tickets:ticket_detail"), _row_urls("tickets:ticket_peek")
    for ticket in rows:
        ticket.detail_url, ticket.peek_url = detail_url(ticket.pk), peek_url(ticket.pk)
        ticket.created_iso, ticket.created_text = _short_time(ticket.created_at)
        agent = ticket.assignee
        if agent is not None:
            ticket.agent_name = user_display(agent)
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


@vary_on_headers("HX-Request")
def ticket_list(request):
    preference = preference_for(request)
    state, filterset, queryset = list_queryset(request.user, request.GET, preference)
    _remember(preference, state, request.GET)
    valid = filterset.is_valid()
    rows, has_previous, has_next = keyset_page(
        queryset,
        after=state.after,
        before=state.before,
        newest_first=state.newest_first,
        size=PAGE_SIZE,
        rows=ticket_rows,
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
        # Called by the template only where the panel is drawn (the choices cost queries).
        "filter_controls": lambda: filter_controls(field for field in filterset.form if field.name not in hidden),
        "filter_errors": not valid,
        "active_filters": filterset.active_count(exclude=hidden),
        "tabs": _tabs(state, cached_counts(request.user, counts_key(state))),
        # The counts request carries the whole state, so the tab links it returns keep sort and filters.
        "counts_query": state.query(after=None, before=None),
        "previous_query": state.query(before=cursor_of(rows[0])) if rows and has_previous else None,
        "next_query": state.query(after=cursor_of(rows[-1])) if rows and has_next else None,
        "page_query": state.query(
            after=state.params.get("after") or None, before=state.params.get("before") or None
        ),
        "can": {"delete": has_right(request.user, DELETE), "bulk_edit": has_right(request.user, BULK_EDIT)},
    }
    if request.htmx and not request.htmx.history_restore_request:
        if request.htmx.target == "list-main":
            # A tab switch: the filters offered depend on the tab, so the toolbar comes along.
            return render(request, "tickets/ticket_list.html#list-main", context)
        return render_parts(
            request,
            ("tickets/ticket_list.html#list-region", context),
            ("tickets/ticket_list.html#list-tabs-oob", context),
        )
    return render(request, "tickets/ticket_list.html", context)


def ticket_counts(request):
    """The tab bar with every tab's count, for the list to load when they were not cached."""
    preference = preference_for(request)
    state = ListState(request.GET, preference)
    counts = compute_counts(request.user, state, list_filters(state))
    store_counts(request.user, counts_key(state), counts)
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


@require_POST
def ticket_bulk(request):
    """Apply one action to the selected tickets in one transaction (archive, unarchive, delete)."""
    name = request.POST.get("action", "")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("tickets:ticket_list")
    if name not in actions.BULK_ACTIONS:
        messages.error(request, "Choose what to do with the selected tickets.")
        return HttpResponseRedirect(back)
    ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
    try:
        count = actions.bulk_apply(request.user, name, ids)
    except actions.TicketRuleError as error:
        messages.error(request, f"Nothing was changed: {error.message}")
    else:
        if count:
            verb = actions.BULK_ACTIONS[name][0]
            messages.success(request, f"{count} ticket{'s' if count != 1 else ''} {verb}.")
        else:
            messages.error(request, "Select at least one ticket first.")
    return HttpResponseRedirect(back)
