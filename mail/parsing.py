"""Reading a raw message into what a ticket needs (SPEC D13, D6).

The standard library's `email` package (policy.default) does the MIME work; this module adds what
real mail needs on top: charsets declared wrongly or not at all, headers the parser can't read,
attachments under encoded names, forwarded messages (message/rfc822) kept as .eml files, inline
`cid:` images, auto-replies and delivery reports recognised, HTML sanitised with nh3 (remote images
held back until the agent asks), and the quoted earlier conversation split off to be shown folded.

`parse()` never raises for a malformed message: what it cannot read is left out, and a message it
cannot make anything of has empty fields. Only `ParsedEmail.render()` produces HTML for the page.
"""

import html
import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

import nh3
from mailparser_reply import EmailReplyParser

# Charsets mail clients name that Python's codecs do not, or name a narrower set than they use.
CHARSET_ALIASES = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-8-e": "iso-8859-8",
    "windows-874": "cp874",
    "x-sjis": "cp932",
    "shift-jis": "cp932",
    "shift_jis": "cp932",
    "sjis": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
    "ascii": "utf-8",  # 8-bit text labelled ASCII is nearly always UTF-8
    "us-ascii": "utf-8",
    "iso-8859-1": "cp1252",  # the superset every mail client actually writes
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "unknown-8bit": "utf-8",
    "x-unknown": "utf-8",
    "unknown": "utf-8",
    "default": "utf-8",
    "utf8": "utf-8",
}


def decode_bytes(data, charset=None):
    """Text from bytes in the declared charset; undeclared, unknown or wrong ones fall back to UTF-8 then cp1252."""
    if isinstance(data, str):
        return data
    name = (charset or "").strip().strip('"').lower()
    name = CHARSET_ALIASES.get(name, name)
    for candidate in dict.fromkeys(filter(None, [name, "utf-8"])):
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def decode_header_value(value):
    """A header value with its encoded words decoded, whatever their charsets; one line."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # raw 8-bit bytes in a header (surrogate-escaped by the parser)
        value = decode_bytes(value.encode("utf-8", "surrogateescape"))
    if "=?" in value:
        try:
            value = "".join(
                decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
                for chunk, charset in decode_header(value)
            )
        except Exception:  # noqa: BLE001 - a broken encoded word stays as written
            pass  # nosec B110
    return " ".join(value.replace("\x00", "").split())


def header(message, name):
    """A header as text; a header policy.default can't read is decoded from its raw value instead."""
    try:
        value = message.get(name)
        if value is not None:
            return " ".join(str(value).replace("\x00", "").split())
    except Exception:  # noqa: BLE001 - malformed headers are read from the raw value below
        pass  # nosec B110
    for key, raw in getattr(message, "raw_items", lambda: [])():
        if key.lower() == name.lower():
            return decode_header_value(raw)
    return ""


MESSAGE_ID = re.compile(r"<[^<>\s]+>")


def message_ids(value):
    """The Message-IDs in a header (In-Reply-To, References), each with its angle brackets."""
    found = MESSAGE_ID.findall(value or "")
    if not found and value and value.strip() and " " not in value.strip():
        found = [f"<{value.strip().strip('<>')}>"]
    return list(dict.fromkeys(found))


def _address(name, address):
    name = decode_header_value(name).strip().strip('"').strip()
    return f"{name} <{address}>" if name and name != address else address


def addresses(value):
    """[(name, address)] of an address header; entries without an @ are dropped."""
    try:
        pairs = getaddresses([value or ""])
    except Exception:  # noqa: BLE001 - an unreadable list is no addresses
        return []
    return [(decode_header_value(name), address.strip()) for name, address in pairs if "@" in (address or "")]


@dataclass
class MailFile:
    name: str
    content_type: str
    data: bytes
    content_id: str = ""

    @property
    def size(self):
        return len(self.data)


@dataclass
class Bounce:
    """What a delivery report (multipart/report) says about a message we sent."""

    original_message_id: str
    recipients: list
    status: str
    diagnostic: str

    @property
    def summary(self):
        parts = [", ".join(self.recipients), self.status, self.diagnostic]
        return " · ".join(part for part in parts if part)[:280]


