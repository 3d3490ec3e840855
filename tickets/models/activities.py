import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models


class Activity(models.Model):
    """A communication or a note on a ticket. Notes are internal activities (SPEC D5, D6)."""

    class Kind(models.TextChoices):
        NOTE = "note", "Note"
        EMAIL = "email", "Email"
        SMS = "sms", "SMS"
        CALL = "call", "Call"

    class Direction(models.TextChoices):
        INBOUND = "inbound", "Inbound"
        OUTBOUND = "outbound", "Outbound"
        INTERNAL = "internal", "Internal"

    class Delivery(models.TextChoices):
        NONE = "", "—"
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        BOUNCED = "bounced", "Bounced"  # sent, then reported undeliverable (a delivery report came back)

    class CallOutcome(models.TextChoices):
        ANSWERED = "answered", "Answered"
        NO_ANSWER = "no_answer", "No answer"
        BUSY = "busy", "Busy"
        VOICEMAIL = "voicemail", "Left a voicemail"
        WRONG_NUMBER = "wrong_number", "Wrong number"
        FAILED = "failed", "Could not connect"

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.INTERNAL)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey("tickets.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    message_id = models.CharField(max_length=300, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=300, blank=True)
    references = models.TextField(blank=True)
    delivery_state = models.CharField(max_length=8, choices=Delivery.choices, blank=True, default="")
    delivery_detail = models.CharField(
        max_length=300, blank=True, help_text="Why a message failed, or the provider's id"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # A pending message is (re)tried from this moment: the sweeper sends what a dead worker left.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # One outbound message per reason to send it (e.g. a sub-status change): a redelivered task finds it.
    send_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    recipient = models.CharField(max_length=254, blank=True)
    # Email (SPEC D6, D13): the addresses as written ("Name <addr>"), the sanitised HTML of what the
    # sender wrote and, apart, the earlier conversation it quotes (shown folded); `body` is the plain
    # text of both, for previews and search.
    sender = models.CharField("from", max_length=320, blank=True)
    to = models.JSONField(default=list, blank=True)
    cc = models.JSONField(default=list, blank=True)
    # Blind copies of an email an agent sent: shown to agents, never in the message's headers.
    bcc = models.JSONField(default=list, blank=True)
    body_html = models.TextField(blank=True)
    quoted_html = models.TextField(blank=True)
    # Remote images are not loaded until the agent asks (tracking pixels do not fire).
    remote_images = models.BooleanField(default=False)
    # Files that came with the message and were not kept: [{"name": ..., "reason": ...}].
    skipped_files = models.JSONField(default=list, blank=True)
    # Other tickets the message's headers also matched (the "may belong to" banner), until an agent
    # moves the message or dismisses the banner (thread_open false).
    thread_candidates = models.JSONField(default=list, blank=True)
    thread_open = models.BooleanField(default=False)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in")
    # The mentioned usernames as the note wrote them, kept with the row so a page of notes is
    # highlighted without reading the mentions (set by the note actions with `mentions`).
    mentioned = models.JSONField(default=list, blank=True)
    # A logged call (SPEC D14): the other party's number is `recipient`, whichever way the call went.
    call_outcome = models.CharField(max_length=16, choices=CallOutcome.choices, blank=True)
    call_seconds = models.PositiveIntegerField("call duration", null=True, blank=True)
    # A comment (SPEC D6) is a note about another activity: `about` links it, `quote` keeps what it
    # quoted as it was then (the activity may be moved or anonymised later).
    about = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    quote = models.CharField(max_length=300, blank=True)
    # The activity this one is a copy of (a child ticket made from an activity, SPEC D6).
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["ticket", "-created_at", "-id"], name="activity_ticket_time"),
            models.Index(
                fields=["next_attempt_at"], condition=models.Q(delivery_state="pending"), name="activity_delivery_due"
            ),
            models.Index(fields=["ticket"], condition=models.Q(thread_open=True), name="activity_thread_open"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.ticket_id}"

    @property
    def is_note(self):
        return self.kind == self.Kind.NOTE

    @property
    def undoable(self):
        """An agent's email still inside its undo window: nothing has been tried yet (SPEC B2)."""
        from django.utils import timezone

        return (
            self.kind == self.Kind.EMAIL
            and self.direction == self.Direction.OUTBOUND
            and self.author_id is not None
            and self.delivery_state == self.Delivery.PENDING
            and not self.attempts
            and self.next_attempt_at is not None
            and self.next_attempt_at > timezone.now()
        )


def attachment_path(instance, filename):
    # A random name: stored files are never guessable and never served from a public URL.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"attachments/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="attachments")
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name
