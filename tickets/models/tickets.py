import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from configurations.models import Priority, Status

from ..db import IdSetField

TICKET_REFERENCE = re.compile(r"^\s*#?(?:T-?)?0*(\d{1,12})\s*$", re.IGNORECASE)


def parse_reference(text):
    """Return the ticket id in "T-000123", "t123", "#123" or "123", or None."""
    match = TICKET_REFERENCE.match(text or "")
    return int(match.group(1)) if match else None


LIVE = Q(archived=False)
OPEN = Q(archived=False) & ~Q(status=Status.RESOLVED)
UNASSIGNED = Q(assignee__isnull=True, team__isnull=True)
# Columns the list filters test most, carried in the list indexes (PostgreSQL INCLUDE).
LIST_COLUMNS = [
    "status", "priority", "ticket_type", "sub_status", "assignee", "team", "deadline", "sla_at_risk_at", "tag_ids"
]


class Ticket(models.Model):
    """A customer case (SPEC T1).

    Only tickets/actions.py changes a ticket: it keeps `version`, the history and the derived
    columns below (first-reached times, resolved time, unassigned time, deadline) consistent.
    """

    Status = Status
    Priority = Priority

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    ticket_type = models.ForeignKey(
        "configurations.TicketType", null=True, blank=True, on_delete=models.PROTECT, verbose_name="type"
    )
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    sub_status = models.ForeignKey(
        "configurations.SubStatus", null=True, blank=True, on_delete=models.SET_NULL, verbose_name="sub-status"
    )
    category = models.ForeignKey("configurations.Category", null=True, blank=True, on_delete=models.PROTECT)
    contact = models.ForeignKey("tickets.Contact", null=True, blank=True, on_delete=models.SET_NULL)
    account = models.ForeignKey("tickets.Account", null=True, blank=True, on_delete=models.SET_NULL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        verbose_name="assigned agent",
    )
    team = models.ForeignKey(
        "configurations.Team", null=True, blank=True, on_delete=models.SET_NULL, verbose_name="assigned team"
    )
    followers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="followed_tickets")
    tags = models.ManyToManyField("configurations.Tag", blank=True, related_name="tickets")
    # The same tags' ids on the row, kept by actions.bookkeeping.sync_tag_ids whenever `tags` changes: the
    # list's tag filter is then a test of the row while an ordered index is walked, not a probe (L4).
    tag_ids = IdSetField()
    links = models.ManyToManyField("self", through="tickets.TicketLink", symmetrical=True, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_tickets",
        verbose_name="owner",
    )

    # The originating engagement (SPEC D9); empty for internal tickets.
    source_channel = models.CharField(max_length=30, blank=True)
    source_product = models.CharField(max_length=60, blank=True)
    source_url = models.URLField(blank=True)

    deadline = models.DateTimeField(null=True, blank=True)
    deadline_is_manual = models.BooleanField(default=False)
    sla_at_risk_at = models.DateTimeField(
        null=True, blank=True, help_text="When less than 20% of the SLA time is left"
    )
    reopen_at = models.DateTimeField(null=True, blank=True, verbose_name="re-open date")
    sla_risk_notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the assignee was told the SLA is at risk (cleared with a new deadline)"
    )

    # Debounced customer notification (SPEC D4): the moment the sub-status last changed is the token
    # a pending send checks; the sub-status the customer was last told about is never told again.
    sub_status_changed_at = models.DateTimeField(null=True, blank=True)
    # When the customer is due to hear of the sub-status (empty: nothing due). The durable record of
    # the debounced message: the sweeper sends whatever is overdue, whatever happened to the task.
    customer_message_due_at = models.DateTimeField(null=True, blank=True)
    notified_sub_status = models.ForeignKey(
        "configurations.SubStatus", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="sub-status last told to the customer",
    )

    archived = models.BooleanField(default=False)
    archived_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    # First time each status was reached (SPEC T3).
    submitted_reached_at = models.DateTimeField(null=True, blank=True)
    pending_reached_at = models.DateTimeField(null=True, blank=True)
    ongoing_reached_at = models.DateTimeField(null=True, blank=True)
    resolved_reached_at = models.DateTimeField(null=True, blank=True)

    # Derived durations the list filters on (SPEC L4), in seconds.
    completion_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="Creation to resolution, while resolved"
    )
    unassigned_seconds = models.PositiveIntegerField(
        default=0, help_text="Closed stretches without agent or team"
    )
    unassigned_since = models.DateTimeField(null=True, blank=True)
    time_spent_seconds = models.PositiveIntegerField(
        default=0, help_text="Agents' closed work sessions on the ticket (SPEC D12)"
    )

    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("work_on_tickets", "Can work on tickets: view, edit, assign, tag, link, note, archive"),
            ("create_own_views", "Can create own ticket views"),
            ("bulk_edit_tickets", "Can bulk edit tickets"),
            ("merge_tickets", "Can merge tickets"),
            ("anonymise_ticket", "Can anonymise tickets"),
            ("import_tickets", "Can import tickets"),
            ("export_tickets", "Can export tickets"),
            ("read_csat", "Can read CSAT surveys"),
            ("manage_configurations", "Can manage configurations"),
        ]
        indexes = [
            # Keyset paging always ends in (created_at, id). Each tab has partial indexes for the
            # active tickets (OPEN: completed hidden, the default) and for all not archived ones
            # (LIVE: Show Completed), so page 1, deep pages and capped tab counts are index scans.
            # On PostgreSQL the filter columns are INCLUDEd, so filters are checked in the index.
            models.Index(fields=["created_at", "id"], name="ticket_created"),
            models.Index(fields=["created_at", "id"], condition=OPEN, include=LIST_COLUMNS, name="ticket_open"),
            models.Index(
                fields=["assignee", "created_at", "id"], condition=OPEN, include=LIST_COLUMNS, name="ticket_open_agent"
            ),
            models.Index(
                fields=["team", "created_at", "id"], condition=OPEN, include=LIST_COLUMNS, name="ticket_open_team"
            ),
            models.Index(
                fields=["created_at", "id"], condition=OPEN & UNASSIGNED, include=LIST_COLUMNS,
                name="ticket_open_unassigned",
            ),
            models.Index(fields=["created_at", "id"], condition=LIVE, include=LIST_COLUMNS, name="ticket_live"),
            models.Index(
                fields=["assignee", "created_at", "id"], condition=LIVE, include=LIST_COLUMNS, name="ticket_live_agent"
            ),
            models.Index(
                fields=["team", "created_at", "id"], condition=LIVE, include=LIST_COLUMNS, name="ticket_live_team"
            ),
            models.Index(
                fields=["created_at", "id"], condition=LIVE & UNASSIGNED, include=LIST_COLUMNS,
                name="ticket_unassigned_created",
            ),
            models.Index(
                fields=["created_at", "id"], condition=Q(archived=True), include=LIST_COLUMNS,
                name="ticket_archived_created",
            ),
            models.Index(fields=["deadline"], name="ticket_deadline"),
            models.Index(fields=["completion_seconds"], name="ticket_completion"),
            models.Index(fields=["unassigned_seconds"], name="ticket_unassigned_secs"),
            models.Index(fields=["time_spent_seconds"], name="ticket_time_spent"),
            models.Index(fields=["reopen_at"], condition=Q(reopen_at__isnull=False), name="ticket_reopen_due"),
            models.Index(
                fields=["customer_message_due_at"], condition=Q(customer_message_due_at__isnull=False),
                name="ticket_message_due",
            ),
            # The at-risk timer scans only open tickets not yet reported (SPEC T8).
            models.Index(
                fields=["deadline"], condition=OPEN & Q(sla_risk_notified_at__isnull=True, assignee__isnull=False),
                name="ticket_sla_risk_due",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("tickets:ticket_detail", args=[self.pk])

    @property
    def reference(self):
        return f"T-{self.pk:06d}" if self.pk else "T-new"

    @property
    def is_resolved(self):
        return self.status == Status.RESOLVED

    def reached_at(self, status):
        return getattr(self, f"{status}_reached_at")


class TicketLink(models.Model):
    """A symmetric link between two tickets (SPEC T6); Django stores both directions."""

    from_ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    to_ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_ticket", "to_ticket"], name="ticketlink_unique"),
            models.CheckConstraint(condition=~Q(from_ticket=models.F("to_ticket")), name="ticketlink_not_self"),
        ]

    def __str__(self):
        return f"{self.from_ticket_id} ↔ {self.to_ticket_id}"


class CustomFieldValue(models.Model):
    """A custom field's value on a ticket, in the typed column of its field type (SPEC T10)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="custom_values")
    field = models.ForeignKey("configurations.CustomField", on_delete=models.CASCADE, related_name="values")
    text_value = models.CharField(max_length=500, blank=True, default="")
    number_value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    date_value = models.DateField(null=True, blank=True)
    bool_value = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "field"], name="customvalue_unique")]
        indexes = [
            models.Index(fields=["field", "text_value"], name="customvalue_text"),
            models.Index(fields=["field", "number_value"], name="customvalue_number"),
            models.Index(fields=["field", "date_value"], name="customvalue_date"),
        ]

    def __str__(self):
        return f"{self.field}: {self.display}"

    COLUMN = {"text": "text_value", "choice": "text_value", "number": "number_value", "date": "date_value",
              "boolean": "bool_value"}

    @property
    def value(self):
        return getattr(self, self.COLUMN[self.field.field_type])

    @property
    def display(self):
        return display_custom_value(self.field.field_type, self.value)


def display_custom_value(field_type, value):
    if value is None or value == "":
        return ""
    if field_type == "boolean":
        return "Yes" if value else "No"
    if field_type == "number":
        return f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)
    if field_type == "date":
        return value.isoformat()
    return str(value)

