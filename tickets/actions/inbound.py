"""Customer email on tickets (SPEC D13, D15, D6): a message becomes an email activity.

The mail app reads and threads a message; these actions put it on a ticket like every other
change: the ticket row locked, one history event, the followers and the assignee told. A reply
to a Resolved or Pending ticket brings it back to Ongoing (D15); an archived ticket is never
changed: the reply opens a new ticket linked to it.

`message` is a parsed email (mail.parsing.ParsedEmail or anything with its attributes):
subject, sender, sender_name, sender_address, to, cc, text, message_id, in_reply_to,
references, files (name, content_type, data, content_id) and render(cid_urls).
"""

from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from configurations.models import Status

from ..access import WORK, require_right
from ..display import filesize
from ..models import Activity, Attachment, Contact, TicketEvent
from ..uploads import attachment_limits, content_problem, safe_name
from ..validators import CONTROL_CHARACTERS
from .base import TicketRuleError, changing
from .fields import create_ticket
from .relations import link_tickets

Kind = TicketEvent.Kind

SUBJECT_PLACEHOLDER = "(no subject)"


def contact_for(message):
    """The contact with the sender's address, or a new one named from the From header."""
    address = (message.sender_address or "").strip()
    if not address:
        return None
    contact = Contact.objects.filter(email__iexact=address).order_by("pk").first()
    if contact is None:
        name = " ".join((message.sender_name or "").split()) or address.split("@", 1)[0]
        contact = Contact.objects.create(name=name[:200], email=address[:254])
    return contact


def ticket_title(subject):
    title = CONTROL_CHARACTERS.sub(" ", " ".join((subject or "").split()))
    return title[:200].strip() or SUBJECT_PLACEHOLDER


def _skip_reason(file, name, limits):
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in limits.types:
        return f"{suffix} files are not kept" if suffix else "files without an extension are not kept"
    if file.size > limits.max_bytes:
        return f"{filesize(file.size)}, larger than {filesize(limits.max_bytes)}"
    if file.size == 0:
        return "empty"
    upload = ContentFile(file.data, name=name)
    if content_problem(upload, name, suffix):
        return "its content does not match its name"
    return None


def _skipped(files):
    """([{name, reason}] of the files the attachment rules refuse (SPEC D10, X2), {index: name} of
    the others)."""
    limits = attachment_limits()
    skipped, kept = [], {}
    for index, file in enumerate(files):
        name = safe_name(ContentFile(b"", name=file.name or "attachment"))
        reason = _skip_reason(file, name, limits)
        if reason is None and len(kept) >= limits.max_files:
            reason = f"more than {limits.max_files} files in one message"
        if reason:
            skipped.append({"name": name, "reason": reason})
        else:
            kept[index] = name
    return skipped, kept


def _store_files(change, activity, files, names):
    """Store the files `_skipped` kept; [(file, Attachment)] and the stored paths."""
    limits = attachment_limits()
    kept, stored = [], []
    for index, name in names.items():
        file = files[index]
        suffix = "." + name.rsplit(".", 1)[-1].lower()
        attachment = Attachment(
            ticket=change.ticket,
            activity=activity,
            original_name=name,
            content_type=limits.types[suffix],
            size=file.size,
        )
        attachment.file.save(name, ContentFile(file.data), save=False)
        stored.append(attachment.file.name)
        attachment.save()
        kept.append((file, attachment))
    return kept, stored


def _attachment_url(ticket_id, attachment_id):
    return reverse("tickets:attachment_download", args=[ticket_id, attachment_id])


def _back_to_ongoing(change):
    """D15: a customer's reply to a Resolved or Pending ticket brings it back to Ongoing."""
    ticket = change.ticket
    if ticket.status not in (Status.RESOLVED, Status.PENDING):
        return
    was = ticket.get_status_display()
    change.set("status", Status.ONGOING)
    if ticket.sub_status_id and ticket.sub_status.status != Status.ONGOING:
        change.set("sub_status", None)
    if ticket.reopen_at:
        change.set("reopen_at", None)
    change.record("reopened", None, f"The customer replied to a {was.lower()} ticket")


