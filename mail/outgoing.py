"""Writing and sending email from the ticket (SPEC D14, D6, B2).

An agent's email starts as a draft (`EmailDraft`, one per ticket and agent), saved as they type.
Reply, Reply all and Forward start it from an email of the ticket: addresses, subject and the
quoted original filled in. Sending checks it (`ComposeForm`), signs it with the mailbox's
signature, gives it a Message-ID of ours and the In-Reply-To/References of what it answers, and
hands it to `tickets.actions.send_email`, which records it and delivers it after the undo window;
the draft goes in the same transaction. `undo` brings an email still in its window back as the
draft it was.

The body comes from the page's editor as HTML and is cleaned here with nh3 to a small set of tags
(paragraphs, bold, italic, lists, links, quotes); the plain-text part is made from it, quotes as
"> " lines. Nothing from the browser reaches a customer or a page uncleaned.
"""

import html
import re
from email.utils import formataddr, parseaddr
from html.parser import HTMLParser

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone

from tickets import actions
from tickets.actions import OutgoingEmail, TicketRuleError
from tickets.models import Activity
from tickets.validators import one_line

from .models import DraftFile, EmailDraft, Mailbox
from .parsing import text_to_html
from .processing import SUBJECT_REFERENCE, make_message_id

Mode = EmailDraft.Mode

MAX_RECIPIENTS = 50
MAX_BODY_CHARS = 200_000
REFERENCES_KEPT = 20

# -- mailboxes -------------------------------------------------------------------------------------


def usable_mailboxes(user, ticket):
    """The active mailboxes this agent may send from on this ticket: those of no team or of a team
    they are in, and always the mailbox of the ticket's category (its outgoing queue, SPEC T7)."""
    mailboxes = Mailbox.objects.filter(is_active=True)
    if not user.is_superuser:
        allowed = Q(team__isnull=True) | Q(team__members=user)
        queue = _category_queue(ticket)
        if ticket.category_id:
            allowed |= Q(category_id=ticket.category_id)
        if queue:
            allowed |= Q(address__iexact=queue)
        mailboxes = mailboxes.filter(allowed)
    return mailboxes.distinct().order_by("name", "pk")


def _category_queue(ticket):
    category = ticket.category
    queue = (category.default_queue if category else "").strip()
    return queue if "@" in queue else ""


def default_mailbox(ticket, mailboxes):
    """The category's outgoing queue (SPEC T7) when it is a mailbox, else the category's mailbox,
    else the first one the agent may use; None when there is none (DEFAULT_FROM_EMAIL sends)."""
    mailboxes = list(mailboxes)
    queue = _category_queue(ticket).lower()
    for test in (
        lambda box: queue and box.address.lower() == queue,
        lambda box: ticket.category_id and box.category_id == ticket.category_id,
        lambda box: True,
    ):
        for mailbox in mailboxes:
            if test(mailbox):
                return mailbox
    return None


def own_addresses():
    addresses = {address.lower() for address in Mailbox.objects.values_list("address", flat=True)}
    addresses.add(parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower())
    return addresses


def sender_of(mailbox):
    if mailbox is None:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((one_line(mailbox.name), mailbox.address))


# -- addresses -------------------------------------------------------------------------------------


def _chunks(text):
    """The comma-separated parts of an address line; commas inside quotes or <> do not split."""
    parts, current, quoted, angled = [], [], False, False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == "<" and not quoted:
            angled = True
        elif char == ">" and not quoted:
            angled = False
        if char == "," and not quoted and not angled:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def parse_addresses(text):
    """("Name <address>" strings, problem or None) from what was typed: commas or semicolons apart."""
    text = (text or "").replace(";", ",").replace("\n", ",")
    found, seen, wrong = [], set(), []
    for chunk in _chunks(text):
        name, address = parseaddr(chunk)
        name, address = one_line(name), address.strip()
        try:
            if not address or ("<" in chunk) != (">" in chunk):
                raise ValidationError("no address")
            validate_email(address)
        except ValidationError:
            wrong.append(chunk)
            continue
        if address.lower() not in seen:
            seen.add(address.lower())
            found.append(formataddr((name, address)) if name else address)
    if wrong:
        return found, "Not an email address: " + ", ".join(f"“{item}”" for item in wrong[:5]) + "."
    if len(found) > MAX_RECIPIENTS:
        return found, f"At most {MAX_RECIPIENTS} addresses."
    return found, None


