"""What an agent does with one activity of a ticket (SPEC D6): comment on it, make a child ticket
from it, move it to another ticket. Each change is logged in every ticket it touches.

- A comment is an internal note (D5's rules) that links the activity and keeps a quote of it.
- A child ticket gets a copy of the activity (its files copied too) and the ticket as its parent;
  the parent's history names the child. The copy never sends anything (a message still pending
  is copied without its delivery) and never threads a customer's reply (no Message-ID).
- Moving takes the activity and its files to another ticket, both rows locked in id order; an
  email keeps its "email moved" event (the thread banner, D13), anything else "activity moved".
"""

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from ..access import WORK, require_right
from ..models import Activity, Attachment, Ticket, TicketEvent
from .base import TicketRuleError, changing
from .conversations import call_summary
from .fields import create_ticket

Kind = TicketEvent.Kind

SUBJECT_PLACEHOLDER = "(no subject)"
QUOTE_LENGTH = 300


def _excerpt(text, length=80):
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


def activity_summary(activity, length=80):
    """One line that tells an activity apart in the history: an email's subject, a call's outcome, a text."""
    if activity.kind == Activity.Kind.EMAIL:
        return _excerpt(activity.subject or SUBJECT_PLACEHOLDER, length)
    if activity.kind == Activity.Kind.CALL:
        return _excerpt(call_summary(activity), length)
    return _excerpt(activity.body, length) or activity.get_kind_display()


def quote_of(activity):
    """What a comment quotes: the activity's words, as they are now."""
    if activity.kind == Activity.Kind.EMAIL:
        subject = activity.subject or SUBJECT_PLACEHOLDER
        return _excerpt(f"{subject} — {activity.body}" if activity.body else subject, QUOTE_LENGTH)
    if activity.kind == Activity.Kind.CALL:
        text = call_summary(activity)
        return _excerpt(f"{text} — {activity.body}" if activity.body else text, QUOTE_LENGTH)
    return _excerpt(activity.body, QUOTE_LENGTH)


def history_key(activity):
    """The history names a moved or copied activity by its kind: email, sms, call, note."""
    return activity.kind


def _locked_activity(activity, ticket_id, what="activity"):
    locked = Activity.objects.select_for_update(of=("self",)).filter(pk=activity.pk, ticket_id=ticket_id).first()
    if locked is None:
        raise TicketRuleError(f"This {what} is no longer on this ticket.")
    return locked


# --- comment ---------------------------------------------------------------------------------------

def comment_on_activity(activity, actor, body):
    """An internal note about `activity`, linking it and quoting it (D6; the note rules of D5 apply)."""
    from .notes import add_note

    return add_note(activity.ticket_id, actor, body, about=activity)


# --- child ticket -------------------------------------------------------------------------------

def _attachment_url(ticket_id, attachment_id):
    return reverse("tickets:attachment_download", args=[ticket_id, attachment_id])


def _copy_activity(change, original, storage_names):
    """A copy of `original` on the ticket of `change`, with copies of its files (stored anew, so
    deleting one never takes the other's)."""
    delivery = original.delivery_state if original.delivery_state != Activity.Delivery.PENDING else ""
    copy = Activity.objects.create(
        ticket=change.ticket,
        kind=original.kind,
        direction=original.direction,
        author=original.author,
        contact=original.contact,
        subject=original.subject,
        body=original.body,
        recipient=original.recipient,
        delivery_state=delivery,
        delivery_detail=original.delivery_detail if delivery else "",
        attempts=original.attempts if delivery else 0,
        sender=original.sender,
        to=original.to,
        cc=original.cc,
        bcc=original.bcc,
        body_html=original.body_html,
        quoted_html=original.quoted_html,
        remote_images=original.remote_images,
        skipped_files=original.skipped_files,
        mentioned=original.mentioned,
        call_outcome=original.call_outcome,
        call_seconds=original.call_seconds,
        copied_from=original,
        created_at=original.created_at,
    )
    files = list(Attachment.objects.filter(activity=original).order_by("pk"))
    for file in files:
        duplicate = Attachment(
            ticket=change.ticket, activity=copy, original_name=file.original_name,
            content_type=file.content_type, size=file.size, uploaded_by=file.uploaded_by,
        )
        with file.file.open("rb") as handle:
            duplicate.file.save(file.original_name, ContentFile(handle.read()), save=False)
        storage_names.append(duplicate.file.name)
        duplicate.save()
        old, new = _attachment_url(original.ticket_id, file.pk), _attachment_url(change.ticket.pk, duplicate.pk)
        copy.body_html = copy.body_html.replace(old, new)
        copy.quoted_html = copy.quoted_html.replace(old, new)
    if files:
        copy.save(update_fields=["body_html", "quoted_html"])
        change.record("attachments", None, ", ".join(file.original_name for file in files))
    return copy


