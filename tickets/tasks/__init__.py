"""Celery tasks of the ticket domain: thin, idempotent wrappers that load by id and call actions.

Celery discovers `tickets.tasks`; each module below registers its tasks under an explicit name.
"""

from .exports import run_export
from .imports import run_import
from .removals import run_removal
from .sweeper import sweep
from .timers import expire_presence, notify_sla_at_risk, reopen_due_tickets

__all__ = [
    "expire_presence", "notify_sla_at_risk", "reopen_due_tickets", "run_export", "run_import", "run_removal", "sweep",
]
