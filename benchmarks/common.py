"""Helpers shared by the benchmark scripts: Django setup, timing, and the results file."""

import os
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tickets_site.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        print("warning: benchmarks are meant for PostgreSQL (set DATABASE_URL); numbers on", connection.vendor)
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    return connection


def percentiles(samples_ms):
    ordered = sorted(samples_ms)

    def pick(fraction):
        return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]

    return {
        "p50": statistics.median(ordered),
        "p95": pick(0.95),
        "p99": pick(0.99),
    }


def time_call(function, repeat, warmup=3):
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def write_results(name, lines):
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    path = RESULTS / f"{name}-{stamp}.md"
    path.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nwritten to {path}")
    return path
