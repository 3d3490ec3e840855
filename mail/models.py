import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q

from tickets.validators import validate_single_line


class Mailbox(models.Model):
    """An address customers write to, and the category's outgoing queue (SPEC T7).

    New tickets from its mail get its category and team. The IMAP settings are used by the poller;
    a mailbox fed only by a provider's webhook or by files leaves them empty. The password is
    never shown back, exported or logged.
    """

    class Security(models.TextChoices):
        SSL = "ssl", "SSL/TLS"
        STARTTLS = "starttls", "STARTTLS"
        NONE = "none", "None (plain text: only for a server on this host)"

    name = models.CharField(
        "display name", max_length=100, validators=[validate_single_line], help_text="Shown as the sender's name"
    )
    address = models.EmailField(unique=True)
    imap_host = models.CharField("IMAP host", max_length=255, blank=True)
    imap_port = models.PositiveIntegerField("IMAP port", null=True, blank=True, help_text="Empty: 993, or 143")
    imap_security = models.CharField("IMAP security", max_length=8, choices=Security.choices, default=Security.SSL)
    imap_user = models.CharField("IMAP user", max_length=255, blank=True)
    imap_password = models.CharField("IMAP password", max_length=255, blank=True)
    imap_folder = models.CharField("IMAP folder", max_length=200, default="INBOX")
    header_threading = models.BooleanField(
        "enable email header threading",
        default=True,
        help_text="A reply is put on the ticket whose messages it answers (In-Reply-To, References).",
    )
    category = models.ForeignKey(
        "configurations.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="mailboxes",
        help_text="New tickets from this mailbox get this category.",
    )
    team = models.ForeignKey(
        "configurations.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="mailboxes",
        help_text="New tickets from this mailbox are assigned to this team.",
    )
    is_active = models.BooleanField("active", default=True)
    signature = models.TextField(
        blank=True, max_length=2000,
        help_text="Plain text added below every email agents send from this mailbox (SPEC B2).",
    )
    # The poller's place in the folder: what it took is every UID up to imap_last_uid, valid while
    # the server's UIDVALIDITY stays imap_uidvalidity.
    imap_uidvalidity = models.BigIntegerField(null=True, blank=True, editable=False)
    imap_last_uid = models.BigIntegerField(default=0, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_poll_error = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "mailboxes"

    def __str__(self):
        return f"{self.name} <{self.address}>"

    @property
    def polls_imap(self):
        return self.is_active and bool(self.imap_host)


def raw_path(instance, filename):
    # A random name: stored messages are never guessable and never served from a public URL.
    return f"inbound/{uuid.uuid4().hex}.eml"


class InboundEmail(models.Model):
    """One message as it arrived, kept before anything is done with it (DESIGN: durable work)."""

    class Source(models.TextChoices):
        FILE = "file", "File"
        IMAP = "imap", "IMAP"
        WEBHOOK = "webhook", "Provider webhook"

    class State(models.TextChoices):
        RECEIVED = "received", "Received"  # stored, waiting to be processed
        PROCESSED = "processed", "Processed"  # on a ticket
        IGNORED = "ignored", "Ignored"  # an auto-reply, our own mail, over the sender limit: `error` says which
        FAILED = "failed", "Failed"  # `error` says why; retryable from the admin

    # No index of its own: the unique (mailbox, dedupe_key) index serves both, and a second one only
    # tempts the planner into scanning a mailbox's every message for one key.
    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="inbound", db_index=False)
    source = models.CharField(max_length=8, choices=Source.choices)
    raw = models.FileField(upload_to=raw_path)
    size = models.PositiveIntegerField()
    message_id = models.CharField("Message-ID", max_length=300, blank=True)
    # The same message twice is one activity: the Message-ID, or the bytes when there is none, hashed.
    dedupe_key = models.CharField(max_length=80, editable=False)
    sender = models.CharField(max_length=320, blank=True)
    # The From address alone, lower-cased, once processed: the per-sender limit counts by it.
    sender_address = models.CharField(max_length=254, blank=True, editable=False)
    created_ticket = models.BooleanField(default=False, editable=False)
    subject = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVED)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    received_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_emails"
    )
    activity = models.OneToOneField(
        "tickets.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_email"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "inbound email"
        constraints = [models.UniqueConstraint(fields=["mailbox", "dedupe_key"], name="inbound_once_per_mailbox")]
        indexes = [
            models.Index(fields=["updated_at"], condition=Q(state="received"), name="inbound_waiting"),
            models.Index(fields=["state", "-received_at"], name="inbound_state_time"),
            models.Index(
                fields=["sender_address", "processed_at"],
                condition=Q(created_ticket=True),
                name="inbound_new_by_sender",
            ),
        ]

    def __str__(self):
        return self.subject or self.message_id or f"Inbound email {self.pk}"


class EmailDraft(models.Model):
    """The email an agent is writing on a ticket, kept on the server as they type (SPEC D14).

    One per ticket and agent: a reload, a live refresh of the page or another browser finds it
    again. Sending turns it into an outbound email activity (mail/outgoing.py); Undo turns that
    activity back into this draft. `attachment_ids` are files of the ticket picked to go with it
    (checked against the ticket again when it is sent); `files` are uploads made for it alone.
    """

    class Mode(models.TextChoices):
        NEW = "new", "New email"
        REPLY = "reply", "Reply"
        REPLY_ALL = "reply_all", "Reply all"
        FORWARD = "forward", "Forward"

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="email_drafts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_drafts")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.NEW)
    # The email answered or forwarded: its Message-ID threads the reply (In-Reply-To, References).
    reply_to = models.ForeignKey(
        "tickets.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to = models.TextField(blank=True)
    cc = models.TextField(blank=True)
    bcc = models.TextField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body_html = models.TextField(blank=True)
    attachment_ids = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "author"], name="email_draft_per_agent")]

    def __str__(self):
        return self.subject or f"Draft on {self.ticket_id}"


def draft_file_path(instance, filename):
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"drafts/{uuid.uuid4().hex}{suffix}"


class DraftFile(models.Model):
    """A file uploaded for a draft alone; it becomes one of the ticket's attachments when the email is sent."""

    draft = models.ForeignKey(EmailDraft, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=draft_file_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.original_name