@dataclass
class ParsedEmail:
    message_id: str = ""
    in_reply_to: list = field(default_factory=list)
    references: list = field(default_factory=list)
    subject: str = ""
    sender_name: str = ""
    sender_address: str = ""
    to: list = field(default_factory=list)
    cc: list = field(default_factory=list)
    text: str = ""
    html: str = ""
    files: list = field(default_factory=list)
    auto_reply: str = ""  # why the message is an automatic one, or ""
    bounce: Bounce | None = None
    loop_headers: dict = field(default_factory=dict)

    @property
    def sender(self):
        return _address(self.sender_name, self.sender_address) if self.sender_address else self.sender_name

    @property
    def thread_ids(self):
        """The Message-IDs this message answers, the one it replies to first."""
        return list(dict.fromkeys([*self.in_reply_to, *reversed(self.references)]))

    def render(self, cid_urls=None):
        """(body_html, quoted_html, plain text, has remote images): what the ticket page shows.

        `cid_urls` maps Content-IDs to the URLs of the stored inline images.
        """
        key = tuple(sorted((cid_urls or {}).items()))
        cache = self.__dict__.setdefault("_rendered", {})
        if key not in cache:
            cache[key] = self._render(cid_urls)
        return cache[key]

    def _render(self, cid_urls):
        if self.html:
            own, quoted = split_quoted_html(self.html)
            body_html, remote = sanitise(own, cid_urls)
            quoted_html, quoted_remote = sanitise(quoted, cid_urls) if quoted else ("", False)
            text = self.text or html_to_text(self.html)
            return body_html, quoted_html, text, remote or quoted_remote
        own, quoted = split_quoted_text(self.text)
        return text_to_html(own), text_to_html(quoted) if quoted else "", self.text, False


AUTO_SUBMITTED_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply", "X-Mail-Autoreply")


class RawHeaders:
    """A message's headers read once as text, by name, without the policy's structured parsing
    (which is slow and only needed for address lists)."""

    def __init__(self, message):
        self.values = {}
        for name, value in message.raw_items():
            self.values.setdefault(name.lower(), value)

    def get(self, name):
        value = self.values.get(name.lower())
        return decode_header_value(value) if value is not None else ""


def auto_reply_reason(message):
    """Why a message is an automatic one (RFC 3834 and what mailers really send), or ""."""
    headers = message if isinstance(message, RawHeaders) else RawHeaders(message)
    auto_submitted = headers.get("Auto-Submitted").lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return f"an automatic message (Auto-Submitted: {auto_submitted[:40]})"
    precedence = headers.get("Precedence").lower()
    if precedence in ("bulk", "junk", "list", "auto_reply", "auto-reply"):
        return f"bulk or automatic mail (Precedence: {precedence})"
    for name in AUTO_SUBMITTED_HEADERS:
        if headers.get(name):
            return f"an automatic reply ({name})"
    suppress = headers.get("X-Auto-Response-Suppress").lower()
    if any(word in suppress for word in ("all", "oof", "autoreply")):
        return "an automatic reply (X-Auto-Response-Suppress)"
    if headers.get("X-Autogenerated") or headers.get("X-AutoGenerated"):
        return "an automatic message (X-Autogenerated)"
    return ""


