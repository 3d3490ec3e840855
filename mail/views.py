"""The ticket page's views of an email: its original message (SPEC D6, D13)."""

from email import policy
from email.parser import BytesHeaderParser

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from tickets.access import get_ticket_for_user
from tickets.models import Activity

from .models import InboundEmail


def _inbound(request, pk, activity_pk):
    """The stored message behind an email activity of a ticket the user may see, or 404."""
    ticket = get_ticket_for_user(request.user, pk)
    activity = get_object_or_404(Activity, pk=activity_pk, ticket=ticket, kind=Activity.Kind.EMAIL)
    inbound = InboundEmail.objects.filter(activity=activity).first()
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
