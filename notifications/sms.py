"""SMS backends (SPEC N3), chosen by the SMS_BACKEND setting like Django's EMAIL_BACKEND.

- ConsoleBackend writes each message to standard output (development).
- FileBackend appends each message as a JSON line to a file under SMS_FILE_PATH (`make run`:
  var/sms/), so a developer can read what a customer would have received.
- HTTPBackend posts to an SMS provider's HTTP API with a timeout, a bearer token and an
  idempotency key, so a provider that honours the key never delivers one message twice.
- LocmemBackend keeps messages in `outbox` (tests).

A backend's `send(message)` returns the provider's message id (or "") and raises SMSError when
the message was not accepted; `SMSError.permanent` says a retry cannot help (e.g. a bad number).
"""

import json
import math
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SMSError(Exception):
    def __init__(self, message, *, permanent=False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SMSMessage:
    to: str
    body: str
    sender: str = ""
    key: str = ""  # idempotency key: the same key is the same message


# GSM 03.38: the default alphabet (one septet each) and its extension table (an escape plus one).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("\f^{}\\[~]|€")


@dataclass(frozen=True)
class SMSLength:
    """How a text travels as SMS: its encoding, its length in that encoding, and the segments it takes."""

    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int
    per_segment: int  # what one segment holds at this length (160/153 or 70/67)


def sms_length(text):
    """The length of `text` as SMS (static/js/ticket_compose.js counts the same way, as it is typed).

    Only GSM-7 characters: 160 in one SMS, 153 in each part of a longer one (the rest holds the
    header that joins the parts); extension characters such as € and { count twice. Any other
    character makes the whole text UCS-2: 70, or 67 per part, emoji counting twice.
    """
    text = text or ""
    if all(char in GSM_BASIC or char in GSM_EXTENDED for char in text):
        encoding, single, multi = "GSM-7", 160, 153
        units = sum(2 if char in GSM_EXTENDED else 1 for char in text)
    else:
        encoding, single, multi = "UCS-2", 70, 67
        units = len(text.encode("utf-16-le")) // 2
    if units <= single:
        return SMSLength(encoding, units, 1 if units else 0, single)
    return SMSLength(encoding, units, math.ceil(units / multi), multi)


def get_backend():
    return import_string(settings.SMS_BACKEND)()


def send_sms(message):
    return get_backend().send(message)


class ConsoleBackend:
    def send(self, message):
        sys.stdout.write(f"SMS to {message.to} from {message.sender or '-'}: {message.body}\n")
        sys.stdout.flush()
        return ""


class FileBackend:
    _lock = threading.Lock()

    def send(self, message):
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"sent_at": timezone.now().isoformat(), **asdict(message)}, ensure_ascii=False)
        with self._lock, open(folder / f"{timezone.now():%Y-%m-%d}.jsonl", "a", encoding="utf-8") as file:
            file.write(line + "\n")
        return ""


class LocmemBackend:
    outbox = []

    def send(self, message):
        type(self).outbox.append(message)
        return f"locmem-{len(type(self).outbox)}"


class HTTPBackend:
    """POSTs {"to", "from", "body", "reference"} as JSON to SMS_HTTP_URL.

    2xx is accepted (the JSON answer's "id", if any, is the provider's message id); 4xx other
    than 408/429 is a permanent refusal; 5xx, 408, 429, timeouts and connection errors are
    temporary and retried by the caller.
    """

    def send(self, message):
        url = settings.SMS_HTTP_URL
        if not url:
            raise SMSError("No SMS provider is configured (SMS_HTTP_URL).", permanent=True)
        if not url.lower().startswith(("https://", "http://")):
            raise SMSError("SMS_HTTP_URL must be an http(s) address.", permanent=True)
        payload = json.dumps(
            {"to": message.to, "from": message.sender, "body": message.body, "reference": message.key}
        ).encode()
        request = urllib.request.Request(url, data=payload, method="POST")
        request.add_header("Content-Type", "application/json")
        if settings.SMS_HTTP_TOKEN:
            request.add_header("Authorization", f"Bearer {settings.SMS_HTTP_TOKEN}")
        if message.key:
            request.add_header("Idempotency-Key", message.key)
        try:
            # The scheme is checked above: only http(s), never file: or others.
            with urllib.request.urlopen(request, timeout=settings.SMS_HTTP_TIMEOUT) as response:  # nosec B310
                body = response.read(65536)
        except urllib.error.HTTPError as error:
            temporary = error.code >= 500 or error.code in (408, 429)
            raise SMSError(
                f"The SMS provider refused the message (HTTP {error.code}).", permanent=not temporary
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SMSError(f"The SMS provider could not be reached ({reason}).") from None
        try:
            return str(json.loads(body or b"{}").get("id", ""))[:200]
        except (ValueError, AttributeError):
            return ""
