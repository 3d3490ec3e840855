"""Presenting history events: readable labels for every changed field, custom fields included."""

from dataclasses import dataclass

from configurations.models import CustomField

from .display import HIDDEN_SOURCE, SOURCE_FIELDS, field_label


@dataclass(frozen=True)
class ChangeRow:
    label: str
    old: object
    new: object
    is_list: bool


def with_change_rows(events, *, hide_source=False):
    """Attach `change_rows` to each event; custom field names come from one query for all events.

    With `hide_source`, the ticket's source (channel, product, link) is shown as hidden (SPEC R4).
    """
    events = list(events)
    custom_keys = {
        name.split(":", 1)[1] for event in events for name in event.changes if name.startswith("custom:")
    }
    custom_names = {}
    if custom_keys:
        custom_names = dict(CustomField.objects.filter(key__in=custom_keys).values_list("key", "name"))
    for event in events:
        rows = []
        for name, (old, new) in event.changes.items():
            if name.startswith("custom:"):
                key = name.split(":", 1)[1]
                label = custom_names.get(key, key)
            else:
                label = field_label(name)
            if hide_source and name in SOURCE_FIELDS:
                old, new = (HIDDEN_SOURCE if old else None), (HIDDEN_SOURCE if new else None)
            rows.append(ChangeRow(label, old, new, isinstance(old, list) or isinstance(new, list)))
        event.change_rows = rows
    return events
