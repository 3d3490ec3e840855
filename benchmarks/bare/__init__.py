"""The bare page: the fastest ticket list this stack serves, the floor the real list is compared with.

A Django project of its own (no helpdesk app, no middleware beyond sessions and authentication)
on the helpdesk's database: a signed-in agent's 50 newest open tickets of their teams with 12
columns, keyset paging (?after=<created_at>,<id>), in 3 queries (session, user, rows), rendered by
Django's template engine. `benchmarks/load_bench.py` runs it under gunicorn beside the real list.
"""
