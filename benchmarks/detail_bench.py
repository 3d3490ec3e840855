"""Ticket page server time with a long history (DESIGN: p95 <= 100 ms with 1,000 history events).

Builds (once) a ticket with 1,000 history events through the actions, then measures the full
ticket page, the first History page and the first Activities page through Django's test client.

    DATABASE_URL=postgres://... python -m benchmarks detail_bench
"""

import os

from benchmarks.common import setup_django, time_call, write_results

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
    write_results("detail_bench", lines)


if __name__ == "__main__":
    main()
