"""Presence on one server process (DESIGN budget: a join seen by every other viewer within 250 ms p95).

50 tickets get 10 viewers each, one after another: 500 WebSockets to one daphne process, each a
different signed-in agent. For every join the time is taken from the moment the new viewer starts
connecting to the moment every viewer already on that ticket has received the presence that
includes it. Then all 500 sockets stay open and heartbeat as pages do, and the server's CPU use
while idle is read from /proc.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_presence_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        python -m benchmarks presence_bench

The database is created and migrated when missing; 50 tickets and 500 agents are added when missing.
With REDIS_URL the channel layer is Redis, as in production; without it, the in-memory layer.
"""

import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICKETS = int(os.environ.get("BENCH_PRESENCE_TICKETS", "50"))
VIEWERS = int(os.environ.get("BENCH_PRESENCE_VIEWERS", "10"))
IDLE_SECONDS = int(os.environ.get("BENCH_PRESENCE_IDLE_SECONDS", "30"))
HEARTBEAT = 15
BUDGET_MS = 250


def _prepare():
    """Tickets and agents with sessions; returns (ticket ids, session cookies)."""
    from benchmarks.seed_bench import prepare

    prepare(TICKETS)
    from benchmarks.common import setup_django

    setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tickets.models import Ticket

    users = get_user_model()
    wanted = TICKETS * VIEWERS
    names = [f"bench-viewer-{n:04d}" for n in range(wanted)]
    have = set(users.objects.filter(username__in=names).values_list("username", flat=True))
    users.objects.bulk_create(
        [users(username=name, first_name="Viewer", last_name=name[-4:]) for name in names if name not in have]
    )
    cookies = []
    for user in users.objects.filter(username__in=names).order_by("username"):
        client = Client()
        client.force_login(user)
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    tickets = list(Ticket.objects.order_by("-id").values_list("id", flat=True)[:TICKETS])
    return tickets, cookies


def _cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Viewer:
    """One page's socket: reads presence messages and heartbeats like the page does."""

    def __init__(self, connection):
        self.connection = connection
        self.count = 0
        self.changed = asyncio.Event()
        self.reader = asyncio.create_task(self._read())
        self.beat = asyncio.create_task(self._heartbeat())

    async def _read(self):
        async for raw in self.connection:
            message = json.loads(raw)
            if message.get("type") == "presence":
                self.count = len(message["people"])
                self.changed.set()

    async def _heartbeat(self):
        while True:
            await asyncio.sleep(HEARTBEAT)
            await self.connection.send(json.dumps({"type": "heartbeat", "editing": False}))

    async def sees(self, count):
        while self.count < count:
            self.changed.clear()
            await self.changed.wait()

    async def close(self):
        self.beat.cancel()
        await self.connection.close()


async def _run(base, tickets, cookies, pid):
    import websockets

    samples = []
    viewers = []
    cookie = iter(cookies)
    for ticket in tickets:
        on_ticket = []
        for _ in range(VIEWERS):
            started = time.perf_counter()
            connection = await websockets.connect(
                base.replace("http://", "ws://") + f"/ws/tickets/{ticket}/",
                additional_headers=[("Cookie", next(cookie)), ("Origin", base)],
                open_timeout=30,
                max_queue=None,
            )
            viewer = Viewer(connection)
            everyone = on_ticket + [viewer]
            await asyncio.wait_for(asyncio.gather(*(other.sees(len(everyone)) for other in everyone)), 30)
            if on_ticket:
                samples.append((time.perf_counter() - started) * 1000)
            on_ticket.append(viewer)
        viewers.extend(on_ticket)

    await asyncio.sleep(2)
    cpu_before, wall_before = _cpu_seconds(pid), time.monotonic()
    await asyncio.sleep(IDLE_SECONDS)
    idle_cpu = (_cpu_seconds(pid) - cpu_before) / (time.monotonic() - wall_before) * 100
    rss = _rss_mb(pid)
    await asyncio.gather(*(viewer.close() for viewer in viewers))
    return samples, idle_cpu, rss


def main(argv=()):
    from benchmarks.common import percentiles, write_results
    from benchmarks.seed_bench import _postgres_url

    if _postgres_url() is None:
        print("presence_bench: skipped, set DATABASE_URL to a PostgreSQL database")
        return
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    tickets, cookies = _prepare()

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tickets_site.settings",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(port), "tickets_site.asgi:application"],
        cwd=ROOT, env=env,
    )
    try:
        time.sleep(3)
        base = f"http://127.0.0.1:{port}"
        samples, idle_cpu, rss = asyncio.run(_run(base, tickets, cookies, server.pid))
    finally:
        server.terminate()
        server.wait(timeout=20)

    stats = percentiles(samples)
    layer = "Redis (channels-redis)" if os.environ.get("REDIS_URL") else "in-memory"
    within = "within" if stats["p95"] <= BUDGET_MS else "OVER"
    write_results(
        "presence_bench",
        [
            f"# presence_bench on one daphne process, PostgreSQL, {layer} channel layer",
            "",
            f"{TICKETS} tickets × {VIEWERS} viewers = {len(cookies)} sockets, each a different agent. A join is timed "
            "from the start of the new viewer's connection to the moment every viewer already on the ticket "
            f"has its presence. Then all sockets idle for {IDLE_SECONDS} s, heartbeating every {HEARTBEAT} s.",
            "",
            "| joins timed | p50 | p95 | p99 | budget p95 | idle server CPU | server RSS |",
            "|---|---|---|---|---|---|---|",
            f"| {len(samples)} | {stats['p50']:.1f} ms | {stats['p95']:.1f} ms | {stats['p99']:.1f} ms | "
            f"{BUDGET_MS} ms ({within}) | {idle_cpu:.1f} % of one core | {rss:.0f} MB |",
        ],
    )


if __name__ == "__main__":
    main(sys.argv[1:])
