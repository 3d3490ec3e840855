"""Ticket list server time on the data set from `seed_demo --tickets N` (DESIGN performance budget).

For every tab and a matrix of filter combinations it measures the HTMX list partial at page 1 and at
a deep page (a keyset cursor 50,000 rows in, i.e. page 1,000), and the full page for each tab, in
process through Django's test client (server time, no network), with the SQL query count per page.
Budget: partial p95 <= 60 ms, full page p95 <= 100 ms, deep pages within 1.2x of page 1.

    DATABASE_URL=postgres://... python -m benchmarks list_bench
"""

import os

from benchmarks.common import setup_django, time_call, write_results

REPEAT_PARTIAL = int(os.environ.get("BENCH_REPEAT", "15"))
REPEAT_FULL = int(os.environ.get("BENCH_REPEAT_FULL", "30"))
DEEP_ROWS = 50_000


def filter_matrix():
    from configurations.models import Tag, Team, TicketType
    from tickets.models import Contact, Ticket

    tag = Tag.objects.order_by("pk").first()
    team = Team.objects.order_by("pk").first()
    kind = TicketType.objects.order_by("pk").first()
    agent = Ticket.objects.filter(assignee__isnull=False).values_list("assignee", flat=True).first()
    contact = Contact.objects.exclude(phone="").order_by("pk").first()
    some_id = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first()
    return [
        ("no filter", {}),
        ("priority", {"priority": "high"}),
        ("type", {"type": kind.pk}),
        ("status", {"status": "ongoing"}),
        ("ticket ID", {"id": f"T-{some_id:06d}"}),
        ("phone", {"phone": contact.phone[-6:]}),
        ("email", {"email": contact.email.split("@")[0]}),
        ("agent", {"agent": agent}),
        ("team", {"team": team.pk}),
        ("tag", {"tag": tag.pk}),
        ("SLA breached", {"sla": "breached"}),
        ("overdue", {"overdue": "yes"}),
        ("time to complete 1-48 h", {"ttc_min": "1", "ttc_max": "48", "completed": "1"}),
        ("unassigned 2-100 h", {"unassigned_min": "2", "unassigned_max": "100"}),
        ("tag + status", {"tag": tag.pk, "status": "ongoing"}),
        ("priority + team", {"priority": "urgent", "team": team.pk}),
        ("show completed", {"completed": "1"}),
    ]