def join_addresses(addresses):
    return ", ".join(addresses)


# -- the body --------------------------------------------------------------------------------------

BODY_TAGS = {
    "p", "br", "div", "span", "b", "strong", "i", "em", "u", "s", "ul", "ol", "li", "a", "blockquote", "pre", "code",
}


def clean_body(markup):
    """The editor's HTML, cleaned to what an email body needs: no scripts, styles, images or handlers."""
    return nh3.clean(
        (markup or "")[:MAX_BODY_CHARS],
        tags=BODY_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
        clean_content_tags={"script", "style", "title", "head", "template", "noscript"},
    ).strip()


class _PlainText(HTMLParser):
    """HTML to the text part: paragraphs apart by a blank line, lines (div, br) by a line break,
    list items as "- ", quotes as "> " lines, links as "text (address)"."""

    PARAGRAPHS = {"p", "ul", "ol", "pre", "blockquote"}
    LINES = {"div", "li"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = [""]
        self.depth = 0
        self.href = []

    def _break(self, blank=False):
        if self.lines[-1].strip():
            self.lines.append("")
        if blank and len(self.lines) > 1 and self.lines[-2].strip():
            self.lines.append("")

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.lines.append("")
        elif tag in self.PARAGRAPHS or tag in self.LINES:
            self._break(blank=tag in self.PARAGRAPHS)
            if tag == "blockquote":
                self.depth += 1
            elif tag == "li":
                self.lines[-1] = "> " * self.depth + "- "
        if tag == "a":
            self.href.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag):
        if tag in self.PARAGRAPHS or tag in self.LINES:
            self._break(blank=tag in self.PARAGRAPHS)
            if tag == "blockquote":
                self.depth = max(0, self.depth - 1)
        if tag == "a" and self.href:
            href = self.href.pop()
            if href and not href.startswith("mailto:") and href not in self.lines[-1]:
                self.lines[-1] += f" ({href})"

    def handle_data(self, data):
        text = " ".join(data.split())
        line = self.lines[-1]
        if not text:
            if data and line.strip() and not line.endswith(" "):
                self.lines[-1] += " "
            return
        if not line:
            line = "> " * self.depth
        elif data[:1].isspace() and not line.endswith(" "):
            line += " "
        self.lines[-1] = line + text + (" " if data[-1:].isspace() else "")


