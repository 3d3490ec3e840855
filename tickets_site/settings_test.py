"""Settings for the test suite: the same stack as the environment selects, made quick and isolated."""

import os
import tempfile

os.environ.setdefault("HELPDESK_VAR_DIR", os.path.join(tempfile.gettempdir(), "helpdesk-test-var"))

from .settings import *  # noqa: E402,F403
from .settings import DATABASES, STORAGES, VAR_DIR  # noqa: E402

DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Tests render pages with DEBUG off; the manifest storage would need collectstatic first.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True
# The ASGI test server (daphne, tests/asgi_server.py) serves static files from the app folders too.
WHITENOISE_USE_FINDERS = True
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "media"
CELERY_TASK_ALWAYS_EAGER = True
# Any write to ticket rows outside tickets/actions fails the test that caused it (tickets/actions/guard.py).
HELPDESK_GUARD_TICKET_WRITES = True
SMS_BACKEND = "notifications.sms.LocmemBackend"
# Agents' emails leave at once in tests; the undo window's own tests set it.
HELPDESK_SEND_UNDO_SECONDS = 0

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory: a live server in another process must see the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    # Named explicitly: channels' live server would otherwise prefix "test_" twice.
    DATABASES["default"]["TEST"] = {"NAME": "test_" + DATABASES["default"]["NAME"]}
    # Consumers run their queries in worker threads; closing after each use leaves no session open
    # when the test database is dropped at the end. The suite's own process opens no pool (pytest
    # creates and drops the test database under it); the servers tests start use the real settings.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"].pop("pool", None)
