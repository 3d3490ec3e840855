"""Attachments: upload within limits, download only through an access-checked view, delete (SPEC D10)."""

from html import unescape
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tickets import actions
from tickets.models import Attachment

from ..conftest import _client_for, csrf_post
from ..factories import make_ticket

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HELPDESK_ATTACHMENT_MAX_BYTES = 1024
    return settings.MEDIA_ROOT


@pytest.fixture
def ticket(alice):
    return make_ticket(alice, title="Printer on fire")


def html(response):
    return unescape(response.content.decode())


def stored_files(media):
    return sorted(path.name for path in Path(media).rglob("*") if path.is_file())


def upload(client, ticket, *files, **extra):
    return csrf_post(client, reverse("tickets:attachment_upload", args=[ticket.pk]), {"files": list(files)}, **extra)


def text_file(name="notes.txt", content=b"hello, world\n"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


def attach(client, ticket, name="notes.txt", content=b"hello, world\n"):
    upload(client, ticket, text_file(name, content), **HTMX)
    return Attachment.objects.get(ticket=ticket, original_name=name)


def download_url(ticket, attachment):
    return reverse("tickets:attachment_download", args=[ticket.pk, attachment.pk])


def delete_url(ticket, attachment):
    return reverse("tickets:attachment_delete", args=[ticket.pk, attachment.pk])


# --- upload -------------------------------------------------------------------------------------

@pytest.mark.spec("D10")
def test_uploading_files_stores_them_under_random_names_and_lists_them(alice_client, alice, ticket, media):
    response = upload(alice_client, ticket, text_file("notes.txt"), text_file("Report 2024.pdf", b"%PDF-1.4"), **HTMX)

    assert response.status_code == 201
    attachments = Attachment.objects.filter(ticket=ticket).order_by("original_name")
    assert [a.original_name for a in attachments] == ["Report 2024.pdf", "notes.txt"]
    pdf, txt = attachments
    assert (txt.size, txt.content_type, txt.uploaded_by) == (13, "text/plain", alice)
    assert pdf.content_type == "application/pdf"
    for attachment in attachments:
        stored = Path(attachment.file.name)
        assert stored.parent.name == "attachments"
        assert len(stored.stem) == 32 and attachment.original_name not in stored.name  # random, not guessable
    assert len(stored_files(media)) == 2
    body = html(response)
    assert body.lstrip().startswith('<section class="card rel-card" id="ticket-attachments"')
    assert "notes.txt" in body and "13 bytes" in body and "Alice Archer" in body
    assert "2 files attached to" in response["HX-Trigger"]


@pytest.mark.spec("D10")
def test_the_content_type_comes_from_the_extension_never_from_the_browser(alice_client, ticket):
    upload(alice_client, ticket, SimpleUploadedFile("notes.txt", b"Call back at 9", content_type="text/html"), **HTMX)

    assert Attachment.objects.get().content_type == "text/plain"


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.mark.spec("D10", "B9", "X2")
@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("photo.png", b"<html><script>alert(1)</script></html>", "“photo.png” is not a PNG file: its content does not match its name."),
        ("invoice.pdf", PNG, "“invoice.pdf” is not a PDF file"),
        ("notes.txt", b"  <!DOCTYPE html><html><body onload=alert(1)>", "“notes.txt” is a web page, not text"),
        ("drawing.txt", b"<svg onload=alert(1)>", "is a web page, not text"),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(alice_client, ticket, name, content, reason):
    response = upload(alice_client, ticket, SimpleUploadedFile(name, content), **HTMX)

    assert response.status_code == 422
    assert reason in html(response)
    assert not Attachment.objects.exists()


@pytest.mark.spec("D10")
def test_files_whose_content_matches_their_name_are_kept(alice_client, ticket):
    upload(alice_client, ticket, SimpleUploadedFile("photo.png", PNG), SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n"),
           **HTMX)

    assert sorted(Attachment.objects.values_list("original_name", "content_type")) == [
        ("photo.png", "image/png"), ("scan.pdf", "application/pdf"),
    ]


@pytest.mark.spec("D10", "X2")
def test_an_oversized_file_is_refused_by_name_and_nothing_is_stored(alice_client, ticket, media):
    response = upload(alice_client, ticket, text_file("small.txt"), text_file("big.txt", b"x" * 2048), **HTMX)

    assert response.status_code == 422
    body = html(response)
    assert "“big.txt” is 2 KB; attachments can be at most 1 KB." in body
    assert "Nothing was uploaded." in body
    assert 'role="alert"' in body
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


@pytest.mark.spec("D10", "X2")
@pytest.mark.parametrize("name", ["page.html", "logo.svg", "run.exe", "script.js", "README"])
def test_a_file_type_outside_the_allowlist_is_refused(alice_client, ticket, media, name):
    response = upload(alice_client, ticket, text_file(name), **HTMX)

    assert response.status_code == 422
    body = html(response)
    assert f"“{name}” can't be attached" in body
    assert "Allowed types: " in body and "PDF" in body
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


@pytest.mark.spec("D10", "X2")
def test_a_very_long_name_is_shortened_but_keeps_its_extension(alice_client, ticket):
    response = upload(alice_client, ticket, text_file("a" * 300 + ".pdf", b"%PDF-1.4"), **HTMX)

    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert len(attachment.original_name) == 255
    assert attachment.original_name.endswith("aaa.pdf")
    assert attachment.content_type == "application/pdf"


@pytest.mark.spec("D10", "X2")
def test_an_empty_upload_gets_a_clear_message(alice_client, ticket):
    response = upload(alice_client, ticket, **HTMX)

    assert response.status_code == 422
    assert "Choose one or more files to upload." in html(response)


@pytest.mark.spec("D10", "X2")
def test_too_many_files_at_once_are_refused(alice_client, ticket, settings):
    settings.HELPDESK_ATTACHMENT_MAX_FILES = 2

    response = upload(alice_client, ticket, text_file("a.txt"), text_file("b.txt"), text_file("c.txt"), **HTMX)

    assert response.status_code == 422
    assert "Upload at most 2 files at a time; you chose 3." in html(response)
    assert not Attachment.objects.exists()


@pytest.mark.spec("D10", "X2")
def test_a_refused_upload_without_htmx_returns_to_the_ticket_with_the_message(alice_client, ticket):
    response = upload(alice_client, ticket, text_file("page.html"), follow=True)

    assert response.redirect_chain[-1][0].startswith(ticket.get_absolute_url())
    assert "“page.html” can't be attached" in html(response)


@pytest.mark.spec("D10", "T4")
def test_an_archived_ticket_refuses_uploads(alice_client, alice, ticket, media):
    actions.archive(ticket, alice)

    response = upload(alice_client, ticket, text_file(), **HTMX)

    assert response.status_code == 422
    assert "is archived and can't be changed. Unarchive it first." in html(response)
    assert "Upload files" not in html(response)
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


@pytest.mark.spec("D10", "X2")
def test_uploads_need_the_csrf_token(alice_client, ticket):
    response = alice_client.post(reverse("tickets:attachment_upload", args=[ticket.pk]), {"files": [text_file()]})

    assert response.status_code == 403
    assert not Attachment.objects.exists()


# --- download -----------------------------------------------------------------------------------

@pytest.mark.spec("D10")
def test_a_download_is_an_attachment_with_its_original_name_and_nosniff(alice_client, ticket):
    attachment = attach(alice_client, ticket, "Quarterly report.txt")

    response = alice_client.get(download_url(ticket, attachment))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"hello, world\n"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="Quarterly report.txt"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "text/plain"
    assert "private" in response["Cache-Control"]


@pytest.mark.spec("D10")
def test_a_name_outside_ascii_is_encoded_for_the_header(alice_client, ticket):
    attachment = attach(alice_client, ticket, "Überweisung €.txt")

    response = alice_client.get(download_url(ticket, attachment))

    assert "filename*=utf-8''%C3%9Cberweisung%20%E2%82%AC.txt" in response["Content-Disposition"]


@pytest.mark.spec("D10")
def test_another_agent_may_download(alice_client, bob, ticket):
    attachment = attach(alice_client, ticket)

    response = _client_for(bob).get(download_url(ticket, attachment))

    assert response.status_code == 200


@pytest.mark.spec("D10")
def test_anonymous_visitors_are_sent_to_sign_in_not_given_the_file(client, alice_client, ticket):
    attachment = attach(alice_client, ticket)

    response = client.get(download_url(ticket, attachment))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.spec("D10")
def test_an_attachment_asked_for_through_another_ticket_is_a_404(alice_client, alice, ticket):
    attachment = attach(alice_client, ticket)
    elsewhere = make_ticket(alice, title="Someone else's case")

    assert alice_client.get(download_url(elsewhere, attachment)).status_code == 404
    assert csrf_post(alice_client, delete_url(elsewhere, attachment), **HTMX).status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


@pytest.mark.spec("D10", "X2")
def test_a_file_missing_from_storage_is_a_404_not_a_500(alice_client, ticket):
    attachment = attach(alice_client, ticket)
    attachment.file.storage.delete(attachment.file.name)

    assert alice_client.get(download_url(ticket, attachment)).status_code == 404


@pytest.mark.spec("D10", "T4")
def test_an_archived_ticket_still_lets_people_download(alice_client, alice, ticket):
    attachment = attach(alice_client, ticket)
    actions.archive(ticket, alice)

    assert alice_client.get(download_url(ticket, attachment)).status_code == 200


# --- delete -------------------------------------------------------------------------------------

@pytest.mark.spec("D10")
def test_the_uploader_deletes_an_attachment_and_its_file_goes_after_commit(
    alice_client, ticket, media, django_capture_on_commit_callbacks
):
    attachment = attach(alice_client, ticket)
    assert len(stored_files(media)) == 1

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = csrf_post(alice_client, delete_url(ticket, attachment), **HTMX)
    assert len(stored_files(media)) == 1  # not before the commit
    for callback in callbacks:
        callback()

    assert response.status_code == 200
    assert not Attachment.objects.exists()
    assert stored_files(media) == []
    assert "No attachments yet." in html(response)


@pytest.mark.spec("D10", "R3")
def test_another_agent_may_not_delete_someone_elses_file(alice_client, bob, ticket, media):
    attachment = attach(alice_client, ticket)
    bob_client = _client_for(bob)

    page = html(bob_client.get(ticket.get_absolute_url()))
    response = csrf_post(bob_client, delete_url(ticket, attachment), **HTMX)

    assert f"Delete {attachment.original_name}" not in page
    assert response.status_code == 403
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert len(stored_files(media)) == 1


@pytest.mark.spec("D10", "R3")
def test_a_team_leader_with_the_delete_right_may_delete_any_file(alice_client, lead_client, ticket, media):
    attachment = attach(alice_client, ticket)

    assert f"Delete {attachment.original_name}" in html(lead_client.get(ticket.get_absolute_url()))
    with_commit = csrf_post(lead_client, delete_url(ticket, attachment), **HTMX)

    assert with_commit.status_code == 200
    assert not Attachment.objects.exists()


@pytest.mark.spec("D10", "T4")
def test_an_archived_ticket_refuses_deletes(alice_client, alice, ticket, media):
    attachment = attach(alice_client, ticket)
    actions.archive(ticket, alice)

    response = csrf_post(alice_client, delete_url(ticket, attachment), **HTMX)

    assert response.status_code == 422
    assert "is archived and can't be changed" in html(response)
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert len(stored_files(media)) == 1


@pytest.mark.spec("D10", "X2")
def test_deletes_need_the_csrf_token_and_a_post(alice_client, ticket):
    attachment = attach(alice_client, ticket)

    assert alice_client.post(delete_url(ticket, attachment), **HTMX).status_code == 403
    assert alice_client.get(delete_url(ticket, attachment)).status_code == 405
    assert Attachment.objects.filter(pk=attachment.pk).exists()
