"""The sweeper's beat task: a thin wrapper over tickets/sweeper.py."""

from celery import shared_task

from .. import sweeper


@shared_task(name="tickets.tasks.sweep")
def sweep():
    """Hand what is due or was orphaned by a dead worker to a live one (SPEC B9). Safe to run twice."""
    return sweeper.sweep()
