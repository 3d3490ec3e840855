"""Demo and benchmark data for `manage.py seed_demo`, apart from the product code (the command is a thin wrapper).

Two modes:

* `seed_demo()` builds a realistic contact centre: people, teams, configuration, customers and
  about 300 tickets made THROUGH THE ACTIONS, so history events, first-reached times, resolution
  and unassigned times and SLA deadlines are real. Every ticket lives a plausible life over the
  last ~90 days: the actions run under a simulated clock (`SimulatedClock` swaps
  `django.utils.timezone.now` while seeding), so each event gets the time it would have had,
  never a time in the future. Nothing is written when demo data is already there.
* `seed_bulk(n)` adds `n` tickets for benchmarks with bulk inserts (COPY on PostgreSQL). This is
  the one place that writes ticket rows without the actions, for scale; it fills every column
  consistently, one CREATED history event per ticket and 0-3 tags each.

Everything random comes from `random.Random(42)`, so two runs on empty
databases give the same data, apart from times, which are relative to now.
"""
