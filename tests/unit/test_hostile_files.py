"""Files built to hurt: each is refused with a clear message, or taken only for what it really is (SPEC B9, L12, D10).

Imports: zip bombs, XML entity bombs and external entities, files that are not what their name
says. Attachments: names that climb folders, hide their extension or carry control characters,
and content that is not what the extension says.
"""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tickets.imports import ImportFileError, check_upload
from tickets.models import Attachment

from ..conftest import csrf_post
from ..factories import make_ticket

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"


def workbook_bytes(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet_xml(xml):
    """A real workbook whose sheet is replaced by `xml`."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes([["Title"], ["One"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(entry, xml if entry.filename == SHEET else source.read(entry))
    return buffer.getvalue()


ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>Title</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>&f;</t></is></c></row></sheetData></worksheet>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>Title</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>&secret;</t></is></c></row></sheetData></worksheet>"""

UNREADABLE = "can't be read as an Excel workbook"


@pytest.mark.spec("L12", "B9")
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("lolz.xlsx", with_sheet_xml(ENTITY_BOMB), UNREADABLE),  # defusedxml refuses entity definitions
        ("secret.xlsx", with_sheet_xml(EXTERNAL_ENTITY), UNREADABLE),
        ("bomb.xlsx", None, "once unpacked; an import can hold at most"),
        ("truncated.xlsx", workbook_bytes([["Title"], ["One"]])[:400], UNREADABLE),
        ("empty.xlsx", b"PK\x05\x06" + b"\x00" * 18, UNREADABLE),
        ("really.xlsx", b"Title\nOne\n", UNREADABLE),
        ("program.csv", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "is not a text file"),
        ("utf16.csv", "Title\nOne\n".encode("utf-16"), "is not a text file"),
        ("latin1.csv", "Title\nCaf\xe9\n".encode("latin-1"), "is not UTF-8 text"),
        ("macro.xlsm", workbook_bytes([["Title"], ["One"]]), "Choose an Excel workbook (.xlsx) or a CSV file (.csv)."),
    ],
)
def test_a_hostile_import_file_is_refused_with_a_message(settings, name, content, message):
    if content is None:  # a few kB that unpack to 50 MB
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(SHEET, b"0" * 50_000_000)
        content = buffer.getvalue()
    with pytest.raises(ImportFileError) as refused:
        check_upload(SimpleUploadedFile(name, content))
    assert message in refused.value.message


@pytest.mark.spec("L12", "L11")
def test_formulas_in_an_import_are_taken_as_the_text_they_are(db):
    rows = check_upload(SimpleUploadedFile("tickets.csv", b'Title,Description\n=HYPERLINK("http://evil"),@SUM(1+1)\n'))
    assert rows[0]["data"]["title"] == '=HYPERLINK("http://evil")'  # stored as text; the export neutralises it


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def attach(client, ticket, name, content):
    url = reverse("tickets:attachment_upload", args=[ticket.pk])
    return csrf_post(client, url, {"files": [SimpleUploadedFile(name, content)]}, HTTP_HX_REQUEST="true")


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.mark.spec("D10", "B9")
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf.exe", b"MZ", ".exe files are not allowed"),
        ("invoice\u202efdp.exe", b"MZ", ".exe files are not allowed"),  # shows as "invoiceexe.pdf"
        ("page.html", b"<html>", ".html files are not allowed"),
        ("logo.svg", b"<svg onload=alert(1)>", ".svg files are not allowed"),
        ("photo.png", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "is not a PNG file"),
        ("photo.jpg", PNG, "is not a JPG file"),
        ("readme", b"hello", "files without an extension are not allowed"),
        ("notes.txt", b"<script>alert(1)</script>", "is a web page, not text"),
        ("blank.txt", b"", "is empty"),
    ],
)
def test_a_hostile_attachment_is_refused_and_nothing_is_stored(alice, alice_client, media, name, content, message):
    ticket = make_ticket(alice)

    response = attach(alice_client, ticket, name, content)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    assert not any((media / "attachments").glob("*"))


@pytest.mark.spec("D10", "B9")
@pytest.mark.parametrize(
    ("name", "kept_as"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\win.ini.txt", "win.ini.txt"),
        ("C:/Users/alice/notes.txt", "notes.txt"),
        ("a" * 300 + ".txt", "a" * 251 + ".txt"),
    ],
)
def test_an_attachment_name_never_becomes_a_path(alice, alice_client, media, name, kept_as):
    ticket = make_ticket(alice)

    assert attach(alice_client, ticket, name, b"plain text").status_code == 201

    attachment = Attachment.objects.get()
    assert attachment.original_name == kept_as
    stored = media / attachment.file.name
    assert stored.parent == media / "attachments" and stored.exists()  # a random name in its own folder
