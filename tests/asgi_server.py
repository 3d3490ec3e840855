"""The app served by daphne (HTTP and WebSocket) in its own process, for browser tests of live pages.

Django's `live_server` speaks only HTTP; presence and live updates need the WebSocket routes of
tickets_site/asgi.py. The server uses the test database (the SQLite file or the PostgreSQL test
database) and the suite's settings, so what a test writes the server sees. It is started once per
test session; import the `asgi_server` fixture into a test module to use it.
"""

import os
import socket
import subprocess
import sys
import time
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url():
    """The URL of the database the tests use right now (the test database, not the configured one)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_daphne(database, log, **environment):
    """Start the app under daphne on a free port; returns (base URL, process) once it answers."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tickets_site.settings_test",
        "HELPDESK_VAR_DIR": str(settings.VAR_DIR),
        "DATABASE_URL": database,
        "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
        **environment,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "tickets_site.asgi:application"],
        stdout=log.open("w"), stderr=subprocess.STDOUT, env=env, cwd=settings.BASE_DIR,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return f"http://127.0.0.1:{port}", process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"daphne did not start:\n{log.read_text()}") from None
            time.sleep(0.1)


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        url = database_url()
    log = tmp_path_factory.mktemp("daphne") / "daphne.log"
    base, process = start_daphne(url, log)
    yield SimpleNamespace(url=base, log=log)
    stop(process)