def _report_blocks(part):
    """The field blocks of a message/delivery-status part, as Messages."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    text = decode_bytes(part.get_payload(decode=True) or b"", "utf-8")
    blocks = []
    for chunk in re.split(r"\r?\n\s*\r?\n", text):
        block = Message()
        for line in chunk.splitlines():
            if ":" in line and not line[:1].isspace():
                name, value = line.split(":", 1)
                block[name.strip()] = value.strip()
        blocks.append(block)
    return blocks


def _bounce(message):
    if message.get_content_type() != "multipart/report":
        return None
    if (message.get_param("report-type", "") or "").lower() != "delivery-status":
        return None
    recipients, status, diagnostic, original = [], "", "", ""
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            for block in _report_blocks(part):
                recipient = header(block, "Final-Recipient") or header(block, "Original-Recipient")
                if recipient:
                    recipients.append(recipient.split(";", 1)[-1].strip())
                    action = header(block, "Action").lower()
                    if action in ("failed", "delayed") or not status:
                        status = " ".join(filter(None, [action, header(block, "Status")]))
                        diagnostic = header(block, "Diagnostic-Code").split(";", 1)[-1].strip() or diagnostic
        elif ctype in ("message/rfc822", "text/rfc822-headers") and not original:
            if ctype == "message/rfc822":
                inner = part.get_payload()
                inner = inner[0] if isinstance(inner, list) and inner else None
            else:
                inner = BytesParser(policy=policy.default).parsebytes(part.get_payload(decode=True) or b"")
            if isinstance(inner, Message):
                original = (message_ids(header(inner, "Message-ID")) or [""])[0]
    if not original:
        # Some reporters quote only the Message-ID, or answer with In-Reply-To/References.
        answered = message_ids(header(message, "In-Reply-To")) or message_ids(header(message, "References"))
        original = (answered or [""])[0]
    return Bounce(original, list(dict.fromkeys(recipients))[:5], status, diagnostic[:200])


def _filename(part):
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 - an unreadable name is replaced below
        name = None
    if not name:
        name = part.get_param("name", header="content-type") if hasattr(part, "get_param") else None
        if isinstance(name, tuple):  # RFC 2231 (charset, language, value)
            name = decode_bytes(name[2].encode("latin-1", "replace"), name[0])
    return decode_header_value(name).replace("/", "_").replace("\\", "_").strip() if name else ""


EXTENSIONS = {
    "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp",
    "application/pdf": ".pdf", "text/plain": ".txt", "text/html": ".html", "text/calendar": ".ics",
    "message/rfc822": ".eml",
}


def _payload_bytes(part):
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - a part the decoder can't read is kept as written
        data = None
    if data is None:
        payload = part.get_payload()
        data = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
    return data


def _part_text(part):
    charset = None
    try:
        charset = part.get_content_charset()
    except Exception:  # noqa: BLE001 - an unreadable charset parameter: decode_bytes guesses
        pass  # nosec B110
    return decode_bytes(_payload_bytes(part), charset)


def _collect(message, result, texts, htmls, depth=0):
    """Walk the MIME tree: text parts to the body, everything else (and forwarded messages) to files."""
    if depth > 20:
        return
    ctype = message.get_content_type()
    if ctype == "message/rfc822" or (ctype.startswith("message/") and ctype not in ("message/delivery-status",)):
        inner = message.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else None
        data = inner.as_bytes(policy=policy.compat32) if isinstance(inner, Message) else _payload_bytes(message)
        subject = header(inner, "Subject") if isinstance(inner, Message) else ""
        name = _filename(message) or f"{subject or 'Forwarded message'}.eml"
        if not name.lower().endswith(".eml"):
            name += ".eml"
        result.files.append(MailFile(name[:200], "message/rfc822", data))
        return
    if ctype.startswith("multipart/") and not message.is_multipart():
        # A multipart whose boundary the parser could not find: its text is the best there is.
        texts.append(_part_text(message))
        return
    if message.is_multipart():
        parts = message.get_payload()
        if not isinstance(parts, list):
            return
        if ctype == "multipart/alternative":
            # The richest alternative that is text wins; the others are the same content again.
            typed = [(part, part.get_content_type()) for part in parts if isinstance(part, Message)]
            html_parts = [part for part, kind in typed if kind == "text/html"]
            plain_parts = [part for part, kind in typed if kind == "text/plain"]
            others = [part for part, kind in typed if kind not in ("text/html", "text/plain")]
            if plain_parts:
                texts.append(_part_text(plain_parts[0]))
            if html_parts:
                htmls.append(_part_text(html_parts[-1]))
            for part in others:
                _collect(part, result, texts, htmls if not html_parts else [], depth + 1)
            return
        for part in parts:
            if isinstance(part, Message):
                _collect(part, result, texts, htmls, depth + 1)
        return
    try:
        disposition = message.get_content_disposition()
    except Exception:  # noqa: BLE001
        disposition = None
    name = _filename(message)
    if ctype in ("text/plain", "text/html") and disposition != "attachment" and not name:
        (htmls if ctype == "text/html" else texts).append(_part_text(message))
        return
    if ctype == "message/delivery-status":
        return
    data = _payload_bytes(message)
    if not data:
        return
    content_id = header(message, "Content-ID").strip().strip("<>")
    if not name:
        name = f"{'image' if ctype.startswith('image/') else 'attachment'}{EXTENSIONS.get(ctype, '')}"
    result.files.append(MailFile(name[:200], ctype, data, content_id))


def parse(raw):
    """A ParsedEmail from the raw bytes of a message. Never raises for a malformed message."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    headers = RawHeaders(message)
    result = ParsedEmail()
    result.message_id = (message_ids(headers.get("Message-ID")) or [""])[0][:300]
    result.in_reply_to = message_ids(headers.get("In-Reply-To"))[:20]
    result.references = message_ids(headers.get("References"))[-50:]
    result.subject = headers.get("Subject")[:300]
    senders = addresses(header(message, "From")) or addresses(header(message, "Sender"))
    if senders:
        result.sender_name, result.sender_address = senders[0]
    else:
        name, address = parseaddr(header(message, "From"))
        result.sender_name = decode_header_value(name or address)
    result.sender_address = result.sender_address[:254]
    result.to = [_address(n, a) for n, a in addresses(header(message, "To"))][:50]
    result.cc = [_address(n, a) for n, a in addresses(header(message, "Cc"))][:50]
    result.auto_reply = auto_reply_reason(headers)
    loops = {name: headers.get(name) for name in ("X-Loop", "X-Helpdesk-Loop")}
    result.loop_headers = {name: value for name, value in loops.items() if value}
    result.bounce = _bounce(message)
    texts, htmls = [], []
    _collect(message, result, texts, htmls)
    result.text = "\n\n".join(text.strip("\r\n") for text in texts if text.strip()).replace("\r\n", "\n")
    result.html = "\n".join(htmls)
    return result


