"""Creating tickets and changing their fields, status and assignment."""

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from configurations.models import CustomField, Priority, Status, SubStatus

from ..access import WORK, require_right
from ..display import display_value, user_display
from ..models import CustomFieldValue, Ticket, TicketEvent
from ..models.tickets import display_custom_value
from ..validators import CONTROL_CHARACTERS
from .base import TicketChange, TicketRuleError, changing, manual_at_risk, refresh_deadline
from .guard import ticket_writes

Kind = TicketEvent.Kind

UNSET = object()

# The fields a person edits in the ticket form (SPEC D3). Anything else posted is ignored.
EDITABLE_FIELDS = (
    "title",
    "description",
    "ticket_type",
    "priority",
    "status",
    "sub_status",
    "category",
    "contact",
    "account",
    "assignee",
    "team",
    "deadline",
    "reopen_at",
    "source_channel",
    "source_product",
    "source_url",
)


def _clean_title(title):
    title = (title or "").strip()
    if not title:
        raise TicketRuleError("A ticket needs a title.", field="title")
    if len(title) > 200:
        raise TicketRuleError("A title can be at most 200 characters.", field="title")
    if CONTROL_CHARACTERS.search(title):
        raise TicketRuleError("A title is a single line of text, without line breaks or tabs.", field="title")
    return title


def _apply_fields(change, fields):
    ticket = change.ticket
    if "title" in fields:
        fields["title"] = _clean_title(fields["title"])
    if "priority" in fields and fields["priority"] not in Priority.values:
        raise TicketRuleError(f"“{fields['priority']}” is not a priority.", field="priority")
    if "status" in fields and fields["status"] not in Status.values:
        raise TicketRuleError(f"“{fields['status']}” is not a status.", field="status")

    status_changed = "status" in fields and fields["status"] != ticket.status
    for name in EDITABLE_FIELDS:
        if name not in fields or name == "deadline":
            continue
        value = fields[name]
        if name in {"description", "source_channel", "source_product", "source_url"}:
            value = value or ""
        change.set(name, value)

    if status_changed and "sub_status" not in fields and ticket.sub_status_id:
        if ticket.sub_status.status != ticket.status:
            change.set("sub_status", None)
    if status_changed and "reopen_at" not in fields and ticket.status not in (Status.PENDING, Status.RESOLVED):
        change.set("reopen_at", None)
    if "contact" in fields and "account" not in fields and ticket.contact and ticket.contact.account_id:
        if ticket.account_id is None:
            change.set("account", ticket.contact.account)

    if "deadline" in fields:
        deadline = fields["deadline"]
        if deadline is None:
            # Left empty: the SLA sets it again (T8).
            ticket.deadline_is_manual = False
            refresh_deadline(change)
        elif change.set("deadline", deadline):
            ticket.deadline_is_manual = True
            ticket.sla_at_risk_at = manual_at_risk(ticket)


def _coerce_custom(field, value):
    """Turn a submitted value into the typed value of the field, or raise a clear message."""
    if value is None or value == "":
        if field.required:
            raise TicketRuleError(f"{field.name} is required.", field=f"custom:{field.key}")
        return None
    kind = field.field_type
    try:
        if kind == CustomField.FieldType.NUMBER:
            return Decimal(str(value))
        if kind == CustomField.FieldType.DATE:
            return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
        if kind == CustomField.FieldType.BOOLEAN:
            if isinstance(value, bool):
                return value
            return str(value).strip().lower() in {"1", "true", "yes", "on"}
    except (InvalidOperation, ValueError):
        raise TicketRuleError(
            f"{field.name} needs a {field.get_field_type_display().lower()} value.", field=f"custom:{field.key}"
        ) from None
    text = str(value).strip()
    if kind == CustomField.FieldType.CHOICE and text not in field.choices:
        raise TicketRuleError(
            f"{field.name} must be one of: {', '.join(field.choices)}.", field=f"custom:{field.key}"
        )
    if len(text) > 500:
        raise TicketRuleError(f"{field.name} can be at most 500 characters.", field=f"custom:{field.key}")
    return text


def _apply_custom_values(change, values, *, creating=False):
    """Set custom field values (SPEC T10) and log them like built-in fields."""
    if not values and not creating:
        return
    ticket = change.ticket
    fields = {
        field.key: field
        for field in CustomField.objects.filter(active=True)
        if field.applies_to(ticket.category_id)
    }
    unknown = set(values) - set(fields)
    if unknown:
        raise TicketRuleError(f"Unknown custom field: {', '.join(sorted(unknown))}.")
    if creating:
        for key, field in fields.items():
            if field.required and key not in values:
                raise TicketRuleError(f"{field.name} is required.", field=f"custom:{key}")
    existing = {value.field_id: value for value in CustomFieldValue.objects.filter(ticket=ticket)}
    for key, raw in values.items():
        field = fields[key]
        typed = _coerce_custom(field, raw)
        column = CustomFieldValue.COLUMN[field.field_type]
        row = existing.get(field.pk)
        old = row and getattr(row, column)
        if old == typed or (old in (None, "") and typed is None):
            continue
        if typed is None:
            row.delete()
        else:
            row = row or CustomFieldValue(ticket=ticket, field=field)
            setattr(row, column, typed)
            row.save()
        # An empty value is None in the history, as for built-in fields (SPEC T10: logged alike).
        change.record(
            f"custom:{key}",
            display_custom_value(field.field_type, old) or None,
            display_custom_value(field.field_type, typed) or None,
        )


