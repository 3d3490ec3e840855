"""The email editor of the ticket page (SPEC D14, D6, B2): start, autosave, files, send, undo.

Every view fetches the ticket through `get_ticket_for_user` and the draft through the ticket and
the signed-in agent, never by a bare id. The editor (`#composer`, outside the activity list, so a
live refresh of the activities never replaces it) is rendered from `mail/compose.html`; after a
send or an undo the activity list and the History tab come along out of band.
"""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap

from tickets.access import get_ticket_for_user
from tickets.actions import TicketRuleError
from tickets.models import Activity
from tickets.parts import render_parts
from tickets.parts.activities import activities_context, activity_context
from tickets.parts.history import TEMPLATE as HISTORY_TEMPLATE
from tickets.parts.history import history_context
from tickets.uploads import UploadRefused, attachment_limits, check_uploads

from . import outgoing
from .models import EmailDraft

TEMPLATE = "mail/compose.html"
ACTIVITIES = "tickets/detail/activities.html"


def composer_context(request, ticket, draft, *, errors=None, notice=None):
    mailboxes = list(outgoing.usable_mailboxes(request.user, ticket)) if draft else []
    if draft and draft.mailbox_id and all(box.pk != draft.mailbox_id for box in mailboxes):
        mailboxes.insert(0, draft.mailbox)
    return {
        "ticket": ticket,
        "draft": draft,
        "mailboxes": mailboxes,
        "default_sender": outgoing.sender_of(None),
        "ticket_files": list(ticket.attachments.order_by("-created_at")) if draft else [],
        "draft_files": list(draft.files.all()) if draft else [],
        "errors": errors or {},
        "notice": notice,
        "limits": attachment_limits(),
        "templates": outgoing.email_templates(ticket) if draft else [],
    }


def _composer(request, ticket, draft, *, errors=None, notice=None, status=200):
    context = composer_context(request, ticket, draft, errors=errors, notice=notice)
    return render(request, f"{TEMPLATE}#composer", context, status=status)


def _refused(request, error, status=422):
    messages.error(request, error.message)
    return reswap(HttpResponse(status=status), "none")


def _not_htmx(request, ticket):
    return None if request.htmx else HttpResponseRedirect(ticket.get_absolute_url())


def _draft(request, ticket):
    return outgoing.draft_for(ticket, request.user)


def _original(ticket, activity_id):
    if not str(activity_id or "").isdigit():
        return None
    return get_object_or_404(
        Activity.objects.select_related("contact"), pk=int(activity_id), ticket=ticket, kind=Activity.Kind.EMAIL
    )


@require_GET
def email_draft(request, pk):
    """The agent's draft on this ticket, in the editor (what the page loads after a reload), or nothing."""
    ticket = get_ticket_for_user(request.user, pk)
    return _not_htmx(request, ticket) or _composer(request, ticket, _draft(request, ticket))


@require_POST
def email_compose(request, pk):
    """Open the editor for a new email, or a reply, reply all or forward of one of the ticket's emails."""
    ticket = get_ticket_for_user(request.user, pk)
    if redirect := _not_htmx(request, ticket):
        return redirect
    mode = request.POST.get("mode") or EmailDraft.Mode.NEW
    if mode not in EmailDraft.Mode.values:
        mode = EmailDraft.Mode.NEW
    original = _original(ticket, request.POST.get("activity")) if mode != EmailDraft.Mode.NEW else None
    if mode != EmailDraft.Mode.NEW and original is None:
        mode = EmailDraft.Mode.NEW
    try:
        draft = outgoing.start_draft(ticket, request.user, mode, original)
    except TicketRuleError as error:
        return _refused(request, error)
    return _composer(request, ticket, draft)


def _saved_draft(request, ticket):
    draft = _draft(request, ticket)
    if draft is not None:
        outgoing.save_draft(draft, request.POST, request.user)
    return draft


@require_POST
def email_draft_save(request, pk):
    """Autosave: what the editor holds, kept as typed. Answers with the "Saved" line only."""
    ticket = get_ticket_for_user(request.user, pk)
    if ticket.archived:
        return _refused(request, TicketRuleError(f"{ticket.reference} is archived: no email can be sent from it."))
    draft = _saved_draft(request, ticket)
    if draft is None:
        return reswap(HttpResponse(status=204), "none")
    return render(request, f"{TEMPLATE}#draft-status", {"draft": draft, "saved": True})


@require_POST
def email_draft_discard(request, pk):
    ticket = get_ticket_for_user(request.user, pk)
    outgoing.discard_draft(ticket, request.user)
    if redirect := _not_htmx(request, ticket):
        return redirect
    messages.success(request, "Draft discarded.")
    return _composer(request, ticket, None)


