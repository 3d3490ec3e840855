"""The IMAP poller against a real Dovecot (SPEC D13): every new message stored once, in UID order,
the server's flags left alone, and trouble reported on the mailbox without stopping the rest.

Processing is not part of these tests: the task a stored message enqueues is only recorded.
"""

import socket
import ssl
import threading
import uuid

import pytest
from django.db import connection

from mail import imap, tasks
from mail.imap import poll_mailbox
from mail.models import InboundEmail, Mailbox

from .dovecot import dovecot, imap_account  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.spec("D13")]


@pytest.fixture(autouse=True)
def enqueued(monkeypatch):
    """Ids of the stored messages handed to processing (after their commit)."""
    ids = []
    monkeypatch.setattr(tasks.process_inbound, "delay", ids.append)
    return ids


@pytest.fixture
def mailbox(imap_account):
    return Mailbox.objects.create(
        name="Support", address=f"{imap_account.user}@helpdesk.example", imap_host=imap_account.server.host,
        imap_port=imap_account.server.port, imap_security=Mailbox.Security.NONE, imap_user=imap_account.user,
        imap_password=imap_account.password,
    )


def message(subject):
    return (
        "From: Sam Customer <sam@customer.example>\r\n"
        "To: support@helpdesk.example\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@customer.example>\r\n"
        "Date: Mon, 03 Jun 2024 08:59:00 +0000\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        f"Hello, this is about {subject}.\r\n"
    ).encode()


def subjects(mailbox):
    return sorted(InboundEmail.objects.filter(mailbox=mailbox).values_list("subject", flat=True))


def test_a_poll_stores_every_new_message_once_as_it_arrived_and_leaves_it_unseen(
    mailbox, imap_account, enqueued, clock
):
    sent = [message("Printer on fire"), message("Toner"), message("Paper jam")]
    imap_account.append(*sent)

    assert poll_mailbox(mailbox.pk) == 3

    stored = list(InboundEmail.objects.filter(mailbox=mailbox).order_by("id"))
    assert [email.subject for email in stored] == ["Printer on fire", "Toner", "Paper jam"]
    assert {email.source for email in stored} == {InboundEmail.Source.IMAP}
    assert [email.raw.open("rb").read() for email in stored] == sent
    assert sorted(enqueued) == [email.pk for email in stored]
    mailbox.refresh_from_db()
    assert (mailbox.imap_uidvalidity, mailbox.imap_last_uid) == (imap_account.uidvalidity(), 3)
    assert mailbox.last_polled_at == clock.now and mailbox.last_poll_error == ""
    assert all("\\Seen" not in flags for flags in imap_account.flags().values())
    assert len(imap_account.flags()) == 3


def fetched_uids(monkeypatch):
    """The UIDs each poll downloads, batch by batch."""
    batches, fetch = [], imap._fetch
    monkeypatch.setattr(imap, "_fetch", lambda client, uids: batches.append(list(uids)) or fetch(client, uids))
    return batches


def test_polling_again_stores_nothing_new_and_downloads_nothing(mailbox, imap_account, clock, monkeypatch):
    imap_account.append(message("Printer on fire"), message("Toner"))
    assert poll_mailbox(mailbox.pk) == 2
    clock.advance(minutes=1)
    batches = fetched_uids(monkeypatch)

    assert poll_mailbox(mailbox.pk) == 0

    assert InboundEmail.objects.filter(mailbox=mailbox).count() == 2
    assert batches == []


def test_a_message_that_arrives_later_is_the_only_one_stored_by_the_next_poll(mailbox, imap_account, clock, monkeypatch):
    imap_account.append(message("Printer on fire"), message("Toner"))
    poll_mailbox(mailbox.pk)
    imap_account.append(message("Paper jam"))
    clock.advance(minutes=1)

    batches = fetched_uids(monkeypatch)

    assert poll_mailbox(mailbox.pk) == 1

    assert batches == [[3]]
    assert subjects(mailbox) == ["Paper jam", "Printer on fire", "Toner"]
    mailbox.refresh_from_db()
    assert mailbox.imap_last_uid == 3
    assert all("\\Seen" not in flags for flags in imap_account.flags().values())


