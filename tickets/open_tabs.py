"""Open ticket tabs (SPEC L9): the tickets a user keeps open, in the user's order, at most ten.

The ids live in `UserPreference.open_tickets`, one row per user, so the tabs follow the user across
sign-ins and devices. Every change is a read-modify-write of that one row inside a transaction with
the row locked (`select_for_update`; on SQLite the IMMEDIATE transaction serialises writers), so two
browser tabs opening tickets at the same moment never lose one another's tab nor pass the limit.

Tickets that were deleted, or that the user may no longer see, drop out silently: they are never
shown, and they are pruned from the row whenever the limit is checked or a tab is closed or moved.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from .access import can_view_ticket
from .models import Ticket, TicketEvent, TicketVisit, UserPreference

MAX_OPEN_TICKETS = 10

LIMIT_MESSAGE = (
    "You already have {limit} tickets open, the most at once. Close a tab to keep {reference} in your tabs."
)

# Outcomes of open_ticket().
OPENED = "opened"
ALREADY_OPEN = "already_open"
LIMIT_REACHED = "limit_reached"


@dataclass(frozen=True)
class OpenResult:
    outcome: str
    preference: UserPreference

    @property
    def refused(self):
        return self.outcome == LIMIT_REACHED


def limit_message(ticket):
    return LIMIT_MESSAGE.format(limit=MAX_OPEN_TICKETS, reference=ticket.reference)


def preference_for(request):
    """The signed-in user's preference row, read once per request and shared by whoever needs it."""
    preference = getattr(request, "_helpdesk_preference", None)
    if preference is None or preference.user_id != request.user.pk:
        preference = UserPreference.for_request_user(request.user)
        request._helpdesk_preference = preference
    return preference


def open_ids(preference):
    """The stored ids, cleaned: integers only, each once, in order (the JSON is never trusted blindly)."""
    seen = []
    for value in preference.open_tickets or []:
        if isinstance(value, int) and not isinstance(value, bool) and value > 0 and value not in seen:
            seen.append(value)
    return seen


def open_tickets(user, preference):
    """The user's open tickets in tab order, in one query; deleted or no longer visible ones left out."""
    return _live_tickets(user, open_ids(preference))


def _live_tickets(user, ids):
    """The tickets still there, in the given order, each knowing whether someone else changed it
    since the user last looked (`changed_since_seen`), in one query."""
    if not ids:
        return []
    rows = (
        Ticket.objects.filter(pk__in=ids)
        .only("id", "title", "status", "archived", "version")
        .annotate(
            seen_version=Subquery(
                TicketVisit.objects.filter(user=user, ticket=OuterRef("pk")).values("version")[:1]
            ),
            last_actor=Subquery(
                TicketEvent.objects.filter(ticket=OuterRef("pk")).order_by("-created_at", "-id").values("actor")[:1]
            ),
        )
        .order_by()
    )
    by_id = {}
    for ticket in rows:
        if can_view_ticket(user, ticket):
            ticket.changed_since_seen = (
                ticket.seen_version is not None
                and ticket.version > ticket.seen_version
                and ticket.last_actor != user.pk
            )
            by_id[ticket.pk] = ticket
    return [by_id[pk] for pk in ids if pk in by_id]


def mark_seen(user, ticket):
    """The user is looking at this version of the ticket now (its page or its peek): one upsert."""
    TicketVisit.objects.bulk_create(
        [TicketVisit(user=user, ticket=ticket, version=ticket.version, seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "ticket"],
        update_fields=["version", "seen_at"],
    )


def open_ticket(user, ticket):
    """Add the ticket as the last tab; an open one stays where it is. Refuses an 11th (SPEC L9)."""
    with transaction.atomic():
        preference = _locked_preference(user)
        ids = open_ids(preference)
        if ticket.pk in ids:
            outcome = ALREADY_OPEN
        else:
            if len(ids) >= MAX_OPEN_TICKETS:
                # Only now does a stale id matter: a deleted ticket must not hold a slot.
                ids = [row.pk for row in _live_tickets(user, ids)]
            if len(ids) >= MAX_OPEN_TICKETS:
                outcome = LIMIT_REACHED
            else:
                ids.append(ticket.pk)
                outcome = OPENED
        _save(preference, ids)
    return OpenResult(outcome, preference)


def close_ticket(user, ticket_id):
    """Remove a tab. Returns (preference, the id of the tab that takes its place or None).

    The tab that takes its place is the one to its right, or to its left when it was the last, as
    in a browser. Closing a tab that is not open changes nothing.
    """
    with transaction.atomic():
        preference = _locked_preference(user)
        ids = open_ids(preference)
        neighbour = None
        if ticket_id in ids:
            index = ids.index(ticket_id)
            # The neighbour must be a ticket that still exists, so prune while we are here.
            live = {row.pk for row in _live_tickets(user, ids)}
            right = [pk for pk in ids[index + 1 :] if pk in live]
            left = [pk for pk in ids[:index] if pk in live]
            neighbour = right[0] if right else (left[-1] if left else None)
            ids = left + right
        _save(preference, ids)
    return preference, neighbour


def reorder(user, ordered_ids):
    """Put the open tabs in the given order.

    Ids that are not open are ignored, and open tabs missing from the list keep their relative order
    after the given ones: a tab opened in another browser tab a moment ago is never lost.
    """
    with transaction.atomic():
        preference = _locked_preference(user)
        ids = open_ids(preference)
        wanted = []
        for pk in ordered_ids:
            if pk in ids and pk not in wanted:
                wanted.append(pk)
        ids = wanted + [pk for pk in ids if pk not in wanted]
        _save(preference, ids)
    return preference


def _locked_preference(user):
    preference, _ = UserPreference.objects.select_for_update().get_or_create(user=user)
    return preference


def _save(preference, ids):
    if preference.open_tickets != ids:
        preference.open_tickets = ids
        preference.save(update_fields=["open_tickets"])
