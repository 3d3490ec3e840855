"""Email an agent sends from the ticket (SPEC D14, B2, N3): recorded first, delivered afterwards.

`send_email` writes the outbound email activity (pending, with its Message-ID, In-Reply-To and
References, its files) in one locked change with its history event; after the commit the delivery
task is enqueued with a countdown of HELPDESK_SEND_UNDO_SECONDS, and `next_attempt_at` (the end
of the undo window) keeps any worker, or the sweeper, from sending it earlier
(notifications/customer_messages.py). Until then `undo_email` takes it back: the activity goes,
its files go back to the caller (mail/outgoing.py puts them in the draft again), and the history
says the sending was undone. Drafts, mailboxes and the editor live in the mail app; this module
only changes the ticket.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile

from ..models import Activity, Attachment, TicketEvent
from .background import enqueue_message_delivery
from .base import TicketRuleError, changing

Kind = TicketEvent.Kind


@dataclass
class OutgoingEmail:
    """What is sent: addresses already checked, HTML already sanitised, the text part beside it."""

    sender: str
    to: list
    subject: str
    body_html: str
    body_text: str
    message_id: str
    cc: list = field(default_factory=list)
    bcc: list = field(default_factory=list)
    in_reply_to: str = ""
    references: str = ""
    # Files already stored for the draft: (storage name, original name, content type, size); they
    # become the email's attachments as they are, without a copy.
    stored_files: list = field(default_factory=list)
    # The ticket's own attachments to send along (forward, or picked): copied for the email.
    attachment_ids: list = field(default_factory=list)


def _summary(message):
    recipients = ", ".join(message.to)
    return f"To {recipients}: {message.subject}"[:200]


def _copy(attachment, ticket, activity, actor):
    with attachment.file.open("rb") as handle:
        data = handle.read()
    copy = Attachment(
        ticket=ticket,
        activity=activity,
        original_name=attachment.original_name,
        content_type=attachment.content_type,
        size=attachment.size,
        uploaded_by=actor,
    )
    copy.file.save(attachment.original_name, ContentFile(data), save=False)
    copy.save()
    return copy


def send_email(ticket, actor, message, *, now=None):
    """Record an agent's email to the customer as a pending outbound activity (SPEC D14, B2).

    Only agents who may work on the ticket send (R2), never on an archived ticket (T4). The message
    leaves after the undo window; its delivery state shows on the activity from then on (N3).
    """
    if not message.to:
        raise TicketRuleError("Add at least one recipient.", field="to")
    if not message.body_text.strip() and not message.stored_files and not message.attachment_ids:
        raise TicketRuleError("Write the message before sending it.", field="body")
    storage = Attachment._meta.get_field("file").storage
    copied = []
    try:
        with changing(ticket, actor, Kind.EMAIL_SENT) as change:
            now = now or change.now
            undo = max(0, settings.HELPDESK_SEND_UNDO_SECONDS)
            contact = change.ticket.contact
            activity = Activity.objects.create(
                ticket=change.ticket,
                kind=Activity.Kind.EMAIL,
                direction=Activity.Direction.OUTBOUND,
                author=actor,
                contact=contact,
                sender=message.sender[:320],
                to=list(message.to),
                cc=list(message.cc),
                bcc=list(message.bcc),
                recipient=message.to[0][:254],
                subject=message.subject[:300],
                body=message.body_text,
                body_html=message.body_html,
                message_id=message.message_id[:300],
                in_reply_to=message.in_reply_to[:300],
                references=message.references,
                delivery_state=Activity.Delivery.PENDING,
                next_attempt_at=now + datetime.timedelta(seconds=undo),
                created_at=now,
            )
            names = []
            for stored_name, original_name, content_type, size in message.stored_files:
                attachment = Attachment(
                    ticket=change.ticket, activity=activity, original_name=original_name,
                    content_type=content_type, size=size, uploaded_by=actor,
                )
                attachment.file.name = stored_name
                attachment.save()
                names.append(original_name)
            picked = Attachment.objects.filter(ticket=change.ticket, pk__in=message.attachment_ids).order_by("pk")
            for attachment in picked:
                copy = _copy(attachment, change.ticket, activity, actor)
                copied.append(copy.file.name)
                names.append(copy.original_name)
            change.record("email", None, _summary(message))
            if names:
                change.record("attachments", None, ", ".join(names))
            enqueue_message_delivery(activity, countdown=undo)
    except BaseException:
        for name in copied:
            storage.delete(name)
        raise
    activity.ticket = change.ticket
    return activity


@dataclass
class UndoneEmail:
    """What an undone email held, for the draft it goes back to."""

    activity_id: int
    sender: str
    to: list
    cc: list
    bcc: list
    subject: str
    body_html: str
    in_reply_to: str
    references: str
    stored_files: list


def undo_email(activity, actor, *, now=None):
    """Take back an email still inside its undo window (SPEC B2): nothing has left, nothing stays.

    Only its author may, and only while it has not been tried: a message a worker has started on
    is past recalling. The activity is locked here as the delivery locks it, so exactly one of the
    two wins.
    """
    with changing(activity.ticket_id, actor, Kind.EMAIL_UNSENT) as change:
        now = now or change.now
        locked = (
            Activity.objects.select_for_update(of=("self",))
            .filter(pk=activity.pk, ticket=change.ticket, kind=Activity.Kind.EMAIL)
            .first()
        )
        if locked is None:
            raise TicketRuleError("This email is no longer on this ticket.")
        if actor is None or locked.author_id != actor.pk:
            raise TicketRuleError("Only the agent who sent an email can undo it.")
        if (
            locked.delivery_state != Activity.Delivery.PENDING
            or locked.attempts
            or locked.next_attempt_at is None
            or locked.next_attempt_at <= now
        ):
            raise TicketRuleError("Too late to undo: the email has already been sent.")
        files = list(Attachment.objects.filter(activity=locked).order_by("pk"))
        undone = UndoneEmail(
            activity_id=locked.pk,
            sender=locked.sender,
            to=list(locked.to),
            cc=list(locked.cc),
            bcc=list(locked.bcc),
            subject=locked.subject,
            body_html=locked.body_html,
            in_reply_to=locked.in_reply_to,
            references=locked.references,
            stored_files=[(f.file.name, f.original_name, f.content_type, f.size) for f in files],
        )
        # The rows go; the stored files stay, for the draft to take back.
        Attachment.objects.filter(activity=locked).delete()
        locked.delete()
        change.record("email", f"To {', '.join(undone.to)}: {undone.subject}"[:200], "Sending undone")
        if files:
            change.record("attachments", ", ".join(f.original_name for f in files), None)
    return undone
