"""Querysets for the ticket list, its counts and its export (one builder, so they always agree)."""

from django.db.models import BooleanField, Expression, Value

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


def ticket_rows():
    """The columns a ticket list row shows, with its related names in the same query."""
    return Ticket.objects.select_related("assignee", "team", "sub_status", "ticket_type").only(
        "title", "status", "priority", "created_at", "updated_at", "archived", "deadline", "resolved_at",
        "assignee__username", "assignee__first_name", "assignee__last_name",
        "team__name", "sub_status__name", "ticket_type__name",
    )


def page_after(queryset, cursor, *, newest_first=True, size=50):
    """One keyset page: the `size` tickets after `cursor` = (created_at, id), never an OFFSET."""
    ordering = ["-created_at", "-id"] if newest_first else ["created_at", "id"]
    queryset = queryset.order_by(*ordering)
    if cursor is not None:
        queryset = queryset.filter(RowValueBefore(("created_at", "id"), cursor, descending=newest_first))
    rows = list(queryset[: size + 1])
    return rows[:size], len(rows) > size
