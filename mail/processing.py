"""Processing a stored message: parse it, decide where it belongs, change tickets through the actions.

One message at a time, each on its own: a message that fails is kept as failed with its reason
(retryable from the admin) and never holds up the ones after it. A worker first claims the row
(a committed count of attempts, so a message that kills its worker every time is given up after
HELPDESK_MAIL_MAX_ATTEMPTS), then does all of the work in one transaction with the row locked:
a second worker with the same message waits, then finds it processed.

Where a message goes (SPEC D13, D15):
1. mail we sent ourselves (our Message-ID, our loop header, one of our mailboxes as the sender) and
   automatic mail (auto-replies, bulk) are ignored, with the reason;
2. a delivery report marks the message it reports on as bounced;
3. a reply is put on the ticket whose messages its In-Reply-To/References name (when the mailbox
   threads by headers), or the ticket named in its subject ("[T-000123]"); several matches go to
   the most recent, and the others are offered on the ticket page;
4. anything else is a new ticket, unless its sender has opened too many in the last hour.
"""

import datetime
import logging
import re
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tickets import actions
from tickets.models import Activity, Ticket

from .models import InboundEmail, Mailbox
from .parsing import parse

logger = logging.getLogger(__name__)

State = InboundEmail.State
SUBJECT_REFERENCE = re.compile(r"\[T-?(\d{1,12})\]", re.IGNORECASE)


def own_message_id_domain():
    return settings.HELPDESK_MAIL_MESSAGE_ID_DOMAIN.lower()


def make_message_id():
    """A Message-ID for mail this helpdesk sends: recognised as its own if it ever comes back."""
    return f"<helpdesk.{uuid.uuid4().hex}@{own_message_id_domain()}>"


def is_own_message_id(message_id):
    """Whether a Message-ID is one `make_message_id` wrote (the domain alone is not enough: a
    colleague's mail client may write Message-IDs on the company's own domain)."""
    local, _, domain = message_id.strip("<>").rpartition("@")
    return local.startswith("helpdesk.") and domain.lower() == own_message_id_domain()


def loop_reason(parsed):
    if parsed.loop_headers.get("X-Helpdesk-Loop"):
        return "Sent by this helpdesk (X-Helpdesk-Loop)."
    if parsed.message_id and is_own_message_id(parsed.message_id):
        return "Sent by this helpdesk (its Message-ID)."
    address = parsed.sender_address.lower()
    if address and Mailbox.objects.filter(address__iexact=address).exists():
        return f"Sent from one of this helpdesk's mailboxes ({address})."
    return ""


def tickets_for(mailbox, parsed):
    """The tickets this message answers, the most recent match first."""
    found = []
    if mailbox.header_threading and parsed.thread_ids:
        rows = (
            Activity.objects.filter(message_id__in=parsed.thread_ids[:100])
            .order_by("-created_at", "-id")
            .values_list("ticket_id", flat=True)[:50]
        )
        found = list(dict.fromkeys(rows))
    if not found:
        for match in SUBJECT_REFERENCE.finditer(parsed.subject):
            pk = int(match.group(1))
            if pk not in found:
                found.append(pk)
    if not found:
        return []
    by_pk = Ticket.objects.in_bulk(found)
    return [by_pk[pk] for pk in found if pk in by_pk]


def over_sender_limit(address, now):
    limit = settings.HELPDESK_MAIL_NEW_TICKETS_PER_SENDER_HOUR
    if not address or not limit:
        return False
    since = now - datetime.timedelta(hours=1)
    recent = InboundEmail.objects.filter(
        sender_address=address.lower(), created_ticket=True, processed_at__gte=since
    ).count()
    return recent >= limit


def _bounce(inbound, parsed):
    bounce = parsed.bounce
    if not bounce.status.startswith("failed"):
        return State.IGNORED, f"A delivery delay report ({bounce.summary or 'no details'})."
    sent = None
    if bounce.original_message_id:
        sent = (
            Activity.objects.filter(message_id=bounce.original_message_id, direction=Activity.Direction.OUTBOUND)
            .order_by("-id")
            .first()
        )
    if sent is None:
        return State.IGNORED, "A delivery report about a message this helpdesk did not send."
    actions.record_bounce(sent, bounce.summary or "undeliverable")
    inbound.ticket_id = sent.ticket_id
    return State.PROCESSED, ""


