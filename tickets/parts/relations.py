"""The ticket page's tags, linked tickets and attachments cards (SPEC T5, T6, D8, D10)."""

from django.conf import settings
from django.db.models import Exists, OuterRef

from configurations.models import Tag

from ..access import can_delete_attachment
from ..models import Ticket

TAGS_CARD = "tickets/detail/relations.html#tags-card"
LINKS_CARD = "tickets/detail/relations.html#links-card"
LINK_RESULTS = "tickets/detail/relations.html#link-results"
ATTACHMENTS_CARD = "tickets/detail/attachments.html#attachments-card"


def tags_context(ticket, *, error=None):
    """The ticket's tags and the picker's other tags, read fresh in one query (every tag, each marked)."""
    on_ticket = Ticket.tags.through.objects.filter(ticket=ticket, tag=OuterRef("pk"))
    every_tag = list(Tag.objects.only("name", "color").annotate(applied=Exists(on_ticket)))
    return {
        "ticket": ticket,
        "tags": [tag for tag in every_tag if tag.applied],
        "available_tags": [tag for tag in every_tag if not tag.applied],
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
