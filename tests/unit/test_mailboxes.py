"""Mailboxes as configuration (SPEC T7, D13, C1, C2): team leaders manage them in Configurations,
admins in Django admin; the IMAP password is never shown back; failed messages are retried."""

import pytest
from django.urls import reverse

from mail.models import InboundEmail, Mailbox
from mail.receiving import receive
from tests.conftest import csrf_post
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Support", "address": "Support@Helpdesk.example", "header_threading": "on", "is_active": "on",
    "imap_host": "imap.helpdesk.example", "imap_port": "993", "imap_security": "ssl", "imap_user": "support",
    "imap_password": "s3cret-pass", "imap_folder": "INBOX",
}


@pytest.mark.spec("T7", "D13", "C1")
def test_a_team_leader_adds_a_mailbox_and_the_password_is_never_shown_back(lead_client):
    team = TeamFactory(name="Email desk")
    response = csrf_post(lead_client, reverse("configurations:mailbox_create"), {**FORM, "team": team.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    mailbox = Mailbox.objects.get()
    assert (mailbox.address, mailbox.team, mailbox.imap_password) == ("support@helpdesk.example", team, "s3cret-pass")
    for name in ("mailbox_list", "mailbox_edit"):
        args = [mailbox.pk] if name.endswith("edit") else []
        page = lead_client.get(reverse(f"configurations:{name}", args=args)).content.decode()
        assert "s3cret-pass" not in page
    # Saving without a new password keeps the saved one; the box removes it.
    edit = reverse("configurations:mailbox_edit", args=[mailbox.pk])
    assert csrf_post(lead_client, edit, {**FORM, "imap_password": "", "name": "Help"}).status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.name, mailbox.imap_password) == ("Help", "s3cret-pass")
    response = csrf_post(lead_client, edit, {**FORM, "imap_password": "", "imap_host": "", "clear_password": "on"})
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.imap_password == ""


@pytest.mark.spec("D13", "X2")
def test_an_imap_mailbox_needs_its_login_and_a_refused_form_saves_nothing(lead_client):
    response = csrf_post(
        lead_client, reverse("configurations:mailbox_create"), {**FORM, "imap_user": "", "imap_password": ""}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Give the IMAP user name to log in with." in page and "Give the IMAP password." in page
    assert not Mailbox.objects.exists()


@pytest.mark.spec("D13", "C1")
def test_a_mailbox_that_received_mail_is_made_inactive_not_deleted(lead_client):
    mailbox = Mailbox.objects.create(name="Support", address="support@helpdesk.example")
    receive(mailbox, b"Subject: hi\r\n\r\nhello", source=InboundEmail.Source.FILE, enqueue=False)
    page = lead_client.get(reverse("configurations:mailbox_delete", args=[mailbox.pk])).content.decode()
    assert "1 message came in through this mailbox. Make it inactive instead." in page
    csrf_post(lead_client, reverse("configurations:mailbox_delete", args=[mailbox.pk]))
    assert Mailbox.objects.filter(pk=mailbox.pk).exists()


@pytest.mark.spec("D13", "C2")
def test_an_admin_sees_failed_messages_and_processes_them_again(
    admin_client_, monkeypatch, django_capture_on_commit_callbacks
):
    mailbox = Mailbox.objects.create(name="Support", address="support@helpdesk.example", imap_password="pw-hidden")
    raw = b"From: kim@customer.example\r\nSubject: Broken\r\nMessage-ID: <f@x>\r\n\r\nhello\r\n"
    inbound, _ = receive(mailbox, raw, source=InboundEmail.Source.FILE, enqueue=False)
    InboundEmail.objects.filter(pk=inbound.pk).update(state=InboundEmail.State.FAILED, error="ValueError: boom")
    listing = admin_client_.get(reverse("admin:mail_inboundemail_changelist") + "?state__exact=failed")
    assert "ValueError: boom" in listing.content.decode()
    edit = admin_client_.get(reverse("admin:mail_mailbox_change", args=[mailbox.pk])).content.decode()
    assert "pw-hidden" not in edit
    called = []
    monkeypatch.setattr("mail.tasks.process_inbound.delay", called.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = csrf_post(
            admin_client_,
            reverse("admin:mail_inboundemail_changelist"),
            {"action": "process_again", "_selected_action": [inbound.pk]},
            follow=True,
        )
    assert "1 message will be processed again." in response.content.decode()
    inbound.refresh_from_db()
    assert (inbound.state, inbound.error, called) == (InboundEmail.State.RECEIVED, "", [inbound.pk])