def _put_email(change, message, *, contact, candidates, storage_names):
    """The email activity and its files on the ticket of `change`, recorded in it."""
    others = [pk for pk in candidates if pk != change.ticket.pk]
    # Without inline images the body is known now: the activity is written once.
    inline = any(file.content_id for file in message.files)
    rendered = None if inline else message.render({})
    activity = Activity(
        ticket=change.ticket,
        kind=Activity.Kind.EMAIL,
        direction=Activity.Direction.INBOUND,
        contact=contact,
        subject=(message.subject or "")[:300],
        sender=(message.sender or "")[:320],
        to=list(message.to),
        cc=list(message.cc),
        message_id=(message.message_id or "")[:300],
        in_reply_to=" ".join(message.in_reply_to)[:300],
        references=" ".join(message.references),
        thread_candidates=others,
        thread_open=bool(others),
        created_at=change.now,
    )
    if rendered is not None:
        activity.body_html, activity.quoted_html, activity.body, activity.remote_images = rendered
    activity.skipped_files, problems = _skipped(message.files)
    activity.save()
    kept, stored = _store_files(change, activity, message.files, problems)
    storage_names.extend(stored)
    if rendered is None:
        ticket_id = change.ticket.pk
        cid_urls = {file.content_id: _attachment_url(ticket_id, saved.pk) for file, saved in kept if file.content_id}
        activity.body_html, activity.quoted_html, activity.body, activity.remote_images = message.render(cid_urls)
        activity.save(update_fields=["body_html", "quoted_html", "body", "remote_images"])
    change.record("email", None, _summary(message))
    if kept:
        change.record("attachments", None, ", ".join(attachment.original_name for _, attachment in kept))
    return activity


@contextmanager
def _files_removed_on_failure():
    storage = Attachment._meta.get_field("file").storage
    names = []
    try:
        yield names
    except BaseException:
        for name in names:
            storage.delete(name)
        raise


def add_email(ticket, message, *, contact=None, candidates=()):
    """Put an inbound email on a ticket as an activity with its files; one history event.

    `candidates` are other tickets the message's headers also matched: the ticket page offers
    to move the email there (the "may belong to" banner) until an agent decides. A Resolved or
    Pending ticket comes back to Ongoing (D15). Refused (TicketRuleError) on an archived ticket (T4).
    """
    with _files_removed_on_failure() as names, changing(ticket, None, Kind.EMAIL_RECEIVED) as change:
        activity = _put_email(change, message, contact=contact, candidates=candidates, storage_names=names)
        _back_to_ongoing(change)
    activity.ticket = change.ticket
    return activity


def _summary(message):
    who = message.sender or "Unknown sender"
    subject = " ".join((message.subject or "").split())
    return f"{who}: {subject}"[:200] if subject else who[:200]


def create_ticket_from_email(message, *, contact, category=None, team=None, linked_to=None):
    """A new ticket for a customer's email, with the email as its first activity: one event.

    With `linked_to` (an archived ticket the customer replied to), the new ticket is linked to it.
    """
    put = {}

    def with_email(change):
        put["activity"] = _put_email(change, message, contact=contact, candidates=(), storage_names=names)

    with _files_removed_on_failure() as names, transaction.atomic():
        ticket = create_ticket(
            None,
            title=ticket_title(message.subject),
            description=message.render({})[2],
            contact=contact,
            category=category,
            team=team,
            source_channel="email",
            require_custom_fields=False,
            also=with_email,
        )
        if linked_to is not None:
            link_tickets(ticket, None, linked_to)
    activity = put["activity"]
    activity.ticket = ticket
    return ticket, activity


def move_email(activity, actor, target):
    """Move an inbound email (and its files) to another ticket; logged in both tickets' history (D13).

    The thread banner's move; any activity moves through `activities.move_activity`.
    """
    from .activities import move_activity

    require_right(actor, WORK)
    if activity.kind != Activity.Kind.EMAIL or activity.direction != Activity.Direction.INBOUND:
        raise TicketRuleError("Only a customer's email can be moved to another ticket.")
    if target is None or target.pk == activity.ticket_id:
        raise TicketRuleError("Choose another ticket to move the email to.")
    return move_activity(activity, actor, target)


def dismiss_thread_suggestion(activity, actor):
    """Close the "may belong to one of these tickets" banner of an email: it stays where it is."""
    require_right(actor, WORK)
    return Activity.objects.filter(pk=activity.pk, thread_open=True).update(thread_open=False)


def record_bounce(activity, detail):
    """Mark a message we sent as bounced, with what the delivery report says (SPEC D13)."""
    return Activity.objects.filter(pk=activity.pk, direction=Activity.Direction.OUTBOUND).update(
        delivery_state=Activity.Delivery.BOUNCED, delivery_detail=f"Bounced: {detail}"[:300]
    )