def main():
    connection = setup_django()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.signals import request_started
    from django.db import reset_queries
    from django.http import QueryDict
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tickets.filters import TicketFilterSet
    from tickets.models import Ticket, UserPreference
    from tickets.queries import TAB_KEYS, hide_completed, tab_queryset

    # Each request would otherwise clear the query log that CaptureQueriesContext counts.
    request_started.disconnect(reset_queries)
    total = Ticket.objects.count()
    user = get_user_model().objects.get(username="alice")
    UserPreference.objects.update_or_create(user=user, defaults={"sort_order": "newest", "show_completed": False})
    client = Client()
    client.force_login(user)

    def deep_cursor(tab, params):
        data = QueryDict(mutable=True)
        for key, value in params.items():
            data[key] = str(value)
        base = hide_completed(tab_queryset(tab, user), tab, params.get("completed") == "1")
        filters = TicketFilterSet(data, queryset=Ticket.objects.none(), tab="all")
        assert filters.is_valid(), filters.errors
        queryset = filters.filter_for_tab(base, tab).order_by("-created_at", "-id")
        depth = DEEP_ROWS
        row = queryset.values_list("created_at", "id")[depth : depth + 1].first()
        if row is None:  # fewer rows than that: go half-way down what there is
            depth = queryset[: DEEP_ROWS + 1].count() // 2
            row = queryset.values_list("created_at", "id")[depth : depth + 1].first() if depth >= 100 else None
        return (f"{row[0].isoformat()}_{row[1]}", depth) if row else (None, 0)

    def measure(params, repeat, headers, path="/tickets/", clear_cache=False):
        client.get(path, params, **headers)
        reset_queries()  # the log keeps at most 9,000 queries: once full, a count from it reads 0
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, params, **headers)
        assert response.status_code == 200, (params, response.status_code)

        def call():
            if clear_cache:
                cache.clear()
            client.get(path, params, **headers)

        timing = time_call(call, repeat)
        return timing, len(queries)

    partial = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "list-region"}
    lines = [
        f"# list_bench on {connection.vendor}, {total:,} tickets",
        "",
        f"Server time in ms through Django's test client; partial = HTMX list region + tab counts "
        f"({REPEAT_PARTIAL} requests per case), full = whole page ({REPEAT_FULL} requests). "
        f"Deep = keyset cursor {DEEP_ROWS:,} rows in (page {DEEP_ROWS // 50:,}), or half-way down a shorter "
        "list (its row shown); '-' = under 200 rows.",
        "",
        "| tab | filter | partial p1 p50/p95/p99 | partial deep p50/p95/p99 | deep/p1 (p95) | queries "
        "| tab counts, uncached p50/p95 |",
        "|---|---|---|---|---|---|---|",
    ]
    worst_partial = worst_ratio = worst_counts = 0.0
    for tab in TAB_KEYS:
        for label, filters in filter_matrix():
            params = {"tab": tab, "sort": "newest", "completed": "0", **filters}
            first, query_count = measure(params, REPEAT_PARTIAL, partial)
            cursor, depth = deep_cursor(tab, params)
            deep_text, ratio_text = "-", "-"
            if cursor:
                deep, _ = measure({**params, "after": cursor}, REPEAT_PARTIAL, partial)
                ratio = deep["p95"] / first["p95"]
                worst_ratio = max(worst_ratio, ratio)
                worst_partial = max(worst_partial, deep["p95"])
                deep_text = f"{deep['p50']:.1f} / {deep['p95']:.1f} / {deep['p99']:.1f} (row {depth:,})"
                ratio_text = f"{ratio:.2f}"
            worst_partial = max(worst_partial, first["p95"])
            count_text = ""
            if tab == "all":  # the counts cover all five tabs and do not depend on the current tab
                counts, _ = measure(params, REPEAT_PARTIAL, {}, path="/tickets/counts/", clear_cache=True)
                worst_counts = max(worst_counts, counts["p95"])
                count_text = f"{counts['p50']:.1f} / {counts['p95']:.1f}"
            lines.append(
                f"| {tab} | {label} | {first['p50']:.1f} / {first['p95']:.1f} / {first['p99']:.1f} "
                f"| {deep_text} | {ratio_text} | {query_count} | {count_text} |"
            )
            print(lines[-1], flush=True)

    lines += ["", "| tab | full page p1 p50/p95/p99 | full page deep p50/p95/p99 | queries |", "|---|---|---|---|"]
    worst_full = 0.0
    for tab in TAB_KEYS:
        params = {"tab": tab, "sort": "newest", "completed": "0"}
        first, query_count = measure(params, REPEAT_FULL, {})
        cursor, depth = deep_cursor(tab, params)
        deep_text = "-"
        if cursor:
            deep, _ = measure({**params, "after": cursor}, REPEAT_FULL, {})
            worst_full = max(worst_full, deep["p95"])
            deep_text = f"{deep['p50']:.1f} / {deep['p95']:.1f} / {deep['p99']:.1f}"
        worst_full = max(worst_full, first["p95"])
        lines.append(
            f"| {tab} | {first['p50']:.1f} / {first['p95']:.1f} / {first['p99']:.1f} | {deep_text} | {query_count} |"
        )
        print(lines[-1], flush=True)

    lines += [
        "",
        f"Worst partial p95: {worst_partial:.1f} ms (budget 60). Worst full page p95: {worst_full:.1f} ms "
        f"(budget 100). Worst deep/page-1 p95 ratio: {worst_ratio:.2f} (budget 1.2). Tab counts "
        f"(a separate request, uncached, all five tabs): worst p95 {worst_counts:.1f} ms.",
    ]
    write_results("list_bench", lines)


if __name__ == "__main__":
    main()
