"""What team leaders configure: teams, tags, sub-statuses, types, categories, SLAs, custom fields.

Configuration is data, not settings (SPEC C1).
"""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from tickets.validators import validate_single_line


def validate_timezone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"“{value}” is not a time zone name, e.g. Europe/London.") from None


def validate_placeholders(value):
    """Refuse unknown or malformed placeholders when a text is saved (configurations/reply_templates.py)."""
    from .reply_templates import validate

    validate(value)


class Status(models.TextChoices):
    """The four main statuses, in their order (SPEC T2)."""

    SUBMITTED = "submitted", "Submitted"
    PENDING = "pending", "Pending"
    ONGOING = "ongoing", "Ongoing"
    RESOLVED = "resolved", "Resolved"


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True, validators=[validate_single_line])
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="helpdesk_teams", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Tag(models.Model):
    """A label agents apply to tickets; at most HELPDESK_TAGS_PER_COMPANY exist (SPEC T5)."""

    name = models.CharField(max_length=50, unique=True, validators=[validate_single_line])
    color = models.CharField(max_length=7, default="#64748b", help_text="Hex colour, e.g. #2563eb")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SubStatus(models.Model):
    """A refinement of a main status; at most four per status, ordered (SPEC T2, C1, D4)."""

    MAX_PER_STATUS = 4

    class NotifyChannel(models.TextChoices):
        NONE = "", "No customer notification"
        EMAIL = "email", "Email"
        SMS = "sms", "SMS"

    status = models.CharField(max_length=16, choices=Status.choices)
    name = models.CharField(max_length=60, validators=[validate_single_line])
    position = models.PositiveSmallIntegerField(default=0)
    notify_channel = models.CharField(max_length=8, choices=NotifyChannel.choices, blank=True, default="")
    notify_text = models.TextField(
        blank=True, help_text="Message sent to the customer", validators=[validate_placeholders]
    )

    class Meta:
        ordering = ["status", "position", "id"]
        verbose_name_plural = "sub-statuses"
        constraints = [models.UniqueConstraint(fields=["status", "name"], name="substatus_unique_name")]

    def __str__(self):
        return f"{self.get_status_display()} · {self.name}"


class TicketType(models.Model):
    name = models.CharField(max_length=60, unique=True, validators=[validate_single_line])
    customer_facing = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class WorkingCalendar(models.Model):
    """Working hours and holidays that SLA time is counted in (SPEC T8)."""

    name = models.CharField(max_length=100, unique=True, validators=[validate_single_line])
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class WorkingHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    calendar = models.ForeignKey(WorkingCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name_plural = "working hours"
        constraints = [
            # An end of 00:00 means midnight at the end of the day (a shift until midnight, or 24x7).
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")) | models.Q(end=datetime.time(0)),
                name="workinghours_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class Holiday(models.Model):
    calendar = models.ForeignKey(WorkingCalendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=100, blank=True, validators=[validate_single_line])

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="holiday_unique_date")]

    def __str__(self):
        return f"{self.date} {self.name}".strip()


class SLAPolicy(models.Model):
    """Resolution time per priority, in working minutes (SPEC T8)."""

    name = models.CharField(max_length=100, unique=True, validators=[validate_single_line])
    low_minutes = models.PositiveIntegerField(default=5 * 8 * 60)
    normal_minutes = models.PositiveIntegerField(default=3 * 8 * 60)
    high_minutes = models.PositiveIntegerField(default=8 * 60)
    urgent_minutes = models.PositiveIntegerField(default=2 * 60)

    class Meta:
        ordering = ["name"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"

    def __str__(self):
        return self.name

    def resolution_minutes(self, priority):
        return getattr(self, f"{priority}_minutes")


class Category(models.Model):
    """Decides SLA and working hours, and carries the status rules of SPEC T7."""

    name = models.CharField(max_length=100, unique=True, validators=[validate_single_line])
    sla_policy = models.ForeignKey(SLAPolicy, null=True, blank=True, on_delete=models.SET_NULL)
    calendar = models.ForeignKey(
        WorkingCalendar, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="working hours"
    )
    require_substatus_to_resolve = models.BooleanField(
        default=False, help_text="A Resolved sub-status must be chosen before resolving."
    )
    require_reopen_date_for_pending = models.BooleanField(
        default=False, help_text="A re-open date must be set before moving to Pending."
    )
    default_queue = models.CharField(
        max_length=200, blank=True, help_text="Mailbox or number outgoing messages are sent from."
    )
    notification_rules = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class CustomField(models.Model):
    """A ticket field configured by team leaders (SPEC T10)."""

    class FieldType(models.TextChoices):
        TEXT = "text", "Text"
        NUMBER = "number", "Number"
        DATE = "date", "Date"
        CHOICE = "choice", "Choice"
        BOOLEAN = "boolean", "Yes/no"

    name = models.CharField(max_length=100, validators=[validate_single_line])
    key = models.SlugField(max_length=50, unique=True, help_text="Used in URLs and exports")
    field_type = models.CharField(max_length=10, choices=FieldType.choices, default=FieldType.TEXT)
    required = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True, help_text='For choice fields: ["Option A", "Option B"]')
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, help_text="Empty: on every ticket"
    )
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def applies_to(self, category_id):
        return self.category_id is None or self.category_id == category_id


class SourceAccess(models.Model):
    """Which engagements' sources a team may open (SPEC R4): a channel and a product, blank = any."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="source_access")
    channel = models.CharField(max_length=30, blank=True, help_text="Empty: every channel")
    product = models.CharField(max_length=60, blank=True, help_text="Empty: every product")

    class Meta:
        ordering = ["team__name", "channel", "product"]
        verbose_name = "source access"
        verbose_name_plural = "source access"
        constraints = [
            models.UniqueConstraint(fields=["team", "channel", "product"], name="sourceaccess_unique")
        ]

    def __str__(self):
        return f"{self.team}: {self.channel or 'any channel'} · {self.product or 'any product'}"


class ReplyTemplate(models.Model):
    """A reply agents pick when they write to a customer (SPEC D14, B2), with placeholders filled in
    from the ticket (configurations/reply_templates.py); global, or for one category's tickets."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "SMS"
        BOTH = "both", "Email and SMS"

    name = models.CharField(max_length=100, unique=True, validators=[validate_single_line])
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    subject = models.CharField(
        max_length=200, blank=True, validators=[validate_single_line, validate_placeholders],
        help_text="For email; empty keeps the subject the editor suggests.",
    )
    body = models.TextField(validators=[validate_placeholders])
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="reply_templates",
        help_text="Empty: offered on every ticket.",
    )
    active = models.BooleanField(default=True, help_text="Inactive templates are not offered to agents.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["active", "channel"], name="replytemplate_offered")]

    def __str__(self):
        return self.name

    @property
    def for_email(self):
        return self.channel in (self.Channel.EMAIL, self.Channel.BOTH)

    @property
    def for_sms(self):
        return self.channel in (self.Channel.SMS, self.Channel.BOTH)
