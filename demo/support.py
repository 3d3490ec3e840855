"""Small helpers for the demo: deterministic names, weighted choices, the simulated clock, holidays."""


import datetime as dt
import re

from django.utils import timezone

from .data import COMPANY_SUFFIXES, FIRST_NAMES, LAST_NAMES


class NameSource:
    """Names for people and companies from built-in lists: the same demo on every machine."""

    def __init__(self, rng):
        self.rng = rng

    def first_name(self):
        return self.rng.choice(FIRST_NAMES)

    def last_name(self):
        return self.rng.choice(LAST_NAMES)

    def company(self):
        return f"{self.rng.choice(LAST_NAMES)} {self.rng.choice(COMPANY_SUFFIXES)}"


def _slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


# --- the simulated clock --------------------------------------------------------------------------


class SimulatedClock:
    """While active, `django.utils.timezone.now()` returns `current` (or the real time when None).

    The actions stamp their history events, `updated_at` and derived times with timezone.now();
    running them under this clock lets a seeded ticket live its life over days, as it would have.
    """

    def __init__(self):
        self.current = None
        self._real = None

    def __call__(self):
        return self.current if self.current is not None else self._real()

    def __enter__(self):
        self._real = timezone.now
        timezone.now = self
        return self

    def __exit__(self, *exc):
        timezone.now = self._real
        return False


class Stop(Exception):
    """The next step of a ticket's life would happen after now: it stops where it is."""


# --- holidays -------------------------------------------------------------------------------------


def easter_sunday(year):
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def uk_bank_holidays(year):
    """England and Wales bank holidays of `year` (the regular ones, with weekend substitutes)."""

    def substitute(day, taken=()):
        while day.weekday() >= 5 or day in taken:
            day += dt.timedelta(days=1)
        return day

    def first_monday(month):
        day = dt.date(year, month, 1)
        return day + dt.timedelta(days=(7 - day.weekday()) % 7)

    def last_monday(month):
        day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
        return day - dt.timedelta(days=day.weekday())

    easter = easter_sunday(year)
    christmas = substitute(dt.date(year, 12, 25))
    return [
        (substitute(dt.date(year, 1, 1)), "New Year's Day"),
        (easter - dt.timedelta(days=2), "Good Friday"),
        (easter + dt.timedelta(days=1), "Easter Monday"),
        (first_monday(5), "Early May bank holiday"),
        (last_monday(5), "Spring bank holiday"),
        (last_monday(8), "Summer bank holiday"),
        (christmas, "Christmas Day"),
        (substitute(dt.date(year, 12, 26), {christmas}), "Boxing Day"),
    ]


# --- base demo data -------------------------------------------------------------------------------


