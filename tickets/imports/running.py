"""Running a confirmed import (SPEC L12): creating its tickets in batches, in the background.

Exactly once, however often the task runs: one runner claims the import (a conditional update),
then takes rows in batches, each batch in one transaction that holds the import's row lock, skips
the rows its report already has, creates the others and appends them to the report before
committing, with a heartbeat. A run that dies mid-batch rolls back that batch's tickets and report
together; the sweeper hands the orphaned import to another worker, which resumes after the last
batch committed.

Each row is created through `tickets.actions.create_ticket` with the importing user as actor,
inside its own savepoint: a row the actions refuse (TicketRuleError) is reported with the
actions' message and nothing of it is kept, not even a contact it would have created.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notify

from .. import actions
from ..access import IMPORT, require_right
from ..models import TicketImport
from .creating import References, ticket_arguments

logger = logging.getLogger(__name__)

State = TicketImport.State
BATCH = 50


def start_import(user, upload, rows):
    """Keep a checked file as an import in preview, for its owner to confirm. Needs the import right (R3)."""
    require_right(user, IMPORT)
    with transaction.atomic():
        return TicketImport.objects.create(
            user=user, file=upload, original_name=upload.name[:255], rows=rows, rows_total=len(rows)
        )


def confirm_import(user, job_id):
    """Queue the import's rows for creation; returns what to tell the person as (level, message)."""
    require_right(user, IMPORT)
    from ..tasks import run_import as task  # the task module calls this one

    with transaction.atomic():
        job = TicketImport.objects.select_for_update().get(pk=job_id, user=user)
        if job.state != State.PREVIEW:
            return "info", "This import has already started."
        if not any("data" in row for row in job.rows):
            return "error", "No row of this file can be imported; correct the file and upload it again."
        job.state = State.QUEUED
        job.save(update_fields=["state"])
        transaction.on_commit(lambda: task.delay(job.pk))
    return "success", f"Importing {job.original_name}. You'll find the report here and in your notifications."


def cancel_import(user, job_id):
    """Delete an import still in preview, and its file; False when it has already started."""
    require_right(user, IMPORT)
    with transaction.atomic():
        job = TicketImport.objects.select_for_update().get(pk=job_id, user=user)
        if job.state != State.PREVIEW:
            return False
        job.delete()
        # The file goes once the row is surely gone; a failed delete leaves a stray file, never a dangling row.
        transaction.on_commit(lambda: job.file.delete(save=False))
    return True


def run_import(import_id):
    """Create the tickets of import `import_id`; a no-op for an import that is not queued or running."""
    if not TicketImport.objects.claim(import_id):
        return None  # finished, or being run by a live worker: an orphaned one is taken over and resumes
    # The checked rows are fixed once the import is confirmed: read them once, not once per batch.
    rows = TicketImport.objects.filter(pk=import_id).values_list("rows", flat=True).first() or []
    try:
        while _run_batch(import_id, rows):
            pass
    except Exception:
        logger.exception("Import %s stopped", import_id)
        _stop(import_id)
        raise
    return _finish(import_id)


def _locked(import_id):
    return TicketImport.objects.select_for_update().defer("rows").filter(pk=import_id).first()


def _run_batch(import_id, rows):
    """Create the next batch of unreported rows; False when there is nothing left to do."""
    with transaction.atomic():
        job = _locked(import_id)
        if job is None or job.state not in (State.QUEUED, State.RUNNING):
            return False
        reported = {entry["row"] for entry in job.report}
        batch = [row for row in rows if row["row"] not in reported][:BATCH]
        if not batch:
            return False
        references = References(batch)
        actor = job.user
        for row in batch:
            job.report.append(_import_row(actor, row, references))
        job.state = State.RUNNING
        job.rows_done = len(job.report)
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["state", "report", "rows_done", "heartbeat_at"])
    return True


def _import_row(actor, row, references):
    """One report entry: the ticket created from `row`, or the reasons it was not."""
    entry = {"row": row["row"], "title": row.get("title", "")}
    if "data" not in row:
        return {**entry, "errors": row.get("errors", ["This row could not be read."])}
    try:
        with transaction.atomic():
            ticket = actions.create_ticket(actor, **ticket_arguments(row["data"], references))
    except actions.TicketRuleError as error:
        return {**entry, "errors": [error.message]}
    except ValidationError as error:
        return {**entry, "errors": error.messages}
    return {**entry, "ticket": ticket.pk, "reference": ticket.reference}


def _finish(import_id):
    """Mark a finished import done, count it, and tell its owner in the Notification Center."""
    with transaction.atomic():
        job = _locked(import_id)
        if job is None or job.state not in (State.QUEUED, State.RUNNING):
            return None
        job.created_count = sum(1 for entry in job.report if "ticket" in entry)
        job.failed_count = len(job.report) - job.created_count
        job.rows_done = len(job.report)
        job.state = State.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["created_count", "failed_count", "rows_done", "state", "finished_at"])
        _tell_owner(job, f"Import of {job.original_name} finished",
                    f"{job.created_count} created, {job.failed_count} failed")
    return job.created_count


def _stop(import_id):
    """An unexpected error: keep what earlier batches created, say so, and stop polling."""
    with transaction.atomic():
        job = _locked(import_id)
        if job is None or job.state not in (State.QUEUED, State.RUNNING):
            return
        job.created_count = sum(1 for entry in job.report if "ticket" in entry)
        job.failed_count = len(job.report) - job.created_count
        job.state = State.FAILED
        job.finished_at = timezone.now()
        job.error = (
            f"The import stopped on an unexpected error after {len(job.report)} of {job.rows_total} rows. "
            "The tickets listed below were created; the other rows were not imported."
        )
        job.save(update_fields=["created_count", "failed_count", "state", "finished_at", "error"])
        _tell_owner(job, f"Import of {job.original_name} stopped", f"{job.created_count} created before an error")


def _tell_owner(job, title, body):
    url = reverse("tickets:import_detail", args=[job.pk])
    notify(job.user, Notification.Kind.SYSTEM, title, body=body, url=url, dedupe_key=f"import-{job.pk}")
