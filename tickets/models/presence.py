"""Who has a ticket open right now (SPEC D11) and the time agents spent on it (SPEC D12).

A `TicketPresence` row is one open WebSocket of a ticket page or peek: the consumer adds it on
connect, refreshes `last_seen` on every heartbeat and deletes it on disconnect. A row whose
heartbeat stopped (a killed browser, a crashed server) is ignored after HELPDESK_PRESENCE_EXPIRY
seconds and removed by the next heartbeat on the ticket or by the beat timer. The table is the
one place every server process sees, on SQLite and PostgreSQL alike.

A `WorkSession` runs from the first open page of an agent on a ticket to the last one closed, so
two tabs count once; one cut short by a crash is closed at its last heartbeat.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class TicketPresence(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    editing = models.BooleanField(default=False)
    connected_at = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["ticket", "last_seen"], name="presence_ticket_seen"),
            models.Index(fields=["last_seen"], name="presence_seen"),
        ]

    def __str__(self):
        return f"{self.user} on {self.ticket_id}"


class WorkSession(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="work_sessions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="work_sessions")
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "user"], condition=Q(ended_at__isnull=True), name="worksession_one_open"
            )
        ]
        indexes = [
            models.Index(fields=["ticket", "user"], name="worksession_ticket_user"),
            models.Index(fields=["last_seen_at"], condition=Q(ended_at__isnull=True), name="worksession_open_seen"),
        ]

    def __str__(self):
        return f"{self.user} on {self.ticket_id} from {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def seconds(self):
        end = self.ended_at or self.last_seen_at
        return max(0, int((end - self.started_at).total_seconds()))
