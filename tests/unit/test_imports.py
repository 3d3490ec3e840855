"""Importing tickets from XLSX or CSV (SPEC L12): reading, row checks, preview, the task, rights."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from configurations.models import CustomField, Priority, Status
from notifications.models import Notification
from tickets.imports import ImportFileError, check_upload
from tickets.models import Contact, Ticket, TicketEvent, TicketImport
from tickets.tasks import run_import

from ..conftest import csrf_post
from ..factories import (
    AccountFactory,
    CategoryFactory,
    ContactFactory,
    CustomFieldFactory,
    SLAPolicyFactory,
    SubStatusFactory,
    TagFactory,
    TicketTypeFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.spec("L12")]

UPLOAD = reverse("tickets:import_upload")
HEADER = ["Title", "Priority", "Assigned agent", "Tags", "Customer email", "Customer name"]


def xlsx(rows, name="tickets.xlsx"):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def zipped(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def csv_file(text, name="tickets.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8-sig"))


def checked(rows):
    """The checked rows of an XLSX file made of `rows` (a header first)."""
    return check_upload(xlsx(rows))


def reasons(*cells, header=("Title", "Status", "Priority", "Type", "Category", "Assigned team", "Assigned agent",
                            "Tags", "Customer email", "Customer phone", "Customer name", "Deadline")):
    """The reasons given for one row whose cells follow `header` (missing cells are empty)."""
    [row] = checked([list(header), list(cells)])
    return row.get("errors", [])


def upload(client, file):
    return csrf_post(client, UPLOAD, {"file": file})


def confirm(client, job, capture):
    with capture(execute=True):
        return csrf_post(client, reverse("tickets:import_confirm", args=[job.pk]))


@pytest.fixture
def tags(db):
    return [TagFactory(name="vip"), TagFactory(name="refund")]


# --- reading files --------------------------------------------------------------------------------

def test_an_xlsx_file_is_read_with_headers_in_any_case_and_typed_cells(alice, support_team, tags):
    kind = TicketTypeFactory(name="Incident")
    deadline = dt.datetime(2025, 3, 31, 17, 0)
    rows = checked([
        ["TITLE", "priority", "assigned AGENT", "Assigned team", "tags", "Type", "Deadline", "Customer phone",
         "Customer name"],
        ["Printer on fire", "High", "alice", "support", "VIP, refund", "incident", deadline, 442079460001, "Jo"],
        [None, None, None, None, None, None, None, None, None],  # blank rows are skipped
        ["Second ticket", None, "alice@example.com", None, None, None, None, None, None],
    ])

    assert [row["row"] for row in rows] == [2, 4]
    first = rows[0]["data"]
    assert first["title"] == "Printer on fire"
    assert first["priority"] == Priority.HIGH
    assert first["assignee"] == alice.pk
    assert first["team"] == support_team.pk
    assert first["tags"] == [tags[0].pk, tags[1].pk]
    assert first["ticket_type"] == kind.pk
    assert first["deadline"] == "2025-03-31T17:00:00+00:00"
    assert first["contact"] == {"new": {"name": "Jo", "email": "", "phone": "442079460001"}}
    assert rows[1]["data"]["assignee"] == alice.pk


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_csv_file_is_read_with_commas_or_semicolons(alice, tags, delimiter):
    text = delimiter.join(["Title", "Tags", "Deadline", "Re-open date", "Status"]) + "\r\n"
    text += delimiter.join(["Café order lost", '"vip,refund"', "31/03/2025 17:00", "2025-04-02 09:30", "Pending"])
    [row] = check_upload(csv_file(text))

    data = row["data"]
    assert data["title"] == "Café order lost"
    assert data["tags"] == [tags[0].pk, tags[1].pk]
    assert data["deadline"] == "2025-03-31T17:00:00+00:00"
    assert data["reopen_at"] == "2025-04-02T09:30:00+00:00"
    assert data["status"] == Status.PENDING


def test_an_existing_contact_is_found_by_email_or_phone(db):
    by_email = ContactFactory(email="Jane@Example.com", phone="")
    by_phone = ContactFactory(email="", phone="+44 20 7946 0001")
    rows = checked([
        ["Title", "Customer email", "Customer phone"],
        ["One", "jane@example.com", ""],
        ["Two", "", "+44 20 7946 0001"],
    ])
    assert [row["data"]["contact"] for row in rows] == [{"id": by_email.pk}, {"id": by_phone.pk}]


# --- row checks -----------------------------------------------------------------------------------

def test_each_kind_of_problem_gives_a_clear_reason(alice, support_team, tags):
    assert reasons("Broken", "Closed") == ["Status “Closed” is not one of Submitted, Pending, Ongoing, Resolved."]
    assert reasons("Broken", "", "urgentt") == ["Priority “urgentt” is not one of Low, Normal, High, Urgent."]
    assert reasons("Broken", "", "", "Complaint") == ["Type “Complaint” does not exist."]
    assert reasons("Broken", "", "", "", "Hardware") == ["Category “Hardware” does not exist."]
    assert reasons("Broken", "", "", "", "", "Sales") == [
        "Assigned team “Sales” does not exist; choose one of Support."
    ]
    assert reasons("Broken", "", "", "", "", "", "zed") == [
        "Assigned agent “zed” is not an active user's username or email address."
    ]
    assert reasons("Broken", "", "", "", "", "", "", "vip, nope") == [
        "Tag “nope” does not exist; a team leader creates tags."
    ]
    assert reasons("", "Pending") == ["Title is empty; every ticket needs a title."]
    assert reasons("Broken", *[""] * 10, "next tuesday") == [
        "Deadline “next tuesday” is not a date and time; write e.g. 2025-03-31 17:00 or 31/03/2025 17:00."
    ]
    assert reasons("Broken", *[""] * 7, "not-an-email") == ["Customer email “not-an-email” is not an email address."]
    assert reasons("Broken", *[""] * 8, "call me") == [
        "Customer phone “call me” is not a phone number: 6 to 20 digits, optionally starting with +."
    ]
    assert reasons("Broken", *[""] * 7, "new@example.com") == [
        "No contact has the email address “new@example.com”; add a Customer name to create one."
    ]
    assert reasons("Broken", "Ongoing", "urgentt", "", "", "Sales") == [
        "Priority “urgentt” is not one of Low, Normal, High, Urgent.",
        "Assigned team “Sales” does not exist; choose one of Support.",
    ]


def test_more_tags_than_a_ticket_may_have_is_refused(db, settings):
    settings.HELPDESK_TAGS_PER_TICKET = 2
    for name in ("a", "b", "c"):
        TagFactory(name=name)
    assert reasons("Broken", *[""] * 6, "a, b, c") == ["3 tags given; a ticket can have at most 2."]


def test_a_sub_status_must_belong_to_the_row_status(db):
    waiting = SubStatusFactory(status=Status.PENDING, name="Waiting on parts")
    [ok, wrong] = checked([
        ["Title", "Status", "Sub-status"],
        ["Parts", "", "waiting on parts"],
        ["Parts", "Ongoing", "Waiting on parts"],
    ])
    assert ok["data"]["status"] == Status.PENDING
    assert ok["data"]["sub_status"] == waiting.pk
    assert wrong["errors"] == ["Sub-status “Waiting on parts” is not a sub-status of Ongoing."]


def test_custom_fields_are_columns_by_name_required_and_typed(db):
    CustomFieldFactory(name="Order number", key="order", required=True)
    CustomFieldFactory(name="Amount", key="amount", field_type=CustomField.FieldType.NUMBER)
    CustomFieldFactory(name="Channel", key="channel", field_type=CustomField.FieldType.CHOICE, choices=["Web", "Shop"])
    rows = checked([
        ["Title", "order number", "Amount", "Channel"],
        ["Good", "A-1", "12,50", "web"],
        ["Missing", "", "", ""],
        ["Wrong", "A-3", "lots", "Phone"],
    ])
    assert rows[0]["data"]["custom_values"] == {"order": "A-1", "amount": "12.50", "channel": "Web"}
    assert rows[1]["errors"] == ["Order number is required."]
    assert rows[2]["errors"] == ["Amount “lots” is not a number.", "Channel “Phone” is not one of Web, Shop."]


def test_a_custom_field_of_another_category_is_refused(db):
    hardware = CategoryFactory(name="Hardware")
    CategoryFactory(name="Billing")
    CustomFieldFactory(name="Serial", key="serial", category=hardware)
    rows = checked([["Title", "Category", "Serial"], ["A", "Hardware", "SN1"], ["B", "Billing", "SN2"]])
    assert rows[0]["data"]["custom_values"] == {"serial": "SN1"}
    assert rows[1]["errors"] == ["Serial only applies to the category Hardware."]


def test_checking_a_file_costs_the_same_queries_for_3_rows_or_300(alice, support_team, tags):
    ContactFactory(email="known@example.com")
    AccountFactory(name="Acme")
    header = ["Title", "Assigned agent", "Assigned team", "Tags", "Customer email", "Customer name", "Account"]
    row = ["Broken", "alice", "Support", "vip", "known@example.com", "", "Acme"]
    with CaptureQueriesContext(connection) as few:
        checked([header, *[row] * 3])
    with CaptureQueriesContext(connection) as many:
        rows = checked([header, *[row] * 300])
    assert len(many) == len(few) <= 12
    assert all("data" in row for row in rows)


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("notes.txt", b"hello"), "Choose an Excel workbook (.xlsx) or a CSV file (.csv)."),
        (SimpleUploadedFile("fake.xlsx", b"this is not a zip"), "can't be read as an Excel workbook"),
        (SimpleUploadedFile("empty.csv", b""), "is empty"),
        (SimpleUploadedFile("blank.csv", b"\r\n\r\n"), "is empty: the first row should name the columns"),
        (SimpleUploadedFile("latin.csv", "Title\r\nCafé".encode("latin-1")), "is not UTF-8 text"),
        (SimpleUploadedFile("header.csv", b"Title,Priority\r\n"), "has a header row but no tickets below it"),
        (SimpleUploadedFile("notitle.csv", b"Priority\r\nHigh\r\n"), "The file has no Title column"),
        (SimpleUploadedFile("odd.csv", b"Title,Colour,Mood\r\nA,red,ok\r\n"), "Unknown columns: “Colour”, “Mood”."),
        (SimpleUploadedFile("wide.csv", b"Title\r\nA,extra\r\n"), "Row 2 has values in a column without a header"),
        (SimpleUploadedFile("gap.csv", b"Title,,Priority\r\nA,x,High\r\n"), "Row 2 has values in a column without"),
        (SimpleUploadedFile("word.xlsx", zipped({"word/document.xml": b"<w/>"})), "can't be read as an Excel workbook"),
        (SimpleUploadedFile("bomb.xlsx", zipped({"xl/big.xml": b"0" * 3_000_000})),
         "holds 2.9 MB once unpacked; an import can hold at most 195 KB"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_as_a_whole(db, settings, file, message):
    settings.HELPDESK_IMPORT_MAX_UNPACKED_BYTES = 200_000  # the zip bomb: 3 MB unpacked from a few kB
    with pytest.raises(ImportFileError) as refused:
        check_upload(file)
    assert message in refused.value.message


def test_too_many_rows_or_bytes_are_refused(db, settings):
    settings.HELPDESK_IMPORT_MAX_ROWS = 2
    with pytest.raises(ImportFileError, match="more than 2 rows"):
        check_upload(csv_file("Title\nA\nB\nC\n"))
    settings.HELPDESK_IMPORT_MAX_BYTES = 10
    with pytest.raises(ImportFileError, match="an import can be at most"):
        check_upload(csv_file("Title\nA long enough file\n"))


@pytest.mark.spec("L12", "X2")
def test_a_small_file_with_a_huge_cell_is_refused_before_anything_is_stored(db, settings, lead_client):
    from tickets.models import TicketImport

    settings.HELPDESK_IMPORT_MAX_CELL_CHARS = 5000
    huge = xlsx([["Title", "Description"], ["Printer", "x" * 20_000]])
    assert huge.size < 10_000  # it packs small...

    with pytest.raises(ImportFileError, match="Row 2, column 2 holds 20,000 characters; a cell can hold at most 5,000"):
        check_upload(huge)
    huge.seek(0)
    response = upload(lead_client, huge)
    assert response.status_code == 422 and "a cell can hold at most 5,000" in response.content.decode()
    assert not TicketImport.objects.exists()  # ...and nothing of it is kept


@pytest.mark.spec("L12", "X2")
def test_a_row_too_long_in_total_is_refused(db, settings):
    settings.HELPDESK_IMPORT_MAX_ROW_CHARS = 100
    with pytest.raises(ImportFileError, match="Row 2 holds 120 characters; a row can hold at most 100"):
        check_upload(csv_file("Title,Description\n" + "t" * 60 + "," + "d" * 60 + "\n"))


@pytest.mark.spec("L12")
def test_the_preview_shows_a_long_title_shortened(db):
    rows = checked([["Title"], ["x" * 500]])
    assert len(rows[0]["title"]) == 200 and rows[0]["title"].endswith("…")


# --- upload, preview, confirm, report --------------------------------------------------------------

def test_a_file_with_one_bad_row_creates_the_others_through_the_actions_and_reports_the_bad_row(
    lead, lead_client, alice, tags, django_capture_on_commit_callbacks
):
    policy = SLAPolicyFactory()
    CategoryFactory(name="Hardware", sla_policy=policy)
    file = xlsx([
        ["Title", "Priority", "Category", "Assigned agent", "Tags", "Customer email", "Customer name"],
        ["Printer on fire", "High", "Hardware", "alice", "vip", "jo@example.com", "Jo Jones"],
        ["Scanner jammed", "urgentt", "Hardware", "", "", "", ""],
        ["Mouse missing", "Low", "", "alice@example.com", "", "jo@example.com", "Jo Jones"],
    ], name="march.xlsx")

    response = upload(lead_client, file)
    job = TicketImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:import_detail", args=[job.pk])
    assert job.state == TicketImport.State.PREVIEW
    assert job.user == lead
    assert job.original_name == "march.xlsx"
    assert job.rows_total == 3
    assert not Ticket.objects.exists()

    preview = lead_client.get(response["Location"])
    page = preview.content.decode()
    assert "2 rows are ready" in page and "1 with problems" in page
    assert "Priority “urgentt” is not one of Low, Normal, High, Urgent." in page
    assert "Import 2 tickets" in page

    response = confirm(lead_client, job, django_capture_on_commit_callbacks)
    assert response.status_code == 302

    job.refresh_from_db()
    assert job.state == TicketImport.State.DONE
    assert (job.created_count, job.failed_count, job.rows_done) == (2, 1, 3)
    printer, mouse = Ticket.objects.order_by("pk")
    assert printer.title == "Printer on fire"
    assert printer.priority == Priority.HIGH
    assert printer.assignee == alice
    assert printer.created_by == lead
    assert list(printer.tags.all()) == [tags[0]]
    assert printer.version == 1
    assert printer.deadline is not None and not printer.deadline_is_manual  # the SLA set it, as on creation
    event = TicketEvent.objects.get(ticket=printer)
    assert event.kind == TicketEvent.Kind.CREATED
    assert event.actor == lead
    # The first row made the contact; the third found it instead of making another.
    assert Contact.objects.filter(email="jo@example.com").count() == 1
    assert printer.contact == mouse.contact

    assert job.report == [
        {"row": 2, "title": "Printer on fire", "ticket": printer.pk, "reference": printer.reference},
        {
            "row": 3,
            "title": "Scanner jammed",
            "errors": ["Priority “urgentt” is not one of Low, Normal, High, Urgent."],
        },
        {"row": 4, "title": "Mouse missing", "ticket": mouse.pk, "reference": mouse.reference},
    ]
    report = lead_client.get(reverse("tickets:import_detail", args=[job.pk])).content.decode()
    assert "Created 2 tickets · " in report and "1 row failed" in report
    assert printer.reference in report and reverse("tickets:ticket_detail", args=[printer.pk]) in report

    notice = Notification.objects.get(user=lead)
    assert notice.kind == Notification.Kind.SYSTEM
    assert notice.title == "Import of march.xlsx finished"
    assert notice.body == "2 created, 1 failed"
    assert notice.url == reverse("tickets:import_detail", args=[job.pk])


def test_the_category_status_rules_are_told_in_the_preview(db):
    CategoryFactory(name="Returns", require_reopen_date_for_pending=True, require_substatus_to_resolve=True)
    rows = checked([
        ["Title", "Status", "Category", "Re-open date"],
        ["A", "Pending", "Returns", ""],
        ["B", "Resolved", "Returns", ""],
        ["C", "Ongoing", "", "2025-04-02 09:30"],
    ])
    assert [row["errors"] for row in rows] == [
        ["The category “Returns” needs a re-open date before the ticket can be set to Pending."],
        ["The category “Returns” needs a sub-status before the ticket can be resolved."],
        ["A re-open date can only be set on Pending or Resolved tickets."],
    ]


def test_a_row_the_actions_refuse_at_creation_is_reported_and_nothing_of_it_is_saved(
    lead, lead_client, django_capture_on_commit_callbacks
):
    returns = CategoryFactory(name="Returns")
    file = xlsx([
        ["Title", "Status", "Category", "Customer email", "Customer name"],
        ["Parcel back", "Pending", "Returns", "new@example.com", "New Person"],
        ["Parcel lost", "Ongoing", "Returns", "", ""],
    ])
    upload(lead_client, file)
    job = TicketImport.objects.get()
    assert all("data" in row for row in job.rows)
    # A team leader tightens the category between the preview and the import.
    returns.require_reopen_date_for_pending = True
    returns.save()

    confirm(lead_client, job, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert job.report[0] == {
        "row": 2,
        "title": "Parcel back",
        "errors": ["The category “Returns” needs a re-open date before the ticket can be set to Pending."],
    }
    assert list(Ticket.objects.values_list("title", flat=True)) == ["Parcel lost"]
    assert not Contact.objects.filter(email="new@example.com").exists()
    assert (job.created_count, job.failed_count) == (1, 1)


def test_a_row_whose_team_was_deleted_after_the_preview_is_reported(
    lead_client, billing_team, django_capture_on_commit_callbacks
):
    upload(lead_client, csv_file("Title,Assigned team\nA,Billing\nB,\n"))
    job = TicketImport.objects.get()
    billing_team.delete()

    confirm(lead_client, job, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert job.report[0]["errors"] == ["The assigned team of this row was deleted after the preview."]
    assert list(Ticket.objects.values_list("title", flat=True)) == ["B"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("tickets.pdf", b"%PDF-1.4"),
        ("tickets.xlsx", b"PK\x03\x04 broken zip"),
        ("tickets.csv", b""),
        ("tickets.csv", b"Colour\r\nred\r\n"),
        ("tickets.csv", b"Title,Mood\r\nA,ok\r\n"),
    ],
)
def test_a_bad_file_gets_a_message_at_the_file_field_and_changes_nothing(lead_client, name, content):
    response = upload(lead_client, SimpleUploadedFile(name, content))

    assert response.status_code == 422
    assert response.context["form"].errors["file"]
    assert 'class="field-error"' in response.content.decode()
    assert not TicketImport.objects.exists()
    assert not Ticket.objects.exists()


def test_a_file_over_the_row_limit_is_refused_at_the_file_field(lead_client, settings):
    settings.HELPDESK_IMPORT_MAX_ROWS = 1
    response = upload(lead_client, csv_file("Title\nA\nB\n"))
    assert response.status_code == 422
    assert "more than 1 rows" in response.context["form"].errors["file"][0]
    assert not TicketImport.objects.exists()


def test_cancel_deletes_the_preview_and_its_file(lead_client, django_capture_on_commit_callbacks):
    upload(lead_client, csv_file("Title\nA\n"))
    job = TicketImport.objects.get()
    storage, path = job.file.storage, job.file.name
    assert storage.exists(path)

    with django_capture_on_commit_callbacks(execute=True):
        response = csrf_post(lead_client, reverse("tickets:import_cancel", args=[job.pk]))

    assert response.status_code == 302
    assert not TicketImport.objects.exists()
    assert not storage.exists(path)
    assert not Ticket.objects.exists()


def test_a_running_import_polls_and_a_done_one_stops_polling(lead, lead_client):
    job = TicketImport.objects.create(
        user=lead, file="imports/x.csv", original_name="x.csv", state=TicketImport.State.RUNNING,
        rows_total=4, rows_done=1,
    )
    url = reverse("tickets:import_detail", args=[job.pk])
    running = lead_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in running and "1 of 4 rows done" in running
    assert "<html" not in running

    TicketImport.objects.filter(pk=job.pk).update(state=TicketImport.State.DONE, created_count=4)
    done = lead_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in done and "Created 4 tickets" in done


# --- rights and ownership --------------------------------------------------------------------------

def test_the_import_button_shows_only_with_the_right(alice_client, lead_client):
    assert UPLOAD in lead_client.get(reverse("tickets:ticket_list")).content.decode()
    assert UPLOAD not in alice_client.get(reverse("tickets:ticket_list")).content.decode()


def test_an_agent_without_the_right_is_refused_everywhere(alice, alice_client, lead, lead_client):
    upload(lead_client, csv_file("Title\nA\n"))
    job = TicketImport.objects.get()

    assert alice_client.get(UPLOAD).status_code == 403
    assert upload(alice_client, csv_file("Title\nB\n")).status_code == 403
    assert alice_client.get(reverse("tickets:import_template")).status_code == 403
    assert alice_client.get(reverse("tickets:import_detail", args=[job.pk])).status_code == 403
    assert csrf_post(alice_client, reverse("tickets:import_confirm", args=[job.pk])).status_code == 403
    assert TicketImport.objects.count() == 1
    assert TicketImport.objects.get().state == TicketImport.State.PREVIEW
    assert not Ticket.objects.exists()


def test_another_users_import_is_not_found(lead_client, admin_user, admin_client_):
    upload(lead_client, csv_file("Title\nA\n"))
    job = TicketImport.objects.get()

    assert admin_client_.get(reverse("tickets:import_detail", args=[job.pk])).status_code == 404
    assert csrf_post(admin_client_, reverse("tickets:import_confirm", args=[job.pk])).status_code == 404
    assert csrf_post(admin_client_, reverse("tickets:import_cancel", args=[job.pk])).status_code == 404
    assert TicketImport.objects.get().state == TicketImport.State.PREVIEW
    assert not Ticket.objects.exists()


def test_posts_need_the_csrf_token(lead_client):
    upload(lead_client, csv_file("Title\nA\n"))
    job = TicketImport.objects.get()
    response = lead_client.post(reverse("tickets:import_confirm", args=[job.pk]))
    assert response.status_code == 403
    assert TicketImport.objects.get().state == TicketImport.State.PREVIEW


# --- the task ------------------------------------------------------------------------------------

def test_running_the_task_twice_creates_each_ticket_once(lead, lead_client, django_capture_on_commit_callbacks):
    upload(lead_client, csv_file("Title\nOne\nTwo\nThree\n"))
    job = TicketImport.objects.get()
    confirm(lead_client, job, django_capture_on_commit_callbacks)
    assert Ticket.objects.count() == 3

    run_import(job.pk)
    assert Ticket.objects.count() == 3
    assert Notification.objects.filter(user=lead).count() == 1


def test_a_redelivered_task_resumes_after_the_rows_already_reported(lead, lead_client):
    upload(lead_client, csv_file("Title\nOne\nTwo\nThree\n"))
    job = TicketImport.objects.get()
    # An earlier run committed the first row's batch, then its worker died.
    job.state = TicketImport.State.RUNNING
    job.report = [{"row": 2, "title": "One", "ticket": 0, "reference": "T-000000"}]
    job.save()

    run_import(job.pk)

    job.refresh_from_db()
    assert list(Ticket.objects.order_by("pk").values_list("title", flat=True)) == ["Two", "Three"]
    assert [entry["row"] for entry in job.report] == [2, 3, 4]
    assert (job.state, job.created_count) == (TicketImport.State.DONE, 3)


def test_an_unexpected_error_stops_the_import_keeping_only_whole_batches(lead, lead_client, monkeypatch):
    import tickets.imports.running as task_module
    from tickets import actions

    upload(lead_client, csv_file("Title\nOne\nTwo\nThree\n"))
    job = TicketImport.objects.get()
    TicketImport.objects.filter(pk=job.pk).update(state=TicketImport.State.QUEUED)
    create = actions.create_ticket

    def create_or_crash(actor, *, title, **kwargs):
        if title == "Three":
            raise RuntimeError("database went away")
        return create(actor, title=title, **kwargs)

    monkeypatch.setattr(task_module, "BATCH", 2)
    monkeypatch.setattr(actions, "create_ticket", create_or_crash)
    with pytest.raises(RuntimeError):
        run_import(job.pk)

    job.refresh_from_db()
    assert job.state == TicketImport.State.FAILED
    assert "stopped on an unexpected error after 2 of 3 rows" in job.error
    assert list(Ticket.objects.order_by("pk").values_list("title", flat=True)) == ["One", "Two"]
    assert [entry["row"] for entry in job.report] == [2, 3]
    assert Notification.objects.get(user=lead).title == "Import of tickets.csv stopped"
    page = lead_client.get(reverse("tickets:import_detail", args=[job.pk])).content.decode()
    assert "stopped on an unexpected error" in page and "Created 2 tickets" in page
    assert "every 1s" not in page


def test_the_task_does_nothing_for_an_import_still_in_preview(lead_client):
    upload(lead_client, csv_file("Title\nOne\n"))
    job = TicketImport.objects.get()
    run_import(job.pk)
    assert not Ticket.objects.exists()
    assert TicketImport.objects.get().state == TicketImport.State.PREVIEW


# --- the template --------------------------------------------------------------------------------

def test_the_xlsx_template_lists_allowed_values_and_its_example_row_imports_cleanly(lead, lead_client, tags):
    TicketTypeFactory(name="Incident")
    category = CategoryFactory(name="Hardware")
    CustomFieldFactory(name="Serial", key="serial", required=True, category=category)
    CustomFieldFactory(name="Channel", key="channel", field_type=CustomField.FieldType.CHOICE,
                       choices=["Web", "Shop"], required=True)

    response = lead_client.get(reverse("tickets:import_template"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ticket-import-template.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Tickets", "Allowed values"]
    header = [cell.value for cell in book["Tickets"][1]]
    assert header[:3] == ["Title", "Description", "Status"] and header[-2:] == ["Channel", "Serial"]
    columns = book["Allowed values"].columns
    allowed = {column[0].value: [cell.value for cell in column[1:] if cell.value] for column in columns}
    assert allowed["Priority"] == ["Low", "Normal", "High", "Urgent"]
    assert allowed["Tags"] == ["refund", "vip"]

    upload(lead_client, SimpleUploadedFile("ticket-import-template.xlsx", response.content))
    [row] = TicketImport.objects.get().rows
    assert "errors" not in row, row
    assert row["data"]["custom_values"] == {"serial": "Example", "channel": "Web"}


def test_the_csv_template_imports_cleanly(lead_client):
    response = lead_client.get(reverse("tickets:import_template_csv"))
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbfTitle,")
    upload(lead_client, SimpleUploadedFile("template.csv", response.content))
    [row] = TicketImport.objects.get().rows
    assert "errors" not in row, row


def test_the_upload_page_explains_the_columns(lead_client):
    CustomFieldFactory(name="Order number", key="order", required=True)
    page = lead_client.get(UPLOAD).content.decode()
    assert 'accept=".xlsx,.csv"' in page
    assert reverse("tickets:import_template") in page
    assert "Order number" in page and "Required." in page
