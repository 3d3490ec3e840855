"""The production layout, served as `make serve` serves it (SPEC B9, X1).

nginx in front, gunicorn's worker processes for HTTP, daphne for the WebSockets, a Celery worker
and beat: started by `manage.py serve` with the production settings (DEBUG off, collected static
files) on the test database and Redis. A page, its static files and a socket all answer on the one
address, a note posted to a gunicorn worker reaches the socket daphne holds, fifty requests at
once are all answered, and stopping the command stops every process.
"""

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import websockets
from django.conf import settings
from django.test import Client

from tickets.management.commands.serve import nginx_path

from ..asgi_server import _free_port, database_url
from ..factories import make_ticket

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

WORKERS = 2


def nginx():
    path = nginx_path()
    assert path, "the production layout needs nginx (apt-get install nginx)"
    return path


def children(pid, named=None):
    """The processes `pid` started (those whose command line holds `named`, if given)."""
    command = ["pgrep", "-P", str(pid)] + (["-f", named] if named else [])
    return [int(line) for line in subprocess.run(command, capture_output=True, text=True).stdout.split()]


def answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def production_layout(tmp_path, django_db_blocker):
    nginx()
    port = _free_port()
    with django_db_blocker.unblock():
        database = database_url()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tickets_site.settings",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions the test signs in with are signed with it
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database,
        "REDIS_URL": settings.REDIS_URL,
        "HELPDESK_VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "collectstatic", "--no-input", "--verbosity", "0"], env=env, cwd=settings.BASE_DIR,
                   check=True)
    log = tmp_path / "serve.log"
    process = subprocess.Popen(
        [*manage, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(WORKERS)],
        stdout=log.open("w"), stderr=subprocess.STDOUT, env=env, cwd=settings.BASE_DIR,
    )
    deadline = time.monotonic() + 60
    while "Helpdesk is running" not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.terminate()
            process.wait(timeout=30)
            pytest.fail(f"`manage.py serve` did not start:\n{log.read_text()}")
        time.sleep(0.2)
    yield f"http://127.0.0.1:{port}", port, process, log
    if process.poll() is None:  # the test failed before stopping it: stop it as Ctrl-C does, children too
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def session_cookie(user):
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def get(url, cookie):
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie}), timeout=60) as response:
        return response.status, response.headers, response.read().decode()


@pytest.mark.spec("B9", "X1")
def test_one_address_serves_pages_static_files_and_live_sockets_from_separate_servers(production_layout, alice):
    base, port, process, log = production_layout
    ticket = make_ticket(alice, title="Printer on fire", assignee=alice)
    cookie = session_cookie(alice)

    status, headers, page = get(base + ticket.get_absolute_url(), cookie)
    assert status == 200 and headers["Server"].startswith("nginx") and "Printer on fire" in page
    csrf = re.search(rf"{settings.CSRF_COOKIE_NAME}=([^;]+)", " ".join(headers.get_all("Set-Cookie"))).group(1)
    stylesheet = re.search(r'<link rel="stylesheet" href="(/static/[^"]+)"', page).group(1)
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet)  # the hashed name of the collected file
    status, headers, _ = get(base + stylesheet, cookie)
    assert status == 200 and "immutable" in headers["Cache-Control"]

    async def note_reaches_the_socket():
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/ws/tickets/{ticket.pk}/",
            additional_headers={"Cookie": cookie, "Origin": base},
            open_timeout=15,
        ) as ws:
            first = json.loads(await asyncio.wait_for(ws.recv(), 15))
            assert first["type"] == "presence" and [p["name"] for p in first["people"]] == ["Alice Archer"]
            request = urllib.request.Request(
                base + f"/tickets/{ticket.pk}/notes/", data=b"body=Called+the+customer", method="POST",
                headers={"X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded",
                         "Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={csrf}", "HX-Request": "true"},
            )
            status = await asyncio.to_thread(lambda: urllib.request.urlopen(request, timeout=30).status)
            assert status == 200
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 15))
                if message["type"] == "change":
                    return message

    change = asyncio.run(note_reaches_the_socket())
    assert change["ticket"] == ticket.pk
    assert ticket.activities.get().body == "Called the customer"

    # Fifty requests at once: every one answered by the worker processes behind the proxy.
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(lambda _: get(base + "/tickets/?tab=all", cookie)[0], range(50)))
    assert statuses == [200] * 50

    arbiter = children(process.pid, "gunicorn")
    assert len(arbiter) == 1 and len(children(arbiter[0])) == WORKERS
    started = children(process.pid)
    assert len(started) == 5  # nginx, gunicorn, daphne, the Celery worker and beat

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert not answers(port)
    assert [pid for pid in started if os.path.exists(f"/proc/{pid}")] == []


@pytest.mark.spec("B9")
def test_the_layout_refuses_to_start_without_what_it_needs(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tickets_site.settings", "HELPDESK_VAR_DIR": str(tmp_path)}
    env.pop("REDIS_URL", None)
    result = subprocess.run([sys.executable, "manage.py", "serve"], env=env, cwd=settings.BASE_DIR,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "share events through Redis: set REDIS_URL" in result.stderr
