"""Texting the customer and logging calls from the Activities tab (SPEC D14).

Each form is fetched when the agent picks it from the compose menu (so the ticket page costs no
query for it), posts to the same URL, and comes back: with its messages where the input was
(422, nothing saved), or emptied, with the Activities and History lists refreshed out of band.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from django_htmx.http import reswap

from configurations.reply_templates import PlaceholderError, templates_for
from configurations.reply_templates import render as render_placeholders
from notifications.sms import sms_length

from .. import actions
from ..access import get_ticket_for_user
from ..actions import TicketRuleError
from ..actions.conversations import CALL_NOTE_MAX_LENGTH
from ..models import Activity, Ticket
from ..parts import render_parts
from ..parts.activities import activities_context
from ..parts.history import TEMPLATE as HISTORY_TEMPLATE
from ..parts.history import history_context
from ..queries import DETAIL_RELATED

TEMPLATE = "tickets/detail/compose.html"
ACTIVITIES_OOB = "tickets/detail/compose.html#activity-list-oob"


def _ticket(request, pk):
    return get_ticket_for_user(request.user, pk, Ticket.objects.select_related(*DETAIL_RELATED))


def refreshed_lists(request, ticket):
    """The Activities and History lists as out-of-band parts, after something was added (SPEC X1)."""
    merged = (request.POST.get("activities") or request.GET.get("activities")) == "1"
    return (
        (ACTIVITIES_OOB, activities_context(request, ticket)),
        (f"{HISTORY_TEMPLATE}#history-list-oob", history_context(request, ticket, with_activities=merged)),
    )


def _sms_templates(ticket, agent):
    """The SMS templates offered on this ticket, each with its text filled in for it."""
    offered = []
    for template in templates_for(ticket, "sms"):
        try:
            offered.append({"name": template.name, "body": render_placeholders(template.body, ticket, agent)})
        except PlaceholderError:
            continue  # saved before a rule it breaks; the team leader sees it when editing it
    return offered


def _sms_context(request, ticket, *, to=None, body="", token=None, error=None):
    contact = ticket.contact
    length = sms_length(body)
    return {
        "ticket": ticket,
        "to": (contact.phone if contact else "") if to is None else to,
        "body": body,
        "token": token or uuid.uuid4().hex,
        "templates": _sms_templates(ticket, request.user),
        "length": length,
        "max_segments": settings.HELPDESK_SMS_MAX_SEGMENTS,
        "error": error,
    }


def _closed(request, ticket):
    messages.error(request, f"{ticket.reference} is archived and can't be changed. Unarchive it first.")
    return reswap(render(request, f"{TEMPLATE}#compose-closed", {"ticket": ticket}, status=422), "innerHTML")


@require_http_methods(["GET", "POST"])
def sms_compose(request, pk):
    """The SMS form (GET) and sending it (POST): to the contact's number, through the SMS backend."""
    ticket = _ticket(request, pk)
    if not request.htmx:
        return HttpResponseRedirect(ticket.get_absolute_url())
    if ticket.archived:
        return _closed(request, ticket)
    if request.method == "GET":
        return render(request, f"{TEMPLATE}#sms-form", _sms_context(request, ticket))
    to, body, token = request.POST.get("to", ""), request.POST.get("body", ""), request.POST.get("token", "")
    try:
        activity = actions.send_sms(ticket, request.user, to=to, body=body, token=token)
    except TicketRuleError as error:
        context = _sms_context(request, ticket, to=to, body=body, token=token, error=error)
        return render(request, f"{TEMPLATE}#sms-form", context, status=422)
    messages.success(request, f"SMS to {activity.recipient} is on its way.")
    return render_parts(request, *refreshed_lists(request, ticket))


def _call_context(ticket, data=None, error=None):
    contact = ticket.contact
    data = data or {}
    return {
        "ticket": ticket,
        "number": data.get("number", contact.phone if contact else ""),
        "direction": data.get("direction", Activity.Direction.OUTBOUND),
        "outcome": data.get("outcome", Activity.CallOutcome.ANSWERED),
        "duration": data.get("duration", ""),
        "note": data.get("note", ""),
        "outcomes": Activity.CallOutcome.choices,
        "note_max_length": CALL_NOTE_MAX_LENGTH,
        "error": error,
    }


@require_http_methods(["GET", "POST"])
def call_log(request, pk):
    """The call form (GET) and logging the call (POST): number, direction, duration, outcome, note."""
    ticket = _ticket(request, pk)
    if not request.htmx:
        return HttpResponseRedirect(ticket.get_absolute_url())
    if ticket.archived:
        return _closed(request, ticket)
    if request.method == "GET":
        return render(request, f"{TEMPLATE}#call-form", _call_context(ticket))
    data = {name: request.POST.get(name, "") for name in ("number", "direction", "outcome", "duration", "note")}
    try:
        actions.log_call(ticket, request.user, **data)
    except TicketRuleError as error:
        return render(request, f"{TEMPLATE}#call-form", _call_context(ticket, data, error), status=422)
    messages.success(request, "Call logged.")
    return render_parts(request, *refreshed_lists(request, ticket))
