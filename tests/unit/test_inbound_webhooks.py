"""Providers' inbound webhooks (SPEC D13): Postmark's and Mailgun's posts, in the shapes they send,
become stored messages in the mailbox of their recipient; a post without the provider's
credentials stores nothing.

Processing is not part of these tests: the task a stored message enqueues is only recorded.
"""

import base64
import hashlib
import hmac
import json
import time
import uuid
from email import message_from_bytes, policy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from mail import tasks
from mail.models import InboundEmail, Mailbox

pytestmark = [pytest.mark.django_db, pytest.mark.spec("D13")]

WEBHOOK_SECRET = "postmark:Tr0ub4dor-3"
SIGNING_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture(autouse=True)
def webhook_credentials(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": [WEBHOOK_SECRET], "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    return settings.ANYMAIL


@pytest.fixture(autouse=True)
def enqueued(monkeypatch):
    ids = []
    monkeypatch.setattr(tasks.process_inbound, "delay", ids.append)
    return ids


@pytest.fixture
def support():
    return Mailbox.objects.create(name="Support", address="Support@Helpdesk.example")


@pytest.fixture
def client():
    """Providers send no CSRF token: the webhooks must not need one."""
    return Client(enforce_csrf_checks=True)


def basic_auth(credentials=WEBHOOK_SECRET):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


def stored(mailbox=None):
    emails = InboundEmail.objects.all() if mailbox is None else InboundEmail.objects.filter(mailbox=mailbox)
    return list(emails.order_by("id"))


def parsed(email):
    with email.raw.open("rb") as handle:
        return message_from_bytes(handle.read(), policy=policy.default)


# --- Postmark ------------------------------------------------------------------------------------

def postmark_payload(**changes):
    """An inbound post as Postmark documents it, without "Include raw email content"."""
    payload = {
        "FromName": "Sam Customer",
        "MessageStream": "inbound",
        "From": "sam@customer.example",
        "FromFull": {"Email": "sam@customer.example", "Name": "Sam Customer", "MailboxHash": ""},
        "To": "\"Support\" <support@helpdesk.example>",
        "ToFull": [{"Email": "support@helpdesk.example", "Name": "Support", "MailboxHash": ""}],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": "support@helpdesk.example",
        "Subject": "Printer on fire",
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": "Mon, 3 Jun 2024 09:00:00 +0200",
        "TextBody": "The printer on floor 2 is on fire.\n\nSam",
        "HtmlBody": "<p>The printer on floor 2 is on fire.</p><p>Sam</p>",
        "StrippedTextReply": "",
        "Tag": "",
        "Headers": [
            {"Name": "Return-Path", "Value": "<sam@customer.example>"},
            {"Name": "Received", "Value": "by p-pm-inboundg02a-aws-useast1a (Postfix) id 4QqF2x; Mon, 3 Jun 2024"},
            {"Name": "X-Spam-Checker-Version", "Value": "SpamAssassin 3.4.0 (2014-02-07) on p-pm-inboundg02a"},
            {"Name": "X-Spam-Status", "Value": "No"},
            {"Name": "X-Spam-Score", "Value": "-0.1"},
            {"Name": "X-Spam-Tests", "Value": "DKIM_SIGNED,DKIM_VALID,SPF_PASS"},
            {"Name": "Received-SPF", "Value": "pass (customer.example: Sender is authorized to use 'sam@customer.example')"},
            {"Name": "MIME-Version", "Value": "1.0"},
            {"Name": "Message-ID", "Value": "<CAEPk3R+printer@mail.customer.example>"},
        ],
        "Attachments": [
            {"Name": "fire.png", "Content": base64.b64encode(PNG).decode(), "ContentType": "image/png",
             "ContentLength": len(PNG), "ContentID": ""},
            {"Name": "error log.txt", "Content": base64.b64encode("Fehler: überhitzt\n".encode()).decode(),
             "ContentType": "text/plain", "ContentLength": 19, "ContentID": ""},
        ],
    }
    payload.update(changes)
    return payload


def post_postmark(client, payload, **auth):
    return client.post(
        reverse("mail_webhooks:postmark_inbound"), json.dumps(payload), content_type="application/json",
        **(auth if auth else basic_auth()),
    )


def test_a_postmark_message_is_stored_in_its_recipients_mailbox_with_its_attachments(client, support, enqueued):
    response = post_postmark(client, postmark_payload())

    assert response.status_code == 200
    (email,) = stored()
    assert (email.mailbox, email.source) == (support, InboundEmail.Source.WEBHOOK)
    assert (email.subject, email.sender) == ("Printer on fire", "Sam Customer <sam@customer.example>")
    assert email.message_id == "<CAEPk3R+printer@mail.customer.example>"
    message = parsed(email)
    assert message.get_body(("plain",)).get_content() == "The printer on floor 2 is on fire.\n\nSam"
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert sorted(attachments) == ["error log.txt", "fire.png"]
    assert attachments["fire.png"].get_content() == PNG
    assert attachments["error log.txt"].get_payload(decode=True) == "Fehler: überhitzt\n".encode()
    assert [" ".join(value.split()) for value in message.get_all("Received")] == [
        "by p-pm-inboundg02a-aws-useast1a (Postfix) id 4QqF2x; Mon, 3 Jun 2024"
    ]


def test_postmarks_raw_email_is_stored_as_it_arrived(client, support):
    raw = (
        "Received: by mail.customer.example with SMTP id 4QqF2x\n"
        "MIME-Version: 1.0\n"
        "Message-ID: <CAEPk3R+raw@mail.customer.example>\n"
        "From: Sam Customer <sam@customer.example>\n"
        "To: support@helpdesk.example\n"
        "Subject: Printer on fire\n"
        "Content-Type: multipart/mixed; boundary=\"b1\"\n"
        "\n"
        "--b1\n"
        "Content-Type: text/plain; charset=\"utf-8\"\n"
        "\n"
        "It is on fire.\n"
        "--b1\n"
        "Content-Type: image/png; name=\"fire.png\"\n"
        "Content-Disposition: attachment; filename=\"fire.png\"\n"
        "Content-Transfer-Encoding: base64\n"
        "\n"
        f"{base64.b64encode(PNG).decode()}\n"
        "--b1--\n"
    )

    response = post_postmark(client, postmark_payload(RawEmail=raw))

    assert response.status_code == 200
    (email,) = stored(support)
    assert email.raw.open("rb").read() == raw.encode()
    assert [part.get_content() for part in parsed(email).iter_attachments()] == [PNG]


@pytest.mark.parametrize("auth", [{}, basic_auth("postmark:guess"), {"HTTP_AUTHORIZATION": "Bearer Tr0ub4dor-3"}])
def test_a_postmark_post_without_the_right_basic_auth_stores_nothing(client, support, auth):
    response = client.post(
        reverse("mail_webhooks:postmark_inbound"), json.dumps(postmark_payload()), content_type="application/json",
        **auth,
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="inbound email"'
    assert stored() == []


def test_the_same_postmark_post_twice_is_one_message(client, support):
    assert post_postmark(client, postmark_payload()).status_code == 200
    assert post_postmark(client, postmark_payload()).status_code == 200  # Postmark retries

    assert len(stored()) == 1


def test_a_rebuilt_message_without_a_message_id_is_still_one_message_when_posted_twice(client, support):
    headers = [header for header in postmark_payload()["Headers"] if header["Name"] != "Message-ID"]

    post_postmark(client, postmark_payload(Headers=headers))
    post_postmark(client, postmark_payload(Headers=headers))

    (email,) = stored()
    assert email.message_id == "<73e6d360-66eb-11e1-8e72-a8904824019b@postmark.inbound.invalid>"


def test_the_recipient_names_the_mailbox_whatever_its_case_or_plus_tag(client, support):
    billing = Mailbox.objects.create(name="Billing", address="billing@helpdesk.example")
    payload = postmark_payload(
        OriginalRecipient="SUPPORT+urgent@helpdesk.EXAMPLE",
        ToFull=[{"Email": "billing@helpdesk.example", "Name": "", "MailboxHash": ""}],
    )

    post_postmark(client, payload)

    assert len(stored(support)) == 1 and stored(billing) == []


def test_a_message_for_no_active_mailbox_is_answered_and_not_stored(client, support, caplog):
    Mailbox.objects.create(name="Old", address="old@helpdesk.example", is_active=False)
    payload = postmark_payload(
        OriginalRecipient="old@helpdesk.example", ToFull=[{"Email": "old@helpdesk.example", "Name": ""}]
    )

    response = post_postmark(client, payload)

    assert response.status_code == 200  # so Postmark does not retry what can never be stored
    assert stored() == []
    assert "for no active mailbox (recipients old@helpdesk.example" in caplog.text


def test_a_large_message_is_taken(client, support):
    photo = PNG + bytes(4 * 1024 * 1024)
    attachment = {"Name": "photo.png", "Content": base64.b64encode(photo).decode(), "ContentType": "image/png",
                  "ContentLength": len(photo)}

    assert post_postmark(client, postmark_payload(Attachments=[attachment])).status_code == 200

    (email,) = stored()
    assert [part.get_content() for part in parsed(email).iter_attachments()] == [photo]


def test_without_a_webhook_secret_the_postmark_webhook_is_off(client, support, webhook_credentials):
    webhook_credentials["WEBHOOK_SECRET"] = []

    assert post_postmark(client, postmark_payload()).status_code == 404
    assert stored() == []


def test_the_webhooks_answer_providers_checks_and_show_no_page(client):
    url = reverse("mail_webhooks:postmark_inbound")
    assert url == "/mail/inbound/postmark/"
    assert client.head(url).status_code == 200
    assert client.get(url).status_code == 405


# --- Mailgun -------------------------------------------------------------------------------------

def mailgun_signature(timestamp=None, token=None, key=SIGNING_KEY):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    token = token or uuid.uuid4().hex + uuid.uuid4().hex[:18]
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"timestamp": timestamp, "token": token, "signature": signature}


MIME = (
    "Received: by mxa.mailgun.org with ESMTP id 665d8a3c; Mon, 03 Jun 2024 07:00:00 +0000\r\n"
    "From: Sam Customer <sam@customer.example>\r\n"
    "To: support@helpdesk.example\r\n"
    "Subject: Toner is empty\r\n"
    "Message-Id: <CAEPk3R+toner@mail.customer.example>\r\n"
    "Mime-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
    "\r\n"
    "--b1\r\n"
    "Content-Type: text/plain; charset=\"utf-8\"\r\n"
    "\r\n"
    "The toner is empty.\r\n"
    "--b1\r\n"
    "Content-Type: application/pdf; name=\"order.pdf\"\r\n"
    "Content-Disposition: attachment; filename=\"order.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    f"{base64.b64encode(b'%PDF-1.4 order').decode()}\r\n"
    "--b1--\r\n"
)


def mailgun_mime_post(**changes):
    """A forwarding route's post to a URL ending in "mime": the raw message in "body-mime"."""
    data = {
        "recipient": "support@helpdesk.example",
        "sender": "sam@customer.example",
        "from": "Sam Customer <sam@customer.example>",
        "subject": "Toner is empty",
        "body-mime": MIME,
        **mailgun_signature(),
    }
    data.update(changes)
    return data


def post_mailgun_mime(client, data, **extra):
    return client.post(reverse("mail_webhooks:mailgun_inbound_mime"), data, **extra)


def test_a_signed_mailgun_mime_post_is_stored_as_it_arrived(client, support, webhook_credentials):
    webhook_credentials["WEBHOOK_SECRET"] = []  # Mailgun's signature alone

    response = post_mailgun_mime(client, mailgun_mime_post())

    assert reverse("mail_webhooks:mailgun_inbound_mime") == "/mail/inbound/mailgun/mime"
    assert response.status_code == 200
    (email,) = stored(support)
    assert email.raw.open("rb").read() == MIME.encode()
    assert (email.subject, email.source) == ("Toner is empty", InboundEmail.Source.WEBHOOK)


def test_a_signed_mailgun_parsed_post_is_stored_with_its_attachment(client, support):
    headers = [
        ["Received", "by mxa.mailgun.org with ESMTP id 665d8a3c; Mon, 03 Jun 2024 07:00:00 +0000"],
        ["From", "Sam Customer <sam@customer.example>"],
        ["To", "support@helpdesk.example"],
        ["Subject", "Toner is empty"],
        ["Message-Id", "<CAEPk3R+parsed@mail.customer.example>"],
        ["Mime-Version", "1.0"],
        ["Content-Type", "multipart/mixed; boundary=\"b1\""],
    ]
    data = {
        "recipient": "support@helpdesk.example",
        "sender": "sam@customer.example",
        "from": "Sam Customer <sam@customer.example>",
        "subject": "Toner is empty",
        "body-plain": "The toner is empty.\r\n",
        "stripped-text": "The toner is empty.",
        "body-html": "<p>The toner is empty.</p>",
        "message-headers": json.dumps(headers),
        "attachment-count": "1",
        "attachment-1": SimpleUploadedFile("order.pdf", b"%PDF-1.4 order", content_type="application/pdf"),
        "content-id-map": "{}",
        **mailgun_signature(),
    }

    response = client.post(reverse("mail_webhooks:mailgun_inbound"), data, **basic_auth())

    assert response.status_code == 200
    (email,) = stored(support)
    assert email.message_id == "<CAEPk3R+parsed@mail.customer.example>"
    (attachment,) = parsed(email).iter_attachments()
    assert (attachment.get_filename(), attachment.get_content()) == ("order.pdf", b"%PDF-1.4 order")


@pytest.mark.parametrize("forged", [
    {"signature": "0" * 64},
    mailgun_signature(key="key-someone-elses"),
    {"signature": ""},
])
def test_a_mailgun_post_without_a_valid_signature_stores_nothing(client, support, forged):
    response = post_mailgun_mime(client, mailgun_mime_post(**forged), **basic_auth())

    assert response.status_code == 403
    assert stored() == []


def test_a_mailgun_post_needs_the_basic_auth_too_when_a_webhook_secret_is_set(client, support):
    response = post_mailgun_mime(client, mailgun_mime_post())

    assert response.status_code == 401
    assert stored() == []


def test_a_mailgun_signature_is_good_once_and_for_a_day(client, support):
    signature = mailgun_signature()
    assert post_mailgun_mime(client, mailgun_mime_post(**signature), **basic_auth()).status_code == 200

    # The signature covers the timestamp and token, not the body: a replay with another message.
    forged = MIME.replace("Toner is empty", "Send the invoice to me").replace("toner@", "forged@")
    replayed = post_mailgun_mime(client, mailgun_mime_post(**{**signature, "body-mime": forged}), **basic_auth())
    stale = post_mailgun_mime(
        client, mailgun_mime_post(**mailgun_signature(timestamp=int(time.time()) - 2 * 86400)), **basic_auth()
    )

    assert replayed.status_code == 200 and stale.status_code == 403
    assert [email.subject for email in stored()] == ["Toner is empty"]


def test_without_a_signing_key_the_mailgun_webhook_is_off(client, support, webhook_credentials):
    webhook_credentials["MAILGUN_WEBHOOK_SIGNING_KEY"] = ""

    response = post_mailgun_mime(client, mailgun_mime_post(**mailgun_signature(key="")), **basic_auth())

    assert response.status_code == 404
    assert stored() == []
