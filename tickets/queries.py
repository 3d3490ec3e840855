"""Querysets for the ticket list, its counts and its export (one builder, so they always agree)."""

from configurations.models import Status

from .db import RowValueBefore
from .models import Ticket

# The related rows the ticket page's header and form show, joined in the ticket's own query.
DETAIL_RELATED = (
    "assignee", "team", "sub_status", "ticket_type", "category", "contact", "account", "parent", "created_by"
)


# The five tabs of SPEC L1, in their order: (key, label, export file name).
TABS = [
    ("mine", "My Tickets", "My-Tickets"),
    ("team", "Teams Assigned", "Teams-Assigned-Tickets"),
    ("unassigned", "Unassigned", "Unassigned-Tickets"),
    ("archived", "Archived", "Archived-Tickets"),
    ("all", "All Tickets", "All-Tickets"),
]
TAB_KEYS = [key for key, _, _ in TABS]


def tab_queryset(tab, user, queryset=None):
    """The tickets a tab shows (SPEC L1). Only the Archived tab shows archived tickets."""
    queryset = Ticket.objects.all() if queryset is None else queryset
    if tab == "archived":
        return queryset.filter(archived=True)
    queryset = queryset.filter(archived=False)
    if tab == "mine":
        return queryset.filter(assignee=user)
    if tab == "team":
        # The ids as constants (one tiny query): the planner then walks the team's index in order.
        return queryset.filter(team__in=list(user.helpdesk_teams.values_list("pk", flat=True)))
    if tab == "unassigned":
        return queryset.filter(assignee__isnull=True, team__isnull=True)
    return queryset


def hide_completed(queryset, tab, show_completed):
    """Resolved tickets are hidden unless asked for (SPEC L2); the Archived tab shows them all."""
    if show_completed or tab == "archived":
        return queryset
    return queryset.exclude(status=Status.RESOLVED)


def ticket_rows(queryset=None):
    """The columns a ticket list row shows, with its related names in the same query."""
    queryset = Ticket.objects.all() if queryset is None else queryset
    return queryset.select_related("assignee", "team", "sub_status", "ticket_type").only(
        "title", "status", "priority", "created_at", "archived", "deadline", "resolved_at",
        "assignee__username", "assignee__first_name", "assignee__last_name",
        "team__name", "sub_status__name", "ticket_type__name",
    )


def list_ordering(newest_first=True):
    """The list's order (SPEC L3): by creation, newest or oldest first, the id breaking ties."""
    return ["-created_at", "-id"] if newest_first else ["created_at", "id"]


def keyset_page(queryset, *, after=None, before=None, newest_first=True, size=50, rows=None):
    """One page by keyset on (created_at, id), never an OFFSET (SPEC L6).

    `after` pages forward in the list's order (older when newest first), `before` backward.
    With `rows` (e.g. `ticket_rows`), the page's keys are found first from the ticket's own columns,
    which PostgreSQL reads from the list index alone however many rows the filters pass over, and
    `rows` then reads just those tickets with everything a row shows, in the same query.
    Returns (rows, has_previous, has_next).
    """
    forward = ["-created_at", "-id"] if newest_first else ["created_at", "id"]
    backward = ["created_at", "id"] if newest_first else ["-created_at", "-id"]

    def page(queryset, order):
        queryset = queryset.order_by(*order)
        if rows is None:
            return list(queryset[: size + 1])
        keys = queryset.values("pk")[: size + 1]
        return list(rows(Ticket.objects.filter(pk__in=keys)).order_by(*order))

    if before is not None:
        earlier = queryset.filter(RowValueBefore(("created_at", "id"), before, descending=not newest_first))
        found = page(earlier, backward)
        return found[:size][::-1], len(found) > size, True
    if after is not None:
        queryset = queryset.filter(RowValueBefore(("created_at", "id"), after, descending=newest_first))
    found = page(queryset, forward)
    return found[:size], after is not None, len(found) > size


def page_after(queryset, cursor, *, newest_first=True, size=50):
    """The `size` tickets after `cursor` = (created_at, id) in the list's order, and whether more follow."""
    rows, _, has_more = keyset_page(queryset, after=cursor, newest_first=newest_first, size=size)
    return rows, has_more