def plain_text(markup):
    """The plain-text part of a cleaned HTML body."""
    parser = _PlainText()
    parser.feed(markup or "")
    parser.close()
    text = "\n".join(line.rstrip() for line in parser.lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


SIGNATURE_MARK = "<div data-signature>"


def signed(body_html, body_text, mailbox):
    """The body with the mailbox's signature below it (SPEC B2), in both parts."""
    signature = (mailbox.signature if mailbox else "").strip()
    if not signature:
        return body_html, body_text
    lines = "<br>".join(html.escape(line) for line in signature.splitlines())
    return f"{body_html}{SIGNATURE_MARK}<p>-- <br>{lines}</p></div>", f"{body_text}\n\n-- \n{signature}"


def unsigned(body_html):
    """The body as the agent wrote it, without the signature `signed` added."""
    return body_html.partition(SIGNATURE_MARK)[0]


def with_reference(subject, ticket):
    """The subject with the ticket's reference in it, so a reply threads by subject too (SPEC D13)."""
    subject = one_line(subject)
    if any(int(match.group(1)) == ticket.pk for match in SUBJECT_REFERENCE.finditer(subject)):
        return subject
    bare = re.search(rf"(?<![\w\[]){re.escape(ticket.reference)}(?![\w\]])", subject)
    if bare:  # "Visit for T-000123" (a template's {reference}): bracketed, as threading reads it
        return f"{subject[:bare.start()]}[{ticket.reference}]{subject[bare.end():]}"
    return f"{subject} [{ticket.reference}]".strip()


# -- starting a draft ------------------------------------------------------------------------------


def _prefixed(prefix, subject):
    subject = one_line(subject)
    return subject if subject.lower().startswith(prefix.lower()) else f"{prefix} {subject}".strip()


def _original_html(activity):
    if activity.body_html:
        return clean_body(activity.body_html + (activity.quoted_html or ""))
    return clean_body(text_to_html(activity.body))


def _when(activity):
    return formats.date_format(timezone.localtime(activity.created_at), "D j M Y, H:i")


def _from_of(activity):
    if activity.sender:
        return activity.sender
    return activity.contact.email if activity.contact else ""


def _quote(activity):
    who = html.escape(_from_of(activity) or "the customer")
    return f"<p><br></p><p>On {_when(activity)}, {who} wrote:</p><blockquote>{_original_html(activity)}</blockquote>"


def _forwarded(activity):
    rows = [("From", _from_of(activity)), ("Date", _when(activity)), ("Subject", activity.subject),
            ("To", join_addresses(activity.to or ([activity.recipient] if activity.recipient else [])))]
    if activity.cc:
        rows.append(("Cc", join_addresses(activity.cc)))
    head = "<br>".join(f"{name}: {html.escape(value)}" for name, value in rows if value)
    return f"<p><br></p><p>---------- Forwarded message ----------<br>{head}</p>{_original_html(activity)}"


def _reply_to_addresses(activity):
    if activity.direction == Activity.Direction.INBOUND:
        return [_from_of(activity)] if _from_of(activity) else []
    return list(activity.to) or ([activity.recipient] if activity.recipient else [])


def _without(addresses, excluded):
    kept, seen = [], set(excluded)
    for address in addresses:
        key = parseaddr(address)[1].lower()
        if key and key not in seen:
            seen.add(key)
            kept.append(address)
    return kept


def _contact_address(ticket):
    contact = ticket.contact
    if contact is None or not contact.email:
        return ""
    return formataddr((one_line(contact.name), contact.email)) if contact.name else contact.email


def draft_values(ticket, mode, original=None):
    """What a new draft starts with: recipients, subject and body for the mode (SPEC D14, D6)."""
    if original is None or mode == Mode.NEW:
        return {"mode": Mode.NEW, "reply_to": None, "to": _contact_address(ticket), "cc": "",
                "subject": with_reference(ticket.title, ticket), "body_html": "", "attachment_ids": []}
    ours = own_addresses()
    values = {"mode": mode, "reply_to": original, "cc": "", "attachment_ids": []}
    if mode == Mode.FORWARD:
        values.update(to="", subject=with_reference(_prefixed("Fwd:", original.subject), ticket),
                      body_html=_forwarded(original),
                      attachment_ids=list(original.attachments.values_list("pk", flat=True)))
        return values
    to = _without(_reply_to_addresses(original), ours)
    values.update(to=join_addresses(to), subject=with_reference(_prefixed("Re:", original.subject), ticket),
                  body_html=_quote(original))
    if mode == Mode.REPLY_ALL:
        to_keys = {parseaddr(address)[1].lower() for address in to}
        values["cc"] = join_addresses(_without(list(original.to) + list(original.cc), ours | to_keys))
    return values


def draft_for(ticket, user):
    return EmailDraft.objects.filter(ticket=ticket, author=user).select_related("mailbox", "reply_to").first()


def start_draft(ticket, user, mode=Mode.NEW, original=None, *, now=None):
    """A fresh draft for this mode, in place of any draft the agent had on the ticket."""
    if ticket.archived:
        raise TicketRuleError(f"{ticket.reference} is archived: no email can be sent from it.")
    values = draft_values(ticket, mode, original)
    mailbox = default_mailbox(ticket, usable_mailboxes(user, ticket))
    with transaction.atomic():
        _discard(ticket, user)
        return EmailDraft.objects.create(
            ticket=ticket, author=user, mailbox=mailbox, bcc="", updated_at=now or timezone.now(), **values
        )


def save_draft(draft, data, user):
    """Keep what the editor holds, as typed (addresses are checked when it is sent), the body cleaned."""
    draft.to = (data.get("to") or "")[:5000]
    draft.cc = (data.get("cc") or "")[:5000]
    draft.bcc = (data.get("bcc") or "")[:5000]
    draft.subject = one_line(data.get("subject") or "")[:300]
    draft.body_html = clean_body(data.get("body_html") or "")
    mailbox_id = str(data.get("mailbox") or "")
    if mailbox_id.isdigit():
        draft.mailbox = usable_mailboxes(user, draft.ticket).filter(pk=int(mailbox_id)).first() or draft.mailbox
    picked = {int(pk) for pk in data.getlist("attachments") if str(pk).isdigit()} if hasattr(data, "getlist") else set()
    draft.attachment_ids = sorted(set(draft.ticket.attachments.filter(pk__in=picked).values_list("pk", flat=True)))
    draft.updated_at = timezone.now()
    draft.save()
    return draft


def _discard(ticket, user):
    storage = DraftFile._meta.get_field("file").storage
    names = list(DraftFile.objects.filter(draft__ticket=ticket, draft__author=user).values_list("file", flat=True))
    EmailDraft.objects.filter(ticket=ticket, author=user).delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def discard_draft(ticket, user):
    with transaction.atomic():
        _discard(ticket, user)


def add_draft_files(draft, uploads):
    """Store checked uploads (tickets.uploads.check_uploads) for the draft alone."""
    stored = []
    for upload in uploads:
        item = DraftFile(
            draft=draft, original_name=upload.name, content_type=upload.content_type, size=upload.file.size
        )
        item.file.save(upload.name, upload.file, save=False)
        item.save()
        stored.append(item)
    return stored


def remove_draft_file(draft, file_id):
    item = draft.files.filter(pk=file_id).first()
    if item is None:
        return False
    name, storage = item.file.name, item.file.storage
    item.delete()
    transaction.on_commit(lambda: storage.delete(name))
    return True


# -- templates -------------------------------------------------------------------------------------


def email_templates(ticket):
    """The reply templates offered in the editor: the ticket's category's and the global ones (SPEC D14)."""
    from configurations.reply_templates import templates_for

    return list(templates_for(ticket, "email"))


def apply_template(draft, template, user):
    """Fill the draft's subject and body from a template, rendered for its ticket and this agent.

    The body replaces what was written; a reply or forward keeps the quoted original below it. An
    empty template subject keeps the subject the draft has. Raises PlaceholderError for a template
    that cannot be filled in (one saved before the placeholder rules).
    """
    from configurations.reply_templates import render

    ticket = draft.ticket
    body = text_to_html(render(template.body, ticket, user))
    if draft.reply_to_id and draft.mode != Mode.NEW:
        body += draft_values(ticket, draft.mode, draft.reply_to)["body_html"]
    draft.body_html = clean_body(body)
    if template.subject.strip():
        draft.subject = with_reference(render(template.subject, ticket, user), ticket)[:300]
    draft.updated_at = timezone.now()
    draft.save(update_fields=["body_html", "subject", "updated_at"])
    return draft


# -- sending ---------------------------------------------------------------------------------------


class ComposeErrors(Exception):
    """The draft can't be sent as it is: {field: message}, shown where each was entered (SPEC X2)."""

    def __init__(self, errors):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _thread_headers(draft):
    original = draft.reply_to
    if original is None or not original.message_id:
        return "", ""
    earlier = original.references.split()[-(REFERENCES_KEPT - 1):] if original.references else []
    references = " ".join([*earlier, original.message_id])
    if draft.mode == Mode.FORWARD:
        return "", references
    return original.message_id, references


def check(draft):
    """The draft as an OutgoingEmail, or ComposeErrors saying what to fix."""
    errors = {}
    addresses = {}
    for name in ("to", "cc", "bcc"):
        addresses[name], problem = parse_addresses(getattr(draft, name))
        if problem:
            errors[name] = problem
    if not errors and not addresses["to"]:
        errors["to"] = "Add at least one recipient."
    if not one_line(draft.subject):
        errors["subject"] = "Give the email a subject."
    body_text = plain_text(draft.body_html)
    if not body_text.strip():
        errors["body"] = "Write the message before sending it."
    if draft.mailbox_id and not draft.mailbox.is_active:
        errors["mailbox"] = f"The mailbox {draft.mailbox.address} is no longer active: choose another."
    if errors:
        raise ComposeErrors(errors)
    body_html, body_text = signed(draft.body_html, body_text, draft.mailbox)
    in_reply_to, references = _thread_headers(draft)
    return OutgoingEmail(
        sender=sender_of(draft.mailbox),
        to=addresses["to"],
        cc=addresses["cc"],
        bcc=addresses["bcc"],
        subject=with_reference(draft.subject, draft.ticket),
        body_html=body_html,
        body_text=body_text,
        message_id=make_message_id(),
        in_reply_to=in_reply_to,
        references=references,
        stored_files=[(item.file.name, item.original_name, item.content_type, item.size) for item in draft.files.all()],
        attachment_ids=list(draft.attachment_ids),
    )


def send(ticket, user):
    """Send the agent's draft on the ticket (SPEC D14): the activity recorded, the draft gone, in one
    transaction. Raises ComposeErrors or TicketRuleError (archived, no right) and changes nothing then."""
    with transaction.atomic():
        draft = (
            EmailDraft.objects.select_for_update(of=("self",))
            .select_related("mailbox", "reply_to", "ticket")
            .filter(ticket=ticket, author=user)
            .first()
        )
        if draft is None:
            raise TicketRuleError("There is no email to send: it was sent or discarded in another window.")
        message = check(draft)
        activity = actions.send_email(ticket, user, message)
        # The files now belong to the email's attachments: the rows go, the stored files stay.
        draft.files.all().delete()
        draft.delete()
    return activity


def _blank(draft):
    return not plain_text(draft.body_html).strip() and not draft.files.exists()


def undo(activity, user):
    """Take an email back inside its undo window: it becomes the agent's draft again (SPEC B2)."""
    with transaction.atomic():
        existing = draft_for(activity.ticket, user)
        if existing is not None and not _blank(existing):
            raise TicketRuleError(
                "You are writing another email on this ticket: send or discard it first, then undo."
            )
        undone = actions.undo_email(activity, user)
        if existing is not None:
            existing.delete()
        # What it answered or forwarded: the last of its References (In-Reply-To for a reply).
        answered = undone.in_reply_to or (undone.references.split() or [""])[-1]
        original = None
        if answered:
            original = (
                Activity.objects.filter(ticket_id=activity.ticket_id, message_id=answered).order_by("-pk").first()
            )
        mode = Mode.NEW if original is None else (Mode.REPLY if undone.in_reply_to else Mode.FORWARD)
        address = parseaddr(undone.sender)[1]
        draft = EmailDraft.objects.create(
            ticket_id=activity.ticket_id,
            author=user,
            mode=mode,
            reply_to=original,
            mailbox=Mailbox.objects.filter(address__iexact=address).first() if address else None,
            to=join_addresses(undone.to),
            cc=join_addresses(undone.cc),
            bcc=join_addresses(undone.bcc),
            subject=undone.subject,
            body_html=unsigned(undone.body_html),
            updated_at=timezone.now(),
        )
        for stored_name, original_name, content_type, size in undone.stored_files:
            item = DraftFile(draft=draft, original_name=original_name, content_type=content_type, size=size)
            item.file.name = stored_name
            item.save()
    return draft
