"""Inbound email on PostgreSQL (SPEC D13; issue target: at least 50 messages/s with one worker, and
the threading lookup constant at a million tickets).

The database at DATABASE_URL is prepared like the other benchmarks (`seed_bench.prepare`, default
1,000,000 tickets: BENCH_MAIL_TICKETS). Then BENCH_MAIL_MESSAGES (10,000) raw messages, a third of
them replies to earlier ones (threaded by In-Reply-To/References), a fifth in HTML with a quote and
a remote image, one in ten with a PDF, are stored by `receive()` as a webhook or the poller would,
then processed by ONE Celery worker (`--pool solo`, a separate process, through Redis) when
REDIS_URL is set, else in this process. Measured: messages stored per second, messages processed
per second by the worker (from the first task sent to the last message processed), the threading
lookup (`processing.tickets_for`) p50/p95 over 500 replies with its plan, and, with Dovecot
installed, a message's way from an IMAP folder to its ticket.

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


EMAIL_ACTIVITY_SQL = """
INSERT INTO tickets_activity (ticket_id, kind, direction, subject, body, message_id, in_reply_to, "references",
    delivery_state, delivery_detail, attempts, recipient, sender, "to", cc, body_html, quoted_html, remote_images,
    skipped_files, thread_candidates, thread_open, mentioned, created_at)
SELECT t.id, 'email', 'inbound', t.title, '', '<bench.' || t.id || '.' || g || '@example.org>', '', '', '', '', 0,
    '', '', '[]', '[]', '', '', false, '[]', '[]', false, '[]', t.created_at + g * interval '1 hour'
FROM tickets_ticket t CROSS JOIN generate_series(1, 2) g
WHERE NOT EXISTS (SELECT 1 FROM tickets_activity a WHERE a.message_id LIKE '<bench.%%')
"""


def seed_email_activities(db):
    """Two emails with Message-IDs on every ticket (once): the threading lookup's index at full size."""
    started = time.perf_counter()
    with db.cursor() as cursor:
        cursor.execute(EMAIL_ACTIVITY_SQL)
        added = cursor.rowcount
        if added:
            cursor.execute("ANALYZE tickets_activity")
    if added:
        print(f"added {added:,} email activities in {time.perf_counter() - started:.0f} s")


def make_messages(run, count, rng, max_ticket):
    """(raw bytes) of `count` messages: new ones, replies to earlier ones of this run, and replies
    to the emails of old tickets."""
    sent = []
    for index in range(count):
        message = EmailMessage()
        sender = f"customer{rng.randrange(3000)}.{run}@example.org"
        message_id = f"<{run}.{index}@example.org>"
        message["From"] = f"Customer {index} <{sender}>"
        message["To"] = "Bench <bench@helpdesk.example>"
        message["Message-ID"] = message_id
        roll = rng.random()
        replying = sent and roll < 0.33
        if replying:
            original = rng.choice(sent) if roll < 0.23 else f"<bench.{rng.randrange(304, max_ticket)}.1@example.org>"
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


