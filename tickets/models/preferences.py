from django.conf import settings
from django.db import models


class UserPreference(models.Model):
    """Everything a user's screens remember, in one row read once per request."""

    class SortOrder(models.TextChoices):
        NEWEST = "newest", "Newest first"
        OLDEST = "oldest", "Oldest first"

    class PanelRatio(models.TextChoices):
        WIDE_LEFT = "2:1", "2:1"
        EVEN = "1:1", "1:1"
        WIDE_RIGHT = "1:2", "1:2"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpdesk_preference")
    sort_order = models.CharField(max_length=8, choices=SortOrder.choices, default=SortOrder.NEWEST)
    show_completed = models.BooleanField(default=False)
    open_tickets = models.JSONField(default=list, blank=True, help_text="Ticket ids of the open ticket tabs, in order")
    panel_ratio = models.CharField(max_length=3, choices=PanelRatio.choices, default=PanelRatio.WIDE_LEFT)
    data = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return f"Preferences of {self.user}"

    @classmethod
    def for_user(cls, user):
        preference, _ = cls.objects.get_or_create(user=user)
        return preference

    @classmethod
    def for_request_user(cls, user):
        """The signed-in user's row: the one joined when the request loaded the user (tickets.backends),
        else read or made."""
        if getattr(user, "preference_joined", False):
            preference = user._meta.get_field("helpdesk_preference").get_cached_value(user, default=None)
            if preference is not None:
                return preference
        return cls.for_user(user)


class TicketVisit(models.Model):
    """The version of a ticket a user last looked at: open ticket tabs mark what changed since (SPEC X1)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "ticket"], name="ticketvisit_unique")]

    def __str__(self):
        return f"{self.user} saw {self.ticket_id} v{self.version}"
