"""Export of 100,000 tickets to XLSX by the real task code (DESIGN performance budget: <= 25 s, <= 250 MB;
at 1,000,000 tickets: <= 6 minutes, <= 250 MB).

The database at DATABASE_URL (PostgreSQL) is created, migrated and seeded when it holds fewer than
BENCH_EXPORT_TICKETS tickets (`seed_bench.prepare`: `seed_demo --tickets N`, COPY). Then an export
of All Tickets with Show Completed, for the demo admin, is run by `tickets.exports.run_export`
(what the Celery task calls) in a fresh Python process that does nothing else, so its peak
resident memory (ru_maxrss) is the export's: Django, the queryset stream, openpyxl and the email.
Beside it, the bare openpyxl loop: the same number of rows of the export's own first 2,000 rows,
written by openpyxl's write-only workbook in a fresh process with no database, the floor of
any export to XLSX in Python.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_export_bench python -m benchmarks export_bench
    BENCH_EXPORT_TICKETS=1000000 DATABASE_URL=... python -m benchmarks export_bench
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import setup_django, write_results
from benchmarks.seed_bench import _postgres_url, prepare

ROOT = Path(__file__).resolve().parent.parent
TICKETS = int(os.environ.get("BENCH_EXPORT_TICKETS", "100000"))
QUERY = "tab=all&sort=newest&completed=1"
BUDGET_SECONDS = 25 if TICKETS <= 100_000 else 360
BUDGET_MB = 250
SAMPLE_ROWS = 2000


def _rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def run_one(export_id):
    """In the fresh process: run the export, print what it cost as JSON on the last line."""
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tickets import exports

    baseline = _rss_mb()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        exports.run_export(export_id)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mb": _rss_mb(), "baseline_mb": baseline, "queries": len(queries)}))


def run_bare(sample_path, rows):
    """In a fresh process: openpyxl alone writes `rows` rows cycled from the sample; JSON on the last line."""
    import pickle
    import tempfile

    from tickets.exports import write_workbook

    with open(sample_path, "rb") as handle:
        headers, widths, sample = pickle.load(handle)  # nosec B301 - written by this benchmark a moment ago

    def cycled():
        for number in range(rows):
            yield sample[number % len(sample)]

    baseline = _rss_mb()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as directory:
        write_workbook(Path(directory) / "bare.xlsx", headers, widths, cycled())
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mb": _rss_mb(), "baseline_mb": baseline}))


def bare_loop(queryset, custom_fields, rows):
    """Time the bare openpyxl loop over `rows` rows like the export's, in a fresh process."""
    import pickle
    from itertools import islice

    from django.conf import settings

    from tickets.exports import COLUMNS, CUSTOM_FIELD_WIDTH, sheet_rows

    headers = [header for header, _ in COLUMNS] + [field.name for field in custom_fields]
    widths = [width for _, width in COLUMNS] + [CUSTOM_FIELD_WIDTH] * len(custom_fields)
    sample = list(islice(sheet_rows(queryset, custom_fields), SAMPLE_ROWS))
    sample_path = Path(settings.VAR_DIR) / "export_bench-sample.pickle"
    sample_path.write_bytes(pickle.dumps((headers, widths, sample)))
    try:
        result = subprocess.run(
            [sys.executable, "-m", "benchmarks.export_bench", "--bare", str(sample_path), str(rows)],
            cwd=ROOT, env=dict(os.environ), capture_output=True, text=True,
        )
    finally:
        sample_path.unlink()
    if result.returncode:
        raise SystemExit(f"the bare loop failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=()):
    if list(argv[:1]) == ["--run"]:
        run_one(int(argv[1]))
        return
    if list(argv[:1]) == ["--bare"]:
        setup_django()
        run_bare(argv[1], int(argv[2]))
        return
    url = _postgres_url()
    if url is None:
        print("export_bench: skipped, set DATABASE_URL to a PostgreSQL database")
        return
    prepare(TICKETS)
    setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.http import QueryDict
    from openpyxl import load_workbook

    from tickets.exports import export_file_name, fingerprint
    from tickets.listing import list_queryset
    from tickets.models import Ticket, TicketExport, UserPreference

    user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    # Earlier runs' exports (and their files) go, so the unique "one running" rule never blocks.
    for old in TicketExport.objects.filter(user=user, fingerprint=fingerprint(QUERY)):
        if old.file:
            old.file.delete(save=False)
        old.delete()
    state, filterset, queryset = list_queryset(user, QueryDict(QUERY), UserPreference.for_user(user))
    export = TicketExport.objects.create(
        user=user, query=QUERY, fingerprint=fingerprint(QUERY), file_name=export_file_name(user, state)
    )

    env = {**os.environ, "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.export_bench", "--run", str(export.pk)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    if result.returncode:
        raise SystemExit(f"the export process failed:\n{result.stdout}\n{result.stderr}")
    measured = json.loads(result.stdout.strip().splitlines()[-1])

    export.refresh_from_db()
    if export.state != TicketExport.State.DONE:
        raise SystemExit(f"the export ended {export.state}: {export.error}")
    size_mb = export.file.size / 1024 / 1024
    with export.file.open("rb") as handle:
        workbook = load_workbook(handle, read_only=True)
        in_file, headers = [], set()
        for sheet in workbook.worksheets:  # past Excel's rows per sheet the rows go on in the next
            header, *first_column = (row[0] for row in sheet.iter_rows(values_only=True, max_col=1))
            headers.add(header)
            in_file.extend(first_column)
        columns = len(next(workbook.worksheets[0].iter_rows(values_only=True, max_row=1)))
        sheets = len(workbook.worksheets)
    data_rows = len(in_file)
    in_list = [f"T-{pk:06d}" for pk in queryset.values_list("pk", flat=True).iterator(chunk_size=10000)]
    expected = len(in_list)
    same = "yes" if in_file == in_list and headers == {"Ticket ID"} else "NO"
    total = Ticket.objects.count()
    within = measured["seconds"] <= BUDGET_SECONDS and measured["peak_mb"] <= BUDGET_MB
    filterset.is_valid()
    bare = bare_loop(queryset, filterset.custom_fields, data_rows)
    lines = [
        f"# export_bench on postgresql, {total:,} tickets in the database",
        "",
        f"All Tickets with Show Completed (`{QUERY}`) for an admin, exported by `tickets.exports.run_export`"
        " (the Celery task's body) in a fresh process: query, stream, XLSX (openpyxl write-only, lxml),"
        " save to storage, notify, email (a link: the file is above the attachment limit).",
        "",
        "| rows | same rows and order as the list | sheets | columns | file | wall time | peak RSS (process) "
        "| RSS before the export | SQL queries | budget | bare openpyxl loop: time, peak RSS | export / bare |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {data_rows:,} (list: {expected:,}) | {same} | {sheets} | {columns} | {size_mb:.1f} MB "
        f"| {measured['seconds']:.1f} s | {measured['peak_mb']:.0f} MB | {measured['baseline_mb']:.0f} MB "
        f"| {measured['queries']} | {'within' if within else 'OVER'} (<= {BUDGET_SECONDS} s, <= {BUDGET_MB} MB) "
        f"| {bare['seconds']:.1f} s, {bare['peak_mb']:.0f} MB | {measured['seconds'] / bare['seconds']:.2f}x |",
    ]
    write_results("export_bench", lines)
    export.file.delete(save=False)
    export.delete()


if __name__ == "__main__":
    main(sys.argv[1:])
