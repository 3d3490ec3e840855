"""Fifty agents at once against a real server: req/s, p50/p95/p99 and errors (SPEC B9, DESIGN budget).

Each simulated agent is a signed-in session of a demo agent on its own keep-alive connection. It
loops, without pauses, over a contact centre's mix: list partials over the tabs and filters (40 %),
full list pages (15 %), ticket pages (25 %), notes posted (10 %) and sub-status changes (10 %), on
tickets of its team. Every answer that is not 2xx, and every connection error, is an error.

The layouts run one after the other on the same data, each started by the benchmark:

- `serve`: the production layout (`manage.py serve`: nginx, gunicorn's workers, daphne for /ws/);
- `daphne`: one daphne process serving everything, as the app shipped before the production layout.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python -m benchmarks load_bench
    BENCH_LAYOUTS=serve BENCH_CLIENTS=50 BENCH_SECONDS=30 BENCH_WORKERS=5 python -m benchmarks load_bench

With BENCH_BARE=1 the bare page (benchmarks/bare/, the fastest ticket list this stack serves) runs
too, under gunicorn with the same number of workers, with the same clients on its list only, so
the ratio of the list's req/s to the floor's is printed. Needs a data set from
`seed_demo --tickets N` (BENCH_TICKETS, default 100,000, added when missing).
"""

import http.client
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
WARMUP = float(os.environ.get("BENCH_WARMUP", "5"))
WORKERS = int(os.environ.get("BENCH_WORKERS") or (os.cpu_count() or 1) * 2 + 1)
TICKETS = int(os.environ.get("BENCH_TICKETS", "100000"))
LAYOUTS = os.environ.get("BENCH_LAYOUTS", "serve,daphne").split(",")
TARGET_P95_MS = 1000
# The list-only runs: the real list's full page (All tickets tab), and the bare page's.
LIST = "/tickets/?tab=all"
BARE_LIST = "/bare/tickets/"

MIX = [("list partial", 40), ("list page", 15), ("ticket page", 25), ("note", 10), ("sub-status", 10)]
FILTERS = [{}, {"priority": "high"}, {"status": "ongoing"}, {"sla": "breached"}, {"overdue": "yes"},
           {"priority": "urgent", "status": "pending"}]