def _place(inbound, parsed, now):
    """Decide and do; returns (state, reason)."""
    reason = loop_reason(parsed)
    if reason:
        return State.IGNORED, reason
    if parsed.bounce is not None:
        return _bounce(inbound, parsed)
    if parsed.auto_reply:
        return State.IGNORED, f"Not a customer's message: {parsed.auto_reply}."
    mailbox = inbound.mailbox
    matches = tickets_for(mailbox, parsed)
    contact = actions.inbound.contact_for(parsed)
    target = matches[0] if matches else None
    if target is not None and not target.archived:
        activity = actions.add_email(target, parsed, contact=contact, candidates=[t.pk for t in matches[1:]])
    else:
        if target is None and over_sender_limit(parsed.sender_address, now):
            limit = settings.HELPDESK_MAIL_NEW_TICKETS_PER_SENDER_HOUR
            return State.IGNORED, f"{parsed.sender_address} opened {limit} tickets in the last hour already."
        _, activity = actions.create_ticket_from_email(
            parsed, contact=contact, category=mailbox.category, team=mailbox.team, linked_to=target
        )
        inbound.created_ticket = True
    inbound.ticket_id = activity.ticket_id
    inbound.activity = activity
    return State.PROCESSED, ""


SAVED_FIELDS = [
    "state", "error", "processed_at", "updated_at", "sender_address", "created_ticket", "ticket", "activity",
]


def _claim(inbound_id, now):
    """Count the attempt (committed at once); False when the message is not waiting."""
    return bool(
        InboundEmail.objects.filter(pk=inbound_id, state=State.RECEIVED).update(
            attempts=F("attempts") + 1, updated_at=now
        )
    )


def _read_raw(inbound):
    with inbound.raw.open("rb") as handle:
        return handle.read()


def process(inbound_id, *, now=None):
    """Process one stored message; returns its state. Safe to call twice, or from two workers."""
    now = now or timezone.now()
    if not _claim(inbound_id, now):
        return InboundEmail.objects.filter(pk=inbound_id).values_list("state", flat=True).first()
    try:
        with transaction.atomic():
            inbound = InboundEmail.objects.select_for_update(of=("self",)).select_related("mailbox").get(pk=inbound_id)
            if inbound.state != State.RECEIVED:
                return inbound.state
            if inbound.attempts > settings.HELPDESK_MAIL_MAX_ATTEMPTS:
                state, reason = State.FAILED, f"Processing stopped before the end {inbound.attempts - 1} times."
            else:
                parsed = parse(_read_raw(inbound))
                inbound.sender_address = parsed.sender_address.lower()[:254]
                state, reason = _place(inbound, parsed, now)
            inbound.state, inbound.error = state, reason
            inbound.processed_at = inbound.updated_at = timezone.now()
            inbound.save(update_fields=SAVED_FIELDS)
            return state
    except Exception as error:  # noqa: BLE001 - recorded on the message, which never blocks the others
        logger.exception("Inbound email %s failed", inbound_id)
        reason = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        InboundEmail.objects.filter(pk=inbound_id, state=State.RECEIVED).update(
            state=State.FAILED, error=str(reason)[:2000], updated_at=timezone.now()
        )
        return State.FAILED


def retry(inbound_ids):
    """Put failed (or ignored) messages back to be processed again ("Process again" in the admin)."""
    from .tasks import process_inbound

    ids = list(
        InboundEmail.objects.filter(pk__in=inbound_ids, state__in=[State.FAILED, State.IGNORED]).values_list(
            "pk", flat=True
        )
    )
    again = InboundEmail.objects.filter(pk__in=ids)
    again.update(state=State.RECEIVED, error="", attempts=0, updated_at=timezone.now())
    for pk in ids:
        transaction.on_commit(lambda pk=pk: process_inbound.delay(pk))
    return len(ids)


def waiting_messages(before, limit=100):
    """Messages still `received` since before `before`: their worker died or their task was lost."""
    from .tasks import process_inbound

    ids = list(
        InboundEmail.objects.filter(state=State.RECEIVED, updated_at__lt=before)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        process_inbound.delay(pk)
    return len(ids)
