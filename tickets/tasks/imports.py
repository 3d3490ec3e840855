"""The import task (SPEC L12): a thin wrapper; the work is in tickets/imports/running.py."""

from celery import shared_task

from ..imports import running


@shared_task(name="tickets.tasks.run_import")
def run_import(import_id):
    """Create the tickets of import `import_id`, exactly once however often the task runs."""
    return running.run_import(import_id)
