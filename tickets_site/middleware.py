import json
import logging

from django.contrib.messages import get_messages

logger = logging.getLogger(__name__)


class HtmxMessagesMiddleware:
    """Hand Django messages to HTMX responses as an `HX-Trigger: messages` event, shown as toasts.

    Views only call django.contrib.messages; full pages render the same messages as toasts in
    base.html. Redirects keep their messages for the page they lead to.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or 300 <= response.status_code < 400:
            return response
        if "HX-Redirect" in response or "HX-Location" in response:
            return response
        storage = get_messages(request)
        items = [{"message": str(message), "level": message.level_tag} for message in storage]
        if not items:
            return response
        triggers = {}
        if response.get("HX-Trigger"):
            try:
                triggers = json.loads(response["HX-Trigger"])
            except ValueError:
                triggers = {response["HX-Trigger"]: None}
        triggers["messages"] = items
        response["HX-Trigger"] = json.dumps(triggers)
        return response


class RightsMiddleware:
    """Refuse a request before its view runs unless the user holds the right its route needs (SPEC R3).

    The rights come from tickets_site/rights.py; a route missing there is refused for everyone.
    Django admin keeps its own checks. Anonymous users never get here for a route that needs
    sign-in: LoginRequiredMiddleware, before this one, sends them to the sign-in page.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._rights = None

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from tickets.access import WORK, RightRequired, has_right

        from . import rights

        match = request.resolver_match
        if match is None or match.namespace == "admin":
            return None
        if self._rights is None:
            self._rights = rights.url_rights()
        needed = self._rights.get(match.view_name)
        if needed == rights.PUBLIC:
            return None
        if needed == rights.SIGNED_IN:
            return None if request.user.is_authenticated else self._refuse(request, None)
        if needed is None:
            logger.error("No entry in tickets_site/rights.py for the route %s: refused", match.view_name)
            return self._refuse(request, RightRequired(None, "This page is not open to anyone yet."))
        if has_right(request.user, needed):
            return None
        if not has_right(request.user, WORK):
            refusal = RightRequired(needed, "Your account has no helpdesk role yet. Ask an admin to give you the "
                                            "Agent role.")
        else:
            refusal = RightRequired(needed)
        return self._refuse(request, refusal)

    def _refuse(self, request, refusal):
        from django.core.exceptions import PermissionDenied
        from django.http import HttpResponse

        # Marked on the request, so a refusal by the rights table is told apart from a view's own 403.
        request.refused_by_rights = True
        if refusal is None:
            raise PermissionDenied
        if getattr(request, "htmx", False):
            # An HTMX request swaps nothing on a 403: the reason comes as a toast instead.
            response = HttpResponse(refusal.message, status=403, content_type="text/plain")
            response["HX-Trigger"] = json.dumps({"messages": [{"message": refusal.message, "level": "error"}]})
            response["HX-Reswap"] = "none"
            return response
        raise refusal


class SessionTimeoutMiddleware:
    """Sign a session out after HELPDESK_SESSION_IDLE_MINUTES without a request, or HELPDESK_SESSION_MAX_HOURS
    after signing in, whichever comes first (SPEC B9).

    The session records when it began and, at most once a minute, when it was last used (one write
    a minute, not one a request). A session that timed out is signed out before the request is
    handled, so LoginRequiredMiddleware then sends the person to sign in again.
    """

    STARTED, SEEN = "helpdesk_session_started", "helpdesk_session_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    @classmethod
    def started(cls, sender, request, user, **kwargs):
        """Signing in starts the clocks (Django's user_logged_in signal, connected in tickets/apps.py):
        saved with the login, so no request has to write the session for it."""
        from django.utils import timezone

        request.session[cls.STARTED] = request.session[cls.SEEN] = int(timezone.now().timestamp())

    def __call__(self, request):
        from django.conf import settings
        from django.contrib.auth import logout
        from django.utils import timezone

        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            session = request.session
            started, seen = session.get(self.STARTED), session.get(self.SEEN)
            idle = settings.HELPDESK_SESSION_IDLE_MINUTES * 60
            longest = settings.HELPDESK_SESSION_MAX_HOURS * 3600
            if started is None:
                session[self.STARTED], session[self.SEEN] = now, now
            elif now - (seen or started) > idle or now - started > longest:
                logout(request)
            elif now - (seen or started) >= 60:
                session[self.SEEN] = now
        return self.get_response(request)


PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial", "bluetooth", "display-capture")
)


class SecurityHeadersMiddleware:
    """Headers every response carries (SPEC B9).

    - Permissions-Policy: the app uses no camera, microphone, location, payment or device access,
      so no page (nor anything injected into one) may ask for them.
    - Cache-Control: what a signed-in person sees is customer data; no browser or proxy keeps a
      copy (`private, no-store`) unless a view said otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response.headers:
            response["Cache-Control"] = "private, no-store"
        return response
