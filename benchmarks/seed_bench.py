"""How fast `seed_demo --tickets N` builds a benchmark data set, and a helper to prepare one.

    python -m benchmarks.seed_bench                  # seed BENCH_SEED_TICKETS (100,000) tickets into a
                                                     # scratch copy of DATABASE_URL's database, time it,
                                                     # write results/, drop the scratch database
    python -m benchmarks.seed_bench --prepare 1000000
                                                     # make sure DATABASE_URL's database is migrated and
                                                     # holds at least 1,000,000 tickets (adds the missing ones)

Needs PostgreSQL (DATABASE_URL=postgres://...); the scratch database is created and dropped with the
same credentials, so that user needs CREATEDB.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchmarks.common import write_results

ROOT = Path(__file__).resolve().parent.parent
TICKETS = int(os.environ.get("BENCH_SEED_TICKETS", "100000"))


def _manage(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return time.monotonic() - started, result.stdout


def _connect(database_url, dbname=None):
    import psycopg

    parts = urlsplit(database_url)
    if dbname:
        parts = parts._replace(path=f"/{dbname}")
    return psycopg.connect(urlunsplit(parts), autocommit=True)


def _postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in {"postgres", "postgresql", "pgsql"}:
        return None
    return url


def measure(tickets=TICKETS):
    url = _postgres_url()
    if url is None:
        print("seed_bench: skipped, set DATABASE_URL to a PostgreSQL database")
        return
    name = urlsplit(url).path.lstrip("/") or "helpdesk"
    scratch = f"{name}_seedbench"
    scratch_url = urlunsplit(urlsplit(url)._replace(path=f"/{scratch}"))
    with _connect(url, "postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        migrate_s, _ = _manage(scratch_url, "migrate", "--no-input", "-v0")
        demo_s, demo_out = _manage(scratch_url, "seed_demo")
        bulk_s, bulk_out = _manage(scratch_url, "seed_demo", "--tickets", str(tickets))
        with _connect(scratch_url) as conn:
            sizes = conn.execute(
                "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class "
                "WHERE relname IN ('tickets_ticket', 'tickets_ticketevent', 'tickets_ticket_tags') ORDER BY relname"
            ).fetchall()
    finally:
        with _connect(url, "postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
    demo_line = next((line for line in demo_out.splitlines() if "tickets:" in line), "").strip()
    lines = [
        f"# seed_bench on postgresql: seed_demo, then seed_demo --tickets {tickets:,}",
        "",
        "| step | seconds |",
        "|---|---|",
        f"| migrate (empty database) | {migrate_s:.1f} |",
        f"| seed_demo (through the actions; {demo_line}) | {demo_s:.1f} |",
        f"| seed_demo --tickets {tickets:,} (COPY) | {bulk_s:.1f} |",
        "",
        f"{tickets / bulk_s:,.0f} tickets/s including process start; "
        + ", ".join(f"{table} {size}" for table, size in sizes),
        "",
        "```",
        bulk_out.strip(),
        "```",
    ]
    write_results("seed_bench", lines)


def prepare(tickets):
    url = _postgres_url()
    if url is None:
        raise SystemExit(
            "Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/helpdesk_bench"
        )
    name = urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name or ""):
        raise SystemExit(f"Unexpected database name {name!r}")
    with _connect(url, "postgres") as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    seconds, _ = _manage(url, "migrate", "--no-input", "-v0")
    print(f"migrated in {seconds:.1f} s")
    with _connect(url) as conn:
        have = conn.execute("SELECT count(*) FROM tickets_ticket").fetchone()[0]
    if have >= tickets:
        print(f"{have:,} tickets already there; nothing to add")
        return
    print(f"{have:,} tickets there; adding {tickets - have:,}")
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "seed_demo", "--tickets", str(tickets - have)],
        cwd=ROOT,
        check=True,
    )


def main(argv=()):
    argv = list(argv)
    if argv[:1] == ["--prepare"]:
        prepare(int(argv[1]) if len(argv) > 1 else 1_000_000)
    else:
        measure()


if __name__ == "__main__":
    main(sys.argv[1:])
