"""Jobs a Celery worker runs: exports to XLSX (SPEC L11), imports from XLSX/CSV (SPEC L12) and
removals of what many tickets use (SPEC X1)."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class JobState(models.TextChoices):
    PREVIEW = "preview", "Waiting for confirmation"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


ACTIVE_STATES = [JobState.QUEUED, JobState.RUNNING]


def orphaned_before(now=None):
    """The moment before which a queued or running job without a heartbeat counts as orphaned."""
    return (now or timezone.now()) - datetime.timedelta(seconds=settings.HELPDESK_ORPHAN_AFTER)


class JobQuerySet(models.QuerySet):
    def orphaned(self, now=None):
        """Queued or running jobs nobody has worked on lately: their worker died, or their task was lost."""
        before = orphaned_before(now)
        return self.filter(state__in=ACTIVE_STATES).filter(
            Q(heartbeat_at__lt=before) | Q(heartbeat_at__isnull=True, created_at__lt=before)
        )

    def claim(self, pk, now=None):
        """Take job `pk` to run it, with a conditional update: True for one runner only.

        A queued job is free, and so is a running one whose heartbeat stopped (an orphan); a job
        another worker is running, or one that has finished, is not.
        """
        now = now or timezone.now()
        before = orphaned_before(now)
        free = Q(state=JobState.QUEUED) | Q(state=JobState.RUNNING) & (
            Q(heartbeat_at__lt=before) | Q(heartbeat_at__isnull=True)
        )
        return bool(self.filter(free, pk=pk).update(state=JobState.RUNNING, heartbeat_at=now))

    def beat(self, pk, **values):
        """Record progress, and that the job is alive."""
        return self.filter(pk=pk).update(heartbeat_at=timezone.now(), **values)


class Job(models.Model):
    """What every job has: its state, why it failed, when it began and ended, and its heartbeat."""

    State = JobState

    state = models.CharField(max_length=8, choices=JobState.choices, default=JobState.QUEUED)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Touched as the work goes on: a job queued or running whose heartbeat stopped was orphaned by
    # a dead worker, and the sweeper hands it to another (each job resumes or restarts safely).
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


def export_path(instance, filename):
    return f"exports/{uuid.uuid4().hex}.xlsx"


def import_path(instance, filename):
    suffix = ".csv" if str(filename).lower().endswith(".csv") else ".xlsx"
    return f"imports/{uuid.uuid4().hex}{suffix}"


class TicketExport(Job):
    """One export of what a tab, view and filters show, for the user who asked."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ticket_exports")
    query = models.TextField(blank=True, help_text="The list's URL query: tab, view, filters, sort")
    fingerprint = models.CharField(max_length=64, help_text="Same query, same fingerprint")
    file_name = models.CharField(max_length=200)
    file = models.FileField(upload_to=export_path, blank=True)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)

    class Meta(Job.Meta):
        constraints = [
            # A second click while the same export runs joins it instead of starting another.
            models.UniqueConstraint(
                fields=["user", "fingerprint"], condition=Q(state__in=ACTIVE_STATES), name="export_one_running"
            )
        ]

    def __str__(self):
        return self.file_name


class TicketImport(Job):
    """An uploaded file, its row-by-row validation, and the report of what was created."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ticket_imports")
    file = models.FileField(upload_to=import_path)
    original_name = models.CharField(max_length=255)
    state = models.CharField(max_length=8, choices=JobState.choices, default=JobState.PREVIEW)
    rows = models.JSONField(default=list, help_text="Parsed rows with their validation errors")
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, help_text="Per row: the ticket created or the reasons it failed")
    created_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.original_name


class Removal(Job):
    """Deleting a configuration value, contact, account or person that many tickets use (SPEC X1, T11).

    Each ticket that uses it is changed through the actions first (an event, a version bump and a
    live event each), in batches by a worker, with progress; the object itself goes last. With a
    replacement, the tickets get that instead.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="removals")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=300, help_text="What is being deleted, as shown to people")
    replacement_id = models.PositiveBigIntegerField(null=True, blank=True)
    replacement_label = models.CharField(max_length=300, blank=True)
    tickets_total = models.PositiveIntegerField(default=0)
    tickets_done = models.PositiveIntegerField(default=0)

    class Meta(Job.Meta):
        constraints = [
            # One removal of an object at a time: a second click follows the one running.
            models.UniqueConstraint(
                fields=["content_type", "object_id"], condition=Q(state__in=ACTIVE_STATES), name="removal_one_running"
            )
        ]

    def __str__(self):
        return self.label

    @property
    def percent(self):
        return int(100 * self.tickets_done / self.tickets_total) if self.tickets_total else 100
