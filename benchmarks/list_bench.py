"""Ticket list server time on the data set from `seed_demo --tickets N` (DESIGN performance budget).

Measures the full page and the HTMX rows partial at page 1 and at a deep page (a keyset cursor
half-way through the table), in process through Django's test client, with the SQL query count.
"""

import os

from benchmarks.common import setup_django, time_call, write_results

REPEAT = int(os.environ.get("BENCH_REPEAT", "60"))


def main():
    connection = setup_django()
    from django.contrib.auth import get_user_model
    from django.core.signals import request_started
    from django.db import reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tickets.models import Ticket

    # Each request would otherwise clear the query log that CaptureQueriesContext counts.
    request_started.disconnect(reset_queries)
    total = Ticket.objects.count()
    user = get_user_model().objects.get(username="alice")
    client = Client()
    client.force_login(user)

    active = Ticket.objects.filter(archived=False).order_by("-created_at", "-id")
    depth = min(total // 2, 500_000)
    deep = active.values_list("created_at", "id")[depth : depth + 1].first()
    deep_cursor = f"{deep[0].isoformat()}_{deep[1]}" if deep else ""

    cases = [
        ("full page, page 1", "/tickets/", {}),
        ("full page, deep page", f"/tickets/?after={deep_cursor}", {}),
        ("htmx rows, page 1", "/tickets/", {"HTTP_HX_REQUEST": "true"}),
        ("htmx rows, deep page", f"/tickets/?after={deep_cursor}", {"HTTP_HX_REQUEST": "true"}),
    ]
    lines = [
        f"# list_bench on {connection.vendor}, {total:,} tickets, {REPEAT} requests per case",
        "",
        f"deep page = keyset cursor at row {depth:,} of the active tickets",
        "",
        "| case | p50 ms | p95 ms | p99 ms | queries |",
        "|---|---|---|---|---|",
    ]
    for label, url, headers in cases:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
        timing = time_call(lambda url=url, headers=headers: client.get(url, **headers), REPEAT)
        lines.append(
            f"| {label} | {timing['p50']:.1f} | {timing['p95']:.1f} | {timing['p99']:.1f} | {len(queries)} |"
        )
    write_results("list_bench", lines)


if __name__ == "__main__":
    main()
