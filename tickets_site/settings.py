"""Settings, read from the environment.

The embedded default (no variables set) runs on SQLite, the kombu filesystem broker and the
in-memory channel layer, all under var/. DATABASE_URL and REDIS_URL switch to PostgreSQL and
Redis; nothing else in the code differs between the two.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HELPDESK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _pool():
    """psycopg's connection pool, bounded per process (DATABASE_POOL_SIZE; 0 turns it off)."""
    size = int(os.environ.get("DATABASE_POOL_SIZE", "8"))
    if size <= 0:
        return {}
    return {"pool": {"min_size": 1, "max_size": size, "timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT", "10"))}}


def database_from_url(url):
    """Turn a DATABASE_URL into a Django DATABASES entry (PostgreSQL or SQLite)."""
    parts = urlsplit(url)
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # Planner costs for SSD storage (random reads nearly as cheap as sequential): the list's
            # ordered index scans are then chosen over bitmap scans plus a sort. Override in the URL.
            "OPTIONS": {"options": "-c random_page_cost=1.1", **_pool(), **dict(parse_qsl(parts.query))},
            # Under ASGI a request's queries run in executor threads; a connection kept per thread
            # (CONN_MAX_AGE > 0) is never closed and they pile up. Each request gives its connection
            # back (to the pool, when there is one), so a process holds at most the pool's size.
            "CONN_MAX_AGE": 0 if _pool() else int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
            "CONN_HEALTH_CHECKS": not _pool(),
        }
    if parts.scheme == "sqlite":
        return sqlite_database(parts.path[1:] or ":memory:")
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported")


def sqlite_database(name):
    # WAL and IMMEDIATE transactions let the web server and the Celery worker share the file
    # without "database is locked" errors under the embedded default.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DEBUG = env_bool("DEBUG", default=not os.environ.get("SECRET_KEY"))
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "dev-only-insecure-key-set-SECRET_KEY-in-production-0123456789abcdef" if DEBUG else None
)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_filters",
    "django_htmx",
    "template_partials",
    "configurations",
    "tickets",
    "notifications",
    "mail",
    "demo",
    "axes",
    "csp",
    "anymail",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tickets_site.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "tickets_site.middleware.SessionTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "tickets_site.middleware.RightsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tickets_site.middleware.HtmxMessagesMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Sign-in throttling (SPEC B9): django-axes counts failed sign-ins per username and address, on the
# app's page and Django admin's; after AXES_FAILURE_LIMIT of them that pair is locked out for the
# cool-off, with a message on the sign-in page (429). Admins unlock early in Django admin under
# Axes › Access attempts (delete the attempt), or with `manage.py axes_reset`.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "tickets.backends.HelpdeskBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "tickets_site.views.locked_out"
# Behind a proxy, the client's address is the last one it adds to X-Forwarded-For.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0")) or None

