"""Internal notes (SPEC D5): at most 500 characters, @mentions, edited and deleted by their author."""

import re

from django.conf import settings
from django.contrib.auth import get_user_model

from ..models import Activity, TicketEvent
from .background import enqueue_mention_notifications
from .base import TicketRuleError, changing

Kind = TicketEvent.Kind

MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")


def _excerpt(body, length=80):
    return body if len(body) <= length else body[: length - 1] + "…"


def _clean_body(body):
    body = (body or "").strip()
    if not body:
        raise TicketRuleError("A note can't be empty.", field="body")
    limit = settings.HELPDESK_NOTE_MAX_LENGTH
    if len(body) > limit:
        raise TicketRuleError(
            f"A note can be at most {limit} characters; this one has {len(body)}.", field="body"
        )
    return body


def mentioned_users(body):
    """Active users named as @username in the text."""
    names = {name.rstrip(".") for name in MENTION.findall(body)}
    if not names:
        return []
    return list(get_user_model().objects.filter(username__in=names, is_active=True))


def usernames(users):
    return sorted(user.username for user in users)


def add_note(ticket, actor, body, *, about=None):
    """Add an internal note. Mentioned agents are stored for notification (SPEC D5).

    With `about` (an activity of the same ticket), the note is a comment on it: it links the
    activity and keeps a quote of it (SPEC D6).
    """
    body = _clean_body(body)
    with changing(ticket, actor, Kind.NOTE_ADDED) as change:
        quote = ""
        if about is not None:
            from .activities import quote_of

            about = Activity.objects.filter(pk=about.pk, ticket=change.ticket).first()
            if about is None:
                raise TicketRuleError("The activity to comment on is no longer on this ticket.")
            quote = quote_of(about)
        mentions = mentioned_users(body)
        note = Activity.objects.create(
            ticket=change.ticket,
            kind=Activity.Kind.NOTE,
            direction=Activity.Direction.INTERNAL,
            author=actor,
            body=body,
            mentioned=usernames(mentions),
            about=about,
            quote=quote,
            created_at=change.now,
        )
        if mentions:
            note.mentions.set(mentions)
            enqueue_mention_notifications(note)
        change.record("note", None, _excerpt(body))
    return note


def edit_note(note, actor, body):
    """Change a note's text; its original time stays and it is marked as edited (SPEC D5)."""
    body = _clean_body(body)
    if not note.is_note or actor is None or note.author_id != actor.pk:
        raise TicketRuleError("Only the author of a note can edit it.")
    with changing(note.ticket_id, actor, Kind.NOTE_EDITED) as change:
        note = Activity.objects.select_for_update().get(pk=note.pk, ticket=change.ticket)
        if note.body == body:
            return note
        old = note.body
        mentions = mentioned_users(body)
        note.body = body
        note.mentioned = usernames(mentions)
        note.edited_at = change.now
        note.save(update_fields=["body", "mentioned", "edited_at"])
        note.mentions.set(mentions)
        if mentions:
            # Only agents not mentioned before are told: notifications are keyed by note and agent.
            enqueue_mention_notifications(note)
        change.record("note", _excerpt(old), _excerpt(body))
    return note


def delete_note(note, actor):
    """Delete a note; only its author may (SPEC D5)."""
    if not note.is_note or actor is None or note.author_id != actor.pk:
        raise TicketRuleError("Only the author of a note can delete it.")
    with changing(note.ticket_id, actor, Kind.NOTE_DELETED) as change:
        deleted = Activity.objects.filter(pk=note.pk, ticket=change.ticket).delete()[0]
        if deleted:
            change.record("note", _excerpt(note.body), None)
