"""Tab counts (SPEC L1) that never hold up the list and never scan the whole table.

Each count is exact up to COUNT_CAP ("10,000+" beyond). On PostgreSQL a count that cannot finish
within COUNT_TIMEOUT_MS (a rare filter over many rows) is replaced by the planner's estimate, shown
as approximate. Counts are cached until any ticket changes (a generation number bumped after each
committed ticket change) or COUNT_CACHE_SECONDS pass; the list page loads them in a second request
when they are not cached, so the list itself is never slowed by them.
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache

from .db import count_within

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


def bounded_count(queryset, cap=COUNT_CAP, timeout_ms=COUNT_TIMEOUT_MS):
    """COUNT over at most cap + 1 rows, within timeout_ms where the database can bound it, else an estimate."""
    value, exact = count_within(queryset.order_by()[: cap + 1], timeout_ms, estimate_of=queryset)
    return TabCount(value, capped=value > cap, approximate=not exact, cap=cap)


def generation():
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def bump_generation():
    """Called after a ticket change commits: cached counts are stale from now on."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)


def cache_key(user, state_query):
    digest = hashlib.sha1(state_query.encode(), usedforsecurity=False).hexdigest()
    return f"tickets:counts:{generation()}:{user.pk}:{digest}"


def cached_counts(user, state_query):
    return cache.get(cache_key(user, state_query))


def store_counts(user, state_query, counts):
    cache.set(cache_key(user, state_query), counts, COUNT_CACHE_SECONDS)