def create_ticket(
    actor,
    *,
    title,
    tags=(),
    custom_values=None,
    followers=(),
    created_at=None,
    require_custom_fields=True,
    also=None,
    **fields,
):
    """Create a ticket and its first history event.

    Rules: only agents create tickets (None is the system; imports run as their user); a title
    is required; at most HELPDESK_TAGS_PER_TICKET tags (T5); the sub-status must belong to the
    status and the category's rules hold (T7); required custom fields are given (T10); the
    deadline follows the SLA unless one is given (T8). A ticket that arrives by email
    (`require_custom_fields=False`) gets its required custom fields from the agent who works it.
    `also(change)` adds to the creation before its one event is written (an email's activity).
    """
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"parent"}
    if unknown:
        raise TypeError(f"create_ticket() got unexpected fields: {', '.join(sorted(unknown))}")
    require_right(actor, WORK)
    tags = list(tags)
    if len(tags) > settings.HELPDESK_TAGS_PER_TICKET:
        raise TicketRuleError(
            f"A ticket can have at most {settings.HELPDESK_TAGS_PER_TICKET} tags.", field="tags"
        )
    now = created_at or timezone.now()
    status = fields.pop("status", Status.SUBMITTED)
    if status not in Status.values:
        raise TicketRuleError(f"“{status}” is not a status.", field="status")
    with ticket_writes(), transaction.atomic():
        ticket = Ticket(
            title=_clean_title(title),
            status=status,
            created_at=now,
            updated_at=now,
            created_by=actor,
            unassigned_since=now,
            version=0,
        )
        setattr(ticket, f"{status}_reached_at", now)
        if status == Status.RESOLVED:
            ticket.resolved_at = now
            ticket.completion_seconds = 0
        ticket.save()
        change = TicketChange(ticket, actor, Kind.CREATED, now=now)
        change.record_empty = True
        change.record("title", None, ticket.title)
        change.record("status", None, ticket.get_status_display())
        parent = fields.pop("parent", None)
        _apply_fields(change, fields)
        if parent is not None:
            change.set("parent", parent)
        if tags:
            ticket.tags.set(tags)
            change.record("tags", None, sorted(str(tag) for tag in tags))
        if followers:
            ticket.followers.set(followers)
        _apply_custom_values(change, custom_values or {}, creating=require_custom_fields)
        # A new ticket had no earlier values: its first event shows each field as set from nothing.
        change.changes = {name: [None, new] for name, (old, new) in change.changes.items()}
        if also is not None:
            also(change)
        change.finish()
    return ticket


def _guarded_fields(fields, custom_values):
    """The history keys a form save changes: only a change since to one of these refuses it (SPEC D3)."""
    guarded = set(fields) | {f"custom:{key}" for key in custom_values}
    if custom_values:
        # Which custom fields a ticket has depends on its category.
        guarded.add("category")
    return guarded


def apply_followers(change, follow, unfollow):
    """Add and remove followers as one change: what others did to the list meanwhile stays."""
    followers = change.ticket.followers
    current = {user.pk: user for user in followers.all()}
    before = sorted(user_display(user) for user in current.values())
    adding = [user for user in follow if user.pk not in current]
    removing = [user for user in unfollow if user.pk in current]
    if not adding and not removing:
        return
    followers.add(*adding)
    followers.remove(*removing)
    for user in removing:
        current.pop(user.pk)
    after = sorted(user_display(user) for user in [*current.values(), *adding])
    change.record("followers", before, after)


def apply_tags(change, add_tags, remove_tags):
    """Add and remove tags as one change, within HELPDESK_TAGS_PER_TICKET (SPEC T5)."""
    ticket = change.ticket
    current = {tag.pk: tag for tag in ticket.tags.all()}
    adding = [tag for tag in add_tags if tag.pk not in current]
    removing = [tag for tag in remove_tags if tag.pk in current]
    if not adding and not removing:
        return
    before = sorted(tag.name for tag in current.values())
    after_count = len(current) - len(removing) + len(adding)
    limit = settings.HELPDESK_TAGS_PER_TICKET
    if after_count > limit:
        raise TicketRuleError(
            f"{ticket.reference} can have at most {limit} tags; this would give it {after_count}.", field="tags"
        )
    ticket.tags.remove(*removing)
    ticket.tags.add(*adding)
    for tag in removing:
        current.pop(tag.pk)
    change.record("tags", before, sorted(tag.name for tag in [*current.values(), *adding]))


