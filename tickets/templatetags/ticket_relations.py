"""The ticket page's tags, linked tickets, attachments and archive control (SPEC T4, T5, T6, D8, D10).

`{% tags_card %}`, `{% links_card %}`, `{% attachments_card %}` and `{% archive_control %}` place
them on the ticket page; tickets/views/relations.py and attachments.py render the same templates'
partials after a change, from the same context builders, so the page and an HTMX swap agree.
"""

from django import template
from django.conf import settings

from configurations.models import Tag

from ..models import Ticket

register = template.Library()


def can_delete_attachment(user, attachment):
    """The uploader may remove their own file; otherwise it takes a delete right (SPEC D10, R3)."""
    if user is None or not user.is_authenticated:
        return False
    if attachment.uploaded_by_id is not None and attachment.uploaded_by_id == user.pk:
        return True
    return user.has_perm("tickets.delete_attachment") or user.has_perm("tickets.delete_ticket")


def tags_context(ticket, *, error=None):
    tags = list(ticket.tags.all())
    applied = {tag.pk for tag in tags}
    return {
        "ticket": ticket,
        "tags": tags,
        "available_tags": [tag for tag in Tag.objects.only("name", "color") if tag.pk not in applied],
        "tag_limit": settings.HELPDESK_TAGS_PER_TICKET,
        "editable": not ticket.archived,
        "error": error,
    }


def links_context(ticket, *, error=None, query=""):
    links = Ticket.objects.filter(links=ticket).only("title", "status", "archived").order_by("-id")
    return {
        "ticket": ticket,
        "links": list(links),
        "editable": not ticket.archived,
        "error": error,
        "query": query,
    }


def attachments_context(ticket, user, *, error=None):
    attachments = list(
        ticket.attachments.select_related("uploaded_by").order_by("-created_at", "-id")
    )
    for attachment in attachments:
        attachment.deletable = can_delete_attachment(user, attachment)
    return {
        "ticket": ticket,
        "attachments": attachments,
        "editable": not ticket.archived,
        "error": error,
        "max_bytes": settings.HELPDESK_ATTACHMENT_MAX_BYTES,
        "max_files": settings.HELPDESK_ATTACHMENT_MAX_FILES,
        "accept": ",".join(sorted(settings.HELPDESK_ATTACHMENT_TYPES)),
    }


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
