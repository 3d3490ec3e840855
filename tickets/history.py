"""Presenting history events: readable labels for every changed field, custom fields included."""

from dataclasses import dataclass

from configurations.models import CustomField

from .actions.base import field_label

LIST_FIELDS = {"tags", "links"}


@dataclass(frozen=True)
class ChangeRow:
    label: str
    old: object
    new: object
    is_list: bool


def with_change_rows(events):
    """Attach `change_rows` to each event; custom field names come from one query for all events."""
    events = list(events)
    custom_keys = {
        name.split(":", 1)[1] for event in events for name in event.changes if name.startswith("custom:")
    }
    custom_names = dict(CustomField.objects.filter(key__in=custom_keys).values_list("key", "name")) if custom_keys else {}
    for event in events:
        rows = []
        for name, (old, new) in event.changes.items():
            if name.startswith("custom:"):
                key = name.split(":", 1)[1]
                label = custom_names.get(key, key)
            else:
                label = field_label(name)
            rows.append(ChangeRow(label, old, new, name in LIST_FIELDS))
        event.change_rows = rows
    return events
