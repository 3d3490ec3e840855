"""Celery tasks of the email channel: thin, idempotent, safe to run twice."""

from celery import shared_task


@shared_task(name="mail.tasks.process_inbound")
def process_inbound(inbound_id):
    """Process one stored message; a message already processed, ignored or failed is left as it is."""
    from .processing import process

    return process(inbound_id)
