"""What an agent sends or logs from a ticket besides email (SPEC D14, N3): an SMS, a call.

An SMS is recorded first, as a pending outbound activity with its own `send_key`, and delivered
after the commit by the same machinery as the sub-status messages
(notifications/customer_messages.py: the activity locked while it is sent, retries with backoff,
the sweeper for what a dead worker left, the key as the provider's idempotency key). The form
sends a token made when it was shown, so a double click or a resent post records one message.
A call is logged, never placed: number, direction, duration, outcome and a note.
"""

from django.conf import settings
from django.core.exceptions import ValidationError

from ..models import Activity, TicketEvent
from ..models.customers import phone_validator
from .background import enqueue_message_delivery
from .base import TicketRuleError, changing

Kind = TicketEvent.Kind

MAX_CALL_SECONDS = 24 * 60 * 60
CALL_NOTE_MAX_LENGTH = 2000


def _excerpt(text, length=80):
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


def clean_number(number, field):
    """A phone number as written, or TicketRuleError on the field it came from."""
    number = " ".join((number or "").split())
    if not number:
        raise TicketRuleError("Enter the phone number.", field=field)
    try:
        phone_validator(number)
    except ValidationError:
        raise TicketRuleError(f"“{number}” is not a phone number: use 6 to 20 digits, optionally starting with +.",
                              field=field) from None
    return number


def send_sms(ticket, actor, *, to, body, token=""):
    """Text the customer from the ticket: recorded as pending, delivered after the commit (D14, N3).

    Refused with a message on the field: an empty text, one longer than HELPDESK_SMS_MAX_SEGMENTS
    SMS, a number that is not one. Archived tickets are read-only (T4). A `token` already used on
    this ticket returns the message it recorded instead of a second one.
    """
    from notifications.sms import sms_length

    to = clean_number(to, "to")
    body = (body or "").strip()
    if not body:
        raise TicketRuleError("Write the text of the SMS.", field="body")
    length = sms_length(body)
    limit = settings.HELPDESK_SMS_MAX_SEGMENTS
    if length.segments > limit:
        raise TicketRuleError(
            f"This text takes {length.segments} SMS ({length.units} {length.encoding} characters); "
            f"the most one message may take is {limit}.",
            field="body",
        )
    token = "".join(char for char in (token or "") if char.isalnum() or char == "-")[:64]
    with changing(ticket, actor, Kind.SMS_SENT) as change:
        send_key = f"sms:{change.ticket.pk}:{token}" if token else None
        if send_key:
            earlier = Activity.objects.filter(send_key=send_key).first()
            if earlier is not None:
                return earlier
        activity = Activity.objects.create(
            ticket=change.ticket,
            kind=Activity.Kind.SMS,
            direction=Activity.Direction.OUTBOUND,
            author=actor,
            contact=change.ticket.contact,
            body=body,
            recipient=to,
            send_key=send_key,
            delivery_state=Activity.Delivery.PENDING,
            next_attempt_at=change.now,
            created_at=change.now,
        )
        change.record("sms", None, f"To {to}: {_excerpt(body)}")
        enqueue_message_delivery(activity)
    return activity


def parse_duration(text):
    """Seconds from "4:05", "1:02:03", "12" (minutes) or "" (not known); TicketRuleError otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    parts = text.split(":")
    problem = TicketRuleError(
        f"“{text[:20]}” is not a duration: write minutes (12), or minutes and seconds (4:05), or h:mm:ss.",
        field="duration",
    )
    if len(parts) > 3 or not all(part.isdigit() for part in parts):
        raise problem
    numbers = [int(part) for part in parts]
    if len(numbers) == 1:
        seconds = numbers[0] * 60
    else:
        if any(number >= 60 for number in numbers[1:]):
            raise problem
        seconds = numbers[-1] + numbers[-2] * 60 + (numbers[0] * 3600 if len(numbers) == 3 else 0)
    if seconds > MAX_CALL_SECONDS:
        raise TicketRuleError("A call can last at most 24 hours.", field="duration")
    return seconds


def duration_display(seconds):
    """4:05, 1:02:03; "" when not known."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def log_call(ticket, actor, *, number, direction, outcome, duration="", note=""):
    """Log a call with the customer: its number, direction, duration, outcome and a note (D14).

    `duration` is text as typed ("4:05") or seconds; a call that was not answered has no duration.
    """
    number = clean_number(number, "number")
    if direction not in (Activity.Direction.OUTBOUND, Activity.Direction.INBOUND):
        raise TicketRuleError("Choose whether you called the customer or they called you.", field="direction")
    if outcome not in Activity.CallOutcome.values:
        raise TicketRuleError("Choose how the call went.", field="outcome")
    seconds = duration if isinstance(duration, int) else parse_duration(duration)
    if seconds and outcome != Activity.CallOutcome.ANSWERED and outcome != Activity.CallOutcome.VOICEMAIL:
        raise TicketRuleError("Only an answered call (or a voicemail) has a duration.", field="duration")
    note = (note or "").strip()
    if len(note) > CALL_NOTE_MAX_LENGTH:
        raise TicketRuleError(
            f"A call's note can be at most {CALL_NOTE_MAX_LENGTH} characters; this one has {len(note)}.", field="note"
        )
    with changing(ticket, actor, Kind.CALL_LOGGED) as change:
        activity = Activity.objects.create(
            ticket=change.ticket,
            kind=Activity.Kind.CALL,
            direction=direction,
            author=actor,
            contact=change.ticket.contact,
            recipient=number,
            call_outcome=outcome,
            call_seconds=seconds,
            body=note,
            created_at=change.now,
        )
        change.record("call", None, call_summary(activity))
    return activity


def call_summary(activity):
    """ "Outgoing call to +44 20 7946 0001 · Answered · 4:05" """
    way = "Outgoing call to" if activity.direction == Activity.Direction.OUTBOUND else "Incoming call from"
    parts = [f"{way} {activity.recipient}", activity.get_call_outcome_display()]
    if activity.call_seconds is not None:
        parts.append(duration_display(activity.call_seconds))
    return " · ".join(parts)
