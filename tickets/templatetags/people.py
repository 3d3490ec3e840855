"""Avatars and names of people, the same everywhere (list, ticket page, peek, history)."""

from django import template
from django.utils.html import format_html

from ..backends import role_names
from ..display import initials, user_display

register = template.Library()


@register.simple_tag
def avatar(user, size=""):
    """The initials avatar; its colour follows the user id so a person is recognisable at a glance."""
    if user is None:
        return ""
    size_class = f" avatar-{size}" if size else ""
    return format_html(
        '<span class="avatar{} av-{}" aria-hidden="true">{}</span>', size_class, user.pk % 10, initials(user)
    )


@register.filter
def person_name(user):
    return user_display(user) or ""


@register.filter
def role_label(user):
    """What the account menu says the person is: their roles (SPEC R1), Admin, Staff or No role."""
    if user.is_superuser:
        return "Admin"
    return ", ".join(role_names(user)) or ("Staff" if user.is_staff else "No role")


@register.filter
def duration(seconds):
    """Seconds as people say them: "under a minute", "25 min", "3 h 05 min"."""
    seconds = int(seconds or 0)
    if seconds < 60:
        return "under a minute"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"
