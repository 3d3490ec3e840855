"""Inbound email on PostgreSQL (SPEC D13; issue target: at least 50 messages/s with one worker, and
the threading lookup constant at a million tickets).

The database at DATABASE_URL is prepared like the other benchmarks (`seed_bench.prepare`, default
1,000,000 tickets: BENCH_MAIL_TICKETS). Then BENCH_MAIL_MESSAGES (10,000) raw messages, a third of
them replies to earlier ones (threaded by In-Reply-To/References), a fifth in HTML with a quote and
a remote image, one in ten with a PDF, are stored by `receive()` as a webhook or the poller would,
and processed by ONE Celery worker (`--pool solo`, a separate process, through Redis) when
REDIS_URL is set, else in this process. Measured: messages per second from the first store to the
last processed, and the threading lookup (`processing.tickets_for`) p50/p95 over 500 replies, with
its plan.

    DATABASE_URL=postgres://helpdesk:helpdesk@127.0.0.1:5432/helpdesk_1m REDIS_URL=redis://127.0.0.1:6379/0 \
      python -m benchmarks ingest_bench
"""

import os
import random
import subprocess
import sys
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

from benchmarks.common import percentiles, setup_django, write_results
from benchmarks.seed_bench import _postgres_url, prepare

ROOT = Path(__file__).resolve().parent.parent
TICKETS = int(os.environ.get("BENCH_MAIL_TICKETS", "1000000"))
MESSAGES = int(os.environ.get("BENCH_MAIL_MESSAGES", "10000"))
TARGET_PER_SECOND = 50
PDF = b"%PDF-1.4\n" + b"0" * 20000 + b"\n%%EOF\n"


def make_messages(run, count, rng):
    """(raw bytes) of `count` messages: new ones, and replies to earlier ones of this run."""
    sent = []
    for index in range(count):
        message = EmailMessage()
        sender = f"customer{rng.randrange(3000)}@example.org"
        message_id = f"<{run}.{index}@example.org>"
        message["From"] = f"Customer {index} <{sender}>"
        message["To"] = "Bench <bench@helpdesk.example>"
        message["Message-ID"] = message_id
        replying = sent and rng.random() < 0.33
        if replying:
            original = rng.choice(sent)
            message["Subject"] = "Re: my order"
            message["In-Reply-To"] = original
            message["References"] = original
        else:
            message["Subject"] = f"Order {10000 + index} has not arrived"
        text = "Hello,\n\nmy parcel has not arrived yet. Could you check where it is?\n\nRegards\n"
        message.set_content(text)
        if rng.random() < 0.2:
            message.add_alternative(
                "<div><p>Hello,</p><p>my parcel has <b>not arrived</b> yet.</p>"
                "<img src='https://cdn.example.org/sig.png'></div>"
                "<div class='gmail_quote'>On Monday, Support wrote:<blockquote>We sent it.</blockquote></div>",
                subtype="html",
            )
        if rng.random() < 0.1:
            message.add_attachment(PDF, maintype="application", subtype="pdf", filename="receipt.pdf")
        sent.append(message_id)
        yield bytes(message)


def _worker(env):
    return subprocess.Popen(  # noqa: S603 - our own worker, fixed arguments
        [sys.executable, "-m", "celery", "-A", "tickets_site", "worker", "--pool", "solo", "-c", "1",
         "--loglevel", "WARNING", "-Q", os.environ.get("CELERY_QUEUE", "celery")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )


def main():
    if _postgres_url() is None:
        print("ingest_bench: skipped, set DATABASE_URL to a PostgreSQL database")
        return
    prepare(TICKETS)
    connection = setup_django()
    from django.conf import settings
    from django.db import connection as db
    from django.db.models import Count

    from mail.models import InboundEmail, Mailbox
    from mail.parsing import parse
    from mail.processing import process, tickets_for
    from mail.receiving import receive
    from tickets.models import Ticket

    settings.HELPDESK_MAIL_NEW_TICKETS_PER_SENDER_HOUR = 0
    mailbox, _ = Mailbox.objects.get_or_create(address="bench@helpdesk.example", defaults={"name": "Bench"})
    run = uuid.uuid4().hex[:8]
    rng = random.Random(7)  # nosec B311 - repeatable benchmark data
    raws = list(make_messages(run, MESSAGES, rng))
    ticket_count = Ticket.objects.count()
    use_worker = bool(settings.REDIS_URL)
    worker = _worker(dict(os.environ)) if use_worker else None
    try:
        if worker is not None:
            time.sleep(4)  # the worker's start is not the pipeline's time
        started = time.perf_counter()
        ids = []
        for raw in raws:
            inbound, _ = receive(mailbox, raw, source=InboundEmail.Source.WEBHOOK, enqueue=use_worker)
            ids.append(inbound.pk)
            if not use_worker:
                process(inbound.pk)
        stored = time.perf_counter() - started
        waiting = InboundEmail.objects.filter(pk__in=ids, state=InboundEmail.State.RECEIVED)
        while use_worker and waiting.exists():
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
    states = dict(InboundEmail.objects.filter(pk__in=ids).values_list("state").annotate(n=Count("id")))
    per_second = MESSAGES / elapsed

    replies = [parse(raw) for raw in raws if b"In-Reply-To" in raw][:500]
    samples = []
    for parsed in replies:
        begin = time.perf_counter()
        tickets_for(mailbox, parsed)
        samples.append((time.perf_counter() - begin) * 1000)
    lookup = percentiles(samples)
    with db.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) SELECT ticket_id FROM tickets_activity WHERE message_id IN (%s, %s) "
            "ORDER BY created_at DESC, id DESC LIMIT 50",
            [replies[0].thread_ids[0], f"<missing.{run}@example.org>"],
        )
        plan = [row[0] for row in cursor.fetchall()]
    activities = db.cursor()
    activities.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'tickets_activity'")
    activity_rows = activities.fetchone()[0]

    lines = [
        "# ingest_bench",
        "",
        f"{connection.vendor}, {ticket_count:,} tickets, about {activity_rows:,} activities; {MESSAGES:,} messages "
        f"({sum(1 for raw in raws if b'In-Reply-To' in raw):,} replies), "
        + ("one Celery worker (--pool solo) through Redis" if use_worker else "processed in this process"),
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| messages per second, first store to last processed | {per_second:.1f} | ≥ {TARGET_PER_SECOND} |",
        f"| storing alone (receive: bytes + row + enqueue), per second | {MESSAGES / stored:.0f} | |",
        f"| threading lookup p50 / p95 | {lookup['p50']:.2f} / {lookup['p95']:.2f} ms | constant |",
        f"| states | {', '.join(f'{k} {v}' for k, v in sorted(states.items()))} | all processed |",
        "",
        "Threading lookup plan:",
        "",
        "```",
        *plan,
        "```",
    ]
    write_results("ingest_bench", lines)


if __name__ == "__main__":
    main()
