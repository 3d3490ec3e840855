"""gunicorn's settings for the web workers (SPEC B9): plain HTTP, the Django views, no WebSockets.

Workers are processes, so pages render on every core. A list page is mostly CPU in Python, so the
default is gunicorn's own rule of two workers a core plus one, which keeps the cores busy while a
worker waits on the database; set WEB_CONCURRENCY to change it. Each worker serves one request at
a time and so needs one database connection: its pool holds at most DATABASE_POOL_SIZE (2 by
default here), and PostgreSQL sees at most workers × that, whatever the number of clients.
"""

import multiprocessing
import os

# Inside a container, behind the proxy; `manage.py serve` binds a loopback port instead.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# The proxy buffers slow clients; a request that takes longer than this is stuck, not slow.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# A worker is replaced after this many requests (with jitter, so not all at once): memory stays flat.
max_requests = 2000
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# The workers see this before Django starts in them.
os.environ.setdefault("DATABASE_POOL_SIZE", "2")
