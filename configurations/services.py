"""Rules of the Configurations area that are more than one field's validation (SPEC C1, T2, T5, T10).

Saving, deleting and reordering need the right to manage configurations (SPEC R3), checked here
whichever view asked. Limits are checked inside the transaction that saves the row, after
`lock_table()`, so two team leaders saving at once cannot both take the last free place.
Deleting something tickets use goes through the actions (tickets/actions/detach.py), so every
ticket it was on gets its history event.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tickets import actions
from tickets.access import MANAGE_CONFIGURATIONS, require_right
from tickets.db import lock_table

from .models import Status, SubStatus, Tag, Team

MIDNIGHT = datetime.time(0)


def save_form(actor, form, *, lock_model=None):
    """Validate and save a configuration form in one transaction, so a refused form leaves nothing (X2).

    Returns the saved object, or None with the form's errors set.
    """
    require_right(actor, MANAGE_CONFIGURATIONS)
    try:
        with transaction.atomic():
            if lock_model is not None:
                lock_table(lock_model)
            if not form.is_valid():
                return None
            return form.save()
    except IntegrityError:
        form.add_error(None, "This clashes with an entry saved meanwhile. Check the values and try again.")
        return None


def replacement_choices(obj):
    """What the tickets using `obj` may get instead when it is deleted, or None when nothing can replace it."""
    if isinstance(obj, SubStatus):
        return SubStatus.objects.filter(status=obj.status).exclude(pk=obj.pk).order_by("position", "id")
    if isinstance(obj, (Team, Tag)):
        return type(obj).objects.exclude(pk=obj.pk).order_by("name")
    return None


def delete_configuration(actor, obj, replacement=None):
    """Delete a configuration object; returns (removal, tickets changed) like `actions.start_removal`.

    Objects that tickets use are taken off each ticket through the actions first. Raises
    ProtectedError for what cannot be taken off (a ticket type or category still in use: their
    tickets are changed first), TicketRuleError for a replacement that does not fit.
    """
    require_right(actor, MANAGE_CONFIGURATIONS)
    if actions.is_detachable(type(obj)):
        return actions.start_removal(actor, obj, replacement)
    with transaction.atomic():
        obj.delete()
    return None, 0


def check_tag_room(tag):
    """A new tag must fit under the company limit, HELPDESK_TAGS_PER_COMPANY (SPEC T5)."""
    if tag.pk:
        return
    limit = settings.HELPDESK_TAGS_PER_COMPANY
    if Tag.objects.count() >= limit:
        raise ValidationError(
            f"The company already has {limit} tags, the most allowed. Delete or rename an unused tag instead.",
            code="tag_limit",
        )


def check_substatus_room(sub_status, status):
    """At most SubStatus.MAX_PER_STATUS sub-statuses per main status (SPEC T2)."""
    others = SubStatus.objects.filter(status=status).exclude(pk=sub_status.pk)
    if others.count() >= SubStatus.MAX_PER_STATUS:
        raise ValidationError(
            f"{Status(status).label} already has {SubStatus.MAX_PER_STATUS} sub-statuses, the most allowed. "
            "Delete one first or choose another status.",
            code="substatus_limit",
        )


def next_substatus_position(status):
    last = SubStatus.objects.filter(status=status).order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


def reorder_substatuses(actor, status, ids):
    """Store the order of one status's sub-statuses; `ids` must name each of them exactly once."""
    require_right(actor, MANAGE_CONFIGURATIONS)
    if status not in Status.values:
        raise ValidationError("Unknown status.")
    with transaction.atomic():
        lock_table(SubStatus)
        rows = {row.pk: row for row in SubStatus.objects.filter(status=status)}
        if sorted(ids) != sorted(rows) or len(set(ids)) != len(ids):
            raise ValidationError("The sub-statuses changed meanwhile. Reload the page and try again.")
        for position, pk in enumerate(ids):
            rows[pk].position = position
        SubStatus.objects.bulk_update(rows.values(), ["position"])


def check_field_type_change(field, new_type):
    """A custom field that already has values keeps its type (SPEC T10): the values are typed."""
    if field.pk and field.field_type != new_type and field.values.exists():
        raise ValidationError(
            f"“{field.name}” already has values on tickets, so its type cannot change. "
            "Create a new field instead.",
            code="type_in_use",
        )


def check_working_hours(hours):
    """End after start, 00:00 meaning midnight; intervals of one day must not overlap (SPEC T8)."""
    start, end = hours.start, hours.end
    if end != MIDNIGHT and end <= start:
        raise ValidationError({"end": "The end must be after the start (use 00:00 for midnight)."})
    day_end = datetime.time.max if end == MIDNIGHT else end
    siblings = hours.calendar.hours.filter(weekday=hours.weekday).exclude(pk=hours.pk)
    for other in siblings:
        other_end = datetime.time.max if other.end == MIDNIGHT else other.end
        if start < other_end and other.start < day_end:
            raise ValidationError(
                f"Overlaps {other.start:%H:%M}–{other.end:%H:%M} on {other.get_weekday_display()}."
            )


def minutes_display(minutes):
    """2 h 30 min, 8 h, 45 min."""
    if minutes is None:
        return "—"
    hours, rest = divmod(int(minutes), 60)
    parts = [f"{hours} h" if hours else "", f"{rest} min" if rest else ""]
    return " ".join(part for part in parts if part) or "0 min"

