"""Querysets for the ticket list, its counts and its export (one builder, so they always agree)."""

from django.db import NotSupportedError
from django.db.models import BooleanField, DateTimeField, Expression, F, Func, IntegerField, Value

from configurations.models import Status

from .models import Ticket


class RowValueBefore(Expression):
    """`(created_at, id) < (%s, %s)`: a row-value predicate PostgreSQL can bound an index scan with.

    Django's natural `Q(created_at__lt=t) | Q(created_at=t, id__lt=pk)` is an OR that gives the
    planner no index bound, so deep keyset pages would be slow (DESIGN: performance budget).
    SQLite (3.15+) understands row values too. With descending=False the comparison is `>`.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, columns, values, *, descending=True):
        super().__init__()
        self.columns = list(columns)
        self.values = list(values)
        self.descending = descending

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        # Resolving twice (querysets are cloned) must keep the already resolved columns.
        clone.columns = [query.resolve_ref(name) if isinstance(name, str) else name for name in self.columns]
        clone.values = [
            value if isinstance(value, Value) else Value(value, output_field=column.output_field)
            for value, column in zip(self.values, clone.columns, strict=True)
        ]
        return clone

    def get_source_expressions(self):
        return [*self.columns, *self.values]

    def set_source_expressions(self, exprs):
        half = len(exprs) // 2
        self.columns, self.values = list(exprs[:half]), list(exprs[half:])

    def as_sql(self, compiler, connection):
        sides = []
        params = []
        for group in (self.columns, self.values):
            parts = []
            for expression in group:
                sql, part_params = compiler.compile(expression)
                parts.append(sql)
                params.extend(part_params)
            sides.append(f"({', '.join(parts)})")
        operator = "<" if self.descending else ">"
        return f"{sides[0]} {operator} {sides[1]}", params


class InList(Expression):
    """`column IN (%s, %s, ...)` for a long list of values, e.g. one export chunk's 2,000 ticket ids.

    On PostgreSQL it is `column = ANY(%s)` with one array parameter instead: the same plan, but the
    statement stays short, so parsing and binding it does not grow with the list (five times faster
    for 2,000 ids here). An empty list matches nothing.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, column, values):
        super().__init__()
        self.column = column
        self.values = list(values)

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        if isinstance(self.column, str):
            clone.column = query.resolve_ref(self.column)
        return clone

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        if not self.values:
            return "1 = 0", []
        column, params = compiler.compile(self.column)
        return f"{column} IN ({', '.join(['%s'] * len(self.values))})", [*params, *self.values]

    def as_postgresql(self, compiler, connection):
        if not self.values:
            return "1 = 0", []
        column, params = compiler.compile(self.column)
        return f"{column} = ANY(%s)", [*params, self.values]


class SecondsSince(Func):
    """Whole seconds from a datetime column to `now` (0 when the column is NULL), plus an integer column.

    The one place the SQL differs by database: EXTRACT(EPOCH ...) on PostgreSQL, julianday() on SQLite.
    """

    output_field = IntegerField()

    def __init__(self, column, now, plus):
        super().__init__(F(column), Value(now, output_field=DateTimeField()), F(plus))

    def as_postgresql(self, compiler, connection):
        (since, since_params), (now, now_params), (plus, plus_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        sql = f"({plus} + COALESCE(CAST(EXTRACT(EPOCH FROM ({now} - {since})) AS integer), 0))"
        return sql, [*plus_params, *now_params, *since_params]

    def as_sqlite(self, compiler, connection):
        (since, since_params), (now, now_params), (plus, plus_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        sql = f"({plus} + COALESCE(CAST((julianday({now}) - julianday({since})) * 86400 AS integer), 0))"
        return sql, [*plus_params, *now_params, *since_params]

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"SecondsSince has no SQL for {connection.vendor}")


def seconds_since(column, now, *, plus):
    return SecondsSince(column, now, plus)


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


def keyset_page(queryset, *, after=None, before=None, newest_first=True, size=50):
    """One page by keyset on (created_at, id), never an OFFSET (SPEC L6).

    `after` pages forward in the list's order (older when newest first), `before` backward.
    Returns (rows, has_previous, has_next).
    """
    forward = ["-created_at", "-id"] if newest_first else ["created_at", "id"]
    backward = ["created_at", "id"] if newest_first else ["-created_at", "-id"]
    if before is not None:
        rows = list(
            queryset.filter(RowValueBefore(("created_at", "id"), before, descending=not newest_first))
            .order_by(*backward)[: size + 1]
        )
        has_previous = len(rows) > size
        rows = rows[:size][::-1]
        return rows, has_previous, True
    queryset = queryset.order_by(*forward)
    if after is not None:
        queryset = queryset.filter(RowValueBefore(("created_at", "id"), after, descending=newest_first))
    rows = list(queryset[: size + 1])
    return rows[:size], after is not None, len(rows) > size


def page_after(queryset, cursor, *, newest_first=True, size=50):
    """The `size` tickets after `cursor` = (created_at, id) in the list's order, and whether more follow."""
    rows, _, has_more = keyset_page(queryset, after=cursor, newest_first=newest_first, size=size)
    return rows, has_more
