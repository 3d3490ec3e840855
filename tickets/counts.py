"""Tab counts (SPEC L1) that never hold up the list and never scan the whole table.

Each count is exact up to COUNT_CAP ("10,000+" beyond). On PostgreSQL a count that cannot finish
within COUNT_TIMEOUT_MS (a rare filter over many rows) is replaced by the planner's estimate, shown
as approximate. Counts are cached until any ticket changes (a generation number bumped after each
committed ticket change) or COUNT_CACHE_SECONDS pass; the list page loads them in a second request
when they are not cached, so the list itself is never slowed by them.
"""

import hashlib
import json
from dataclasses import dataclass

from django.core.cache import cache
from django.db import OperationalError, connection, transaction

COUNT_CAP = 10_000
COUNT_TIMEOUT_MS = 25
COUNT_CACHE_SECONDS = 60
GENERATION_KEY = "tickets:generation"


@dataclass(frozen=True)
class TabCount:
    value: int
    capped: bool = False
    approximate: bool = False
    cap: int = COUNT_CAP

    @property
    def display(self):
        if self.capped:
            return f"{self.cap:,}+"
        if self.approximate:
            return f"≈{_short(self.value)}"
        return f"{self.value:,}"

    @property
    def spoken(self):
        if self.capped:
            return f"more than {self.cap:,} tickets"
        if self.approximate:
            return f"about {self.value:,} tickets"
        return f"{self.value:,} tickets"


def _short(value):
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{value // 1000}k"
    return f"{value:,}"


def _estimate(queryset):
    """The planner's row estimate for the query, from EXPLAIN (no rows are read)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def bounded_count(queryset, cap=COUNT_CAP, timeout_ms=COUNT_TIMEOUT_MS):
    """COUNT over at most cap + 1 rows, and on PostgreSQL within timeout_ms, else an estimate."""
    limited = queryset.order_by()[: cap + 1]
    if connection.vendor != "postgresql":
        value = limited.count()
        return TabCount(value, capped=value > cap, cap=cap)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = %s", [int(timeout_ms)])
            value = limited.count()
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = DEFAULT")
    except OperationalError:
        estimate = _estimate(queryset)
        return TabCount(estimate, capped=estimate > cap, approximate=True, cap=cap)
    return TabCount(value, capped=value > cap, cap=cap)


def generation():
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def bump_generation():
    """Called after a ticket change commits: cached counts are stale from now on."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)


def cache_key(user, state_query):
    digest = hashlib.sha1(state_query.encode()).hexdigest()
    return f"tickets:counts:{generation()}:{user.pk}:{digest}"


def cached_counts(user, state_query):
    return cache.get(cache_key(user, state_query))


def store_counts(user, state_query, counts):
    cache.set(cache_key(user, state_query), counts, COUNT_CACHE_SECONDS)
