"""SLA deadlines counted in working time (SPEC T8).

Pure functions over aware datetimes; the only model access is `Calendar.from_model`,
`policy_for` and `deadline_for_ticket`, which read already-loaded relations.

Rules:
- The deadline is the creation time plus the policy's resolution time for the ticket's
  priority, counted only inside the category's working hours (nights, days without hours
  and holidays are skipped). Time is counted in the calendar's own time zone, so a DST
  change shifts the UTC result but never the working time: working hours are wall-clock
  hours, and a working day is as long as its intervals really last.
- An account with its own SLA policy overrides the category's.
- "At risk" starts once 80 % of the working time has elapsed (less than 20 % left).
- Overdue: the deadline has passed and the ticket is not resolved.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import models

UTC = dt.UTC
MIDNIGHT = dt.time(0)
AT_RISK_FRACTION = (4, 5)  # at risk once 4/5 = 80 % of the working time has elapsed


@dataclass(frozen=True)
class Calendar:
    """Working intervals per weekday (0 = Monday) in local time, plus full-day holidays.

    An interval ending at 00:00 ends at midnight at the end of the day (24:00), so
    `(time(0), time(0))` is a whole day. A calendar without any working time (no hours at
    all) is treated as 24x7 without holidays, like `Calendar.always()`: otherwise no
    deadline could ever be reached.
    """

    tz: ZoneInfo
    hours: dict[int, tuple[tuple[dt.time, dt.time], ...]]
    holidays: frozenset[dt.date] = frozenset()

    @classmethod
    def always(cls):
        """24 hours a day, 7 days a week, no holidays (a category without calendar)."""
        return cls(ZoneInfo("UTC"), {}, frozenset())

    @classmethod
    def from_model(cls, calendar):
        """Build from a `configurations.WorkingCalendar` (None gives `always()`).

        Reads `calendar.hours.all()` and `calendar.holidays.all()`, so prefetching works.
        """
        if calendar is None:
            return cls.always()
        hours = {}
        for row in sorted(calendar.hours.all(), key=lambda h: (h.weekday, h.start)):
            hours.setdefault(row.weekday, []).append((row.start, row.end))
        return cls(
            tz=ZoneInfo(calendar.timezone or "UTC"),
            hours={day: tuple(intervals) for day, intervals in hours.items()},
            holidays=frozenset(h.date for h in calendar.holidays.all()),
        )

    @property
    def is_always(self):
        """True when every moment counts (no working interval is defined)."""
        return not any(s < e or e == MIDNIGHT for day in self.hours.values() for s, e in day)

    def intervals(self, day):
        """The working intervals of local date `day` as sorted, merged (start, end) UTC pairs."""
        if day in self.holidays:
            return []
        pairs = []
        for start, end in self.hours.get(day.weekday(), ()):
            begin = dt.datetime.combine(day, start, self.tz).astimezone(UTC)
            end_day = day + dt.timedelta(days=1) if end == MIDNIGHT else day
            finish = dt.datetime.combine(end_day, end, self.tz).astimezone(UTC)
            if begin < finish:
                pairs.append((begin, finish))
        merged = []
        for begin, finish in sorted(pairs):
            if merged and begin <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
            else:
                merged.append((begin, finish))
        return merged


def _calendar(calendar):
    return Calendar.always() if calendar is None else calendar


def _aware(moment):
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("SLA computations need aware datetimes")
    return moment.astimezone(UTC)


def add_working_time(start, seconds, calendar):
    """The moment `seconds` of working time after `start`, in UTC.

    Counting starts at `start`, or at the next working interval when `start` lies outside
    working hours. The result is the exact end of an interval when the time runs out there.
    `seconds == 0` returns `start` unchanged. Walks day by day (never minute by minute).
    """
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    if seconds == 0:
        return start
    calendar = _calendar(calendar)
    current = _aware(start)
    remaining = dt.timedelta(seconds=seconds)
    if calendar.is_always:
        return current + remaining
    day = current.astimezone(calendar.tz).date()
    while True:
        for begin, finish in calendar.intervals(day):
            if finish <= current:
                continue
            begin = max(begin, current)
            if remaining <= finish - begin:
                return begin + remaining
            remaining -= finish - begin
        day += dt.timedelta(days=1)


def working_seconds_between(start, end, calendar):
    """Whole seconds of working time between `start` and `end` (0 when end <= start)."""
    calendar = _calendar(calendar)
    start, end = _aware(start), _aware(end)
    if end <= start:
        return 0
    if calendar.is_always:
        return (end - start) // dt.timedelta(seconds=1)
    total = dt.timedelta()
    day, last = start.astimezone(calendar.tz).date(), end.astimezone(calendar.tz).date()
    while day <= last:
        for begin, finish in calendar.intervals(day):
            begin, finish = max(begin, start), min(finish, end)
            if begin < finish:
                total += finish - begin
        day += dt.timedelta(days=1)
    return total // dt.timedelta(seconds=1)


def deadline_for(created_at, resolution_minutes, calendar):
    """(deadline, at_risk_at): the resolution time and 80 % of it, in working time after creation."""
    seconds = resolution_minutes * 60
    numerator, denominator = AT_RISK_FRACTION
    return (
        add_working_time(created_at, seconds, calendar),
        add_working_time(created_at, seconds * numerator // denominator, calendar),
    )


class SLAState(models.TextChoices):
    WITHIN = "within", "Within SLA"
    AT_RISK = "at_risk", "At risk"
    BREACHED = "breached", "Breached"


def sla_state(*, now, deadline, at_risk_at, resolved_at):
    """The SLA state, or None without deadline.

    A resolved ticket is breached if it was resolved after the deadline, else within.
    An open ticket is breached from the deadline on, at risk from `at_risk_at` on, else within.
    """
    if deadline is None:
        return None
    if resolved_at is not None:
        return SLAState.BREACHED if resolved_at > deadline else SLAState.WITHIN
    if now >= deadline:
        return SLAState.BREACHED
    if at_risk_at is not None and now >= at_risk_at:
        return SLAState.AT_RISK
    return SLAState.WITHIN


def is_overdue(*, now, deadline, resolved_at):
    """Overdue: there is a deadline, it has passed (now >= deadline) and the ticket is not resolved."""
    return deadline is not None and resolved_at is None and now >= deadline


def policy_for(ticket):
    """The account's SLA policy if it has one (it overrides the category's), else the category's, else None."""
    account = ticket.account
    if account is not None and account.sla_policy is not None:
        return account.sla_policy
    category = ticket.category
    return category.sla_policy if category is not None else None


def deadline_for_ticket(ticket):
    """(deadline, at_risk_at) for a ticket, counted in its category's calendar; (None, None) without policy."""
    policy = policy_for(ticket)
    if policy is None or ticket.created_at is None:
        return None, None
    category = ticket.category
    calendar = Calendar.from_model(category.calendar if category is not None else None)
    return deadline_for(ticket.created_at, policy.resolution_minutes(ticket.priority), calendar)
