"""The ticket list's state and query: one builder for the list, its tab counts and the export (SPEC L1–L6, L11).

`ListState` reads tab, sort, the completed toggle, filters and the keyset cursor from a URL query;
`list_queryset()` turns it into the user's tickets in the list's order. The list pages through that
queryset, the counts count each tab of it and the export streams all of it, so an export always
holds exactly the rows the list shows.
"""

import datetime

from django.http import QueryDict
from django.utils.dateparse import parse_datetime

from .counts import bounded_count
from .filters import TicketFilterSet
from .models import Ticket
from .queries import TAB_KEYS, TABS, hide_completed, list_ordering, tab_queryset

STATE_KEYS = {"tab", "sort", "completed", "after", "before", "view", "scheme"}


def parse_cursor(value):
    """A keyset cursor "<iso created_at>_<id>" from the URL, or None when absent or malformed."""
    created, _, pk = (value or "").rpartition("_")
    moment = parse_datetime(created) if created else None
    if moment is None or not pk.isdigit():
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment, int(pk)


def cursor_text(moment, pk):
    """The URL form of a keyset cursor, read back by `parse_cursor`."""
    return f"{moment.isoformat()}_{pk}"


def cursor_of(row):
    """The cursor just past `row` (a ticket, an activity or an event) in (created_at, id) order."""
    return cursor_text(row.created_at, row.pk)


class ListState:
    """Tab, sort, completed toggle, filters and cursor, read from the URL (SPEC L5).

    Sort and the completed toggle fall back to the user's preference when the URL does not say;
    links built by the page always carry them, so a copied link shows the same list to anyone.
    """

    def __init__(self, params, preference):
        self.params = params
        tab = params.get("tab", "")
        self.tab = tab if tab in TAB_KEYS else "mine"
        sort = params.get("sort", "")
        self.sort = sort if sort in ("newest", "oldest") else preference.sort_order
        # The toggle is a checkbox: absent from a submitted form (which always carries the tab) means off.
        self.completed_given = params.get("completed") in ("0", "1") or "tab" in params
        self.show_completed = params.get("completed") == "1" if self.completed_given else preference.show_completed
        self.after = parse_cursor(params.get("after"))
        self.before = None if self.after else parse_cursor(params.get("before"))
        self.filter_data = params.copy()
        # A tab ignores the filters it does not offer (SPEC L4), e.g. the assigned agent on My Tickets.
        for key in STATE_KEYS | TicketFilterSet.NOT_ON_TAB.get(self.tab, set()):
            self.filter_data.pop(key, None)

    @property
    def newest_first(self):
        return self.sort == "newest"

    def query(self, **changes):
        """The URL query for this state with some parts changed; cursors are dropped unless given."""
        query = QueryDict(mutable=True)
        query.setlist("tab", [self.tab])
        query.setlist("sort", [self.sort])
        query.setlist("completed", ["1" if self.show_completed else "0"])
        for key in self.filter_data:
            values = [value for value in self.filter_data.getlist(key) if value.strip()]
            if values:
                query.setlist(key, values)
        for key in ("view", "scheme"):
            if self.params.get(key):
                query.setlist(key, [self.params[key]])
        for key, value in changes.items():
            if value is None:
                query.pop(key, None)
            else:
                query.setlist(key, [value])
        return query.urlencode()


def list_filters(state):
    """One FilterSet for every tab: validated once, then applied per tab minus what a tab lacks."""
    return TicketFilterSet(state.filter_data, queryset=Ticket.objects.none(), tab="all")


def counts_key(state):
    """What the counts depend on (the filters and the toggle, not the tab, sort or page): their cache key."""
    return state.query(tab="all", after=None, before=None, sort="newest")


def compute_counts(user, state, filterset):
    valid = filterset.is_valid()
    counts = {}
    for key, _, _ in TABS:
        queryset = hide_completed(tab_queryset(key, user), key, state.show_completed)
        if valid:
            queryset = filterset.filter_for_tab(queryset, key)
        counts[key] = bounded_count(queryset)
    return counts


def list_queryset(user, params, preference):
    """The list's state, its filters and the tickets it shows, in the list's order (SPEC L1–L5, L11).

    The one place that turns a list query into tickets: the list pages through this queryset and
    the export streams all of it, so an export always holds exactly the rows the list shows.
    Invalid filters show nothing (the page says why); callers check `filterset.is_valid()`.
    """
    state = ListState(params, preference)
    filterset = list_filters(state)
    base = hide_completed(tab_queryset(state.tab, user), state.tab, state.show_completed)
    queryset = filterset.filter_for_tab(base, state.tab) if filterset.is_valid() else base.none()
    return state, filterset, queryset.order_by(*list_ordering(state.newest_first))
