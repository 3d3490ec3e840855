"""The removal task: a thin wrapper; the work is in tickets/actions/detach.py."""

from celery import shared_task

from .. import actions


@shared_task(name="tickets.tasks.run_removal")
def run_removal(removal_id):
    """Detach the removed object from its tickets in batches, then delete it. Safe to run twice."""
    actions.run_removal(removal_id)
