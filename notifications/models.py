from django.conf import settings
from django.db import models


class Notification(models.Model):
    """An item in a user's Notification Center (SPEC N1): a mention, a follower update, an export."""

    class Kind(models.TextChoices):
        MENTION = "mention", "Mention"
        FOLLOWED_CHANGE = "followed_change", "Followed ticket changed"
        EXPORT = "export", "Export ready"
        SLA_AT_RISK = "sla_at_risk", "SLA at risk"
        SYSTEM = "system", "System"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Makes creating a notification idempotent: a task run twice finds the one it made.
    dedupe_key = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="notification_dedupe"
            )
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_time"),
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
            models.Index(
                fields=["user"], condition=models.Q(emailed_at__isnull=True, kind="followed_change"),
                name="notification_digest_due",
            ),
            models.Index(
                fields=["created_at"], condition=models.Q(emailed_at__isnull=True, kind="mention"),
                name="notification_mention_due",
            ),
        ]

    def __str__(self):
        return self.title