def test_a_mailbox_polled_moments_ago_is_left_to_that_poll(mailbox, imap_account, clock):
    imap_account.append(message("Printer on fire"))
    poll_mailbox(mailbox.pk)
    imap_account.append(message("Toner"))

    assert poll_mailbox(mailbox.pk) is None  # within half the polling interval of the last poll
    assert subjects(mailbox) == ["Printer on fire"]

    clock.advance(seconds=31)
    assert poll_mailbox(mailbox.pk) == 1


@pytest.mark.postgres
def test_two_pollers_at_once_poll_the_mailbox_once(mailbox, imap_account):
    imap_account.append(*(message(f"Message {n}") for n in range(5)))
    start = threading.Barrier(2)
    results = []

    def poller():
        try:
            start.wait()
            results.append(poll_mailbox(mailbox.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=poller) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(results, key=str) == [5, None]  # one polled, the other skipped
    assert InboundEmail.objects.filter(mailbox=mailbox).count() == 5


def test_a_poll_that_overlaps_a_stalled_one_stores_no_message_twice(mailbox, imap_account, clock, monkeypatch):
    """A poller stalls after its first message until its claim runs out; a second one takes the
    mailbox over and stores the rest; the first then goes on with messages already stored."""
    imap_account.append(message("First"), message("Second"), message("Third"))
    fetch, results, took_over = imap._fetch, [], []

    def second_poller():
        try:
            results.append(("second", poll_mailbox(mailbox.pk)))
        finally:
            connection.close()

    def stalling_fetch(client, uids):
        for number, fetched in enumerate(fetch(client, uids)):
            if number == 1 and not took_over:
                took_over.append(True)
                clock.advance(minutes=1)
                thread = threading.Thread(target=second_poller)
                thread.start()
                thread.join(30)
            yield fetched

    monkeypatch.setattr(imap, "_fetch", stalling_fetch)
    results.append(("first", poll_mailbox(mailbox.pk)))

    assert results == [("second", 2), ("first", 1)]
    assert subjects(mailbox) == ["First", "Second", "Third"]
    mailbox.refresh_from_db()
    assert mailbox.imap_last_uid == 3


def test_a_new_uidvalidity_reads_the_folder_again_without_duplicates(mailbox, imap_account, clock):
    imap_account.create_folder("Support")
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_folder="Support")
    old = [message("Old one"), message("Old two")]
    imap_account.append(*old, folder="Support")
    assert poll_mailbox(mailbox.pk) == 2
    first_validity = imap_account.uidvalidity("Support")

    # The folder is rebuilt (a server migration, a restore): UIDs start again at 1, under a new
    # UIDVALIDITY. The new messages come first, so their UIDs are at or below the old position.
    imap_account.delete_folder("Support")
    imap_account.create_folder("Support")
    imap_account.append(message("New one"), message("New two"), *old, folder="Support")
    assert imap_account.uidvalidity("Support") != first_validity
    clock.advance(minutes=1)

    assert poll_mailbox(mailbox.pk) == 2

    assert subjects(mailbox) == ["New one", "New two", "Old one", "Old two"]
    mailbox.refresh_from_db()
    assert (mailbox.imap_uidvalidity, mailbox.imap_last_uid) == (imap_account.uidvalidity("Support"), 4)


@pytest.fixture
def broken(monkeypatch):
    """Storing fails for each message whose subject is in the returned set."""
    failing = {"Broken"}
    receive = imap.receive

    def receive_or_fail(mailbox, raw, *, source):
        if any(f"Subject: {subject}\r\n".encode() in raw for subject in failing):
            raise OSError(28, "No space left on device")
        return receive(mailbox, raw, source=source)

    monkeypatch.setattr(imap, "receive", receive_or_fail)
    return failing


def test_a_message_that_cannot_be_stored_is_reported_and_the_next_still_comes_in(
    mailbox, imap_account, broken, clock
):
    imap_account.append(message("Before"), message("Broken"), message("After"))

    assert poll_mailbox(mailbox.pk) == 2

    assert subjects(mailbox) == ["After", "Before"]
    mailbox.refresh_from_db()
    assert mailbox.last_poll_error.startswith("1 message(s) could not be stored (UID 2)")
    assert "No space left on device" in mailbox.last_poll_error
    assert mailbox.imap_last_uid == 3  # a later message was stored: the broken one stays behind
    assert "\\Seen" not in imap_account.flags()[2]

    broken.clear()
    clock.advance(minutes=1)
    assert poll_mailbox(mailbox.pk) == 0
    mailbox.refresh_from_db()
    assert mailbox.last_poll_error == ""


