"""The one way a message comes in: stored first, processed after (SPEC D13; DESIGN: durable work).

Files (`manage.py ingest_email`), the IMAP poller and providers' webhooks all call `receive()`
with the raw bytes. The row and the bytes are saved before anything else happens, so a worker
killed at any moment loses nothing: the sweeper hands a message still `received` to a worker again.
"""

import hashlib
from email import policy
from email.parser import BytesHeaderParser

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import InboundEmail

MESSAGE_ID_MAX = InboundEmail._meta.get_field("message_id").max_length


def _header(headers, name, limit):
    try:
        value = headers.get(name)
        value = str(value) if value is not None else ""
    except Exception:  # noqa: BLE001 - a header the parser can't read is only left out of the preview
        value = ""
    return " ".join(value.split())[:limit]


def message_id_of(raw):
    """The message's Message-ID as written (angle brackets kept), or "" when it has none."""
    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
    value = headers.get("Message-ID") or ""
    return "".join(str(value).split())[:MESSAGE_ID_MAX]


def dedupe_key(raw, message_id):
    if message_id:
        return "mid:" + hashlib.sha256(message_id.encode("utf-8", "surrogateescape")).hexdigest()
    return "raw:" + hashlib.sha256(raw).hexdigest()


def _stored(mailbox, key):
    """The message already stored under `key`, read by the unique index: no ORDER BY, which would
    have PostgreSQL walk the received_at index instead."""
    return next(iter(InboundEmail.objects.filter(mailbox=mailbox, dedupe_key=key).order_by()[:1]), None)


def receive(mailbox, raw, *, source, enqueue=True):
    """Store one raw message for `mailbox`; returns (InboundEmail, created).

    The same message twice (same Message-ID, or the same bytes when it has none) is the row
    already stored, and nothing is processed again. A new row is processed by a worker after the
    commit (unless `enqueue` is off: the caller processes it itself).
    """
    from .tasks import process_inbound

    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    message_id = message_id_of(raw)
    key = dedupe_key(raw, message_id)
    existing = _stored(mailbox, key)
    if existing is not None:
        return existing, False
    preview = BytesHeaderParser(policy=policy.default).parsebytes(raw)
    now = timezone.now()
    inbound = InboundEmail(
        mailbox=mailbox,
        source=source,
        size=len(raw),
        message_id=message_id,
        dedupe_key=key,
        sender=_header(preview, "From", 320),
        subject=_header(preview, "Subject", 300),
        received_at=now,
        updated_at=now,
    )
    inbound.raw.save("message.eml", ContentFile(raw), save=False)
    try:
        with transaction.atomic():
            inbound.save()
    except IntegrityError:
        # Another worker stored the same message a moment ago: theirs is the one.
        inbound.raw.delete(save=False)
        return _stored(mailbox, key), False
    if enqueue:
        transaction.on_commit(lambda: process_inbound.delay(inbound.pk))
    return inbound, True
