"""The machinery every ticket action shares.

An action opens `changing(...)`: the ticket row is locked inside one transaction, the archived
and version rules are checked, the action sets fields through the `TicketChange`, and on the way
out the derived columns are brought up to date, the version is bumped, exactly one history event
is written and the live event is published after the commit.
"""

from contextlib import contextmanager

from django.db import models, transaction
from django.utils import timezone

from configurations.models import Status

from .. import sla
from ..access import WORK, require_right
from ..counts import bump_generation
from ..display import field_display, field_label, user_display
from ..live import publish_on_commit
from ..models import Ticket, TicketEvent
from .background import customer_message_due, enqueue_background_work
from .guard import ticket_writes


class TicketRuleError(Exception):
    """A ticket rule refused the change. The message is written for the person who tried it."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class TicketConflict(TicketRuleError):
    """The ticket was saved by someone else since the form was loaded (no lost update, SPEC D3)."""

    def __init__(self, message, *, events):
        super().__init__(message)
        self.events = events


class TicketChange:
    """The change one action makes to one locked ticket."""

    def __init__(self, ticket, actor, kind, *, now=None):
        self.ticket = ticket
        self.actor = actor
        self.kind = kind
        self.now = now or timezone.now()
        self.changes = {}
        self.record_empty = False
        self._before = {
            "status": ticket.status,
            "assignee_id": ticket.assignee_id,
            "team_id": ticket.team_id,
            "priority": ticket.priority,
            "category_id": ticket.category_id,
            "account_id": ticket.account_id,
            "sub_status_id": ticket.sub_status_id,
            "deadline": ticket.deadline,
        }

    def set(self, name, value):
        """Set a model field and record its old and new display values if it changed."""
        field = Ticket._meta.get_field(name)
        current = getattr(self.ticket, field.attname)
        new_raw = value.pk if isinstance(value, models.Model) else value
        if current == new_raw:
            return False
        old_display = field_display(self.ticket, name)
        setattr(self.ticket, name, value)
        self.record(name, old_display, field_display(self.ticket, name))
        return True

    def record(self, name, old, new):
        if old == new:
            return
        if name in self.changes:
            old = self.changes[name][0]
        self.changes[name] = [old, new]

    @property
    def changed(self):
        return bool(self.changes) or self.record_empty

    def finish(self):
        if not self.changed:
            return None
        self._check_category_rules()
        self._update_derived()
        ticket = self.ticket
        ticket.version += 1
        ticket.updated_at = self.now
        ticket.save()
        event = TicketEvent.objects.create(
            ticket=ticket,
            actor=self.actor,
            kind=self.kind,
            changes=self.changes,
            version=ticket.version,
            created_at=self.now,
        )
        transaction.on_commit(bump_generation)
        enqueue_background_work(self, event)
        publish_on_commit(
            {
                "ticket": ticket.pk,
                "version": ticket.version,
                "kind": self.kind,
                "fields": sorted(self.changes),
                "actor": self.actor.pk if self.actor else None,
                "actor_name": user_display(self.actor) or "The helpdesk",
                "labels": [field_label(name) for name in self.changes],
                "event": event.pk,
            }
        )
        return event

    def _check_category_rules(self):
        """SPEC T7: a category may require a sub-status to resolve and a re-open date for Pending."""
        ticket = self.ticket
        if ticket.sub_status_id and ticket.sub_status.status != ticket.status:
            raise TicketRuleError(
                f"The sub-status “{ticket.sub_status.name}” belongs to {ticket.sub_status.get_status_display()}, "
                f"not {ticket.get_status_display()}.",
                field="sub_status",
            )
        if ticket.reopen_at and ticket.status not in (Status.PENDING, Status.RESOLVED):
            raise TicketRuleError("A re-open date can only be set on Pending or Resolved tickets.", field="reopen_at")
        category = ticket.category
        if category is None or "status" not in self.changes and "category" not in self.changes:
            return
        if ticket.status == Status.RESOLVED and category.require_substatus_to_resolve and not ticket.sub_status_id:
            raise TicketRuleError(
                f"The category “{category.name}” needs a sub-status before the ticket can be resolved.",
                field="sub_status",
            )
        if ticket.status == Status.PENDING and category.require_reopen_date_for_pending and not ticket.reopen_at:
            raise TicketRuleError(
                f"The category “{category.name}” needs a re-open date before the ticket can be set to Pending.",
                field="reopen_at",
            )

    def _update_derived(self):
        ticket, before, now = self.ticket, self._before, self.now

        # First time each status was reached (T3); resolution time and time to complete (L4).
        if ticket.status != before["status"]:
            reached = f"{ticket.status}_reached_at"
            if getattr(ticket, reached) is None:
                setattr(ticket, reached, now)
            if ticket.status == Status.RESOLVED:
                ticket.resolved_at = now
                ticket.completion_seconds = max(0, int((now - ticket.created_at).total_seconds()))
            elif before["status"] == Status.RESOLVED:
                ticket.resolved_at = None
                ticket.completion_seconds = None

        # The debounce token of the customer notification (D4): when the sub-status last changed,
        # and when the customer is due to hear of it (a later change moves it, or voids it).
        if ticket.sub_status_id != before["sub_status_id"]:
            ticket.sub_status_changed_at = now
            ticket.customer_message_due_at = customer_message_due(ticket, now)

        # Total unassigned time: closed stretches are summed; an open one runs from unassigned_since.
        was_unassigned = before["assignee_id"] is None and before["team_id"] is None
        is_unassigned = ticket.assignee_id is None and ticket.team_id is None
        if was_unassigned and not is_unassigned and ticket.unassigned_since:
            ticket.unassigned_seconds += max(0, int((now - ticket.unassigned_since).total_seconds()))
            ticket.unassigned_since = None
        elif is_unassigned and not was_unassigned:
            ticket.unassigned_since = now

        # Deadline: automatic unless set by hand (T8).
        sla_inputs_changed = any(
            getattr(ticket, key) != before[key] for key in ("priority", "category_id", "account_id")
        )
        if not ticket.deadline_is_manual and (sla_inputs_changed or ticket.deadline is None):
            refresh_deadline(self)
        if ticket.deadline != before["deadline"]:
            # A new deadline gets its own at-risk alert.
            ticket.sla_risk_notified_at = None


def refresh_deadline(change):
    ticket = change.ticket
    deadline, at_risk_at = sla.deadline_for_ticket(ticket)
    if deadline != ticket.deadline:
        change.set("deadline", deadline)
    ticket.sla_at_risk_at = at_risk_at


def manual_at_risk(ticket):
    """For a deadline set by hand: at risk once less than 20% of the wall-clock time is left."""
    if ticket.deadline is None:
        return None
    total = ticket.deadline - ticket.created_at
    return ticket.deadline - total * 0.2 if total.total_seconds() > 0 else ticket.deadline


def _conflict(events, fields):
    """The refusal of a stale save: who changed which of the fields it would have saved (SPEC D3)."""
    people = []
    labels = []
    for event in events:
        touched = [name for name in event.changes if name in fields]
        if not touched:
            continue
        if event.actor_name not in people:
            people.append(event.actor_name)
        for name in touched:
            label = field_label(name)
            if label not in labels:
                labels.append(label)
    who = " and ".join(people) or "Someone"
    what = ", ".join(labels) or "the ticket"
    return TicketConflict(
        f"{who} changed {what} while you were editing. Your changes were not saved: "
        "reload the ticket to see the new values, then apply your edit again.",
        events=events,
    )


def _check_version(ticket, expected_version, guarded):
    """Refuse a save made on an older version if what changed since touches the fields it saves.

    `guarded` is the set of fields (history keys) the save changes; None guards the whole ticket.
    Changes to other fields (a colleague's note, tag, follow or attachment, or another field of the
    form) are kept and the save goes ahead.
    """
    events = list(
        TicketEvent.objects.filter(ticket=ticket, version__gt=expected_version)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    touched = {name for event in events for name in event.changes}
    clashing = touched if guarded is None else touched & set(guarded)
    if clashing or (guarded is None and events):
        raise _conflict(events, clashing or touched)


def _pk(ticket):
    return ticket.pk if isinstance(ticket, Ticket) else int(ticket)


@contextmanager
def changing(ticket, actor, kind, *, expected_version=None, guarded=None, allow_archived=False):
    """Lock the ticket, check the shared rules, and yield a TicketChange to fill in.

    Only agents change tickets (SPEC R2); None is the system. Archived tickets are read-only
    (SPEC T4) unless the action is one that applies to them. With `expected_version` (a form's
    save), changes made since that version to the `guarded` fields raise TicketConflict naming
    who changed what (SPEC D3); changes to other fields do not.
    """
    require_right(actor, WORK)
    with ticket_writes(), transaction.atomic():
        try:
            locked = Ticket.objects.select_for_update().get(pk=_pk(ticket))
        except Ticket.DoesNotExist:
            raise TicketRuleError("This ticket no longer exists.") from None
        if locked.archived and not allow_archived:
            raise TicketRuleError(f"{locked.reference} is archived and can't be changed. Unarchive it first.")
        if expected_version is not None and int(expected_version) != locked.version:
            _check_version(locked, int(expected_version), guarded)
        change = TicketChange(locked, actor, kind)
        yield change
        change.finish()
    if isinstance(ticket, Ticket) and ticket is not locked:
        _refresh_instance(ticket, locked)


def _refresh_instance(target, source):
    """Copy the saved field values onto the caller's instance, so it is never left stale."""
    for field in Ticket._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.fields_cache = {}
    if hasattr(target, "_prefetched_objects_cache"):
        target._prefetched_objects_cache = {}
