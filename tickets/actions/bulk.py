"""Bulk work on the list's selection (SPEC L10, R3): one single-ticket action per ticket, never a second rule.

Needs the bulk edit right, checked here; the action each ticket goes through checks its own rules
and rights (deleting also needs the delete right). All or nothing: one refusal rolls the whole
selection back, and the message says which ticket refused and why.
"""

from django.db import transaction

from ..access import BULK_EDIT, require_right
from ..models import Ticket
from .relations import archive, unarchive
from .removal import delete_ticket

BULK_ACTIONS = {
    "archive": ("archived", archive),
    "unarchive": ("unarchived", unarchive),
    "delete": ("deleted", delete_ticket),
}
MAX_SELECTION = 500


def bulk_apply(actor, name, ticket_ids):
    """Apply the bulk action `name` to the tickets `ticket_ids` in one transaction; returns how many.

    Raises KeyError for an unknown action, RightRequired without the right, TicketRuleError when a
    ticket's own rule refuses (nothing is then changed).
    """
    _verb, action = BULK_ACTIONS[name]
    require_right(actor, BULK_EDIT)
    ids = sorted(set(ticket_ids))[:MAX_SELECTION]
    with transaction.atomic():
        existing = list(Ticket.objects.filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
        for pk in existing:
            action(pk, actor)
    return len(existing)
