"""The export task (SPEC L11): a thin wrapper; the work is in tickets/exports.py."""

from celery import shared_task

from .. import exports


@shared_task(name="tickets.tasks.run_export")
def run_export(export_id):
    """Write export `export_id`'s file, then notify and email its owner. Safe to run twice:
    a finished export is not redone, and only the run that finishes it tells the user."""
    exports.run_export(export_id)
