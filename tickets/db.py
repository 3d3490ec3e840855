"""Everything that differs by database, in one small module (DESIGN: two ways to run, one code path).

The rest of the code never asks which database it runs on. Where PostgreSQL can do better, the
difference lives here behind one function or expression, with a test on both databases
(tests/unit/test_db.py runs on SQLite and, in CI's second run, on PostgreSQL):

- `RowValueBefore`: the row-value keyset predicate `(created_at, id) < (%s, %s)`;
- `InList`: `column = ANY(%s)` on PostgreSQL for long id lists, `IN (...)` elsewhere;
- `SecondsSince`: seconds between a column and now (EXTRACT on PostgreSQL, julianday on SQLite);
- `count_within`: a COUNT bounded in time by `statement_timeout`, or the planner's estimate;
- `lock_table`: serialising the writers of a table (SQLite's IMMEDIATE transactions already do);
- `ProbedExists`: an EXISTS kept as a per-row probe on PostgreSQL (not turned into a join);
- `IdSetField`: a set of ids in the row (integer[] on PostgreSQL, a JSON array on SQLite) with `overlaps`.
"""

import json

from django.db import NotSupportedError, OperationalError, connection, transaction
from django.db.models import (
    BooleanField,
    DateTimeField,
    Exists,
    Expression,
    F,
    Field,
    Func,
    IntegerField,
    Lookup,
    Value,
)


def is_postgresql():
    return connection.vendor == "postgresql"


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
    """Whole seconds from `column` to `now` plus the integer column `plus` (SPEC L4: unassigned time)."""
    return SecondsSince(column, now, plus)



def lock_table(model):
    """Serialise writers of `model` until the transaction ends (SQLite already runs IMMEDIATE)."""
    if is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{model._meta.db_table}" IN SHARE ROW EXCLUSIVE MODE')


def estimate_rows(queryset):
    """The planner's row estimate for the query, from EXPLAIN (no rows are read; PostgreSQL only)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def count_within(queryset, timeout_ms, *, estimate_of=None):
    """(count, exact): the queryset's COUNT, or on PostgreSQL, when it takes over `timeout_ms`, the
    planner's estimate of `estimate_of` (the queryset itself by default) with exact False."""
    if not is_postgresql():
        return queryset.count(), True
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = %s", [int(timeout_ms)])
            value = queryset.count()
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = DEFAULT")
    except OperationalError:
        return estimate_rows(queryset if estimate_of is None else estimate_of), False
    return value, True


class ProbedExists(Exists):
    """EXISTS(subquery) that PostgreSQL tests row by row while it walks the outer query's index.

    PostgreSQL turns an EXISTS into a join, which for a common value (a custom field's choice held
    by a third of the tickets) reads every match and sorts them: work that grows with the table.
    OFFSET 0 keeps the subquery a subplan, so the list's ordered index is walked and each row probed
    until a page is full. Elsewhere it is a plain EXISTS.
    """

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="EXISTS(%(subquery)s OFFSET 0)", **extra_context)


class IdSetField(Field):
    """A small sorted set of ids kept in the row itself, e.g. a ticket's tag ids.

    On PostgreSQL it is an `integer[]` (a GIN index answers `&&`, and ANALYZE keeps per-element
    frequencies, so the planner knows a common id from a rare one); on SQLite it is a JSON array in
    a text column, read with json_each. Python sees a sorted list either way. `overlaps` is the one
    lookup: the row holds at least one of the given ids.
    """

    description = "A set of integer ids"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, value in (("default", list), ("blank", True), ("editable", False)):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        return name, path, args, kwargs

    def db_type(self, connection):
        return "integer[]" if connection.vendor == "postgresql" else "text"

    def get_internal_type(self):
        return "IdSetField"

    def to_python(self, value):
        if value is None:
            return []
        if isinstance(value, str):
            value = json.loads(value)
        return sorted({int(item) for item in value})

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        ids = self.to_python(value)
        return ids if connection.vendor == "postgresql" else json.dumps(ids)


@IdSetField.register_lookup
class Overlaps(Lookup):
    lookup_name = "overlaps"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        column, params = self.process_lhs(compiler, connection)
        ids = self.rhs_for_sql()
        if not ids:
            return "1 = 0", []
        marks = ", ".join(["%s"] * len(ids))
        # The column comes from the compiler and the ids are parameters.
        sql = f"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value IN ({marks}))"  # nosec B608
        return sql, [*params, *ids]

    def as_postgresql(self, compiler, connection):
        column, params = self.process_lhs(compiler, connection)
        ids = self.rhs_for_sql()
        if not ids:
            return "1 = 0", []
        return f"{column} && %s::integer[]", [*params, ids]

    def rhs_for_sql(self):
        return sorted({int(getattr(item, "pk", item)) for item in self.rhs})
