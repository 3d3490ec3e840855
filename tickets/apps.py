from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Tickets"

    def ready(self):
        from django.conf import settings

        if getattr(settings, "HELPDESK_GUARD_TICKET_WRITES", False):
            from django.db.backends.signals import connection_created

            from .actions.guard import install

            connection_created.connect(install, dispatch_uid="tickets-guard-ticket-writes")
