"""Tags, links, followers, parent, and archiving."""

from django.conf import settings
from django.db import transaction

from ..models import Ticket, TicketEvent, TicketLink
from .base import TicketRuleError, changing
from .fields import apply_followers, check_parent

Kind = TicketEvent.Kind


def _tag_names(ticket):
    return sorted(ticket.tags.values_list("name", flat=True))


def add_tag(ticket, actor, tag):
    """Apply a configured tag; at most HELPDESK_TAGS_PER_TICKET per ticket (SPEC T5)."""
    with changing(ticket, actor, Kind.TAG_ADDED) as change:
        locked = change.ticket
        before = _tag_names(locked)
        if tag.name in before:
            return locked
        limit = settings.HELPDESK_TAGS_PER_TICKET
        if len(before) >= limit:
            raise TicketRuleError(
                f"{locked.reference} already has {limit} tags, the most a ticket can have. "
                f"Remove one before adding “{tag.name}”.",
                field="tags",
            )
        locked.tags.add(tag)
        change.record("tags", before, sorted([*before, tag.name]))
    return change.ticket


def remove_tag(ticket, actor, tag):
    with changing(ticket, actor, Kind.TAG_REMOVED) as change:
        locked = change.ticket
        before = _tag_names(locked)
        if tag.name not in before:
            return locked
        locked.tags.remove(tag)
        change.record("tags", before, [name for name in before if name != tag.name])
    return change.ticket


def linked_references(ticket):
    """The references of the tickets linked to `ticket`, sorted, as the history records them."""
    ids = TicketLink.objects.filter(from_ticket=ticket).values_list("to_ticket_id", flat=True)
    return sorted(f"T-{pk:06d}" for pk in ids)


def link_tickets(ticket, actor, other):
    """Link two tickets, both ways (SPEC T6). The other ticket may be archived; this one may not.

    Each ticket gets its own history event.
    """
    if other is None or ticket.pk == other.pk:
        raise TicketRuleError("A ticket can't be linked to itself.", field="links")
    with transaction.atomic():
        first, second = sorted([ticket.pk, other.pk])
        # Lock both rows in id order, so two people linking the same pair never deadlock.
        list(Ticket.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk").values("pk"))
        if TicketLink.objects.filter(from_ticket_id=ticket.pk, to_ticket_id=other.pk).exists():
            return ticket
        with changing(ticket, actor, Kind.LINKED) as change:
            before = linked_references(change.ticket)
            change.ticket.links.add(other)
            change.record("links", before, sorted([*before, other.reference]))
        with changing(other, actor, Kind.LINKED, allow_archived=True) as change_other:
            before = [ref for ref in linked_references(change_other.ticket) if ref != ticket.reference]
            change_other.record("links", before, sorted([*before, ticket.reference]))
    return change.ticket


def unlink_tickets(ticket, actor, other):
    with transaction.atomic():
        first, second = sorted([ticket.pk, other.pk])
        list(Ticket.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk").values("pk"))
        with changing(ticket, actor, Kind.UNLINKED) as change:
            before = linked_references(change.ticket)
            if other.reference not in before:
                return change.ticket
            change.ticket.links.remove(other)
            change.record("links", before, [ref for ref in before if ref != other.reference])
        with changing(other, actor, Kind.UNLINKED, allow_archived=True) as change_other:
            after = linked_references(change_other.ticket)
            change_other.record("links", sorted([*after, ticket.reference]), after)
    return change.ticket


def follow(ticket, actor, user=None):
    """Add a follower (the actor by default); followers hear of the ticket's changes (SPEC N2)."""
    user = user or actor
    with changing(ticket, actor, Kind.FOLLOWED) as change:
        apply_followers(change, [user], [])
    return change.ticket


def unfollow(ticket, actor, user=None):
    user = user or actor
    with changing(ticket, actor, Kind.UNFOLLOWED) as change:
        apply_followers(change, [], [user])
    return change.ticket


def set_parent(ticket, actor, parent):
    """Make `parent` the parent ticket, or clear it with None. A ticket can't be its own ancestor."""
    with changing(ticket, actor, Kind.PARENT_CHANGED) as change:
        if parent is not None:
            check_parent(change.ticket, parent)
        change.set("parent", parent)
    return change.ticket


def archive(ticket, actor):
    """Archive a ticket whatever its status (SPEC T4); its status is kept for unarchiving."""
    with changing(ticket, actor, Kind.ARCHIVED, allow_archived=True) as change:
        if change.ticket.archived:
            return change.ticket
        change.set("archived", True)
        change.ticket.archived_at = change.now
    return change.ticket


def unarchive(ticket, actor):
    """Make an archived ticket editable again, with the status it had (SPEC T4)."""
    with changing(ticket, actor, Kind.UNARCHIVED, allow_archived=True) as change:
        if not change.ticket.archived:
            return change.ticket
        change.set("archived", False)
        change.ticket.archived_at = None
    return change.ticket
