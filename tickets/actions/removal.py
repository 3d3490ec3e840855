"""Deleting tickets: a right of team leaders (SPEC R3), checked here as well as in the view."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ..counts import bump_generation
from ..models import Ticket


def delete_ticket(ticket, actor):
    """Delete a ticket with its history, notes and attachments. Needs the "delete ticket" right.

    Links from other tickets disappear with it; children keep existing without a parent.
    """
    if actor is None or not actor.has_perm("tickets.delete_ticket"):
        raise PermissionDenied("Deleting tickets needs the “delete ticket” right.")
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().filter(pk=ticket.pk if isinstance(ticket, Ticket) else ticket)
        for attachment_file in [a.file for t in locked for a in t.attachments.all()]:
            transaction.on_commit(lambda f=attachment_file: f.delete(save=False))
        locked.delete()
        transaction.on_commit(bump_generation)
