"""Attachments (SPEC D10): stored under random names, logged in the history like any change."""

from ..models import Attachment, TicketEvent
from .base import changing

Kind = TicketEvent.Kind


def attach_files(ticket, actor, uploads):
    """Attach already checked uploads, given as (file, name, content_type). Refused on archived tickets (T4).

    Nothing is half-saved: if anything fails, the files written so far are removed again.
    """
    storage = Attachment._meta.get_field("file").storage
    stored, attachments = [], []
    try:
        with changing(ticket, actor, Kind.ATTACHMENT_ADDED) as change:
            for upload, name, content_type in uploads:
                attachment = Attachment(
                    ticket=change.ticket,
                    original_name=name,
                    content_type=content_type,
                    size=upload.size,
                    uploaded_by=actor,
                )
                attachment.file.save(name, upload, save=False)
                stored.append(attachment.file.name)
                attachment.save()
                attachments.append(attachment)
            change.record("attachments", None, ", ".join(a.original_name for a in attachments))
    except BaseException:
        for name in stored:
            storage.delete(name)
        raise
    return attachments


def remove_attachment(attachment, actor):
    """Remove an attachment; its file goes once the removal is committed."""
    from django.db import transaction

    with changing(attachment.ticket_id, actor, Kind.ATTACHMENT_REMOVED) as change:
        name, storage = attachment.file.name, attachment.file.storage
        deleted = Attachment.objects.filter(pk=attachment.pk, ticket=change.ticket).delete()[0]
        if deleted:
            change.record("attachments", attachment.original_name, None)
            transaction.on_commit(lambda: storage.delete(name))
