"""Attachments on a ticket: upload, download, delete (SPEC D10, DESIGN Security).

- Uploads are checked before anything is stored (tickets/uploads.py): every file of a request is
  within the size limit and of an allowed type, or none is kept (X2). Stored names are random.
- The content type saved and served comes from HELPDESK_ATTACHMENT_TYPES, never from the browser.
- Downloads go through this view only: signed in, allowed to view the ticket, and the attachment
  fetched through that ticket (an id from another ticket is a 404, never someone else's file).
  Always `Content-Disposition: attachment` with nosniff, so no upload is ever rendered as a page.
- Archived tickets are read-only (T4): no uploads or deletes; downloads stay possible.

The Ticket row is not changed here (only tickets/actions may change it), so attachment changes do
not yet write a history event: an add/remove attachment action belongs in tickets/actions.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from .. import actions
from ..access import can_delete_attachment, get_ticket_for_user
from ..parts.relations import ATTACHMENTS_CARD, attachments_context
from ..uploads import UploadRefused, attachment_limits, check_uploads


def _card(request, ticket, *, error=None, status=200):
    if not request.htmx:
        if error:
            messages.error(request, error)
        return HttpResponseRedirect(ticket.get_absolute_url() + "#attachments-heading")
    ticket = get_ticket_for_user(request.user, ticket.pk)
    response = render(request, ATTACHMENTS_CARD, attachments_context(ticket, request.user, error=error))
    response.status_code = 422 if error else status
    return response


@require_POST
def attachment_upload(request, pk):
    ticket = get_ticket_for_user(request.user, pk)
    files = request.FILES.getlist("files")
    try:
        uploads = check_uploads(files, attachment_limits())
        actions.attach_files(ticket, request.user, [(item.file, item.name, item.content_type) for item in uploads])
    except UploadRefused as refused:
        return _card(request, ticket, error=refused.message)
    except actions.TicketRuleError as error:
        return _card(request, ticket, error=error.message)
    count = len(files)
    messages.success(request, f"{count} file{'s' if count != 1 else ''} attached to {ticket.reference}.")
    return _card(request, ticket, status=201)


def _attachment(request, pk, attachment_pk):
    """The attachment, fetched through a ticket the user may see (never by its bare id)."""
    ticket = get_ticket_for_user(request.user, pk)
    return ticket, get_object_or_404(ticket.attachments.select_related("uploaded_by"), pk=attachment_pk)


@require_GET
def attachment_download(request, pk, attachment_pk):
    _ticket, attachment = _attachment(request, pk, attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file of this attachment is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def attachment_delete(request, pk, attachment_pk):
    ticket, attachment = _attachment(request, pk, attachment_pk)
    if not can_delete_attachment(request.user, attachment):
        raise PermissionDenied("Only the uploader or someone with the delete right can remove this file.")
    try:
        actions.remove_attachment(attachment, request.user)
    except actions.TicketRuleError as error:
        return _card(request, ticket, error=error.message)
    messages.success(request, f"“{attachment.original_name}” removed from {ticket.reference}.")
    return _card(request, ticket)
