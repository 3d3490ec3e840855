"""Avatars and names of people, the same everywhere (list, ticket page, peek, history)."""

from django import template
from django.utils.html import format_html

register = template.Library()


def initials(user):
    if user.first_name or user.last_name:
        return f"{user.first_name[:1]}{user.last_name[:1]}".upper()
    return user.get_username()[:1].upper()


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
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


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
