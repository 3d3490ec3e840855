"""A real Celery worker process for tests, and an SMS provider it sends to.

`celery_worker` starts a worker on the stack the suite runs on (kombu's filesystem broker and the
SQLite file on the embedded default, Redis and PostgreSQL on the production stack), on a queue of
its own, with SUBSTATUS_NOTIFY_DELAY = 2 s; while it runs, this process sends tasks to it instead
of running them eagerly. `workers` starts as many as a test wants, to kill and replace them.
`sms_provider` is a small HTTP SMS provider in this process that records each request, takes a
repeated idempotency key as the same message, and can be told to fail or hold the next ones.
Import the fixtures into a test module.
"""

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings

from tickets_site.celery import app

from .asgi_server import database_url

DELAY = 2


class Provider(BaseHTTPRequestHandler):
    """An SMS provider: records every request, takes a repeated Idempotency-Key as the same message
    (as real providers do), can fail the next requests, and can hold one request until released."""

    failures = 0
    received = []  # every request, repeats included
    delivered = {}  # Idempotency-Key -> the provider's id: the messages the customer gets
    hold_next = False
    held = threading.Event()  # set while a request is held
    release = threading.Event()

    def do_POST(self):  # noqa: N802 - http.server's naming
        cls = type(self)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        key = self.headers["Idempotency-Key"]
        cls.received.append({"key": key, **body})
        failing = cls.failures > 0
        cls.failures -= failing
        if not failing:
            cls.delivered.setdefault(key, f"msg-{len(cls.delivered) + 1}")
        if cls.hold_next:
            cls.hold_next = False
            cls.held.set()
            cls.release.wait(30)
        self.send_response(503 if failing else 200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}" if failing else json.dumps({"id": cls.delivered[key]}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_provider():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Provider.failures, Provider.received, Provider.delivered, Provider.hold_next = 0, [], {}, False
    Provider.held.clear()
    Provider.release.clear()
    yield f"http://127.0.0.1:{server.server_port}/sms", Provider
    Provider.release.set()
    server.shutdown()
    server.server_close()


class Worker:
    """One worker process; `kill()` ends it at once (SIGKILL), as a crash or an OOM kill would."""

    def __init__(self, env, log):
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tickets_site", "worker", "--pool=solo", "--without-mingle",
             "--without-gossip", "--without-heartbeat", "-l", "INFO"],
            stdout=log.open("w"), stderr=subprocess.STDOUT, env=env, cwd=settings.BASE_DIR,
        )
        wait_for(lambda: "ready" in log.read_text(), timeout=30, what=f"the worker to start:\n{log.read_text()}")

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=20)


@pytest.fixture
def workers(sms_provider, tmp_path):
    """Start workers on a queue of this test's own (`workers()` starts one); this process sends to them
    instead of running tasks eagerly. Every worker started is killed at the end."""
    url, _ = sms_provider
    queue = f"test-{uuid.uuid4().hex[:10]}"
    saved = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    _forget_routes()
    settings.SUBSTATUS_NOTIFY_DELAY, delay_before = DELAY, settings.SUBSTATUS_NOTIFY_DELAY
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tickets_site.settings",
        "HELPDESK_VAR_DIR": str(settings.VAR_DIR),
        "CELERY_QUEUE": queue,
        "DATABASE_URL": database_url(),
        "SUBSTATUS_NOTIFY_DELAY": str(DELAY),
        "SMS_BACKEND": "notifications.sms.HTTPBackend",
        "SMS_HTTP_URL": url,
        "SMS_HTTP_TIMEOUT": "20",
        "HELPDESK_MESSAGE_RETRY_DELAY": "0.3",
        "HELPDESK_ORPHAN_AFTER": str(settings.HELPDESK_ORPHAN_AFTER),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    started = []

    def start():
        started.append(Worker(env, tmp_path / f"worker-{len(started) + 1}.log"))
        return started[-1]

    try:
        yield start
    finally:
        for worker in started:
            worker.kill()  # its queue is used by no one else: no need for a warm shutdown
        for key, value in saved.items():
            app.conf[key] = value
        _forget_routes()
        settings.SUBSTATUS_NOTIFY_DELAY = delay_before


@pytest.fixture
def celery_worker(workers):
    """One worker; the test gets its log."""
    return workers().log


def _forget_routes():
    """Celery caches the queues and the router on first use; the next send reads the config again."""
    for name in ("default_queue", "queues", "router"):
        app.amqp.__dict__.pop(name, None)


def wait_for(condition, *, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"Timed out waiting for {what}")


def finished(log, task):
    """How many runs of `task` the worker has finished, by its log."""
    return sum(1 for line in log.read_text().splitlines() if f"{task}[" in line and " succeeded " in line)
