"""`manage.py ingest_email PATH|-`: take in messages from files (SPEC D13).

PATH is one message (.eml), an mbox file, a Maildir folder (cur/ and new/), or a folder of .eml
files (searched below it); `-` reads one message, or an mbox, from standard input. Each message
is stored first and then processed here, through the same pipeline as IMAP and webhooks; the same
message twice is taken once.
"""

import mailbox as mailboxes
import sys
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mail.models import InboundEmail, Mailbox
from mail.processing import process
from mail.receiving import receive


def _split_mbox_bytes(data):
    """The messages of an mbox read from a pipe ("From " lines between them)."""
    messages, current = [], []
    for line in data.splitlines(keepends=True):
        if line.startswith(b"From ") and current:
            messages.append(b"".join(current))
            current = []
        if line.startswith(b"From ") and not current:
            continue
        current.append(line[1:] if line.startswith(b">From ") else line)
    if current:
        messages.append(b"".join(current))
    return messages


def messages_at(path):
    """(label, raw bytes) of every message at `path`."""
    if str(path) == "-":
        data = sys.stdin.buffer.read()
        if data.startswith(b"From "):
            yield from ((f"stdin #{i + 1}", raw) for i, raw in enumerate(_split_mbox_bytes(data)))
        else:
            yield "stdin", data
        return
    path = Path(path)
    if not path.exists():
        raise CommandError(f"{path} does not exist.")
    if path.is_dir():
        if (path / "cur").is_dir() and (path / "new").is_dir():
            folder = mailboxes.Maildir(path, factory=None, create=False)
            for key in folder.keys():
                yield f"{path.name}/{key}", folder.get_bytes(key)
            return
        for file in sorted(path.rglob("*.eml")):
            yield str(file.relative_to(path)), file.read_bytes()
        return
    with path.open("rb") as handle:
        is_mbox = handle.read(5) == b"From "
    if is_mbox:
        box = mailboxes.mbox(path, factory=None, create=False)
        for index, key in enumerate(box.keys()):
            yield f"{path.name} #{index + 1}", box.get_bytes(key)
        return
    yield path.name, path.read_bytes()


class Command(BaseCommand):
    help = "Take in email from a .eml file, an mbox, a Maildir folder, a folder of .eml files, or - (stdin)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="A .eml file, an mbox file, a Maildir or a folder of .eml files; - for stdin")
        parser.add_argument(
            "--mailbox", help="The address of the mailbox they arrived at (needed when there are several)"
        )

    def handle(self, *args, **options):
        box = self._mailbox(options["mailbox"])
        counts = Counter()
        for label, raw in messages_at(options["path"]):
            inbound, created = receive(box, raw, source=InboundEmail.Source.FILE, enqueue=False)
            if not created:
                counts["already there"] += 1
                continue
            state = process(inbound.pk)
            counts[state] += 1
            if state == InboundEmail.State.FAILED:
                inbound.refresh_from_db()
                self.stderr.write(f"{label}: failed: {inbound.error}")
            elif options["verbosity"] > 1:
                inbound.refresh_from_db()
                self.stdout.write(f"{label}: {state}{': ' + inbound.error if inbound.error else ''}")
        total = sum(counts.values())
        summary = ", ".join(f"{count} {name}" for name, count in sorted(counts.items()))
        self.stdout.write(f"{total} message{'s' if total != 1 else ''} read into {box.address}: {summary or 'none'}.")

    def _mailbox(self, address):
        if address:
            box = Mailbox.objects.filter(address__iexact=address).first()
            if box is None:
                raise CommandError(f"No mailbox has the address {address}.")
            return box
        active = list(Mailbox.objects.filter(is_active=True)[:2])
        if len(active) != 1:
            known = ", ".join(Mailbox.objects.values_list("address", flat=True)) or "none yet"
            raise CommandError(f"Name the mailbox with --mailbox (mailboxes: {known}).")
        return active[0]
