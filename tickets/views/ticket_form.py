"""The ticket form (SPEC D3), the quick sub-status change (D4), the panel ratio (D2) and the print view."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from configurations.models import SubStatus

from .. import actions
from ..access import can_open_source, get_ticket_for_user
from ..forms import TicketForm
from ..history import with_change_rows
from ..models import Ticket, UserPreference
from ..open_tabs import preference_for
from ..parts import render_parts
from ..parts.header import HEADER, header_context
from ..queries import DETAIL_RELATED

FORM = "tickets/detail/form.html"

def _ticket(request, pk):
    return get_ticket_for_user(request.user, pk, Ticket.objects.select_related(*DETAIL_RELATED))


def _form_response(request, ticket, form, *, editing, status=200, conflict=None):
    parts = [(FORM, {"ticket": ticket, "form": form, "editing": editing, "conflict": conflict})]
    if status == 200 and not editing:
        # The header (title, status, flow, assignee) shows what was just saved.
        parts.append((HEADER, header_context(ticket, oob=True)))
    return render_parts(request, *parts, status=status)


def ticket_form(request, pk):
    """GET: the form, read-only or (with ?edit=1) editable. POST: save it through update_ticket."""
    ticket = _ticket(request, pk)
    if request.method != "POST":
        editing = request.GET.get("edit") == "1" and not ticket.archived
        return _form_response(request, ticket, TicketForm(ticket=ticket), editing=editing)
    if ticket.archived:
        messages.error(request, f"{ticket.reference} is archived and can't be changed. Unarchive it first.")
        return _form_response(request, ticket, TicketForm(ticket=ticket), editing=False, status=409)
    form = TicketForm(request.POST, ticket=ticket)
    if not form.is_valid():
        return _form_response(request, ticket, form, editing=True, status=422)
    fields, custom_values = form.changes()
    follow, unfollow = form.follower_changes()
    if not fields and not custom_values and not follow and not unfollow:
        messages.info(request, "Nothing to save: no field was changed.")
        return _form_response(request, ticket, TicketForm(ticket=ticket), editing=False)
    try:
        saved = actions.update_ticket(
            ticket, request.user, version=form.cleaned_data["version"], custom_values=custom_values,
            follow=follow, unfollow=unfollow, **fields,
        )
    except actions.TicketConflict as conflict:
        # No lost update: the person's input stays in the form, with who changed what meanwhile.
        return _form_response(request, ticket, form, editing=True, status=409, conflict=conflict.message)
    except actions.TicketRuleError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _form_response(request, ticket, form, editing=True, status=422)
    messages.success(request, f"{saved.reference} saved.")
    saved = _ticket(request, pk)
    return _form_response(request, saved, TicketForm(ticket=saved), editing=False)


def _customer_notice(ticket, sub_status):
    """What the snackbar says about the customer message a sub-status change schedules (SPEC D4)."""
    if sub_status is None or not sub_status.notify_channel:
        return ""
    if ticket.notified_sub_status_id == sub_status.pk:
        return " The customer was already told this; nothing is sent."
    delay = settings.SUBSTATUS_NOTIFY_DELAY
    when = "1 minute" if delay == 60 else (f"{delay // 60} minutes" if delay % 60 == 0 else f"{delay} seconds")
    channel = "an SMS" if sub_status.notify_channel == "sms" else "an email"
    return f" The customer gets {channel} in {when} unless it changes again."


@require_POST
def ticket_sub_status(request, pk):
    """Set the sub-status at once and confirm with a snackbar (SPEC D4)."""
    ticket = _ticket(request, pk)
    value = request.POST.get("sub_status", "")
    sub_status = get_object_or_404(SubStatus, pk=int(value)) if value.isdigit() else None
    try:
        actions.change_sub_status(ticket, request.user, sub_status)
    except actions.TicketRuleError as error:
        messages.error(request, error.message)
        status = 409
    else:
        label = f"{sub_status.get_status_display()} · {sub_status.name}" if sub_status else "no sub-status"
        messages.success(request, f"Sub-status set to {label}.{_customer_notice(ticket, sub_status)}")
        status = 200
    ticket = _ticket(request, pk)
    return render_parts(
        request,
        (HEADER, header_context(ticket)),
        (FORM, {"ticket": ticket, "form": TicketForm(ticket=ticket), "editing": False, "oob": True}),
        status=status,
    )


@require_POST
def panel_ratio(request):
    """Keep the two panels' ratio per user (SPEC D2)."""
    ratio = request.POST.get("ratio", "")
    if ratio not in UserPreference.PanelRatio.values:
        return HttpResponse("Unknown panel ratio.", status=422)
    preference = preference_for(request)
    if preference.panel_ratio != ratio:
        preference.panel_ratio = ratio
        preference.save(update_fields=["panel_ratio"])
    return HttpResponse(status=204)


def ticket_print(request, pk):
    """A printable page of the ticket: header, details, notes and history."""
    related = Ticket.objects.select_related(*DETAIL_RELATED).prefetch_related("tags", "custom_values__field")
    ticket = get_ticket_for_user(request.user, pk, related)
    events = ticket.events.select_related("actor").order_by("created_at", "id")
    context = {
        "ticket": ticket,
        "activities": ticket.activities.select_related("author").order_by("created_at", "id"),
        "events": with_change_rows(events, hide_source=not can_open_source(request.user, ticket)),
    }
    return render(request, "tickets/ticket_print.html", context)
