from django import template

from ..access import can_open_source

register = template.Library()


@register.filter
def source_visible_to(ticket, user):
    """Whether the user may see the ticket's source (SPEC R4)."""
    return can_open_source(user, ticket)
