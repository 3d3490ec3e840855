"""Customer messages the helpdesk sends by itself (SPEC D4, N3), recorded on the ticket.

`claim_substatus_notification` decides, with the ticket locked, whether the debounced customer
notification for a sub-status change is still due, and records it as a pending outbound
activity; delivery happens afterwards (notifications/customer_messages.py). The ticket's
`notified_sub_status` is bookkeeping, not a change a person made: it moves without a version bump
or history event, so nobody's open form turns stale because a message went out.
"""

from email.utils import make_msgid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from configurations.models import SubStatus
from configurations.reply_templates import render

from ..models import Activity, Ticket
from ..models.customers import phone_validator
from .guard import ticket_writes


def _render(template, ticket):
    """The sub-status's text with its placeholders filled in, by the one placeholder engine that
    reply templates use too (configurations/reply_templates.py). Nobody is writing: {agent} is the
    assigned agent. A text saved before placeholders were checked is sent as well as it can be."""
    return render(template or "Your request {reference} is now: {status}.", ticket, None, strict=False)


def _recipient_problem(recipient, sms):
    """Why a message cannot go to this phone number or address, or None."""
    if not recipient:
        return "Not sent: the customer has no phone number." if sms else "Not sent: the customer has no email address."
    try:
        (phone_validator if sms else validate_email)(recipient)
    except ValidationError:
        kind = "phone number" if sms else "email address"
        return f"Not sent: “{recipient}” is not a valid {kind}."
    return None


def claim_substatus_notification(ticket_id, token, *, now=None):
    """Record the customer message for the sub-status set at `token`, if it is still due.

    Returns the pending Activity to deliver, or None when nothing is to be sent: the sub-status
    changed again since (a later task sends the final one), the customer was already told this
    sub-status (a return to the last value told, or this very task run twice), or it has no
    customer notification. A customer without the address the channel needs gets a failed
    activity, so the agent sees the message could not go out (N3).
    """
    now = now or timezone.now()
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("sub_status", "contact", "category", "assignee")
            .filter(pk=ticket_id)
            .first()
        )
        if ticket is None or ticket.sub_status_changed_at is None:
            return None
        if ticket.sub_status_changed_at.isoformat() != token:
            return None  # changed again since: the due time belongs to the later change
        # From here on this claim settles what is due for the token, whatever it decides.
        _settle(ticket, {"customer_message_due_at": None})
        sub_status = ticket.sub_status
        if sub_status is None or sub_status.notify_channel == SubStatus.NotifyChannel.NONE:
            return None
        if ticket.notified_sub_status_id == sub_status.pk:
            return None
        send_key = f"substatus:{ticket.pk}:{token}"
        if Activity.objects.filter(send_key=send_key).exists():
            return None

        sms = sub_status.notify_channel == SubStatus.NotifyChannel.SMS
        contact = ticket.contact
        recipient = ((contact.phone if sms else contact.email) if contact else "") or ""
        activity = Activity(
            ticket=ticket,
            kind=Activity.Kind.SMS if sms else Activity.Kind.EMAIL,
            direction=Activity.Direction.OUTBOUND,
            contact=contact,
            subject="" if sms else f"Update on your request {ticket.reference}: {sub_status.name}",
            body=_render(sub_status.notify_text, ticket),
            recipient=recipient,
            send_key=send_key,
            created_at=now,
            delivery_state=Activity.Delivery.PENDING,
            next_attempt_at=now,
        )
        if not sms:
            activity.message_id = make_msgid(domain=settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "helpdesk")
        problem = _recipient_problem(recipient, sms)
        if problem:
            activity.delivery_state = Activity.Delivery.FAILED
            activity.delivery_detail = problem
            activity.next_attempt_at = None
            activity.save()
            return None
        activity.save()
        _settle(ticket, {"notified_sub_status": sub_status})
    return activity


def _settle(ticket, values):
    """Bookkeeping on the ticket row: no version bump, no event (see the module's docstring)."""
    with ticket_writes():
        Ticket.objects.filter(pk=ticket.pk).update(**values)
