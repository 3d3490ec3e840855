"""Real messages in (SPEC D13): the 113 messages of a public IMAP library's test suite, and the
`ingest_email` command's ways in (a file, an mbox, a Maildir, stdin)."""

import io
import mailbox as mailboxes
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from mail.models import InboundEmail, Mailbox
from mail.receiving import dedupe_key, message_id_of
from tickets.models import Activity, Ticket

pytestmark = pytest.mark.django_db

CORPUS = Path(settings.BASE_DIR).parent / "shared" / "corpora" / "email" / "imap-tools"


@pytest.fixture
def corpus():
    files = sorted(CORPUS.rglob("*.eml")) if CORPUS.is_dir() else []
    if not files:
        message = f"The email corpus is missing at {CORPUS} (../shared beside the project)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return files


@pytest.fixture
def support(db):
    return Mailbox.objects.create(name="Support", address="support@helpdesk.example")


@pytest.mark.spec("D13", "X2")
def test_every_corpus_message_goes_in_once_without_an_exception(corpus, support):
    assert len(corpus) == 113
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest_email", str(CORPUS), "--mailbox", support.address, stdout=out, stderr=err)
    out, err = out.getvalue(), err.getvalue()
    rows = list(InboundEmail.objects.all())
    # Files that share a Message-ID are one message (the corpus holds copies with small edits).
    distinct = {dedupe_key(raw, message_id_of(raw)) for raw in (path.read_bytes() for path in corpus)}
    assert len(rows) == len(distinct)
    assert f"113 messages read into {support.address}" in out
    for row in rows:
        assert row.state in (InboundEmail.State.PROCESSED, InboundEmail.State.IGNORED, InboundEmail.State.FAILED)
        if row.state == InboundEmail.State.PROCESSED:
            assert row.ticket_id is not None
        else:
            assert row.error, row.subject
    processed = [row for row in rows if row.state == InboundEmail.State.PROCESSED]
    failed = [row for row in rows if row.state == InboundEmail.State.FAILED]
    assert failed == [], [row.error for row in failed]
    assert err == ""
    emails = Activity.objects.filter(kind=Activity.Kind.EMAIL, direction=Activity.Direction.INBOUND)
    assert emails.count() == len([row for row in processed if row.activity_id])
    # The bounces of the corpus report on messages this helpdesk never sent: ignored, not tickets.
    reports = InboundEmail.objects.filter(subject__icontains="undelivered")
    assert reports.exists() and all(row.state == InboundEmail.State.IGNORED for row in reports)

    tickets, activities = Ticket.objects.count(), emails.count()
    again = io.StringIO()
    call_command("ingest_email", str(CORPUS), "--mailbox", support.address, stdout=again)
    assert "113 already there" in again.getvalue()
    assert (Ticket.objects.count(), emails.count()) == (tickets, activities)


@pytest.mark.spec("D13")
def test_corpus_charsets_and_encoded_names_are_read(corpus, support):
    call_command("ingest_email", str(CORPUS / "multi_charset"), "--mailbox", support.address)
    subjects = set(Activity.objects.values_list("subject", flat=True))
    assert "まみむめも" in subjects
    bodies = " ".join(Activity.objects.values_list("body", flat=True))
    assert "\ufffd" not in bodies
    names = set(Activity.objects.values_list("attachments__original_name", flat=True))
    assert "てすと.txt" in names


RAW = b"From: Kim <kim@customer.example>\r\nTo: support@helpdesk.example\r\nSubject: %s\r\nMessage-ID: <%s@x>\r\n\r\nHello\r\n"


@pytest.mark.spec("D13")
def test_ingest_reads_an_mbox_a_maildir_a_file_and_stdin(support, tmp_path, monkeypatch, capsys):
    box = mailboxes.mbox(tmp_path / "archive.mbox")
    box.add(RAW % (b"From an mbox", b"mbox-1"))
    box.add(RAW % (b"From an mbox too", b"mbox-2"))
    box.flush()
    folder = mailboxes.Maildir(tmp_path / "Maildir")
    folder.add(RAW % (b"From a Maildir", b"maildir-1"))
    (tmp_path / "one.eml").write_bytes(RAW % (b"From a file", b"file-1"))

    call_command("ingest_email", str(tmp_path / "archive.mbox"))
    call_command("ingest_email", str(tmp_path / "Maildir"))
    call_command("ingest_email", str(tmp_path / "one.eml"))
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(RAW % (b"From stdin", b"stdin-1"))))
    call_command("ingest_email", "-")
    assert sorted(Ticket.objects.values_list("title", flat=True)) == [
        "From a Maildir", "From a file", "From an mbox", "From an mbox too", "From stdin",
    ]
    assert "1 message read into support@helpdesk.example: 1 processed." in capsys.readouterr().out


@pytest.mark.spec("D13")
def test_ingest_says_which_mailbox_it_needs(support, tmp_path):
    Mailbox.objects.create(name="Sales", address="sales@helpdesk.example")
    (tmp_path / "one.eml").write_bytes(RAW % (b"x", b"y"))
    with pytest.raises(CommandError, match="Name the mailbox with --mailbox"):
        call_command("ingest_email", str(tmp_path / "one.eml"))
    with pytest.raises(CommandError, match="No mailbox has the address nobody@x"):
        call_command("ingest_email", str(tmp_path / "one.eml"), "--mailbox", "nobody@x")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("ingest_email", str(tmp_path / "missing.eml"), "--mailbox", support.address)
