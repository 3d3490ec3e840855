"""The ticket page's tags, linked tickets, attachments and archive control (SPEC T4, T5, T6, D8, D10).

`{% tags_card %}`, `{% links_card %}`, `{% attachments_card %}` and `{% archive_control %}` place
them on the ticket page; tickets/views/relations.py and attachments.py render the same templates'
partials after a change, from the same context builders (tickets/parts/relations.py).
"""

from django import template

from ..display import filesize as display_filesize
from ..parts.relations import attachments_context, links_context, tags_context

register = template.Library()


def _with_request(context, data):
    # The included templates need the request for {% csrf_token %} and the user.
    data["request"] = context.get("request")
    data["csrf_token"] = context.get("csrf_token")
    return data


@register.inclusion_tag("tickets/detail/relations.html#tags-card", takes_context=True)
def tags_card(context, ticket):
    return _with_request(context, tags_context(ticket))


@register.inclusion_tag("tickets/detail/relations.html#links-card", takes_context=True)
def links_card(context, ticket):
    return _with_request(context, links_context(ticket))


@register.inclusion_tag("tickets/detail/attachments.html#attachments-card", takes_context=True)
def attachments_card(context, ticket):
    request = context.get("request")
    return _with_request(context, attachments_context(ticket, getattr(request, "user", None)))


@register.inclusion_tag("tickets/detail/archive_control.html", takes_context=True)
def archive_control(context, ticket):
    return _with_request(context, {"ticket": ticket})


@register.filter
def filesize(value):
    """Sizes the way people say them: 512 bytes, 14 KB, 2.3 MB."""
    return display_filesize(value)