def check_parent(ticket, parent):
    """A ticket can't be its own ancestor."""
    ancestor, seen = parent, set()
    while ancestor is not None and ancestor.pk not in seen:
        if ancestor.pk == ticket.pk:
            raise TicketRuleError(
                f"{parent.reference} can't be the parent: it is this ticket or one of its children.", field="parent"
            )
        seen.add(ancestor.pk)
        ancestor = ancestor.parent


def update_ticket(
    ticket, actor, *, version, custom_values=None, follow=(), unfollow=(), add_tags=(), remove_tags=(),
    parent=UNSET, **fields,
):
    """Save the ticket form (SPEC D3): every editable field, custom fields, followers, tags, parent.

    One save is one action and one history event, whatever it changes. It is refused with
    TicketConflict only when the ticket changed since `version` in a field this save changes
    (a colleague's note, tag or follow meanwhile does not refuse it); followers and tags are applied
    as what was added and removed, so a colleague's additions stay. Category rules (T7), custom
    field rules (T10), the tag limit (T5) and the parent rule are enforced.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"update_ticket() got unexpected fields: {', '.join(sorted(unknown))}")
    custom_values = custom_values or {}
    guarded = _guarded_fields(fields, custom_values) | ({"parent"} if parent is not UNSET else set())
    with changing(ticket, actor, Kind.UPDATED, expected_version=version, guarded=guarded) as change:
        _apply_fields(change, fields)
        if custom_values:
            _apply_custom_values(change, custom_values)
        if parent is not UNSET:
            if parent is not None:
                check_parent(change.ticket, parent)
            change.set("parent", parent)
        apply_followers(change, follow, unfollow)
        apply_tags(change, add_tags, remove_tags)
        if set(change.changes) <= {"status", "sub_status", "reopen_at"} and "status" in change.changes:
            change.kind = Kind.STATUS_CHANGED
    return change.ticket


def change_status(ticket, actor, status, *, sub_status=UNSET, reopen_at=UNSET):
    """Move a ticket to any status, forward, backward or skipping (SPEC T2), with T7's rules."""
    fields = {"status": status}
    if sub_status is not UNSET:
        fields["sub_status"] = sub_status
    if reopen_at is not UNSET:
        fields["reopen_at"] = reopen_at
    with changing(ticket, actor, Kind.STATUS_CHANGED) as change:
        _apply_fields(change, fields)
    return change.ticket


def change_sub_status(ticket, actor, sub_status):
    """Set the sub-status at once (SPEC D4). A sub-status of another status moves the status with it."""
    if sub_status is not None and not isinstance(sub_status, SubStatus):
        sub_status = SubStatus.objects.get(pk=sub_status)
    with changing(ticket, actor, Kind.STATUS_CHANGED) as change:
        fields = {"sub_status": sub_status}
        if sub_status is not None and sub_status.status != change.ticket.status:
            fields["status"] = sub_status.status
        _apply_fields(change, fields)
    return change.ticket


def assign(ticket, actor, *, agent=UNSET, team=UNSET):
    """Assign to an agent and/or a team; any agent may (SPEC R2). None clears that side."""
    fields = {}
    if agent is not UNSET:
        fields["assignee"] = agent
    if team is not UNSET:
        fields["team"] = team
    with changing(ticket, actor, Kind.ASSIGNED) as change:
        _apply_fields(change, fields)
    return change.ticket


def unassign(ticket, actor):
    """Remove both the agent and the team: the ticket shows in the Unassigned tab (SPEC L1)."""
    return assign(ticket, actor, agent=None, team=None)


def reopen_when_due(ticket, *, now=None):
    """Return a Pending or Resolved ticket to Ongoing once its re-open date has come (SPEC T9).

    Safe to call twice: a ticket that is no longer due is left alone.
    """
    now = now or timezone.now()
    with changing(ticket, None, Kind.REOPENED) as change:
        locked = change.ticket
        if locked.reopen_at is None or locked.reopen_at > now:
            return locked
        if locked.status not in (Status.PENDING, Status.RESOLVED):
            change.set("reopen_at", None)
            return locked
        _apply_fields(change, {"status": Status.ONGOING, "reopen_at": None})
        change.record("reopened", None, display_value(now))
    return change.ticket


__all__ = [
    "EDITABLE_FIELDS",
    "UNSET",
    "assign",
    "change_status",
    "change_sub_status",
    "create_ticket",
    "reopen_when_due",
    "unassign",
    "update_ticket",
]
