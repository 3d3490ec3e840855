"""How ticket values and people are shown: one set of helpers for history, pages, notifications and exports.

Pure functions of their arguments (plus one lookup of a custom field's name), imported by the
actions, the page parts, the template tags and the notifications alike, so none of them has to
import another's internals.
"""

import datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone

# The ticket's source (SPEC D9): shown only to people with access to its channel and product (R4).
SOURCE_FIELDS = ("source_channel", "source_product", "source_url")
HIDDEN_SOURCE = "Hidden: no access to this channel and product"

LABELS = {
    "links": "Linked tickets", "source_url": "Source link", "reopened": "Re-opened", "note": "Note",
    "email": "Email", "sms": "SMS", "call": "Call", "children": "Child tickets",
}


def user_display(user):
    """A person's name as every page shows it: full name, else username; None for nobody."""
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def initials(user):
    if user.first_name or user.last_name:
        return f"{user.first_name[:1]}{user.last_name[:1]}".upper()
    return user.get_username()[:1].upper()


def display_value(value):
    """What the history shows for a value: readable, JSON-safe."""
    if value is None or value == "":
        return None
    if isinstance(value, models.Model):
        if hasattr(value, "get_username"):
            return user_display(value)
        return str(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return value


def field_display(ticket, name):
    """The display value of one of the ticket's model fields (choices by their label)."""
    field = ticket._meta.get_field(name)
    value = getattr(ticket, name)
    if field.choices and value is not None:
        return dict(field.flatchoices).get(value, value)
    return display_value(value)


def field_label(name):
    """The label a person knows a changed field by ("Priority", "Assigned agent", a custom field's name)."""
    from configurations.models import CustomField

    from .models import Ticket

    if name in LABELS:
        return LABELS[name]
    if name.startswith("custom:"):
        key = name.split(":", 1)[1]
        custom = CustomField.objects.filter(key=key).values_list("name", flat=True).first()
        return custom or key
    try:
        label = str(Ticket._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - names like "note" or "links" are not model fields
        label = name.replace("_", " ")
    return label[:1].upper() + label[1:]


def filesize(value):
    """Sizes the way people say them: 512 bytes, 14 KB, 2.3 MB."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return ""
    if size < 1024:
        return f"{size} byte{'s' if size != 1 else ''}"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.1f} MB".replace(".0 MB", " MB")
