"""Celery tasks of the email channel: thin, idempotent, safe to run twice."""

from celery import shared_task


@shared_task(name="mail.tasks.process_inbound")
def process_inbound(inbound_id):
    """Process one stored message; a message already processed, ignored or failed is left as it is."""
    from .processing import process

    return process(inbound_id)


@shared_task(name="mail.tasks.poll_mailboxes")
def poll_mailboxes():
    """Beat's timer: a poll of each active mailbox that has an IMAP host (SPEC D13)."""
    from .models import Mailbox

    mailbox_ids = list(Mailbox.objects.filter(is_active=True).exclude(imap_host="").values_list("pk", flat=True))
    for mailbox_id in mailbox_ids:
        poll_mailbox.delay(mailbox_id)
    return len(mailbox_ids)


@shared_task(name="mail.tasks.poll_mailbox")
def poll_mailbox(mailbox_id):
    """Store the new messages of one mailbox's IMAP folder; a mailbox another poll holds is skipped."""
    from .imap import poll_mailbox as poll

    return poll(mailbox_id)
