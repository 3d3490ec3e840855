"""Telling agents about tickets (SPEC D5, N2): mentions, followers' updates and their email digests.

Each function is safe to run twice: notifications are keyed (`dedupe_key`), emails are marked as
sent under a row lock. The Celery tasks in notifications/tasks.py only call these.
"""

import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tickets.display import field_label, user_display
from tickets.models import Activity, TicketEvent

from .models import Notification
from .services import absolute_url, email_user, notify

logger = logging.getLogger(__name__)


def _ticket_url(ticket):
    return reverse("tickets:ticket_detail", args=[ticket.pk])


def tell_mentioned(note_id):
    """Tell each agent @mentioned in a note, in the Notification Center and by email (SPEC D5)."""
    note = Activity.objects.select_related("ticket", "author").filter(pk=note_id, kind=Activity.Kind.NOTE).first()
    if note is None:
        return 0
    ticket = note.ticket
    author = user_display(note.author) or "Someone"
    # Everyone's notification first; then the emails, each on its own: one address the mail server
    # refuses leaves that email for the sweeper to try again, never the others unsent.
    notifications = [
        notify(
            user,
            Notification.Kind.MENTION,
            f"{author} mentioned you on {ticket.reference}",
            body=note.body,
            ticket=ticket,
            url=_ticket_url(ticket),
            dedupe_key=f"mention:{note.pk}",
        )[0]
        for user in note.mentions.filter(is_active=True).exclude(pk=note.author_id or 0)
    ]
    told = 0
    for notification in notifications:
        if notification.emailed_at is not None:
            continue
        try:
            _email_once(
                notification,
                f"{author} mentioned you on {ticket.reference}: {ticket.title}",
                f"{author} wrote on {ticket.reference} “{ticket.title}”:\n\n{note.body}\n\n"
                f"Open the ticket: {absolute_url(_ticket_url(ticket))}\n",
            )
        except Exception:  # noqa: BLE001 - the others are still told; the sweeper retries this one
            logger.exception("Could not email mention %s to user %s", notification.pk, notification.user_id)
            continue
        told += 1
    return told


def _email_once(notification, subject, body):
    """Email a notification's person unless it was emailed already (the row is locked meanwhile)."""
    with transaction.atomic():
        locked = Notification.objects.select_for_update(of=("self",)).select_related("user").get(pk=notification.pk)
        if locked.emailed_at is not None:
            return
        email_user(locked.user, subject, body)
        locked.emailed_at = timezone.now()
        locked.save(update_fields=["emailed_at"])


QUIET_KINDS = {TicketEvent.Kind.CREATED, TicketEvent.Kind.FOLLOWED, TicketEvent.Kind.UNFOLLOWED}


PHRASES = {
    TicketEvent.Kind.NOTE_ADDED: "added a note",
    TicketEvent.Kind.NOTE_EDITED: "edited a note",
    TicketEvent.Kind.NOTE_DELETED: "deleted a note",
    TicketEvent.Kind.ATTACHMENT_ADDED: "added an attachment",
    TicketEvent.Kind.ATTACHMENT_REMOVED: "removed an attachment",
    TicketEvent.Kind.ARCHIVED: "archived it",
    TicketEvent.Kind.UNARCHIVED: "unarchived it",
}


def describe_event(event):
    """What a follower reads about one change: "Bob Baker changed Priority, Status"."""
    if event.kind == TicketEvent.Kind.REOPENED:
        return "Re-opened: its re-open date has come"
    if event.kind == TicketEvent.Kind.EMAIL_RECEIVED:
        email = (event.changes.get("email") or [None, None])[1] or "An email"
        reopened = "status" in event.changes
        return f"New email from {email}" + (" (re-opened)" if reopened else "")
    who = event.actor_name if event.actor_id else "The helpdesk"
    if event.kind in PHRASES:
        text = f"{who} {PHRASES[event.kind]}"
        note = (event.changes.get("note") or [None, None])[1]
        return f"{text}: {note}" if event.kind == TicketEvent.Kind.NOTE_ADDED and note else text
    labels = [field_label(name) for name in event.changes]
    if not labels:
        return f"{who}: {event.get_kind_display().lower()}"
    return f"{who} changed {', '.join(labels)}"


def tell_followers(event_id, schedule_digest):
    """Put a change in the Notification Center of the ticket's followers (SPEC N2).

    Email is batched: the first unemailed update schedules a digest that, when it runs, sends
    one email with every update gathered by then.
    """
    event = TicketEvent.objects.select_related("ticket", "actor").filter(pk=event_id).first()
    if event is None or event.kind in QUIET_KINDS:
        return 0
    ticket = event.ticket
    summary = describe_event(event)
    told = 0
    people = list(ticket.followers.filter(is_active=True).exclude(pk=event.actor_id or 0))
    if event.kind == TicketEvent.Kind.EMAIL_RECEIVED and ticket.assignee_id and ticket.assignee.is_active:
        # A customer's email is news for the agent who has the ticket, follower or not.
        if ticket.assignee_id not in {user.pk for user in people}:
            people.append(ticket.assignee)
    for user in people:
        _, created = notify(
            user,
            Notification.Kind.FOLLOWED_CHANGE,
            f"{ticket.reference} {ticket.title}",
            body=summary,
            ticket=ticket,
            url=_ticket_url(ticket),
            dedupe_key=f"event:{event.pk}",
        )
        if created:
            told += 1
            waiting = Notification.objects.filter(
                user=user, kind=Notification.Kind.FOLLOWED_CHANGE, emailed_at__isnull=True
            ).count()
            if waiting == 1:
                schedule_digest(user.pk)
    return told


def send_follower_digest(user_id):
    """One email with every followed-ticket update not yet emailed (SPEC N2). Safe to run twice."""
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(user_id=user_id, kind=Notification.Kind.FOLLOWED_CHANGE, emailed_at__isnull=True)
            .select_related("user", "ticket")
            .order_by("created_at", "id")[:500]
        )
        if not pending:
            return 0
        user = pending[0].user
        unread = [item for item in pending if item.read_at is None]
        if unread:
            lines = []
            for item in unread:
                when = timezone.localtime(item.created_at).strftime("%d %b %H:%M")
                lines.append(f"• {when}  {item.title}\n  {item.body}\n  {absolute_url(item.url)}")
            count = len(unread)
            subject = f"{count} update{'s' if count != 1 else ''} on tickets you follow"
            email_user(user, subject, "\n\n".join(lines) + "\n")
        Notification.objects.filter(pk__in=[item.pk for item in pending]).update(emailed_at=timezone.now())
    return len(pending)
