from django import template

from ..services import minutes_display

register = template.Library()


@register.filter
def minutes(value):
    """Working minutes as hours and minutes: 150 → "2 h 30 min" (SPEC T8)."""
    return minutes_display(value)
