"""The sweeper (DESIGN: the durable-work rule; SPEC B9): what is due or orphaned, handed to a worker again.

Beat runs `sweep` every HELPDESK_SWEEP_SECONDS. Work that must happen later lives in the database
with a due time and a state; a task is a doorbell that starts it on time. When a worker dies before
or during the work, its task is gone with it (or waits hours in the broker), but the row stays due:
the next sweep hands it to a live worker, which claims it with a conditional update and resumes
(imports and removals after their last committed batch) or starts again (exports, messages).
"""

from django.utils import timezone

from notifications import sweeper as messages

from .models import Removal, TicketExport, TicketImport
from .models.transfers import orphaned_before

BATCH = 100


def orphaned_jobs(now):
    """Hand queued or running exports, imports and removals without a recent heartbeat to a worker."""
    from .tasks import run_export, run_import, run_removal

    handed = 0
    for model, task in ((TicketExport, run_export), (TicketImport, run_import), (Removal, run_removal)):
        for pk in list(model.objects.orphaned(now).values_list("pk", flat=True)[:BATCH]):
            task.delay(pk)
            handed += 1
    return handed


def inbound_emails(before):
    """Stored messages still waiting: their worker died, or their task never reached one (SPEC D13)."""
    from mail.processing import waiting_messages

    return waiting_messages(before)


def sweep(now=None):
    """One pass over everything durable; returns how much of each kind was handed out."""
    now = now or timezone.now()
    before = orphaned_before(now)
    return {
        "customer messages": messages.due_customer_messages(now),
        "deliveries": messages.stalled_deliveries(before),
        "digests": messages.due_digests(before),
        "mention emails": messages.unsent_mention_emails(before),
        "jobs": orphaned_jobs(now),
        "inbound emails": inbound_emails(before),
    }
