"""The production settings hold a bounded number of PostgreSQL connections under the ASGI server (SPEC B9).

The server runs with tickets_site.settings itself (DEBUG off, the production database settings)
under daphne, on the test database, with its connections named so they can be counted in
pg_stat_activity. It answers 100 requests one after the other and then 4 × 50 at once; the count
never passes the pool's size, and every request is answered.
"""

import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from ..asgi_server import database_url, start_daphne, stop
from ..factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

POOL_SIZE = 4
APPLICATION = "helpdesk-connection-test"


def server_connections():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [APPLICATION],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def production_server(tmp_path):
    log = tmp_path / "daphne.log"
    base, process = start_daphne(
        database_url() + f"?application_name={APPLICATION}",
        log,
        DJANGO_SETTINGS_MODULE="tickets_site.settings",
        SECRET_KEY=settings.SECRET_KEY,  # the sessions the test signs in with are signed with it
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_POOL_SIZE=str(POOL_SIZE),
    )
    yield base
    stop(process)


def test_the_server_keeps_its_connections_within_the_pool_under_concurrent_requests(production_server):
    user = UserFactory(username="alice")
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    url = production_server + "/notifications/unread/"

    def get(_):
        request = urllib.request.Request(url, headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status

    most, done = 0, threading.Event()

    def watch():
        nonlocal most
        while not done.is_set():
            most = max(most, server_connections())
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        sequential = [get(n) for n in range(100)]
        with ThreadPoolExecutor(max_workers=50) as pool:
            concurrent = [status for _ in range(4) for status in pool.map(get, range(50))]
    finally:
        done.set()
        watcher.join()

    assert sequential == [200] * 100
    assert concurrent == [200] * 200
    assert 1 <= most <= POOL_SIZE
    assert server_connections() <= POOL_SIZE
