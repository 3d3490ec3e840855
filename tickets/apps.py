from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Tickets"

    def ready(self):
        from django.conf import settings
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.db.models.signals import m2m_changed

        from tickets_site.middleware import SessionTimeoutMiddleware

        from .actions.bookkeeping import tags_changed
        from .live import close_session_sockets
        from .models import Ticket

        user_logged_in.connect(SessionTimeoutMiddleware.started, dispatch_uid="helpdesk-session-started")
        user_logged_out.connect(close_session_sockets, dispatch_uid="tickets-close-session-sockets")
        m2m_changed.connect(tags_changed, sender=Ticket.tags.through, dispatch_uid="tickets-tag-ids")

        if getattr(settings, "HELPDESK_GUARD_TICKET_WRITES", False):
            from django.db.backends.signals import connection_created

            from .actions.guard import install

            connection_created.connect(install, dispatch_uid="tickets-guard-ticket-writes")
