"""The ticket page's views of an email: its original message, and moving it to another ticket (SPEC D6, D13)."""

from email import policy
from email.parser import BytesHeaderParser

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tickets import actions
from tickets.access import get_ticket_for_user
from tickets.models import Activity, Ticket
from tickets.models.tickets import parse_reference

from .models import InboundEmail


def _inbound(request, pk, activity_pk):
    """The stored message behind an email activity of a ticket the user may see, or 404."""
    ticket = get_ticket_for_user(request.user, pk)
    activity = get_object_or_404(Activity, pk=activity_pk, ticket=ticket, kind=Activity.Kind.EMAIL)
    inbound = next(iter(InboundEmail.objects.filter(activity=activity).order_by()[:1]), None)
    if inbound is None:
        raise Http404("This email has no stored original.")
    return ticket, activity, inbound


def _read(inbound):
    try:
        with inbound.raw.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, ValueError):
        raise Http404("The stored original of this email is missing.") from None


def email_original(request, pk, activity_pk):
    """The message's headers as they arrived, in order, with the whole message to download."""
    ticket, activity, inbound = _inbound(request, pk, activity_pk)
    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(_read(inbound))
    rows = [(name, " ".join(str(value).split())) for name, value in headers.items()]
    context = {"ticket": ticket, "activity": activity, "inbound": inbound, "headers": rows}
    response = render(request, "mail/original.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def email_original_download(request, pk, activity_pk):
    """The message exactly as it arrived, as an .eml file (never shown inline)."""
    ticket, _activity, inbound = _inbound(request, pk, activity_pk)
    response = FileResponse(
        inbound.raw.open("rb"),
        as_attachment=True,
        filename=f"{ticket.reference}-email-{inbound.pk}.eml",
        content_type="message/rfc822",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _email_on_ticket(request, pk, activity_pk):
    ticket = get_ticket_for_user(request.user, pk)
    activity = get_object_or_404(
        Activity, pk=activity_pk, ticket=ticket, kind=Activity.Kind.EMAIL, direction=Activity.Direction.INBOUND
    )
    return ticket, activity


@require_POST
def email_move(request, pk, activity_pk):
    """Move an email to the ticket chosen in the "may belong to" banner (SPEC D13), and go there."""
    ticket, activity = _email_on_ticket(request, pk, activity_pk)
    target_id = parse_reference(request.POST.get("target", ""))
    target = Ticket.objects.filter(pk=target_id).first() if target_id else None
    if target is None:
        messages.error(request, "Choose the ticket to move the email to.")
        return redirect(ticket)
    try:
        actions.move_email(activity, request.user, get_ticket_for_user(request.user, target.pk))
    except actions.TicketRuleError as error:
        messages.error(request, error.message)
        return redirect(ticket)
    messages.success(request, f"The email was moved here from {ticket.reference}.")
    return redirect(target)


@require_POST
def email_dismiss(request, pk, activity_pk):
    """Keep the email where it is and close the banner."""
    ticket, activity = _email_on_ticket(request, pk, activity_pk)
    actions.dismiss_thread_suggestion(activity, request.user)
    messages.success(request, f"The email stays on {ticket.reference}.")
    return redirect(ticket)
