from django.conf import settings
from django.db import models


class TicketEvent(models.Model):
    """One change to a ticket: who, when, and {field: [old, new]} as display values (SPEC X1, D7)."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        STATUS_CHANGED = "status_changed", "Status changed"
        ASSIGNED = "assigned", "Assigned"
        TAG_ADDED = "tag_added", "Tag added"
        TAG_REMOVED = "tag_removed", "Tag removed"
        LINKED = "linked", "Linked"
        UNLINKED = "unlinked", "Unlinked"
        ARCHIVED = "archived", "Archived"
        UNARCHIVED = "unarchived", "Unarchived"
        NOTE_ADDED = "note_added", "Note added"
        NOTE_EDITED = "note_edited", "Note edited"
        NOTE_DELETED = "note_deleted", "Note deleted"
        FOLLOWED = "followed", "Follower added"
        UNFOLLOWED = "unfollowed", "Follower removed"
        PARENT_CHANGED = "parent_changed", "Parent changed"
        REOPENED = "reopened", "Re-opened"
        ATTACHMENT_ADDED = "attachment_added", "Attachment added"
        ATTACHMENT_REMOVED = "attachment_removed", "Attachment removed"
        EMAIL_RECEIVED = "email_received", "Email received"
        EMAIL_MOVED = "email_moved", "Email moved"
        EMAIL_SENT = "email_sent", "Email sent"
        EMAIL_UNSENT = "email_unsent", "Email sending undone"
        SMS_SENT = "sms_sent", "SMS sent"
        CALL_LOGGED = "call_logged", "Call logged"
        ACTIVITY_MOVED = "activity_moved", "Activity moved"
        CHILD_CREATED = "child_created", "Child ticket created"

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    changes = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(help_text="The ticket's version after this change")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["ticket", "-created_at", "-id"], name="ticketevent_ticket_time")]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.ticket_id} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def actor_name(self):
        if self.actor is None:
            return "System"
        return self.actor.get_full_name() or self.actor.get_username()
