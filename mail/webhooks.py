"""Providers' inbound webhooks (SPEC D13): Postmark and Mailgun post each message they receive.

anymail's views check that a post comes from the provider and read its payload into a message;
here each message is stored raw through `receiving.receive()`, like a file or an IMAP message, in
the mailbox its recipient names. The views answer themselves instead of sending anymail's
`inbound` signal, so what a post does is in one place.

- Postmark signs nothing: its webhook URL carries HTTP basic auth, `ANYMAIL["WEBHOOK_SECRET"]`
  (HELPDESK_WEBHOOK_SECRET, "user:password"). Without it the endpoint answers 404.
- Mailgun signs each post with MAILGUN_WEBHOOK_SIGNING_KEY (HMAC-SHA256 of timestamp and token,
  not of the body), so a token is accepted once and only for a day. With HELPDESK_WEBHOOK_SECRET
  set, its URL needs the basic auth too. Without the key the endpoint answers 404.

What is answered: 401 (with a Basic challenge) for missing or wrong basic auth, 403 for a bad
signature, so nothing is stored; 200 once the message is stored, or when no active mailbox has
its recipient's address (logged: the provider could only retry for ever); a failure to store is
a 500, which the provider retries later.
"""

import logging
import time
from email import encoders, policy
from email.utils import getaddresses

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.utils import get_request_basic_auth
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from django.core.cache import cache
from django.db.models.functions import Lower
from django.http import Http404, HttpResponse
from django.utils.crypto import constant_time_compare

from .models import InboundEmail, Mailbox
from .receiving import receive

logger = logging.getLogger(__name__)

# Recipient headers, after the envelope recipient, in the order they name the mailbox.
RECIPIENT_HEADERS = ("To", "Cc", "Bcc", "Delivered-To", "X-Original-To")
MAILGUN_TOKEN_SECONDS = 24 * 3600
# Messages rebuilt from a provider's parsed fields are written with CRLF, as a mail server would.
WIRE = policy.default.clone(linesep="\r\n")


def recipients(message):
    """The addresses the message was delivered to, lower-cased, most telling first: the envelope
    recipient, then To, Cc, Bcc and the delivery headers; each followed by itself without a
    +tag (support+billing@ names the mailbox support@)."""
    found = []
    values = [message.envelope_recipient or ""]
    for header in RECIPIENT_HEADERS:
        values += [str(value) for value in message.get_all(header) or ()]
    for _name, address in getaddresses(values):
        address = address.strip().lower()
        local, at, domain = address.partition("@")
        if not at:
            continue
        for candidate in (address, f"{local.partition('+')[0]}@{domain}"):
            if candidate not in found:
                found.append(candidate)
    return found


def mailbox_for(message):
    """The active mailbox the message was sent to, or None."""
    addresses = recipients(message)
    by_address = {
        mailbox.lower_address: mailbox
        for mailbox in Mailbox.objects.filter(is_active=True)
        .annotate(lower_address=Lower("address"))
        .filter(lower_address__in=addresses)
    }
    return next((by_address[address] for address in addresses if address in by_address), None)


def store(event, raw, *, provider):
    """Store one posted message in its mailbox; the InboundEmail, or None for no known mailbox."""
    message = event.message
    mailbox = mailbox_for(message)
    if mailbox is None:
        logger.warning(
            "%s posted a message for no active mailbox (recipients %s, Message-ID %s): not stored",
            provider, ", ".join(recipients(message)) or "none", message.get("Message-ID", "none"),
        )
        return None
    if raw is None:
        raw = rebuilt(event, provider=provider)
    inbound, _created = receive(mailbox, raw, source=InboundEmail.Source.WEBHOOK)
    return inbound


def rebuilt(event, *, provider):
    """The raw bytes of a message anymail rebuilt from a provider's parsed fields.

    Its attachments hold their decoded bytes with no transfer encoding, which no mail parser
    reads back reliably: each is written in base64. A message without a Message-ID gets the
    provider's id for it, so a retried post is the same message, not a new one.
    """
    message = event.message
    if "Message-ID" not in message and event.event_id:
        message["Message-ID"] = f"<{event.event_id}@{provider.lower()}.inbound.invalid>"
    _encode_leaves(message)
    return message.as_bytes(policy=WIRE)


