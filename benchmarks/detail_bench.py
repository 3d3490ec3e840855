"""Ticket page server time with a long history (DESIGN: p95 <= 100 ms with 1,000 history events).

Builds (once) a ticket with 1,000 history events through the actions, then measures the full
ticket page, the first History page and the first Activities page through Django's test client,
and the same three over HTTP from the production layout (`manage.py serve`: nginx and gunicorn),
one request at a time on a keep-alive connection, when REDIS_URL is set too.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python -m benchmarks detail_bench
"""

import http.client
import os
import subprocess
import sys
import time

from benchmarks.common import percentiles, setup_django, time_call, write_results

REPEAT = int(os.environ.get("BENCH_REPEAT", "40"))
TITLE = "Benchmark ticket with a long history"
EVENTS = 1000


def busy_ticket(alice, bob):
    from configurations.models import Priority
    from tickets import actions
    from tickets.models import Ticket

    ticket = Ticket.objects.filter(title=TITLE).first()
    if ticket is None:
        ticket = actions.create_ticket(alice, title=TITLE, assignee=alice)
    priorities = [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT]
    for number in range(ticket.events.count(), EVENTS):
        if number % 3 == 0:
            actions.add_note(ticket, bob, f"Update {number}: called the courier again, @alice please check.")
        else:
            ticket = actions.update_ticket(
                ticket, alice, version=Ticket.objects.get(pk=ticket.pk).version, priority=priorities[number % 4]
            )
    return ticket


def over_http(cases, cookie):
    """p50/p95/p99 of each case from the production layout, which this starts and stops."""
    from django.conf import settings

    from benchmarks import load_bench

    # The server signs sessions with this process's key, so the test client's session is valid there.
    env = {**os.environ, "SECRET_KEY": settings.SECRET_KEY, "DJANGO_SETTINGS_MODULE": "tickets_site.settings", "DEBUG": "0",
           "SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "WARNING", "ALLOWED_HOSTS": "127.0.0.1",
           "STATIC_ROOT": str(settings.VAR_DIR / "bench-static")}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=load_bench.ROOT,
                   env=env, check=True)
    port = load_bench.free_port()
    log = (settings.VAR_DIR / "detail_bench-serve.log").open("w")
    process = load_bench.start("serve", env, port, log)
    results = []
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for label, url, headers in cases:
            request_headers = {"Cookie": cookie, "Host": "127.0.0.1"}
            if headers:
                request_headers["HX-Request"] = "true"
            samples = []
            warmup = 4 * load_bench.WORKERS  # every worker process has rendered the page a few times
            for number in range(warmup + REPEAT):
                started = time.perf_counter()
                connection.request("GET", url, headers=request_headers)
                response = connection.getresponse()
                response.read()
                assert response.status == 200, (url, response.status)
                if number >= warmup:
                    samples.append((time.perf_counter() - started) * 1000)
            results.append((label, percentiles(samples)))
    finally:
        load_bench.stop(process)
        log.close()
    return results


def main():
    connection = setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    users = get_user_model().objects
    alice, bob = users.get(username="alice"), users.get(username="bob")
    ticket = busy_ticket(alice, bob)
    client = Client()
    client.force_login(alice)
    htmx = {"HTTP_HX_REQUEST": "true"}
    cases = [
        ("ticket page (full)", ticket.get_absolute_url(), {}),
        ("history, first page (HTMX)", reverse("tickets:ticket_history", args=[ticket.pk]), htmx),
        ("activities, first page (HTMX)", reverse("tickets:ticket_activities", args=[ticket.pk]), htmx),
    ]
    lines = [
        f"# detail_bench on {connection.vendor}: a ticket with {ticket.events.count():,} history events "
        f"and {ticket.activities.count():,} notes, {REPEAT} requests per case",
        "",
        "| case | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|",
    ]
    for label, url, headers in cases:
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
        timing = time_call(lambda url=url, headers=headers: client.get(url, **headers), REPEAT)
        lines.append(f"| {label} | {timing['p50']:.1f} | {timing['p95']:.1f} | {timing['p99']:.1f} |")
        print(lines[-1], flush=True)
    if os.environ.get("REDIS_URL") and connection.vendor == "postgresql":
        from django.conf import settings

        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        for label, timing in over_http(cases, cookie):
            lines.append(f"| {label}, over HTTP (nginx, gunicorn) | {timing['p50']:.1f} | {timing['p95']:.1f} "
                         f"| {timing['p99']:.1f} |")
            print(lines[-1], flush=True)
    write_results("detail_bench", lines)


if __name__ == "__main__":
    main()