@require_POST
def email_draft_upload(request, pk):
    """Files for the email alone (the ticket's attachment limits apply); the editor comes back with them."""
    ticket = get_ticket_for_user(request.user, pk)
    if redirect := _not_htmx(request, ticket):
        return redirect
    draft = _saved_draft(request, ticket)
    if draft is None or ticket.archived:
        return _refused(request, TicketRuleError("There is no email open to attach files to."))
    limits = attachment_limits()
    try:
        uploads = check_uploads(request.FILES.getlist("files"), limits)
        if draft.files.count() + len(uploads) > limits.max_files:
            raise UploadRefused(f"An email can carry at most {limits.max_files} uploaded files.")
    except UploadRefused as refused:
        return _composer(request, ticket, draft, errors={"files": refused.message}, status=422)
    outgoing.add_draft_files(draft, uploads)
    return _composer(request, ticket, draft)


@require_POST
def email_template_apply(request, pk):
    """Fill the editor from a reply template (SPEC D14, B2), rendered for this ticket and agent."""
    from configurations.reply_templates import PlaceholderError

    ticket = get_ticket_for_user(request.user, pk)
    if redirect := _not_htmx(request, ticket):
        return redirect
    draft = _saved_draft(request, ticket)
    if draft is None:
        return _refused(request, TicketRuleError("Open the email editor first, then pick a template."))
    template = next((t for t in outgoing.email_templates(ticket) if str(t.pk) == request.POST.get("template")), None)
    if template is None:
        return _composer(request, ticket, draft, errors={"form": "That template is not offered on this ticket."},
                         status=422)
    try:
        outgoing.apply_template(draft, template, request.user)
    except PlaceholderError as error:
        message = f"The template “{template.name}” can't be filled in: {' '.join(error.messages)}"
        return _composer(request, ticket, draft, errors={"form": message}, status=422)
    return _composer(request, ticket, draft, notice=f"Filled in from “{template.name}”.")


@require_POST
def email_draft_file_remove(request, pk, file_pk):
    ticket = get_ticket_for_user(request.user, pk)
    if redirect := _not_htmx(request, ticket):
        return redirect
    draft = _saved_draft(request, ticket)
    if draft is None:
        return _composer(request, ticket, None)
    outgoing.remove_draft_file(draft, file_pk)
    return _composer(request, ticket, draft)


def _after_change(request, ticket, draft, *, notice=None):
    """The editor, with the activity list and the History tab out of band (SPEC X1)."""
    ticket = get_ticket_for_user(request.user, ticket.pk)
    merged = request.POST.get("activities") == "1"
    return render_parts(
        request,
        (f"{TEMPLATE}#composer", composer_context(request, ticket, draft, notice=notice)),
        (f"{TEMPLATE}#activity-list-oob", activities_context(request, ticket)),
        (f"{HISTORY_TEMPLATE}#history-list-oob", history_context(request, ticket, with_activities=merged)),
    )


@require_POST
def email_send(request, pk):
    """Send the draft (SPEC D14): refused with the reason at each field that needs fixing (X2)."""
    ticket = get_ticket_for_user(request.user, pk)
    if redirect := _not_htmx(request, ticket):
        return redirect
    draft = _saved_draft(request, ticket)
    try:
        activity = outgoing.send(ticket, request.user)
    except outgoing.ComposeErrors as problem:
        return _composer(request, ticket, draft, errors=problem.errors, status=422)
    except TicketRuleError as error:
        if draft is None:
            return _refused(request, error)
        return _composer(request, ticket, draft, errors={"form": error.message}, status=422)
    waiting = activity.next_attempt_at and activity.next_attempt_at > timezone.now()
    notice = "Sending… you can undo it for a few seconds." if waiting else "Email sent to the outbox."
    return _after_change(request, ticket, None, notice=notice)


def _email(ticket, activity_pk):
    return get_object_or_404(
        Activity.objects.select_related("author", "contact"), pk=activity_pk, ticket=ticket, kind=Activity.Kind.EMAIL
    )


@require_POST
def email_undo(request, pk, activity_pk):
    """Undo a send inside its window: the email comes back into the editor as the draft (SPEC B2)."""
    ticket = get_ticket_for_user(request.user, pk)
    if redirect := _not_htmx(request, ticket):
        return redirect
    activity = _email(ticket, activity_pk)
    try:
        outgoing.undo(activity, request.user)
    except TicketRuleError as error:
        return _refused(request, error)
    messages.success(request, "Sending undone: the email is back in the editor.")
    return _after_change(request, ticket, outgoing.draft_for(ticket, request.user))


@require_GET
def email_item(request, pk, activity_pk):
    """One email as the activity list shows it: what a message waiting to go asks for, to see its fate."""
    ticket = get_ticket_for_user(request.user, pk)
    if redirect := _not_htmx(request, ticket):
        return redirect
    activity = _email(ticket, activity_pk)
    return render(request, f"{ACTIVITIES}#activity-item", activity_context(request, ticket, activity))
