"""The IMAP poller (SPEC D13): each mailbox's folder read by UID, every new message stored once.

The server's flags are never changed. A customer's mailbox is often shared with people, who must
still see new mail as new, so nothing is marked seen, flagged, moved or deleted: the folder is
opened read-only (EXAMINE) and bodies are fetched with BODY.PEEK. What the poller has taken is
recorded on our side only, as the mailbox's position: every UID up to `imap_last_uid`, valid while
the server's UIDVALIDITY is `imap_uidvalidity`. The dedupe of `receiving.receive()` makes reading
a message twice harmless, so a poll that restarts or overlaps another never stores one twice.

No database transaction is held while the server is read. A poll claims its mailbox in a short
transaction (a conditional move of `last_polled_at`, under `select_for_update(skip_locked=True)`),
then stores each message and advances the position in a transaction of its own.
"""

import imaplib
import logging
import re
import ssl
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import ImapToolsError, MailboxFolderSelectError, MailboxLoginError
from imap_tools.message import MailMessage

from .models import InboundEmail, Mailbox
from .receiving import receive

logger = logging.getLogger(__name__)

BATCH_MESSAGES = 50
BATCH_BYTES = 20 * 1024 * 1024
ERROR_MAX_LENGTH = Mailbox._meta.get_field("last_poll_error").max_length


class RawMessage(MailMessage):
    """A fetched message kept as the server's bytes: imap-tools would parse it, and re-serialising a
    parsed message does not give back the bytes that arrived."""

    def __init__(self, fetch_data):
        self.raw, self._raw_uid_data, self._raw_flag_data = self._get_message_data_parts(fetch_data)


class _SSLClient(MailBox):
    email_message_class = RawMessage


class _StartTlsClient(MailBoxStartTls):
    email_message_class = RawMessage


class _PlainClient(MailBoxUnencrypted):
    email_message_class = RawMessage


def imap_port(mailbox):
    if mailbox.imap_port:
        return mailbox.imap_port
    return 993 if mailbox.imap_security == Mailbox.Security.SSL else 143


def connect(mailbox):
    """A signed-in client for `mailbox`, with no folder selected.

    TLS certificates are verified: imaplib alone would accept any certificate.
    """
    host, port, timeout = mailbox.imap_host, imap_port(mailbox), settings.HELPDESK_IMAP_TIMEOUT
    if mailbox.imap_security == Mailbox.Security.SSL:
        client = _SSLClient(host, port=port, timeout=timeout, ssl_context=ssl.create_default_context())
    elif mailbox.imap_security == Mailbox.Security.STARTTLS:
        client = _StartTlsClient(host, port=port, timeout=timeout, ssl_context=ssl.create_default_context())
    else:
        client = _PlainClient(host, port=port, timeout=timeout)
    try:
        client.login(mailbox.imap_user, mailbox.imap_password, initial_folder=None)
    except BaseException:
        _close(client, logout=False)
        raise
    return client


def _close(client, *, logout=True):
    try:
        if logout:
            client.logout()
        else:
            client.client.shutdown()
    except (OSError, imaplib.IMAP4.error, ImapToolsError):
        pass


def poll_mailbox(mailbox_id):
    """Store the messages that arrived in the mailbox's IMAP folder since the last poll.

    Returns how many messages were stored, or None when the mailbox was skipped: inactive, without
    an IMAP host, or claimed by another poll within the last half polling interval (a poll's
    claim is renewed with every message it stores, so a long first import keeps it; a poll whose
    worker died is taken over once that time has passed).

    A message that cannot be stored is logged and named in `last_poll_error`, and the rest still
    come in. The position moves to each message stored, so a failed message is read again by the
    next poll unless a later one was stored after it; it stays on the server either way, unread.
    A server that cannot be reached or refuses the sign-in sets `last_poll_error` (never with the
    password); a poll without trouble clears it.
    """
    mailbox = _claim(mailbox_id)
    if mailbox is None:
        return None
    stored, failures, error = 0, [], ""
    try:
        client = connect(mailbox)
    except Exception as exc:  # noqa: BLE001 - whatever stops the poll is reported on the mailbox
        error = _describe(exc, mailbox)
    else:
        try:
            stored, failures = _take_new(client, mailbox)
        except Exception as exc:  # noqa: BLE001 - the messages stored so far stay stored
            error = _describe(exc, mailbox)
        finally:
            _close(client)
    if error:
        logger.warning("IMAP poll of %s stopped: %s", mailbox.address, error)
    elif failures:
        uids = ", ".join(str(uid) for uid, _ in failures[:5]) + (", …" if len(failures) > 5 else "")
        error = _scrub(f"{len(failures)} message(s) could not be stored (UID {uids}): {failures[-1][1]}", mailbox)
    Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now(), last_poll_error=error)
    return stored


def _claim(mailbox_id):
    """The mailbox, claimed for this poll; None if it is not to be polled now."""
    now = timezone.now()
    recently = now - timedelta(seconds=settings.HELPDESK_MAIL_POLL_SECONDS / 2)
    with transaction.atomic():
        mailbox = (
            Mailbox.objects.select_for_update(skip_locked=True)
            .filter(pk=mailbox_id, is_active=True)
            .exclude(imap_host="")
            .first()
        )
        if mailbox is None or (mailbox.last_polled_at is not None and mailbox.last_polled_at > recently):
            return None
        Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=now)
    mailbox.last_polled_at = now
    return mailbox


