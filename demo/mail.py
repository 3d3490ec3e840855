"""The demo's mailbox and a few email conversations, taken in through the real pipeline (SPEC D13).

Each message is raw MIME, stored and processed exactly as one from IMAP would be: a first message
with a file, a reply (threaded by its headers, its quote folded) to a ticket that was resolved, an
HTML newsletter-style message whose remote images wait for the agent, and a reply whose headers
match two tickets, so the ticket page shows the "may belong to" banner.
"""

from email.message import EmailMessage
from email.utils import format_datetime

from django.utils import timezone

from configurations.models import Status
from mail.models import InboundEmail, Mailbox
from mail.processing import process
from mail.receiving import receive
from tickets import actions

from .data import MAIL_DOMAIN

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _message(sender, subject, message_id, *, text, html=None, replying_to=(), files=()):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = f"Customer Care <help@{MAIL_DOMAIN}>"
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id
    if replying_to:
        message["In-Reply-To"] = replying_to[-1]
        message["References"] = " ".join(replying_to)
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    for name, content_type, data in files:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(message)


def conversations():
    maria = "María López <maria.lopez@example.org>"
    tom = "Tom Becker <tom.becker@example.com>"
    return [
        _message(
            maria, "Cannot log in to the customer portal", "<portal-1@example.org>",
            text="Hello,\n\nsince this morning the portal says my password is wrong, although I reset it "
            "twice. A screenshot of the message is attached.\n\nMaría",
            files=[("error-message.pdf", "application/pdf", PDF)],
        ),
        _message(
            maria, "Re: Cannot log in to the customer portal", "<portal-2@example.org>",
            text="It works again after clearing the browser's cookies, thank you!\n\nMaría\n\n"
            "On Tue, Customer Care wrote:\n> Could you try clearing your browser's cookies?\n> Kind regards",
            html="<div dir='ltr'><p>It works again after clearing the browser's cookies, <b>thank you</b>!</p>"
            "<p>María</p></div><div class='gmail_quote'><div class='gmail_attr'>On Tue, Customer Care wrote:</div>"
            "<blockquote>Could you try clearing your browser's cookies?<br>Kind regards</blockquote></div>",
            replying_to=["<portal-1@example.org>"],
        ),
        _message(
            tom, "Order 10442 arrived damaged", "<order-1@example.com>",
            text="The box was crushed and the lamp inside is broken.",
            html="<p>The box was crushed and the lamp inside is broken.</p>"
            "<p><img src='https://cdn.example.com/signature/tom.png' alt='Tom Becker, Becker Interiors' "
            "width='180'></p>",
        ),
        _message(
            tom, "Invoice 2026-118 is missing the discount", "<invoice-1@example.com>",
            text="Our agreed 5 % discount is not on this invoice.",
        ),
        _message(
            tom, "Photos of the damage", "<photos-1@example.com>",
            text="Here are the photos for both of my open questions.",
            replying_to=["<order-1@example.com>", "<invoice-1@example.com>"],
        ),
    ]


def create_demo_mail(team=None, category=None):
    """The demo mailbox and its conversations; returns the mailbox. Safe to run again."""
    mailbox, _ = Mailbox.objects.get_or_create(
        address=f"help@{MAIL_DOMAIN}",
        defaults={"name": "Customer Care", "team": team, "category": category},
    )
    for index, raw in enumerate(conversations()):
        inbound, created = receive(mailbox, raw, source=InboundEmail.Source.FILE, enqueue=False)
        if not created:
            continue
        process(inbound.pk)
        if index == 0:
            # The agent thought it solved: the customer's reply re-opens it (D15).
            inbound.refresh_from_db()
            actions.change_status(inbound.ticket_id, None, Status.RESOLVED)
    return mailbox
