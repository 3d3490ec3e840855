from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Tickets"

    def ready(self):
        from django.conf import settings
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from tickets_site.middleware import SessionTimeoutMiddleware

        from .live import close_session_sockets

        user_logged_in.connect(SessionTimeoutMiddleware.started, dispatch_uid="helpdesk-session-started")
        user_logged_out.connect(close_session_sockets, dispatch_uid="tickets-close-session-sockets")

        if getattr(settings, "HELPDESK_GUARD_TICKET_WRITES", False):
            from django.db.backends.signals import connection_created

            from .actions.guard import install

            connection_created.connect(install, dispatch_uid="tickets-guard-ticket-writes")
