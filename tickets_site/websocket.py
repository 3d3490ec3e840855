"""Which pages may open a WebSocket: only this site's own, compared with the port (SPEC B9, X1).

Channels' AllowedHostsOriginValidator compares the Origin's host name with ALLOWED_HOSTS and ignores
its port, so a page served from another port of the same host could open a socket with the agent's
cookie. This validator applies Django's own CSRF rule for POSTs: the Origin must be the very host
and port the request was made to (its Host header, itself in ALLOWED_HOSTS), or be listed in
CSRF_TRUSTED_ORIGINS.
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host


def _header(scope, name):
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return ""


def same_origin(origin, host):
    """Whether a socket opened from `origin` to `host` (the Host header) comes from this site."""
    parts = urlsplit(origin or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    if f"{parts.scheme}://{parts.netloc}".lower() in {trusted.lower() for trusted in settings.CSRF_TRUSTED_ORIGINS}:
        return True
    domain, _port = split_domain_port(host)
    allowed_hosts = settings.ALLOWED_HOSTS or (["localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
    default_port = {"http": "80", "https": "443"}[parts.scheme]

    def with_port(netloc):
        netloc = netloc.lower()
        return netloc if ":" in netloc.rsplit("]", 1)[-1] else f"{netloc}:{default_port}"

    return bool(domain) and validate_host(domain, allowed_hosts) and with_port(parts.netloc) == with_port(host)


class SameOriginValidator:
    """ASGI middleware for WebSockets: deny a connection that does not come from this site's pages."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if same_origin(_header(scope, b"origin"), _header(scope, b"host")):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
