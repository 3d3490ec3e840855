"""Run the whole helpdesk in one command: the ASGI server, a Celery worker and Celery beat.

`make run` calls this after migrating and loading the demo data. Ctrl-C stops all three.
"""

import os
import signal
import socket
import subprocess  # nosec B404 - starts this project's own three processes
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

DEMO_LOGINS = [
    ("admin", "Admin (Django admin, every right)"),
    ("lead", "Team leader, Support"),
    ("alice", "Agent, Support"),
    ("bob", "Agent, Support"),
    ("carol", "Agent, Billing"),
]


class Command(BaseCommand):
    help = "Start the web server (HTTP + WebSocket), a Celery worker and Celery beat; Ctrl-C stops them."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args, host, port, **options):
        commands = self.commands(host, port, **options)
        # Fixed argument lists of this project's own commands, no shell.
        processes = {name: subprocess.Popen(command) for name, command in commands.items()}  # nosec B603
        # Announce once the server answers, so the URL is not lost among the start-up logs.
        self.wait_until_ready(processes, host, port)
        self.stdout.write("\n".join(self.announcement(host, port)))
        self.supervise(processes)

    def commands(self, host, port, **options):
        """The processes to start, by name."""
        python = sys.executable
        return {
            "web": [python, "-m", "daphne", "-b", host, "-p", str(port), "tickets_site.asgi:application"],
            **self.background_commands(),
        }

    def background_commands(self):
        """A Celery worker and Celery beat."""
        python = sys.executable
        # SQLite serialises writers: one worker process is enough there and never fights the web server.
        pool = ["--pool=solo"] if self.embedded else ["--concurrency=2"]
        return {
            "worker": [python, "-m", "celery", "-A", "tickets_site", "--quiet", "worker", "-l", "warning", *pool,
                       "--without-mingle", "--without-gossip"],
            "beat": [python, "-m", "celery", "-A", "tickets_site", "--quiet", "beat", "-l", "warning",
                     "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME],
        }

    def wait_until_ready(self, processes, host, port):
        self._wait_for_port(host, int(port), processes["web"])

    @property
    def embedded(self):
        return settings.CELERY_BROKER_URL.startswith("filesystem://")

    def supervise(self, processes):
        """Wait until Ctrl-C, SIGTERM or one process exiting; then stop them all."""
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"{name} exited with code {process.returncode}; stopping the rest.")
                        stopping = True
                time.sleep(0.5)
        finally:
            self._stop_all(processes)

    def _wait_for_port(self, host, port, web, timeout=30):
        connect_host = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host  # nosec B104 - a comparison
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and web.poll() is None:
            try:
                with socket.create_connection((connect_host, port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)

    def announcement(self, host, port):
        shown_host = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # nosec B104 - a comparison
        stack = "SQLite, filesystem broker, in-memory channel layer" if self.embedded else "PostgreSQL/Redis"
        return [
            "",
            f"  Helpdesk is running at http://{shown_host}:{port}/  ({stack})",
            "",
            "  Demo logins (password: demo)",
            *(f"    {username:<7} {role}" for username, role in DEMO_LOGINS),
            "",
            "  Press Ctrl-C to stop the web server, the worker and beat.",
            "",
        ]

    def _stop_all(self, processes):
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in processes.values():
            remaining = max(0.1, deadline - time.monotonic())
            try:
                process.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                process.kill()
        self.stdout.write("Stopped.")