# -- HTML ----------------------------------------------------------------------------------------

REMOTE = "about:blank#remote:"
CID_MISSING = "about:blank#cid-missing"
ALLOWED_TAGS = (nh3.ALLOWED_TAGS - {"area", "map"}) | {"font"}
ALLOWED_ATTRIBUTES = {
    **{tag: set(values) for tag, values in nh3.ALLOWED_ATTRIBUTES.items()},
    "img": {"src", "alt", "width", "height", "title"},
    "a": {"href", "title"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "font": {"color"},
}


def sanitise(markup, cid_urls=None):
    """(safe HTML, has remote images). No script, style, forms or event handlers; remote images
    are kept as `data-remote-src` so they load only when the agent asks (tracking pixels don't fire)."""
    cid_urls = cid_urls or {}
    remote = False

    def keep(tag, attribute, value):
        nonlocal remote
        if tag == "img" and attribute == "src":
            lowered = value.strip().lower()
            if lowered.startswith("cid:"):
                return cid_urls.get(value.strip()[4:].strip("<>"), CID_MISSING)
            if lowered.startswith(("http:", "https:", "//")):
                remote = True
                return REMOTE + value.strip()
            if lowered.startswith("data:image/") and not lowered.startswith("data:image/svg"):
                return value
            return value if lowered.startswith("/") else None
        if tag == "a" and attribute == "href" and value.strip().lower().startswith("data:"):
            return None
        return value

    cleaned = nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=keep,
        url_schemes={"http", "https", "mailto", "tel", "about", "data", "cid"},
        clean_content_tags={"script", "style", "title", "head", "template", "noscript"},
    )
    cleaned = cleaned.replace(f' src="{REMOTE}', ' data-remote-src="').replace(f' src="{CID_MISSING}"', "")
    return cleaned.strip(), remote and "data-remote-src" in cleaned


# Where mail clients start the earlier conversation in HTML: Gmail, Outlook, Apple Mail,
# Thunderbird, Yahoo, and a cited blockquote.
QUOTE_START = re.compile(
    r"<(?:div|blockquote|p|span)\b[^>]*(?:"
    r'class=["\']?[^"\'>]*\b(?:gmail_quote|gmail_attr|moz-cite-prefix|yahoo_quoted|protonmail_quote|OutlookMessageHeader)\b'
    r'|id=["\']?(?:divRplyFwdMsg|appendonsend|mail-editor-reference-message-container|reply-intro)\b'
    r'|type=["\']?cite\b'
    r")[^>]*>",
    re.IGNORECASE,
)
OUTLOOK_RULE = re.compile(r"<(?:div|p)\b[^>]*border-top:\s*solid\s+#[0-9a-f]{3,6}[^>]*>", re.IGNORECASE)


def split_quoted_html(markup):
    """(what the sender wrote, the quoted conversation) of an HTML body."""
    match = QUOTE_START.search(markup) or OUTLOOK_RULE.search(markup)
    if not match:
        return markup, ""
    own = markup[: match.start()]
    if not html_to_text(own).strip():  # a message that is all quote shows it all
        return markup, ""
    return own, markup[match.start():]


_REPLY_PARSER = EmailReplyParser(languages=["en", "de", "fr", "es", "it", "nl", "pl", "sv", "ja"])


def split_quoted_text(text):
    """(what the sender wrote, the quoted conversation) of a plain-text body (mail-parser-reply)."""
    if not text.strip():
        return text, ""
    try:
        replies = _REPLY_PARSER.read(text).replies
    except Exception:  # noqa: BLE001 - a text the reply parser can't split is shown whole
        return text, ""
    if len(replies) < 2 or not replies[0].content.strip():
        return text, ""
    return replies[0].content, "\n\n".join(reply.content for reply in replies[1:])


def text_to_html(text):
    """Plain text as HTML paragraphs, links left as text (nothing from the sender is markup)."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs if p.strip())


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "hr"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup):
    """The readable text of an HTML body, for previews and search."""
    extractor = _TextExtractor()
    try:
        extractor.feed(markup)
        extractor.close()
    except Exception:  # noqa: BLE001 - fall back to the tags removed
        return re.sub(r"<[^>]+>", " ", markup)
    lines = [" ".join(line.split()) for line in "".join(extractor.parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
