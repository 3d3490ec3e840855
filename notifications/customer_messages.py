"""Delivering customer messages recorded on tickets (SPEC D4, N3).

A message is an outbound Activity in the pending state, with the moment it is next to be tried
(`next_attempt_at`). `deliver` sends it once through the email or SMS backend and records the
outcome on the activity: sent (with the provider's id), or, after the last retry, failed with the
reason; a temporary failure moves `next_attempt_at` on by a doubling delay. The activity row is
locked while it is sent, so two workers handed the same message never both send it, and a task
run again after success finds it sent. A worker killed while sending leaves the message pending
and due: the sweeper hands it to another, which sends it again under the same idempotency key
(SMS providers take a repeated key as the same message; SMTP has no such key).

An email an agent wrote (SPEC D14) carries its own sender, addresses, HTML part, files and threading
headers on the activity; it waits for `next_attempt_at` (the end of its undo window): a task that
comes earlier sends nothing and says how long is left. After each try viewers of the ticket hear
of the new delivery state (SPEC X1).
"""

import datetime
import enum
import smtplib

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from tickets.live import publish_delivery_on_commit
from tickets.models import Activity, Attachment
from tickets.validators import one_line

from .sms import SMSError, SMSMessage, send_sms


class Outcome(enum.Enum):
    DONE = "done"  # sent, failed for good, or nothing to do
    RETRY = "retry"
    NOT_YET = "not yet"  # inside its undo window: try again when it ends

# A task this close to the due moment sends: clocks of web and worker are never quite together.
EARLY_TOLERANCE = datetime.timedelta(seconds=1)


class DeliveryError(Exception):
    def __init__(self, message, *, permanent=False):
        super().__init__(message)
        self.permanent = permanent


def _queue(activity):
    """The mailbox or number the ticket's category sends from (SPEC T7), or ""."""
    category = activity.ticket.category
    return (category.default_queue if category else "").strip()


def _sender(activity):
    if activity.sender:
        return one_line(activity.sender)
    return _queue(activity) if "@" in _queue(activity) else settings.DEFAULT_FROM_EMAIL


def _html_document(fragment):
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
        f"<body>{fragment}</body></html>"
    )


def build_email(activity):
    """The message of an outbound email activity, as it will leave."""
    headers = {}
    for name, value in (
        ("Message-ID", activity.message_id),
        ("In-Reply-To", activity.in_reply_to),
        ("References", activity.references),
    ):
        if value:
            headers[name] = one_line(value)
    message = EmailMultiAlternatives(
        one_line(activity.subject),
        activity.body,
        from_email=_sender(activity),
        to=list(activity.to) or [activity.recipient],
        cc=list(activity.cc),
        bcc=list(activity.bcc),
        headers=headers,
    )
    if activity.body_html:
        message.attach_alternative(_html_document(activity.body_html), "text/html")
    for attachment in Attachment.objects.filter(activity=activity).order_by("pk"):
        with attachment.file.open("rb") as handle:
            message.attach(attachment.original_name, handle.read(), attachment.content_type)
    return message


def _smtp_code(error):
    return getattr(error, "smtp_code", None)


def _refusal_is_permanent(error):
    """A refusal of every recipient is permanent when the server said 5xx for each (4xx: try later)."""
    codes = [code for code, _ in getattr(error, "recipients", {}).values()]
    return not codes or all(int(code) >= 500 for code in codes)


def _send_email(activity):
    message = build_email(activity)
    try:
        message.send()
    except BadHeaderError as error:
        raise DeliveryError(f"The message could not be built ({error}).", permanent=True) from None
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryError(
            f"The mail server refused the recipients ({error}).", permanent=_refusal_is_permanent(error)
        ) from None
    except smtplib.SMTPResponseException as error:
        code = _smtp_code(error) or 0
        text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        raise DeliveryError(f"The mail server refused the message ({code} {text}).", permanent=code >= 500) from None
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"The mail server could not take the message ({error}).") from None
    except Exception as error:  # noqa: BLE001 - a provider's backend (django-anymail) raises its own errors
        status = getattr(error, "status_code", None)
        permanent = type(error).__name__ == "AnymailRecipientsRefused" or (status is not None and 400 <= status < 500)
        raise DeliveryError(f"The email provider refused the message ({error}).", permanent=permanent) from None
    return activity.message_id


def _send_sms(activity):
    message = SMSMessage(
        to=activity.recipient,
        body=activity.body,
        sender=_queue(activity) if _queue(activity) and "@" not in _queue(activity) else settings.SMS_FROM,
        key=activity.send_key or f"activity-{activity.pk}",
    )
    try:
        return send_sms(message)
    except SMSError as error:
        raise DeliveryError(str(error), permanent=error.permanent) from None


def retry_delay(attempts):
    """Seconds before the next try after `attempts` tries: 30, 60, 120 … by default."""
    return settings.HELPDESK_MESSAGE_RETRY_DELAY * (2 ** max(0, attempts - 1))


def deliver(activity_id):
    """Send a pending message once: (Outcome, seconds until the next try when it is RETRY).

    The last try is the one after HELPDESK_MESSAGE_RETRIES retries, counted on the activity, so a
    message handed to a new task (by the sweeper) keeps its count.
    """
    with transaction.atomic():
        activity = (
            Activity.objects.select_for_update(of=("self",))
            .select_related("ticket__category")
            .filter(pk=activity_id, delivery_state=Activity.Delivery.PENDING)
            .first()
        )
        if activity is None:
            return Outcome.DONE, None
        now = timezone.now()
        # Only a first try waits for its moment (an agent's undo window); retries come when Celery says.
        if not activity.attempts and activity.next_attempt_at and activity.next_attempt_at > now + EARLY_TOLERANCE:
            return Outcome.NOT_YET, (activity.next_attempt_at - now).total_seconds()
        activity.attempts += 1
        last_attempt = activity.attempts > settings.HELPDESK_MESSAGE_RETRIES
        wait = None
        try:
            provider_id = _send_sms(activity) if activity.kind == Activity.Kind.SMS else _send_email(activity)
        except DeliveryError as error:
            activity.delivery_detail = str(error)[:300]
            if error.permanent or last_attempt:
                activity.delivery_state = Activity.Delivery.FAILED
                outcome = Outcome.DONE
            else:
                outcome = Outcome.RETRY
                wait = retry_delay(activity.attempts)
        else:
            activity.delivery_state = Activity.Delivery.SENT
            activity.delivery_detail = (provider_id or "")[:300]
            outcome = Outcome.DONE
        activity.next_attempt_at = timezone.now() + datetime.timedelta(seconds=wait) if wait is not None else None
        activity.save(update_fields=["attempts", "delivery_state", "delivery_detail", "next_attempt_at"])
        publish_delivery_on_commit(activity)
    return outcome, wait
