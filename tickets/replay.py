"""The ticket as it was right after a history event (SPEC D7: "expanding an entry shows the form as it was").

History events store `{field: [old, new]}` as display values, so the past is found by starting
from the current display values and undoing, newest first, every change made after the event.
`replay()` is that undo, a pure function; `ticket_as_it_was()` feeds it from the database.
"""

from configurations.models import CustomField

from .db import RowValueBefore
from .display import HIDDEN_SOURCE, SOURCE_FIELDS, field_display, field_label, user_display
from .models import CustomFieldValue, TicketEvent, TicketLink
from .models.tickets import display_custom_value

# The fields the snapshot shows, in the order of the ticket form; custom fields follow.
FIELDS = (
    "title",
    "status",
    "sub_status",
    "priority",
    "ticket_type",
    "category",
    "contact",
    "account",
    "assignee",
    "team",
    "deadline",
    "reopen_at",
    "parent",
    "tags",
    "links",
    "followers",
    "archived",
    "description",
    "source_channel",
    "source_product",
    "source_url",
)
LIST_FIELDS = {"tags", "links", "followers"}
ALWAYS_SHOWN = {"title", "status", "priority", "assignee", "team", "tags"}
# Followers are logged as the lists before and after; events written before that logged one
# person at a time ([None, name] added, [name, None] removed), which replay still undoes.
DELTA_FIELDS = {"followers"}
# Recorded in the history but not fields of the ticket.
NOT_FIELDS = {"note", "reopened"}


def replay(current, newer_changes):
    """The values before `newer_changes` were made, from the `current` display values.

    `newer_changes` are the `changes` dicts of the events after the moment wanted, newest first.
    Undoing a change sets the field to its old value, so a field missing from `current` is
    found too. Pure: the arguments are not modified.
    """
    state = {name: (list(value) if isinstance(value, list) else value) for name, value in current.items()}
    for changes in newer_changes:
        for name, pair in changes.items():
            if name in NOT_FIELDS or not isinstance(pair, (list, tuple)) or len(pair) != 2:
                continue
            old, new = pair
            if name in DELTA_FIELDS and not isinstance(old, list) and not isinstance(new, list):
                people = list(state.get(name) or [])
                if new is not None and new in people:
                    people.remove(new)
                if old is not None and old not in people:
                    people.append(old)
                state[name] = sorted(people)
                continue
            state[name] = list(old) if isinstance(old, list) else old
    return state


def current_values(ticket):
    """The display values of the ticket now, in the form history records them.

    Four queries: tags, links, followers and custom values (the ticket's foreign keys should be
    select_related by the caller).
    """
    values = {}
    for name in FIELDS:
        if name == "tags":
            values[name] = sorted(ticket.tags.values_list("name", flat=True))
        elif name == "links":
            ids = TicketLink.objects.filter(from_ticket=ticket).values_list("to_ticket_id", flat=True)
            values[name] = sorted(f"T-{pk:06d}" for pk in ids)
        elif name == "followers":
            values[name] = sorted(user_display(user) for user in ticket.followers.all())
        else:
            values[name] = field_display(ticket, name)
    for row in CustomFieldValue.objects.filter(ticket=ticket).select_related("field"):
        values[f"custom:{row.field.key}"] = display_custom_value(row.field.field_type, row.value) or None
    return values


def newer_changes(ticket, event):
    """The changes of every event after `event` on its ticket, newest first (only the JSON column)."""
    return (
        TicketEvent.objects.filter(ticket=ticket)
        .filter(RowValueBefore(("created_at", "id"), (event.created_at, event.pk), descending=False))
        .order_by("-created_at", "-id")
        .values_list("changes", flat=True)
        .iterator(chunk_size=500)
    )


def snapshot_rows(then, now, *, hide_source=False):
    """Rows for the template: label, the value then, the value now, and whether it differs.

    A field empty both then and now is left out, except the few every agent looks for.

    Built-in fields come first in the form's order, then custom fields by their configured order.
    """
    custom_keys = sorted({name.split(":", 1)[1] for name in [*then, *now] if name.startswith("custom:")})
    names = dict(CustomField.objects.filter(key__in=custom_keys).values_list("key", "name")) if custom_keys else {}
    rows = []
    for name in [*FIELDS, *(f"custom:{key}" for key in custom_keys)]:
        if name in NOT_FIELDS:
            continue
        old, current = then.get(name), now.get(name)
        if hide_source and name in SOURCE_FIELDS:
            # SPEC R4: the source is hidden from people without access to its channel and product.
            old, current = (HIDDEN_SOURCE if old else None), (HIDDEN_SOURCE if current else None)
        if name not in ALWAYS_SHOWN and old in (None, "", [], "No") and old == current:
            continue  # empty (or not archived) then and now: nothing to see
        if name.startswith("custom:"):
            label = names.get(name.split(":", 1)[1], name.split(":", 1)[1])
        else:
            label = field_label(name)
        rows.append(
            {
                "name": name,
                "label": label,
                "then": old,
                "now": current,
                "is_list": name in LIST_FIELDS,
                "changed": (old or None) != (current or None),
            }
        )
    return rows


def ticket_as_it_was(ticket, event, *, hide_source=False):
    """The snapshot rows of `ticket` right after `event`; `hide_source` redacts the source (SPEC R4)."""
    now = current_values(ticket)
    then = replay(now, newer_changes(ticket, event))
    return snapshot_rows(then, now, hide_source=hide_source)


def ticket_now(ticket, *, hide_source=False):
    now = current_values(ticket)
    return snapshot_rows(now, now, hide_source=hide_source)
