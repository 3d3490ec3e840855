"""Deleting tickets: a right of team leaders (SPEC R3), checked here whichever door the delete came through.

The ticket goes with its history, activities, attachments (their files once the delete is
committed) and custom values. The tickets around it are told like any other change: each ticket
linked to it gets an "unlinked" event, each child a "parent changed" event, with a version bump and
a live event (SPEC X1). Every row involved is locked in id order first, so two deletes of linked
tickets never deadlock.
"""

from django.db import transaction

from ..access import DELETE, require_right
from ..counts import bump_generation
from ..models import Ticket, TicketEvent, TicketLink
from .base import changing
from .guard import ticket_writes
from .relations import linked_references

Kind = TicketEvent.Kind


def delete_ticket(ticket, actor):
    """Delete a ticket; its links and its children's parent are removed with an event on each of them.

    Needs the delete right (SPEC R3). Deleting a ticket that is already gone changes nothing.
    """
    require_right(actor, DELETE, "Deleting tickets needs the “delete ticket” right.")
    pk = ticket.pk if isinstance(ticket, Ticket) else int(ticket)
    with ticket_writes(), transaction.atomic():
        linked = set(TicketLink.objects.filter(from_ticket_id=pk).values_list("to_ticket_id", flat=True))
        children = set(Ticket.objects.filter(parent_id=pk).values_list("pk", flat=True))
        involved = sorted({pk, *linked, *children})
        locked = Ticket.objects.select_for_update().filter(pk__in=involved).order_by("pk")
        present = set(locked.values_list("pk", flat=True))
        if pk not in present:
            return
        reference = f"T-{pk:06d}"
        for other in sorted(linked & present):
            with changing(other, actor, Kind.UNLINKED, allow_archived=True) as change:
                before = linked_references(change.ticket)
                TicketLink.objects.filter(from_ticket_id=other, to_ticket_id=pk).delete()
                TicketLink.objects.filter(from_ticket_id=pk, to_ticket_id=other).delete()
                change.record("links", before, [ref for ref in before if ref != reference])
        for child in sorted(children & present):
            with changing(child, actor, Kind.PARENT_CHANGED, allow_archived=True) as change:
                change.set("parent", None)
        doomed = Ticket.objects.get(pk=pk)
        files = [attachment.file for attachment in doomed.attachments.all()]
        doomed.delete()
        for stored in files:
            transaction.on_commit(lambda stored=stored: stored.delete(save=False))
        transaction.on_commit(bump_generation)