def _take_new(client, mailbox):
    """Store every message above the position, in UID order; (stored count, [(uid, error)])."""
    client.folder.set(mailbox.imap_folder, readonly=True)
    uidvalidity = _response_number(client, "UIDVALIDITY")
    uidnext = _response_number(client, "UIDNEXT")
    last_uid = mailbox.imap_last_uid
    if uidvalidity != mailbox.imap_uidvalidity:
        if mailbox.imap_uidvalidity is not None:
            logger.info("IMAP folder of %s has a new UIDVALIDITY: reading it from the start", mailbox.address)
        Mailbox.objects.filter(pk=mailbox.pk).update(imap_uidvalidity=uidvalidity, imap_last_uid=0)
        mailbox.imap_uidvalidity, mailbox.imap_last_uid = uidvalidity, 0
        last_uid = 0
    if uidnext is not None and uidnext <= last_uid + 1:
        return 0, []
    stored, failures = 0, []
    for batch in _batches(_sizes_above(client, last_uid)):
        for message in _fetch(client, batch):
            uid = int(message.uid)
            try:
                with transaction.atomic():
                    _inbound, created = receive(mailbox, message.raw, source=InboundEmail.Source.IMAP)
                    _advance(mailbox, uidvalidity, uid)
            except Exception as exc:  # noqa: BLE001 - one message never blocks the others
                logger.exception("IMAP message UID %s of %s could not be stored", uid, mailbox.address)
                failures.append((uid, _describe(exc, mailbox)))
            else:
                stored += created
        Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now())
    return stored, failures


def _advance(mailbox, uidvalidity, uid):
    # Conditional, so the position only moves forward, and never under another UIDVALIDITY.
    Mailbox.objects.filter(pk=mailbox.pk, imap_uidvalidity=uidvalidity, imap_last_uid__lt=uid).update(
        imap_last_uid=uid, last_polled_at=timezone.now()
    )


def _response_number(client, code):
    """A number the server sent with SELECT/EXAMINE, e.g. [UIDVALIDITY 3857529045]."""
    _code, values = client.client.response(code)
    for value in values or ():
        if value and value.strip().isdigit():
            return int(value)
    return None


_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")


def _sizes_above(client, last_uid):
    """[(uid, size)] of the messages with a UID above `last_uid`, in UID order.

    `UID FETCH n:*` answers like `UID SEARCH UID n:*`, with each size: a server always returns
    its last message for such a range, even when that message is below n, so it is filtered.
    """
    status, lines = client.client.uid("FETCH", f"{last_uid + 1}:*", "(UID RFC822.SIZE)")
    if status != "OK":
        raise imaplib.IMAP4.error(f"UID FETCH refused: {lines!r}"[:200])
    found = {}
    for line in lines:
        text = line[0] if isinstance(line, tuple) else line
        if not isinstance(text, bytes):
            continue
        uid, size = _UID.search(text), _SIZE.search(text)
        if uid and int(uid.group(1)) > last_uid:
            found[int(uid.group(1))] = int(size.group(1)) if size else 0
    return sorted(found.items())


def _batches(sizes):
    """UID lists of at most BATCH_MESSAGES messages and BATCH_BYTES (a larger message goes alone)."""
    batch, batch_bytes = [], 0
    for uid, size in sizes:
        if batch and (len(batch) >= BATCH_MESSAGES or batch_bytes + size > BATCH_BYTES):
            yield batch
            batch, batch_bytes = [], 0
        batch.append(uid)
        batch_bytes += size
    if batch:
        yield batch


def _fetch(client, uids):
    """The messages of `uids` as RawMessage, in one command, leaving their flags as they are."""
    return client.fetch(uid_list=[str(uid) for uid in uids], mark_seen=False, bulk=True)


def _describe(exc, mailbox):
    """A short reason for the mailbox's `last_poll_error`, without the password."""
    if isinstance(exc, MailboxLoginError):
        text = f"The IMAP server refused the sign-in: {_server_text(exc)}"
    elif isinstance(exc, MailboxFolderSelectError):
        text = f"The IMAP folder {mailbox.imap_folder!r} cannot be opened: {_server_text(exc)}"
    elif isinstance(exc, ssl.SSLError):
        text = f"TLS with {mailbox.imap_host} failed: {getattr(exc, 'verify_message', None) or exc.reason or exc}"
    elif isinstance(exc, TimeoutError):
        text = f"The IMAP server did not answer within {settings.HELPDESK_IMAP_TIMEOUT:g} s"
    elif isinstance(exc, OSError):
        text = f"Cannot reach {mailbox.imap_host}:{imap_port(mailbox)}: {exc.strerror or exc}"
    elif isinstance(exc, imaplib.IMAP4.error | ImapToolsError):
        text = f"IMAP error: {exc}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return _scrub(text, mailbox)


def _server_text(exc):
    data = exc.command_result[1] if getattr(exc, "command_result", None) else None
    parts = [item.decode("utf-8", "replace") if isinstance(item, bytes) else str(item) for item in data or ()]
    return " ".join(parts) or str(exc)


def _scrub(text, mailbox):
    if mailbox.imap_password:
        text = text.replace(mailbox.imap_password, "***")
    return " ".join(text.split())[:ERROR_MAX_LENGTH]