def create_child_ticket(activity, actor, *, title):
    """A new ticket made from `activity`: its parent is the activity's ticket, which it takes the
    contact, account, category, team, type and priority of; the activity is copied onto it (D6).

    One event on each ticket: the child's creation (with the parent and the copy), and on the
    parent "child ticket created". The parent may not be archived (T4).
    """
    require_right(actor, WORK)
    title = (title or "").strip()
    source_id = activity.ticket_id
    storage = Attachment._meta.get_field("file").storage
    stored = []
    try:
        with transaction.atomic(), changing(source_id, actor, Kind.CHILD_CREATED) as parent_change:
            parent = parent_change.ticket
            original = _locked_activity(activity, source_id)

            def with_copy(change):
                _copy_activity(change, original, stored)
                change.record(history_key(original), None,
                              f"{activity_summary(original)} (copied from {parent.reference})")

            child = create_ticket(
                actor,
                title=title,
                parent=parent,
                contact=parent.contact,
                account=parent.account,
                category=parent.category,
                team=parent.team,
                ticket_type=parent.ticket_type,
                priority=parent.priority,
                require_custom_fields=False,
                also=with_copy,
            )
            parent_change.record("children", None, f"{child.reference} {child.title}")
    except BaseException:
        for name in stored:
            storage.delete(name)
        raise
    return child


# --- move ---------------------------------------------------------------------------------------

def _lock_pair(first_id, second_id):
    low, high = sorted([first_id, second_id])
    list(Ticket.objects.select_for_update().filter(pk__in=[low, high]).order_by("pk").values("pk"))


def move_activity(activity, actor, target):
    """Move an activity (and its files) to another ticket; logged in both tickets' history (D6, D13).

    Neither ticket may be archived (T4). Comments on it stay where they were written and link to
    where it is now.
    """
    require_right(actor, WORK)
    if target is None or target.pk == activity.ticket_id:
        raise TicketRuleError("Choose another ticket to move it to.", field="target")
    source_id = activity.ticket_id
    email = activity.kind == Activity.Kind.EMAIL
    kind = Kind.EMAIL_MOVED if email else Kind.ACTIVITY_MOVED
    with transaction.atomic():
        _lock_pair(source_id, target.pk)
        with changing(source_id, actor, kind) as source_change:
            locked = _locked_activity(activity, source_id, "email" if email else "activity")
            with changing(target, actor, kind) as target_change:
                reference = target_change.ticket.reference
                files = list(Attachment.objects.filter(activity=locked))
                for file in files:
                    old_url, new_url = _attachment_url(source_id, file.pk), _attachment_url(target.pk, file.pk)
                    locked.body_html = locked.body_html.replace(old_url, new_url)
                    locked.quoted_html = locked.quoted_html.replace(old_url, new_url)
                Attachment.objects.filter(activity=locked).update(ticket_id=target.pk)
                locked.ticket_id = target.pk
                locked.thread_open = False
                locked.thread_candidates = []
                locked.save(update_fields=["ticket", "body_html", "quoted_html", "thread_open", "thread_candidates"])
                key, summary = history_key(locked), activity_summary(locked)
                source_change.record(key, summary, f"Moved to {reference}")
                target_change.record(key, None, f"{summary} (moved from {source_change.ticket.reference})")
                if files:
                    names = ", ".join(file.original_name for file in files)
                    source_change.record("attachments", names, None)
                    target_change.record("attachments", None, names)
    activity.refresh_from_db()
    return activity
