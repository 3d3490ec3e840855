"""The rule that only the actions write ticket rows, enforced rather than written down.

Every action runs its writes inside `ticket_writes()`. When HELPDESK_GUARD_TICKET_WRITES is on (the
test suite turns it on), every SQL statement passes through `guard_ticket_writes`, which refuses an
INSERT, UPDATE or DELETE on a ticket's own tables (the ticket row, its tags, followers, links and
custom field values) made outside an action: a queryset `.update()`, a `.save()`, a `bulk_*` call,
raw SQL, or a delete elsewhere that Django cascades to tickets (`SET_NULL`, an M2M clean-up). Such a
write skips the history, the version bump and the live event, so it fails loudly.

Code that is not product code may write directly: tests setting up data, the demo and benchmark
data builder, migrations. The guard tells them apart by the nearest frame of this project's code
on the stack; anything reached through a request, a consumer or a task is product code.
"""

import re
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

_inside_action = ContextVar("inside_ticket_action", default=False)

TICKET_TABLES = (
    "tickets_ticket",
    "tickets_ticket_tags",
    "tickets_ticket_followers",
    "tickets_ticketlink",
    "tickets_customfieldvalue",
)
_WRITE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(' + "|".join(TICKET_TABLES) + r')"?(?:\s|\(|$)',
    re.IGNORECASE,
)

_ROOT = Path(__file__).resolve().parents[2]
# Project code that may write ticket rows directly: it is not reached by users.
_EXEMPT = ("tests/", "demo/", "benchmarks/")


class DirectTicketWrite(AssertionError):
    """Ticket rows were written outside tickets/actions: no history, no version bump, no live event."""


@contextmanager
def ticket_writes():
    """Mark the writes of an action (nested calls are fine)."""
    token = _inside_action.set(True)
    try:
        yield
    finally:
        _inside_action.reset(token)


def _nearest_project_file():
    """The project file of the innermost frame that is this project's code (not a library), or None."""
    frame = sys._getframe(2)
    here = Path(__file__).resolve()
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        if path.is_absolute() and path != here:
            try:
                relative = path.resolve().relative_to(_ROOT).as_posix()
            except ValueError:
                relative = None
            if relative and not relative.startswith((".venv/", "venv/")) and "site-packages" not in relative:
                return relative
        frame = frame.f_back
    return None


def guard_ticket_writes(execute, sql, params, many, context):
    """A connection execute wrapper: refuse direct writes to ticket tables outside an action."""
    if not _inside_action.get() and _WRITE.match(sql or ""):
        origin = _nearest_project_file()
        exempt = origin is None or origin.startswith(_EXEMPT) or "/migrations/" in origin
        if not exempt:
            table = _WRITE.match(sql).group(1)
            raise DirectTicketWrite(
                f"{origin} writes {table} outside tickets/actions; go through an action so the change "
                f"is logged, versioned and published. SQL: {sql[:200]}"
            )
    return execute(sql, params, many, context)


def install(connection, **kwargs):
    """Connect the guard to a database connection (from the `connection_created` signal)."""
    if guard_ticket_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(guard_ticket_writes)
