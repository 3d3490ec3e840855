"""Run the production layout on one host, without containers: what docker-compose.yml runs (SPEC B9).

    nginx on --host:--port ─┬─ /ws/  → daphne (ASGI, WebSockets only) on a loopback port
                            └─ else  → gunicorn (WSGI, --workers processes) on a loopback port
    plus a Celery worker and Celery beat.

The processes share the database and Redis (the channel layer carries live events from the
gunicorn workers to the sockets daphne holds), so DATABASE_URL must name PostgreSQL and REDIS_URL
must be set. nginx's configuration is written under HELPDESK_VAR_DIR/serve/ and includes
deploy/nginx/helpdesk.conf, the same routes docker-compose's proxy uses. `make serve` calls this.
"""

import getpass
import os
import shutil
import socket
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

from . import runstack

DEPLOY = Path(settings.BASE_DIR, "deploy")

NGINX_CONF = """\
# Written by `manage.py serve`; the routes are in {routes}.
{user}worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log stderr warn;

events {{
    worker_connections 1024;
}}

http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;

    upstream helpdesk_http {{
        server 127.0.0.1:{http_port};
    }}

    upstream helpdesk_ws {{
        server 127.0.0.1:{ws_port};
    }}

    server {{
        listen {listen};
        server_name _;
        include {routes};
    }}
}}
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def nginx_path():
    """nginx's program: NGINX_PATH, else the one on PATH or in Debian's place; None if there is none."""
    for candidate in (os.environ.get("NGINX_PATH"), shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def default_workers():
    return int(os.environ.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) * 2 + 1)


def nginx_config(root, *, host, port, http_port, ws_port):
    """nginx's configuration for this layout, its working files under `root`."""
    # Run as root, nginx hands its workers to "nobody", who could not write the buffers under root's
    # var/ directory: keep them the user who started it.
    user = f"user {getpass.getuser()};\n" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""
    listen = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return NGINX_CONF.format(
        user=user, root=root, listen=listen, http_port=http_port, ws_port=ws_port,
        routes=DEPLOY / "nginx" / "helpdesk.conf",
    )


class Command(runstack.Command):
    help = ("Start the production layout on this host: nginx in front of gunicorn (HTTP) and daphne "
            "(WebSockets), a Celery worker and beat. Needs PostgreSQL, Redis and nginx.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--workers", type=int, default=default_workers(),
                            help="gunicorn worker processes (WEB_CONCURRENCY; default two a core plus one)")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The production layout runs on PostgreSQL: set DATABASE_URL (see README).")
        if not os.environ.get("REDIS_URL"):
            raise CommandError("The production layout's processes share events through Redis: set REDIS_URL.")
        if not self.nginx:
            raise CommandError("The production layout needs nginx in front: install it (apt-get install nginx).")
        super().handle(*args, **options)

    @property
    def nginx(self):
        return nginx_path()

    def commands(self, host, port, *, workers, **options):
        python = sys.executable
        http_port, ws_port = free_port(), free_port()
        root = Path(settings.VAR_DIR, "serve")
        for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        conf = root / "nginx.conf"
        conf.write_text(nginx_config(root, host=host, port=port, http_port=http_port, ws_port=ws_port))
        self.workers, self.ports = workers, {"http": http_port, "ws": ws_port}
        # Behind nginx, the client's address is the one nginx adds to X-Forwarded-For (sign-in throttling).
        os.environ.setdefault("TRUSTED_PROXY_COUNT", "1")
        return {
            "proxy": [self.nginx, "-p", str(root), "-c", str(conf), "-e", "stderr"],
            "http": [python, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py"),
                     "--bind", f"127.0.0.1:{http_port}", "--workers", str(workers), "tickets_site.wsgi:application"],
            "ws": [python, "-m", "daphne", "-b", "127.0.0.1", "-p", str(ws_port), "--proxy-headers",
                   "tickets_site.asgi:application"],
            **self.background_commands(),
        }

    def wait_until_ready(self, processes, host, port):
        for name, inner_port in self.ports.items():
            self._wait_for_port("127.0.0.1", inner_port, processes[name])
        self._wait_for_port(host, int(port), processes["proxy"])

    def announcement(self, host, port):
        shown_host = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # nosec B104 - a comparison
        return [
            "",
            f"  Helpdesk is running at http://{shown_host}:{port}/  (production layout)",
            f"    nginx → gunicorn with {self.workers} worker processes, daphne for /ws/;"
            " a Celery worker and beat",
            "",
            "  Press Ctrl-C to stop them all.",
            "",
        ]