ROOT_URLCONF = "tickets_site.urls"
ASGI_APPLICATION = "tickets_site.asgi.application"
WSGI_APPLICATION = "tickets_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.notification_bell",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {"default": sqlite_database(VAR_DIR / "helpdesk.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tickets:ticket_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
# The product speaks English only; without translation machinery every rendered value is cheaper.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# No URL route serves MEDIA_ROOT: attachments are streamed only by an access-checked view.
MEDIA_URL = "/media/"

# Redis: broker, channel layer and cache in production; absent on the embedded default.
REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py's default read timeout (5 s) equals the layer's blocking pop (5 s): an idle
            # socket's read then loses the race now and then and the consumer dies. Read longer.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}], "prefix": "helpdesk"},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "helpdesk",
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport under var/ (a real
# worker, no server).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# The queue tasks are sent to and workers consume (several installations can share one Redis).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_DIR = VAR_DIR / "celery"
    for sub in ("queue", "processed", "control"):
        # kombu does not create its folders itself.
        (CELERY_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DIR / "queue"),
        "data_folder_out": str(CELERY_DIR / "queue"),
        "processed_folder": str(CELERY_DIR / "processed"),
        # Exchange declarations (the worker's broadcast and task queues); kombu's default is ./control.
        "control_folder": str(CELERY_DIR / "control"),
        "store_processed": False,
    }
else:
    # Far above any countdown (sub-status notification delay) or export run time, so Redis never
    # redelivers a task that is still waiting or running.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 60 * 60}
# Durable work (DESIGN: the broker is a doorbell): a queued or running job, or a pending message,
# untouched for this many seconds was orphaned by a dead worker; the sweeper runs this often.
HELPDESK_ORPHAN_AFTER = int(os.environ.get("HELPDESK_ORPHAN_AFTER", "30"))
HELPDESK_SWEEP_SECONDS = float(os.environ.get("HELPDESK_SWEEP_SECONDS", "30"))
# Mailboxes with an IMAP host are read this often (SPEC D13); each IMAP connection and command waits
# at most HELPDESK_IMAP_TIMEOUT seconds for the server.
HELPDESK_MAIL_POLL_SECONDS = float(os.environ.get("HELPDESK_MAIL_POLL_SECONDS", "60"))
HELPDESK_IMAP_TIMEOUT = float(os.environ.get("HELPDESK_IMAP_TIMEOUT", "30"))
CELERY_BEAT_SCHEDULE = {
    "reopen-due-tickets": {"task": "tickets.tasks.reopen_due_tickets", "schedule": 60.0},
    "notify-sla-at-risk": {"task": "tickets.tasks.notify_sla_at_risk", "schedule": 60.0},
    "expire-presence": {"task": "tickets.tasks.expire_presence", "schedule": 60.0},
    "sweep-durable-work": {"task": "tickets.tasks.sweep", "schedule": HELPDESK_SWEEP_SECONDS},
    "poll-mailboxes": {"task": "mail.tasks.poll_mailboxes", "schedule": HELPDESK_MAIL_POLL_SECONDS},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "helpdesk@localhost")

# Providers' inbound webhooks (SPEC D13, mail/webhooks.py), under /mail/inbound/<provider>/: Postmark's
# URL carries this basic auth, "user:password" (two, comma-separated, while changing it), which
# Mailgun's then needs too; Mailgun signs its posts with its webhook signing key. A provider whose
# credentials are not set gets 404.
ANYMAIL = {
    "WEBHOOK_SECRET": env_list("HELPDESK_WEBHOOK_SECRET"),
    "MAILGUN_WEBHOOK_SIGNING_KEY": os.environ.get("MAILGUN_WEBHOOK_SIGNING_KEY", ""),
}
# A provider posts a whole message, attachments included, in one request body or form field, which
# Django's default limit (2.5 MB) would refuse; this is the proxy's own limit (client_max_body_size).
HELPDESK_WEBHOOK_MAX_BYTES = int(os.environ.get("HELPDESK_WEBHOOK_MAX_BYTES", str(25 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = HELPDESK_WEBHOOK_MAX_BYTES

# Security: on with DEBUG off; `manage.py check --deploy` is clean with production settings.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# A session ends after this long without use, and in any case this long after signing in (a shift).
HELPDESK_SESSION_IDLE_MINUTES = int(os.environ.get("HELPDESK_SESSION_IDLE_MINUTES", "120"))
HELPDESK_SESSION_MAX_HOURS = int(os.environ.get("HELPDESK_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = HELPDESK_SESSION_MAX_HOURS * 3600
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, images, fonts and connections (fetch and
# the WebSockets) only from this site, no inline script or style, no plugins, no framing, forms post
# only here. Markup carries data-* attributes and static/js/app.js applies them instead of inline
# style; htmx runs with allowEval off. Django admin's pages need nothing more.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# HSTS preloading is a commitment the domain's owner makes on hstspreload.org and cannot quickly undo,
# so it is opt-in (SECURE_HSTS_PRELOAD=1) and its reminder is silenced until then.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# The list indexes INCLUDE filter columns on PostgreSQL; SQLite builds them without (same results).
SILENCED_SYSTEM_CHECKS += ["models.W040"]

# Product settings.
HELPDESK_TAGS_PER_TICKET = 10
HELPDESK_TAGS_PER_COMPANY = 350
# Deleting a tag, sub-status, team, contact... used by more tickets than this runs in the background.
HELPDESK_INLINE_REMOVAL_LIMIT = int(os.environ.get("HELPDESK_INLINE_REMOVAL_LIMIT", "200"))
HELPDESK_NOTE_MAX_LENGTH = 500
SUBSTATUS_NOTIFY_DELAY = int(os.environ.get("SUBSTATUS_NOTIFY_DELAY", "60"))
# Customer messages (SPEC D4, N3). SMS_BACKEND: notifications.sms.FileBackend (under var/sms),
# ConsoleBackend, or HTTPBackend with SMS_HTTP_URL/SMS_HTTP_TOKEN in production.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "notifications.sms.FileBackend")
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", VAR_DIR / "sms"))
SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = os.environ.get("SMS_HTTP_TOKEN", "")
SMS_HTTP_TIMEOUT = float(os.environ.get("SMS_HTTP_TIMEOUT", "10"))
SMS_FROM = os.environ.get("SMS_FROM", "")
# The longest SMS an agent may send from a ticket, in SMS segments (SPEC D14): 10 × 153 GSM-7 characters.
HELPDESK_SMS_MAX_SEGMENTS = int(os.environ.get("HELPDESK_SMS_MAX_SEGMENTS", "10"))
# A message that fails is retried this many times, after 30 s, 60 s, 120 s ... (doubling), then
# recorded as failed.
HELPDESK_MESSAGE_RETRIES = int(os.environ.get("HELPDESK_MESSAGE_RETRIES", "5"))
HELPDESK_MESSAGE_RETRY_DELAY = float(os.environ.get("HELPDESK_MESSAGE_RETRY_DELAY", "30"))
# An email an agent sends waits this many seconds before it leaves, so "Undo" can take it back (SPEC B2).
HELPDESK_SEND_UNDO_SECONDS = int(os.environ.get("HELPDESK_SEND_UNDO_SECONDS", "10"))
# Where the channel layer cannot reach the browser (embedded default), the bell polls this often.
HELPDESK_NOTIFICATION_POLL_SECONDS = int(os.environ.get("HELPDESK_NOTIFICATION_POLL_SECONDS", "20"))
# Presence (SPEC D11): pages heartbeat this often; a page silent for the expiry has gone.
HELPDESK_PRESENCE_HEARTBEAT = int(os.environ.get("HELPDESK_PRESENCE_HEARTBEAT", "15"))
HELPDESK_PRESENCE_EXPIRY = int(os.environ.get("HELPDESK_PRESENCE_EXPIRY", "45"))
# An open WebSocket checks again, at most this often, that its session is still signed in.
HELPDESK_SOCKET_RECHECK_SECONDS = int(os.environ.get("HELPDESK_SOCKET_RECHECK_SECONDS", "30"))
# Followers get one email with every change to their followed tickets since the last one (SPEC N2).
HELPDESK_FOLLOWER_DIGEST_DELAY = int(os.environ.get("HELPDESK_FOLLOWER_DIGEST_DELAY", "300"))

# Exports (SPEC L11): attached to the email up to this size, otherwise linked.
HELPDESK_EXPORT_ATTACH_MAX_BYTES = int(os.environ.get("HELPDESK_EXPORT_ATTACH_MAX_BYTES", str(5 * 1024 * 1024)))
# Imports (SPEC L12): the largest file and the most rows one import takes.
HELPDESK_IMPORT_MAX_BYTES = int(os.environ.get("HELPDESK_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
HELPDESK_IMPORT_MAX_ROWS = int(os.environ.get("HELPDESK_IMPORT_MAX_ROWS", "5000"))
# What an XLSX may hold once unpacked, and the longest cell and row: a small file with a huge cell is
# refused before it becomes a huge stored preview (a ticket's longest field is its description).
HELPDESK_IMPORT_MAX_UNPACKED_BYTES = int(
    os.environ.get("HELPDESK_IMPORT_MAX_UNPACKED_BYTES", str(2 * HELPDESK_IMPORT_MAX_BYTES))
)
HELPDESK_IMPORT_MAX_CELL_CHARS = int(os.environ.get("HELPDESK_IMPORT_MAX_CELL_CHARS", "5000"))
HELPDESK_IMPORT_MAX_ROW_CHARS = int(os.environ.get("HELPDESK_IMPORT_MAX_ROW_CHARS", "20000"))
# The address links in emails point to (exports, mentions, followed tickets).
HELPDESK_BASE_URL = os.environ.get("HELPDESK_BASE_URL", "http://localhost:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # django-axes logs every sign-in at INFO; failures and lockouts stay visible at WARNING.
        "axes": {"level": os.environ.get("AXES_LOG_LEVEL", "WARNING")},
    },
}

# Attachments (SPEC D10): size and type limits. Only the extensions below are accepted, and the
# stored/served content type comes from this table, never from what the browser claimed. Types a
# browser would run as a page (HTML, SVG, JavaScript) are deliberately absent.
# Email (SPEC D13): the domain of the Message-IDs this helpdesk writes (<helpdesk.…@domain>), so its
# own mail coming back is recognised; how many new tickets one sender may open in an hour (more
# is a loop or a flood, and is kept as ignored); how often a message that stops its worker is retried.
HELPDESK_MAIL_MESSAGE_ID_DOMAIN = os.environ.get(
    "HELPDESK_MAIL_MESSAGE_ID_DOMAIN", DEFAULT_FROM_EMAIL.rpartition("@")[2] or "helpdesk.localhost"
)
HELPDESK_MAIL_NEW_TICKETS_PER_SENDER_HOUR = int(os.environ.get("HELPDESK_MAIL_NEW_TICKETS_PER_SENDER_HOUR", "20"))
HELPDESK_MAIL_MAX_ATTEMPTS = 5

HELPDESK_ATTACHMENT_MAX_BYTES = int(os.environ.get("HELPDESK_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
HELPDESK_ATTACHMENT_MAX_FILES = 10  # per upload
HELPDESK_ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".rtf": "application/rtf",
    ".eml": "message/rfc822",
    ".msg": "application/vnd.ms-outlook",
    ".zip": "application/zip",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".mp4": "video/mp4",
}