def test_a_last_message_that_could_not_be_stored_is_read_again_by_the_next_poll(
    mailbox, imap_account, broken, clock
):
    imap_account.append(message("Before"), message("Broken"))
    assert poll_mailbox(mailbox.pk) == 1
    mailbox.refresh_from_db()
    assert mailbox.imap_last_uid == 1 and "UID 2" in mailbox.last_poll_error

    broken.clear()
    clock.advance(minutes=1)

    assert poll_mailbox(mailbox.pk) == 1
    assert subjects(mailbox) == ["Before", "Broken"]
    mailbox.refresh_from_db()
    assert (mailbox.imap_last_uid, mailbox.last_poll_error) == (2, "")


def test_a_wrong_password_is_reported_without_the_password(mailbox, imap_account, clock):
    imap_account.append(message("Printer on fire"))
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_password="Wr0ng-pass-7")

    assert poll_mailbox(mailbox.pk) == 0

    mailbox.refresh_from_db()
    assert mailbox.last_poll_error.startswith("The IMAP server refused the sign-in")
    assert "Wr0ng-pass-7" not in mailbox.last_poll_error and imap_account.password not in mailbox.last_poll_error
    assert mailbox.last_polled_at == clock.now
    assert not InboundEmail.objects.filter(mailbox=mailbox).exists()

    Mailbox.objects.filter(pk=mailbox.pk).update(imap_password=imap_account.password)
    clock.advance(minutes=1)
    assert poll_mailbox(mailbox.pk) == 1
    mailbox.refresh_from_db()
    assert mailbox.last_poll_error == ""


@pytest.mark.parametrize("security", [Mailbox.Security.SSL, Mailbox.Security.STARTTLS])
def test_tls_connections_refuse_a_certificate_nobody_trusts(security, mailbox, imap_account, clock, monkeypatch):
    server = imap_account.server
    port = server.tls_port if security == Mailbox.Security.SSL else server.port
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_security=security, imap_port=port)
    imap_account.append(message("Printer on fire"))

    assert poll_mailbox(mailbox.pk) == 0
    mailbox.refresh_from_db()
    assert mailbox.last_poll_error.startswith("TLS with 127.0.0.1 failed")
    assert "certificate" in mailbox.last_poll_error

    # Once the certificate is trusted (as a real server's CA is), the same settings work.
    trusting = ssl.create_default_context
    monkeypatch.setattr(imap.ssl, "create_default_context", lambda: trusting(cafile=server.certificate))
    clock.advance(minutes=1)
    assert poll_mailbox(mailbox.pk) == 1
    mailbox.refresh_from_db()
    assert mailbox.last_poll_error == ""


def test_an_unreachable_server_is_reported_on_the_mailbox():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    mailbox = Mailbox.objects.create(
        name="Support", address="support@helpdesk.example", imap_host="127.0.0.1", imap_port=closed_port,
        imap_security=Mailbox.Security.NONE, imap_user="support", imap_password="s3cret-value",
    )

    assert poll_mailbox(mailbox.pk) == 0

    mailbox.refresh_from_db()
    assert mailbox.last_poll_error.startswith(f"Cannot reach 127.0.0.1:{closed_port}")


def test_beat_polls_each_active_mailbox_that_has_an_imap_host(settings, monkeypatch):
    polled = []
    monkeypatch.setattr(tasks.poll_mailbox, "delay", polled.append)
    imap_box = Mailbox.objects.create(name="Support", address="support@helpdesk.example", imap_host="imap.example")
    Mailbox.objects.create(name="Webhook", address="billing@helpdesk.example")
    Mailbox.objects.create(name="Old", address="old@helpdesk.example", imap_host="imap.example", is_active=False)

    assert tasks.poll_mailboxes() == 1

    assert polled == [imap_box.pk]
    assert settings.CELERY_BEAT_SCHEDULE["poll-mailboxes"] == {
        "task": "mail.tasks.poll_mailboxes", "schedule": settings.HELPDESK_MAIL_POLL_SECONDS,
    }
    # The task runs the poll: an inactive mailbox is skipped without a connection.
    assert tasks.poll_mailbox(Mailbox.objects.get(name="Old").pk) is None