def _encode_leaves(part):
    if part.get_content_maintype() == "message":
        return  # an attached message keeps its own encodings
    if part.is_multipart():
        for inner in part.get_payload():
            _encode_leaves(inner)
    elif "Content-Transfer-Encoding" not in part:
        encoders.encode_base64(part)


class InboundWebhook:
    """What both providers' views share: the provider's credentials checked (and refusals answered,
    not raised), then each message stored. `raw_of(event)` gives the message's raw bytes when the
    provider sent them, or None to have them written from the parsed message."""

    warn_if_no_basic_auth = False  # an endpoint without its credentials refuses every post instead

    def configured(self):
        raise NotImplementedError

    def raw_of(self, event):
        raise NotImplementedError

    def accept(self, request):
        """None to go on, or the response that refuses the post."""
        if not self.configured():
            logger.error("%s inbound webhook called, but its credentials are not configured", self.esp_name)
            raise Http404("This inbound webhook is not configured.")
        if self.basic_auth:
            given = get_request_basic_auth(request) or ""
            if not any(constant_time_compare(given, allowed) for allowed in self.basic_auth):
                logger.warning("%s inbound webhook refused: missing or wrong basic auth", self.esp_name)
                response = HttpResponse("Basic auth required.", status=401, content_type="text/plain")
                response["WWW-Authenticate"] = 'Basic realm="inbound email"'
                return response
        try:
            self.run_validators(request)
        except AnymailWebhookValidationFailure as refusal:
            logger.warning("%s inbound webhook refused: %s", self.esp_name, refusal)
            return HttpResponse("Refused.", status=403, content_type="text/plain")
        return None

    def post(self, request, *args, **kwargs):
        refusal = self.accept(request)
        if refusal is not None:
            return refusal
        self.store_all(request)
        return HttpResponse()

    def store_all(self, request):
        for event in self.parse_events(request):
            store(event, self.raw_of(event), provider=self.esp_name)


class PostmarkInbound(InboundWebhook, PostmarkInboundWebhookView):
    """Postmark's inbound webhook: the raw message when the stream includes it ("RawEmail"),
    otherwise rebuilt by anymail from the parsed fields, attachments included."""

    def configured(self):
        return bool(self.basic_auth)

    def esp_to_anymail_event(self, esp_event):
        # Postmark sends "ContentID": "" for a plain attachment; anymail would make it inline.
        for attachment in esp_event.get("Attachments") or ():
            if not attachment.get("ContentID"):
                attachment.pop("ContentID", None)
        return super().esp_to_anymail_event(esp_event)

    def raw_of(self, event):
        raw = event.esp_event.get("RawEmail")
        return raw.encode("utf-8", "surrogateescape") if raw else None


class MailgunInbound(InboundWebhook, MailgunInboundWebhookView):
    """Mailgun's forwarding route: the raw message from a URL ending in `mime` ("body-mime"),
    otherwise rebuilt by anymail from the parsed fields and the attached files."""

    def configured(self):
        return bool(self.webhook_signing_key)

    def raw_of(self, event):
        raw = event.esp_event.POST.get("body-mime")
        return raw.encode("utf-8", "surrogateescape") if raw else None

    def accept(self, request):
        refusal = super().accept(request)
        if refusal is not None:
            return refusal
        try:
            timestamp = int(request.POST["timestamp"])
        except (KeyError, ValueError):
            return HttpResponse("Refused.", status=403, content_type="text/plain")
        if not -300 < time.time() - timestamp < MAILGUN_TOKEN_SECONDS:
            logger.warning("Mailgun inbound webhook refused: its signature is from %s", timestamp)
            return HttpResponse("Refused.", status=403, content_type="text/plain")
        return None

    def store_all(self, request):
        # The signature covers the timestamp and token only: a token seen before is a post already
        # stored (a retry) or a replay with another body, and neither stores anything.
        seen = f"mail:mailgun-token:{request.POST['token']}"
        if cache.get(seen):
            logger.info("Mailgun inbound webhook: token already used, nothing stored")
            return
        super().store_all(request)
        cache.set(seen, 1, MAILGUN_TOKEN_SECONDS)