def poll_latency(mailbox_model, samples=20):
    """Seconds from a message's arrival in an IMAP folder to its activity on a ticket, with the
    next beat tick at once (the worst case adds HELPDESK_MAIL_POLL_SECONDS): each sample appends
    one message to a private Dovecot, sends `poll_mailbox` as beat's `poll_mailboxes` would, and waits for the worker."""
    from mail.models import InboundEmail
    from mail.tasks import poll_mailbox
    from tests.integration.dovecot import start_dovecot

    try:
        server = start_dovecot()
    except BaseException as error:  # noqa: BLE001 - pytest's fail/skip: no Dovecot on this machine
        print(f"poller latency: skipped ({error})")
        return None
    try:
        account = server.add_user()
        mailbox = mailbox_model.objects.create(
            name="Poll bench", address=f"poll-{uuid.uuid4().hex[:6]}@helpdesk.example", imap_host=server.host,
            imap_port=server.port, imap_security="none", imap_user=account.user, imap_password=account.password,
        )
        poll_mailbox.delay(mailbox.pk)  # the first poll takes the folder's place
        time.sleep(2)
        latencies = []
        for index in range(samples):
            message = EmailMessage()
            message["From"] = f"Poll <poll.{uuid.uuid4().hex[:8]}@example.org>"  # under the per-sender limit
            message["Subject"] = f"Poll {index}"
            message["Message-ID"] = f"<poll.{uuid.uuid4().hex}@example.org>"
            message.set_content("Is anyone there?")
            mailbox_model.objects.filter(pk=mailbox.pk).update(last_polled_at=None)  # beat's next tick
            began = time.perf_counter()
            account.append(bytes(message))
            poll_mailbox.delay(mailbox.pk)  # what beat's poll_mailboxes sends for each mailbox
            done = InboundEmail.objects.filter(
                mailbox=mailbox, message_id=message["Message-ID"], state=InboundEmail.State.PROCESSED
            )
            deadline = began + 60
            while not done.exists():
                if time.perf_counter() > deadline:
                    raise SystemExit("poller latency: a message was not processed within 60 s")
                time.sleep(0.05)
            latencies.append((time.perf_counter() - began) * 1000)
        mailbox_model.objects.filter(pk=mailbox.pk).update(is_active=False)  # its server goes now
        return percentiles(latencies)
    finally:
        server.stop()


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

    mailbox, _ = Mailbox.objects.get_or_create(address="bench@helpdesk.example", defaults={"name": "Bench"})
    run = uuid.uuid4().hex[:8]
    rng = random.Random(7)  # nosec B311 - repeatable benchmark data
    seed_email_activities(db)
    ticket_count = Ticket.objects.count()
    raws = list(make_messages(run, MESSAGES, rng, Ticket.objects.order_by("-pk").values_list("pk", flat=True)[0]))
    use_worker = bool(settings.REDIS_URL)
    # Storing is what a webhook, the poller or ingest_email does (in their own processes); it is
    # timed apart, so the worker's rate is its own and not shared with this process on two cores.
    started = time.perf_counter()
    ids = [receive(mailbox, raw, source=InboundEmail.Source.WEBHOOK, enqueue=False)[0].pk for raw in raws]
    stored = time.perf_counter() - started
    latency = None
    if use_worker:
        from mail.tasks import process_inbound

        worker = _worker(dict(os.environ))
        try:
            time.sleep(5)  # the worker's start is not the pipeline's time
            started = time.perf_counter()
            for pk in ids:
                process_inbound.delay(pk)
            waiting = InboundEmail.objects.filter(pk__in=ids, state=InboundEmail.State.RECEIVED)
            while waiting.exists():
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
            latency = poll_latency(Mailbox)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    else:
        started = time.perf_counter()
        for pk in ids:
            process(pk)
        elapsed = time.perf_counter() - started
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
        f"| messages processed per second (parse, thread, ticket, activity, files, events) | {per_second:.1f} | "
        f"≥ {TARGET_PER_SECOND} |",
        f"| messages stored per second (receive: bytes, row; one process) | {MESSAGES / stored:.0f} | |",
        f"| threading lookup p50 / p95 | {lookup['p50']:.2f} / {lookup['p95']:.2f} ms | constant |",
        f"| states | {', '.join(f'{k} {v}' for k, v in sorted(states.items()))} | all processed |",
        (
            f"| IMAP message to its ticket, beat's tick at once, p50 / p95 | {latency['p50'] / 1000:.2f} / "
            f"{latency['p95'] / 1000:.2f} s | ≤ 5 s (+ the poll interval, {settings.HELPDESK_MAIL_POLL_SECONDS:g} s) |"
            if latency else "| IMAP message to its ticket | not measured (needs Redis and Dovecot) | |"
        ),
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
