"""Shared fixtures: personas, a CSRF-enforcing client, captured live events, and browser setup."""

import os
import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from .factories import PASSWORD, TeamFactory, UserFactory

# Playwright's sync API leaves an event loop running in the main thread; Django would then
# refuse ORM calls in browser tests (SynchronousOnlyOperation).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# --- services -----------------------------------------------------------------------------------

def _reachable(url, default_port):
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def pytest_collection_modifyitems(config, items):
    """Service tests run where their service is configured; browser tests run last.

    Without DATABASE_URL / REDIS_URL (the embedded default) the tests marked `postgres` / `redis`
    are deselected. When the variable is set, they run, and fail if the service is down: a
    configured service is never silently skipped (CI relies on that).
    """
    using_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    using_redis = bool(settings.REDIS_URL)
    selected, deselected = [], []
    for item in items:
        if (item.get_closest_marker("postgres") and not using_postgres) or (
            item.get_closest_marker("redis") and not using_redis
        ):
            deselected.append(item)
        else:
            selected.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
    # Playwright leaves a running loop behind; async tests after it would fail (run browser last).
    browser = [item for item in selected if "page" in getattr(item, "fixturenames", ())]
    items[:] = [item for item in selected if item not in browser] + browser


def pytest_report_header(config):
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    redis = "redis" if settings.REDIS_URL else "in-memory channel layer, no redis"
    return f"helpdesk stack: {database}, {redis}"


@pytest.fixture(scope="session", autouse=True)
def _services_are_up():
    """A configured service that is down fails the run loudly instead of skipping tests."""
    if settings.REDIS_URL and not _reachable(settings.REDIS_URL, 6379):
        pytest.fail(f"REDIS_URL is set but Redis is not reachable at {settings.REDIS_URL}")


@pytest.fixture(scope="session", autouse=True)
def _test_database_released(django_db_setup, django_db_blocker):
    """At the end, end the PostgreSQL sessions other threads and processes left on the test database
    (consumers' worker threads, servers just stopped), so it can be dropped cleanly."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


# --- personas -----------------------------------------------------------------------------------

@pytest.fixture
def support_team(db):
    return TeamFactory(name="Support")


@pytest.fixture
def billing_team(db):
    return TeamFactory(name="Billing")


@pytest.fixture
def alice(support_team):
    """An agent in Support."""
    user = UserFactory(username="alice", first_name="Alice", last_name="Archer")
    support_team.members.add(user)
    return user


@pytest.fixture
def bob(support_team):
    """Another agent in Support."""
    user = UserFactory(username="bob", first_name="Bob", last_name="Baker")
    support_team.members.add(user)
    return user


@pytest.fixture
def carol(billing_team):
    """An agent in Billing."""
    user = UserFactory(username="carol", first_name="Carol", last_name="Cole")
    billing_team.members.add(user)
    return user


@pytest.fixture
def lead(support_team):
    """A team leader of Support."""
    user = UserFactory(username="lead", first_name="Lee", last_name="Leader", role="Team Leader")
    support_team.members.add(user)
    return user


@pytest.fixture
def admin_user(db):
    user = UserFactory(username="root", first_name="Ada", last_name="Admin", role="Admin")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def password():
    return PASSWORD


def _client_for(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice):
    return _client_for(alice)


@pytest.fixture
def lead_client(lead):
    return _client_for(lead)


@pytest.fixture
def admin_client_(admin_user):
    return _client_for(admin_user)


def csrf_post(client, url, data=None, **extra):
    """POST the way a browser does: with the CSRF cookie and the matching X-CSRFToken header."""
    from django.middleware.csrf import _get_new_csrf_string

    token = client.cookies[settings.CSRF_COOKIE_NAME].value if settings.CSRF_COOKIE_NAME in client.cookies else None
    if not token:
        token = _get_new_csrf_string()
        client.cookies[settings.CSRF_COOKIE_NAME] = token
    return client.post(url, data or {}, HTTP_X_CSRFTOKEN=token, **extra)


# --- live events --------------------------------------------------------------------------------

@pytest.fixture
def published_events(monkeypatch, django_capture_on_commit_callbacks):
    """Live events the actions publish after commit, as a list (commits are run for the test)."""
    from tickets import live

    sent = []
    monkeypatch.setattr(live, "publish_ticket_event", lambda payload, **options: sent.append(payload))

    class Capture(list):
        def __enter__(self):
            self._context = django_capture_on_commit_callbacks(execute=True)
            self._context.__enter__()
            return self

        def __exit__(self, *exc):
            self._context.__exit__(*exc)
            self.extend(sent)
            sent.clear()
            return False

    return Capture()


# --- browser ------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 860}}


# --- time ---------------------------------------------------------------------------------------

@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves by hand: `clock.now` is what `timezone.now()` returns everywhere."""
    import datetime as dt

    from django.utils import timezone

    class Clock:
        now = dt.datetime(2024, 6, 3, 9, 0, tzinfo=dt.UTC)  # a Monday morning

        def advance(self, **delta):
            self.now += dt.timedelta(**delta)
            return self.now

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture(autouse=True)
def _quick_browser_timeouts(request):
    """A missing element fails in seconds, not Playwright's default half minute."""
    if "page" in request.fixturenames:
        request.getfixturevalue("page").set_default_timeout(8000)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (tab counts are cached between requests)."""
    from django.core.cache import cache

    cache.clear()