TABS = ["mine", "team", "all", "unassigned"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare():
    """Sessions of the demo agents (one per client) with tickets of their teams and a CSRF token each."""
    from benchmarks.seed_bench import prepare as seed

    seed(TICKETS)
    from benchmarks.common import setup_django

    setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from configurations.models import SubStatus
    from tickets.access import WORK, has_right
    from tickets.models import Ticket

    agents = [user for user in get_user_model().objects.filter(is_active=True, is_superuser=False).order_by("pk")
              if has_right(user, WORK) and user.helpdesk_teams.exists()]
    sub_statuses = list(SubStatus.objects.values_list("pk", "status"))
    tickets = {}
    for agent in agents:
        team_ids = list(agent.helpdesk_teams.values_list("pk", flat=True))
        rows = Ticket.objects.filter(team__in=team_ids, archived=False).order_by("-pk").values_list("pk", "status")
        tickets[agent.pk] = list(rows[:500])
    def session_key(agent, backend):
        client = Client()
        client.force_login(agent, backend=backend)
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    sessions = []
    for number in range(CLIENTS):
        agent = agents[number % len(agents)]
        csrf = secrets.token_hex(16)
        sessions.append({
            "cookie": f"{settings.SESSION_COOKIE_NAME}={session_key(agent, 'tickets.backends.HelpdeskBackend')}; "
                      f"{settings.CSRF_COOKIE_NAME}={csrf}",
            # The bare page is a project of its own, with Django's backend: a session of that backend.
            "bare cookie": f"{settings.SESSION_COOKIE_NAME}="
                           f"{session_key(agent, 'django.contrib.auth.backends.ModelBackend')}",
            "csrf": csrf,
            "tickets": tickets[agent.pk],
        })
    return sessions, sub_statuses


def request_for(kind, session, sub_statuses, rng):
    """(method, path, body, extra headers) of one request of `kind`."""
    if kind in ("list partial", "list page"):
        query = urlencode({"tab": rng.choice(TABS), **rng.choice(FILTERS)})
        headers = {"HX-Request": "true", "HX-Target": "ticket-results"} if kind == "list partial" else {}
        return "GET", f"/tickets/?{query}", None, headers
    pk, status = rng.choice(session["tickets"])
    if kind == "ticket page":
        return "GET", f"/tickets/{pk}/", None, {}
    form = {"X-CSRFToken": session["csrf"], "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded"}
    if kind == "note":
        return "POST", f"/tickets/{pk}/notes/", urlencode({"body": f"Called back {rng.randrange(10**6)}"}), form
    choices = [sub for sub, sub_status in sub_statuses if sub_status == status] or [""]
    return "POST", f"/tickets/{pk}/sub-status/", urlencode({"sub_status": rng.choice(choices)}), form


class Agent(threading.Thread):
    """One client: the mix, or only GET `only` when given."""

    def __init__(self, port, session, sub_statuses, stop, seed, only=None):
        super().__init__(daemon=True)
        self.port, self.session, self.sub_statuses, self.stop, self.only = port, session, sub_statuses, stop, only
        self.rng = random.Random(seed)
        self.samples = []  # (finished at, kind, ms, ok)
        self.connection = None

    def run(self):
        kinds, weights = zip(*MIX, strict=True)
        while not self.stop.is_set():
            if self.only:
                kind, (method, path, body, headers) = "list page", ("GET", self.only, None, {})
            else:
                kind = self.rng.choices(kinds, weights)[0]
                method, path, body, headers = request_for(kind, self.session, self.sub_statuses, self.rng)
            started = time.perf_counter()
            cookie = self.session["bare cookie" if self.only == BARE_LIST else "cookie"]
            ok = self.send(method, path, body, {"Cookie": cookie, "Host": "127.0.0.1", **headers})
            finished = time.perf_counter()
            self.samples.append((finished, kind, (finished - started) * 1000, ok))

    def send(self, method, path, body, headers):
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            return 200 <= response.status < 300
        except (OSError, http.client.HTTPException):
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            return False


def drive(port, sessions, sub_statuses, only=None):
    """Run the clients for WARMUP + SECONDS; returns the samples of the measured part."""
    stop = threading.Event()
    agents = [Agent(port, session, sub_statuses, stop, seed, only) for seed, session in enumerate(sessions)]
    started = time.perf_counter()
    for agent in agents:
        agent.start()
    time.sleep(WARMUP + SECONDS)
    stop.set()
    for agent in agents:
        agent.join(timeout=90)
    window = (started + WARMUP, started + WARMUP + SECONDS)
    return [sample for agent in agents for sample in agent.samples if window[0] <= sample[0] <= window[1]]


def summarise(samples):
    from benchmarks.common import percentiles

    by_kind = defaultdict(list)
    errors = defaultdict(int)
    for _, kind, ms, ok in samples:
        by_kind[kind].append(ms)
        errors[kind] += not ok
    overall = percentiles([ms for _, _, ms, _ in samples]) if samples else {"p50": 0, "p95": 0, "p99": 0}
    return {
        "rps": len(samples) / SECONDS, "errors": sum(errors.values()), "requests": len(samples), **overall,
        "kinds": {kind: (len(values), errors[kind], percentiles(values)) for kind, values in by_kind.items()},
    }


def start(layout, env, port, log):
    python = sys.executable
    if layout == "serve":
        command = [python, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(WORKERS)]
    elif layout == "daphne":
        command = [python, "-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(port), "tickets_site.asgi:application"]
    elif layout == "bare":
        command = [python, "-m", "gunicorn", "--config", str(ROOT / "deploy" / "gunicorn.conf.py"), "--bind",
                   f"127.0.0.1:{port}", "--workers", str(WORKERS), "benchmarks.bare.wsgi:application"]
    else:
        raise SystemExit(f"unknown layout {layout!r}: serve, daphne or bare")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{layout} did not start (see {log.name})")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/login/", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status < 500:
                time.sleep(2)  # every worker up, not just the first
                return process
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{layout} did not answer within 90 s (see {log.name})")


def stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def main(argv=()):
    from benchmarks.common import write_results
    from benchmarks.seed_bench import _postgres_url

    if _postgres_url() is None or not os.environ.get("REDIS_URL"):
        print("load_bench: skipped, set DATABASE_URL to PostgreSQL and REDIS_URL")
        return
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    sessions, sub_statuses = prepare()
    from django.conf import settings

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tickets_site.settings", "DEBUG": "0",
           "SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "WARNING", "ALLOWED_HOSTS": "127.0.0.1",
           "STATIC_ROOT": str(settings.VAR_DIR / "bench-static")}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    layouts = LAYOUTS + (["bare"] if os.environ.get("BENCH_BARE") else [])
    results = {}
    for layout in layouts:
        port = free_port()
        log = (settings.VAR_DIR / f"load_bench-{layout}.log").open("w")
        process = start(layout, env, port, log)
        try:
            if layout == "bare":
                results["bare list"] = summarise(drive(port, sessions, sub_statuses, only=BARE_LIST))
            else:
                results[f"{layout} mix"] = summarise(drive(port, sessions, sub_statuses))
                if layout == "serve" or "bare" in layouts:
                    results[f"{layout} list"] = summarise(drive(port, sessions, sub_statuses, only=LIST))
        finally:
            stop(process)
            log.close()
        for name, result in results.items():
            if name.startswith(layout):
                print(f"{name}: {result['rps']:.1f} req/s, {result['errors']} errors, p95 {result['p95']:.0f} ms")

    from django.db import connection

    tickets = connection.cursor()
    tickets.execute("SELECT count(*) FROM tickets_ticket")
    count = tickets.fetchone()[0]
    lines = [
        f"# load_bench: {CLIENTS} signed-in agents at once, {count:,} tickets, PostgreSQL + Redis, "
        f"{os.cpu_count()} cores",
        "",
        f"Each client loops without pause over the mix {', '.join(f'{k} {w} %' for k, w in MIX)}; "
        f"{SECONDS:.0f} s measured after {WARMUP:.0f} s of warm-up. serve = nginx + gunicorn ({WORKERS} workers) + "
        "daphne for /ws/; daphne = one daphne process for everything; bare = benchmarks/bare/ under gunicorn "
        f"with {WORKERS} workers. 'list' rows: every client asks only for a full list page ({LIST}; the bare "
        f"page's {BARE_LIST}). Target: p95 <= {TARGET_P95_MS} ms, 0 errors; list req/s >= 0.8x the bare page's.",
        "",
        "| run | req/s | requests | errors | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for layout, result in results.items():
        lines.append(f"| {layout} | {result['rps']:.1f} | {result['requests']:,} | {result['errors']:,} | "
                     f"{result['p50']:.0f} | {result['p95']:.0f} | {result['p99']:.0f} |")
    for layout, result in results.items():
        if not layout.endswith("mix"):
            continue
        lines += ["", f"## {layout}, by request", "", "| request | count | errors | p50 ms | p95 ms | p99 ms |",
                  "|---|---|---|---|---|---|"]
        for kind, (number, errors, stats) in sorted(result["kinds"].items()):
            lines.append(f"| {kind} | {number:,} | {errors:,} | {stats['p50']:.0f} | {stats['p95']:.0f} | "
                         f"{stats['p99']:.0f} |")
    bare = results.get("bare list")
    if bare and bare["rps"]:
        lines.append("")
        for layout, result in results.items():
            if layout.endswith(" list") and layout != "bare list":
                lines.append(f"{layout} / bare list req/s: {result['rps'] / bare['rps']:.2f}x")
    write_results("load_bench", lines)


if __name__ == "__main__":
    main(sys.argv[1:])
