"""Export of the ticket list to XLSX (SPEC L11): same rows as the list, in the background, told once."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from configurations.models import CustomField, Status
from notifications.models import Notification
from tickets import actions, exports
from tickets.models import CustomFieldValue, Ticket, TicketExport, TicketView
from tickets.tasks import run_export

from ..conftest import csrf_post
from ..factories import ContactFactory, CustomFieldFactory, TagFactory, UserFactory, make_ticket

pytestmark = pytest.mark.django_db

LIST = "/tickets/"
START = "/tickets/export/"


# --- helpers --------------------------------------------------------------------------------------

def listed(client, query):
    """The ticket references the list shows for `query` (the tests keep lists under one page)."""
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    return [ticket.reference for ticket in response.context["tickets"]]


def export(client, query, capture):
    """Click Export on the list at `query` (HTMX, as the page does); the task runs on commit."""
    with capture(execute=True):
        response = csrf_post(client, START, {"query": query}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.content
    return TicketExport.objects.latest("pk"), response


def sheet(export):
    with export.file.open("rb") as handle:
        workbook = load_workbook(handle)
    return workbook.active


def rows(export):
    return [list(row) for row in sheet(export).iter_rows(values_only=True)]


def references(export):
    return [row[0] for row in rows(export)[1:]]


def column(export, header):
    table = rows(export)
    index = table[0].index(header)
    return [row[index] for row in table[1:]]


def progress(client, export):
    """The progress pill, as the page polls it."""
    response = client.get(f"/tickets/exports/{export.pk}/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def toasts(response):
    return [item["message"] for item in json.loads(response.get("HX-Trigger", "{}")).get("messages", [])]


@pytest.fixture
def board(alice, bob, carol, support_team, billing_team):
    """Tickets on every tab, created a minute apart so the sort order is certain."""
    start = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)
    specs = [
        ("alice's high", {"assignee": alice, "priority": "high"}),
        ("alice's normal", {"assignee": alice}),
        ("bob's", {"assignee": bob, "priority": "high"}),
        ("support's", {"team": support_team}),
        ("billing's", {"team": billing_team, "priority": "high"}),
        ("nobody's", {}),
        ("nobody's urgent", {"priority": "urgent"}),
        ("done", {"assignee": alice, "status": Status.RESOLVED}),
        ("done unassigned", {"status": Status.RESOLVED}),
    ]
    tickets = {
        title: make_ticket(alice, title=title, created_at=start + dt.timedelta(minutes=number), **fields)
        for number, (title, fields) in enumerate(specs)
    }
    tickets["archived"] = actions.archive(make_ticket(alice, title="archived", assignee=alice), alice)
    return tickets


# --- the same rows as the list --------------------------------------------------------------------

@pytest.mark.spec("L11")
@pytest.mark.parametrize(
    "query",
    [
        "tab=unassigned",
        "tab=mine&sort=oldest",
        "tab=team",
        "tab=all&completed=1",
        "tab=all&completed=1&sort=oldest&priority=high",
        "tab=all&priority=high&priority=urgent",
        "tab=archived",
    ],
)
def test_the_file_holds_exactly_the_rows_the_list_shows_in_its_order(
    alice_client, board, query, django_capture_on_commit_callbacks
):
    shown = listed(alice_client, query)
    assert shown
    made, _ = export(alice_client, query, django_capture_on_commit_callbacks)

    assert made.state == TicketExport.State.DONE
    assert references(made) == shown
    assert made.rows_done == made.rows_total == len(shown)


@pytest.mark.spec("L11")
def test_rows_past_a_sheets_limit_go_on_in_the_next_sheet_under_the_same_header(
    alice_client, board, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "SHEET_ROWS", 2)  # Excel's 1,048,575 rows under the header, made small
    shown = listed(alice_client, "tab=all&completed=1")
    assert len(shown) > 4
    made, _ = export(alice_client, "tab=all&completed=1", django_capture_on_commit_callbacks)

    with made.file.open("rb") as handle:
        workbook = load_workbook(handle)
    sheets = [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets]
    expected_names = ["Tickets"] + [f"Tickets {number}" for number in range(2, len(sheets) + 1)]
    assert workbook.sheetnames == expected_names and len(sheets) == (len(shown) + 1) // 2
    assert all(sheet[0] == sheets[0][0] and 1 <= len(sheet) - 1 <= 2 for sheet in sheets)
    assert [row[0] for sheet in sheets for row in sheet[1:]] == shown
    assert made.rows_done == made.rows_total == len(shown)
    told = Notification.objects.get(kind=Notification.Kind.EXPORT).body
    assert told == f"{len(shown)} tickets in {len(sheets)} sheets (a spreadsheet holds 2 rows a sheet)"
    assert told in mail.outbox[-1].body


@pytest.mark.spec("L11")
def test_a_saved_view_exports_its_rows_under_its_name(alice, alice_client, board, django_capture_on_commit_callbacks):
    view = TicketView.objects.create(owner=alice, name="VIP escalations / EU", query="tab=all&priority=high")
    query = f"{view.query}&view={view.pk}"
    shown = listed(alice_client, query)

    made, _ = export(alice_client, query, django_capture_on_commit_callbacks)

    assert made.file_name == "VIP-escalations-EU.xlsx"
    assert references(made) == shown
    assert shown == [board[title].reference for title in ("billing's", "bob's", "alice's high")]


@pytest.mark.spec("L11")
@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("tab=mine", "My-Tickets.xlsx"),
        ("tab=team", "Teams-Assigned-Tickets.xlsx"),
        ("tab=unassigned", "Unassigned-Tickets.xlsx"),
        ("tab=archived", "Archived-Tickets.xlsx"),
        ("tab=all&priority=low", "All-Tickets.xlsx"),
    ],
)
def test_the_file_is_named_after_the_tab(alice_client, board, query, name, django_capture_on_commit_callbacks):
    made, _ = export(alice_client, query, django_capture_on_commit_callbacks)
    assert made.file_name == name
    assert f"{name}</span> is ready" in progress(alice_client, made)


@pytest.mark.spec("L11")
def test_a_view_someone_else_keeps_private_does_not_name_the_file(
    alice_client, bob, board, django_capture_on_commit_callbacks
):
    private = TicketView.objects.create(owner=bob, name="Bob's secret list", query="tab=all")
    made, _ = export(alice_client, f"tab=unassigned&view={private.pk}", django_capture_on_commit_callbacks)
    assert made.file_name == "Unassigned-Tickets.xlsx"


@pytest.mark.spec("L11")
def test_an_empty_list_exports_a_file_with_only_the_header(alice_client, board, django_capture_on_commit_callbacks):
    made, _ = export(alice_client, "tab=all&priority=low", django_capture_on_commit_callbacks)
    assert made.state == TicketExport.State.DONE
    assert references(made) == []
    assert rows(made)[0][:3] == ["Ticket ID", "Title", "Status"]


# --- columns and cells ----------------------------------------------------------------------------

@pytest.mark.spec("L11")
@override_settings(TIME_ZONE="Europe/Paris")
def test_every_column_of_the_spec_is_filled_with_typed_values(
    alice, alice_client, support_team, django_capture_on_commit_callbacks
):
    customer = ContactFactory(name="Dana Diaz", email="dana@example.com", phone="020 7946 0000")
    created = dt.datetime(2024, 6, 3, 7, 30, tzinfo=dt.UTC)
    ticket = make_ticket(
        alice, title="Invoice twice", assignee=alice, team=support_team, contact=customer,
        priority="high", created_at=created, tags=[TagFactory(name="vip"), TagFactory(name="billing")],
    )

    made, _ = export(alice_client, "tab=mine", django_capture_on_commit_callbacks)
    header, row = rows(made)
    cells = dict(zip(header, row, strict=True))

    assert cells["Ticket ID"] == ticket.reference
    assert cells["Title"] == "Invoice twice"
    assert cells["Status"] == "Submitted"
    assert cells["Priority"] == "High"
    assert cells["Assigned agent"] == "Alice Archer"
    assert cells["Assigned team"] == "Support"
    assert cells["Tags"] == "billing, vip"
    assert (cells["Customer name"], cells["Customer email"], cells["Customer phone"]) == (
        "Dana Diaz", "dana@example.com", "020 7946 0000"
    )
    # A real Excel datetime, in the configured time zone (Paris is UTC+2 in June), without tzinfo.
    assert cells["Created"] == dt.datetime(2024, 6, 3, 9, 30)
    assert cells["Resolved"] is None
    assert cells["Time to complete (h)"] is None
    assert isinstance(cells["Total unassigned time (h)"], (int, float))
    assert {"Sub-status", "Type", "Category", "Deadline"} <= set(header)


@pytest.mark.spec("L11")
def test_durations_are_hours(alice, alice_client, django_capture_on_commit_callbacks):
    ticket = make_ticket(alice, title="Quick one", assignee=alice, status=Status.RESOLVED)
    Ticket.objects.filter(pk=ticket.pk).update(completion_seconds=5400, unassigned_seconds=1800, unassigned_since=None)

    made, _ = export(alice_client, "tab=mine&completed=1", django_capture_on_commit_callbacks)

    assert column(made, "Time to complete (h)") == [1.5]
    assert column(made, "Total unassigned time (h)") == [0.5]


@pytest.mark.spec("L11")
def test_one_column_per_active_custom_field_with_typed_values(alice, alice_client, django_capture_on_commit_callbacks):
    order = CustomFieldFactory(name="Order number", key="order", field_type=CustomField.FieldType.TEXT, position=1)
    amount = CustomFieldFactory(name="Amount", key="amount", field_type=CustomField.FieldType.NUMBER, position=2)
    CustomFieldFactory(name="Due", key="due", field_type=CustomField.FieldType.DATE, position=3)
    CustomFieldFactory(name="Paid", key="paid", field_type=CustomField.FieldType.BOOLEAN, position=4)
    CustomFieldFactory(name="Retired", key="retired", active=False)
    make_ticket(
        alice, title="With values", assignee=alice,
        custom_values={"order": "A-1001", "amount": "12.50", "due": "2024-07-01", "paid": True},
    )
    make_ticket(alice, title="Without values", assignee=alice)
    assert order.pk and amount.pk

    made, _ = export(alice_client, "tab=mine&sort=oldest", django_capture_on_commit_callbacks)
    header, *body = rows(made)

    assert header[-4:] == ["Order number", "Amount", "Due", "Paid"]
    assert "Retired" not in header
    assert body[0][-4:] == ["A-1001", 12.5, dt.datetime(2024, 7, 1), "Yes"]
    assert body[1][-4:] == [None, None, None, None]


@pytest.mark.spec("L11")
def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised(
    alice, alice_client, django_capture_on_commit_callbacks
):
    CustomFieldFactory(name="=Header", key="note", field_type=CustomField.FieldType.TEXT)
    customer = ContactFactory(name="@SUM(A1:A9)", email="", phone="+44 20 7946 0000")
    make_ticket(
        alice, title='=HYPERLINK("http://evil.example","Click")', assignee=alice, contact=customer,
        tags=[TagFactory(name="-1+2")], custom_values={"note": "x"},
    )
    CustomFieldValue.objects.update(text_value="\tcmd|' /C calc'!A0")  # as an import or the admin might store it

    made, _ = export(alice_client, "tab=mine", django_capture_on_commit_callbacks)
    worksheet = sheet(made)
    cells = {worksheet.cell(1, index).value: worksheet.cell(2, index) for index in range(1, worksheet.max_column + 1)}

    assert cells["Title"].value == '\'=HYPERLINK("http://evil.example","Click")'
    assert cells["Customer name"].value == "'@SUM(A1:A9)"
    assert cells["Customer phone"].value == "+44 20 7946 0000"  # digits and spaces: nothing to run
    assert cells["Tags"].value == "'-1+2"
    assert cells["'=Header"].value == "'\tcmd|' /C calc'!A0"
    assert all(cell.data_type != "f" for cell in cells.values())


@pytest.mark.spec("L11")
def test_a_phone_number_stays_as_it_is_unless_it_could_be_a_formula():
    assert exports.safe_phone("+44 20 7946 0000") == "+44 20 7946 0000"
    assert exports.safe_phone("(555) 123-4567") == "(555) 123-4567"
    assert exports.safe_phone("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0"
    assert exports.safe_phone("") is None


@pytest.mark.spec("L11")
def test_safe_text_drops_characters_xlsx_cannot_hold():
    assert exports.safe_text("Bell\x07 and\x00 null") == "Bell and null"
    assert exports.safe_text("") is None
    assert exports.safe_text("\r=1+1") == "'\r=1+1"
    assert exports.safe_text("plain - text") == "plain - text"


# --- starting, rights, duplicates -----------------------------------------------------------------

@pytest.mark.spec("L11", "L10")
def test_export_needs_the_export_right_on_the_server_and_in_the_page(alice_client, client, board):
    nobody = UserFactory(username="norights")
    nobody.groups.clear()
    client.force_login(nobody)

    assert 'action="/tickets/export/"' in alice_client.get(LIST).content.decode()
    assert 'action="/tickets/export/"' not in client.get(LIST).content.decode()
    response = csrf_post(client, START, {"query": "tab=all"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 403
    assert not TicketExport.objects.exists()


@pytest.mark.spec("L11")
def test_a_second_click_joins_the_running_export_instead_of_starting_another(alice_client, board):
    # on_commit callbacks are not run here, so the first export stays queued.
    first = csrf_post(alice_client, START, {"query": "tab=unassigned"}, HTTP_HX_REQUEST="true")
    second = csrf_post(alice_client, START, {"query": "sort=newest&tab=unassigned"}, HTTP_HX_REQUEST="true")

    assert first.status_code == second.status_code == 200
    assert TicketExport.objects.count() == 1
    assert toasts(first) == []
    assert toasts(second) == ["This export is already running."]
    assert "Export queued…" in second.content.decode()
    # Another query is another export.
    csrf_post(alice_client, START, {"query": "tab=all"}, HTTP_HX_REQUEST="true")
    assert TicketExport.objects.count() == 2


@pytest.mark.spec("L11")
def test_a_finished_export_does_not_block_the_next_one(alice_client, board, django_capture_on_commit_callbacks):
    export(alice_client, "tab=unassigned", django_capture_on_commit_callbacks)
    export(alice_client, "tab=unassigned", django_capture_on_commit_callbacks)
    assert list(TicketExport.objects.values_list("state", flat=True)) == ["done", "done"]


@pytest.mark.spec("L11")
def test_invalid_filters_are_refused_with_a_message_and_start_nothing(alice_client, board):
    response = csrf_post(alice_client, START, {"query": "tab=all&priority=enormous"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 422
    assert toasts(response) == ["Some filters are not valid; fix them before exporting."]
    assert not TicketExport.objects.exists()


@pytest.mark.spec("L11")
def test_a_query_too_long_to_be_a_list_query_is_refused(alice_client):
    response = csrf_post(alice_client, START, {"query": "title=" + "x" * 5000}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert not TicketExport.objects.exists()


@pytest.mark.spec("L11")
def test_without_htmx_the_export_returns_to_the_list_which_shows_its_progress(alice_client, board):
    response = csrf_post(alice_client, START, {"query": "tab=unassigned"})
    made = TicketExport.objects.get()

    assert response.status_code == 302
    assert response["Location"].startswith("/tickets/?tab=unassigned")
    page = alice_client.get(response["Location"]).content.decode()
    assert f'hx-get="/tickets/exports/{made.pk}/"' in page


# --- progress -------------------------------------------------------------------------------------

@pytest.mark.spec("L11")
def test_the_progress_pill_counts_rows_then_links_the_file(alice_client, board):
    csrf_post(alice_client, START, {"query": "tab=all"}, HTTP_HX_REQUEST="true")
    made = TicketExport.objects.get()
    TicketExport.objects.filter(pk=made.pk).update(state="running", rows_done=12000, rows_total=48210)
    url = f"/tickets/exports/{made.pk}/"

    running = alice_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Exporting… 12,000 of 48,210 rows" in running
    assert 'hx-trigger="load delay:1s"' in running

    run_export.delay(made.pk)  # a re-run of a running export redoes it
    done = alice_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "All-Tickets.xlsx</span> is ready" in done
    assert f'href="/tickets/exports/{made.pk}/download/"' in done
    assert "hx-trigger" not in done
    # Once seen finished, the list no longer follows it.
    assert f"/tickets/exports/{made.pk}/" not in alice_client.get(LIST).content.decode()


@pytest.mark.spec("L11")
def test_the_progress_of_someone_elses_export_is_a_404(alice_client, bob, board):
    theirs = TicketExport.objects.create(user=bob, query="tab=all", fingerprint="x", file_name="All-Tickets.xlsx")
    assert alice_client.get(f"/tickets/exports/{theirs.pk}/", HTTP_HX_REQUEST="true").status_code == 404


# --- download -------------------------------------------------------------------------------------

@pytest.mark.spec("L11")
def test_only_the_owner_downloads_the_file_as_an_attachment(
    alice_client, bob, client, board, django_capture_on_commit_callbacks
):
    made, _ = export(alice_client, "tab=unassigned", django_capture_on_commit_callbacks)
    url = f"/tickets/exports/{made.pk}/download/"

    response = alice_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="Unassigned-Tickets.xlsx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:2] == b"PK"

    client.force_login(bob)
    assert client.get(url).status_code == 404


@pytest.mark.spec("L11")
def test_an_unfinished_export_has_nothing_to_download(alice_client, board):
    csrf_post(alice_client, START, {"query": "tab=all"}, HTTP_HX_REQUEST="true")
    made = TicketExport.objects.get()
    assert alice_client.get(f"/tickets/exports/{made.pk}/download/").status_code == 404


# --- telling the user -----------------------------------------------------------------------------

@pytest.mark.spec("L11", "N1")
def test_a_finished_export_is_in_the_notification_center_and_emailed_with_the_file(
    alice, alice_client, board, django_capture_on_commit_callbacks
):
    made, _ = export(alice_client, "tab=unassigned", django_capture_on_commit_callbacks)

    notification = Notification.objects.get(user=alice)
    assert notification.kind == Notification.Kind.EXPORT
    assert notification.title == "Unassigned-Tickets.xlsx is ready"
    assert notification.body == "2 tickets"
    assert notification.url == f"/tickets/exports/{made.pk}/download/"
    assert "Unassigned-Tickets.xlsx is ready" in alice_client.get("/notifications/").content.decode()

    (message,) = mail.outbox
    assert message.to == [alice.email]
    assert message.subject == "Unassigned-Tickets.xlsx is ready"
    (name, content, mimetype), = message.attachments
    assert (name, mimetype) == ("Unassigned-Tickets.xlsx", exports.XLSX_CONTENT_TYPE)
    with made.file.open("rb") as handle:
        assert content == handle.read()


@pytest.mark.spec("L11")
@override_settings(HELPDESK_EXPORT_ATTACH_MAX_BYTES=100, HELPDESK_BASE_URL="https://help.example.com")
def test_a_file_too_large_to_attach_is_emailed_as_a_link(
    alice, alice_client, board, django_capture_on_commit_callbacks
):
    made, _ = export(alice_client, "tab=unassigned", django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.attachments == []
    assert f"https://help.example.com/tickets/exports/{made.pk}/download/" in message.body


@pytest.mark.spec("L11")
def test_the_task_run_twice_emails_and_notifies_once(alice, alice_client, board, django_capture_on_commit_callbacks):
    made, _ = export(alice_client, "tab=unassigned", django_capture_on_commit_callbacks)
    stored = made.file.name

    run_export.delay(made.pk)  # a redelivered message
    made.refresh_from_db()

    assert made.state == TicketExport.State.DONE
    assert made.file.name == stored  # not redone
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(user=alice).count() == 1


@pytest.mark.spec("L11")
def test_a_failed_export_says_so_and_can_be_started_again(
    alice, alice_client, board, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write_workbook", broken)
    made, _ = export(alice_client, "tab=unassigned", django_capture_on_commit_callbacks)

    assert made.state == TicketExport.State.FAILED
    assert made.error == "Something went wrong while writing the file."
    assert "Export failed: Something went wrong while writing the file." in progress(alice_client, made)
    assert not made.file
    notification = Notification.objects.get(user=alice)
    assert notification.title == "Unassigned-Tickets.xlsx could not be exported"
    assert mail.outbox == []

    monkeypatch.undo()
    again, _ = export(alice_client, "tab=unassigned", django_capture_on_commit_callbacks)
    assert again.pk != made.pk and again.state == TicketExport.State.DONE


@pytest.mark.spec("L11")
def test_filters_that_became_invalid_fail_the_export_with_a_reason(alice, alice_client, board):
    tag = TagFactory(name="soon-gone")
    csrf_post(alice_client, START, {"query": f"tab=all&tag={tag.pk}"}, HTTP_HX_REQUEST="true")
    made = TicketExport.objects.get()
    tag.delete()

    run_export.delay(made.pk)
    made.refresh_from_db()

    assert made.state == TicketExport.State.FAILED
    assert made.error == "The list's filters are no longer valid; export the list again."


# --- performance ----------------------------------------------------------------------------------

@pytest.mark.spec("L11")
def test_the_export_makes_the_same_number_of_queries_for_30_and_300_tickets(alice, alice_client):
    CustomFieldFactory(name="Order number", key="order")
    tags = [TagFactory(name="vip"), TagFactory(name="billing")]

    def add(count):
        for number in range(count):
            make_ticket(
                alice, title=f"Ticket {number}", contact=ContactFactory(), tags=tags[: number % 3],
                custom_values={"order": f"A-{number}"} if number % 2 else {},
            )

    def queries_for_export():
        csrf_post(alice_client, START, {"query": "tab=all"}, HTTP_HX_REQUEST="true")
        made = TicketExport.objects.latest("pk")
        with CaptureQueriesContext(connection) as queries:
            exports.run_export(made.pk)
        made.refresh_from_db()
        return len(queries), made

    add(30)
    few, small = queries_for_export()
    add(270)
    many, large = queries_for_export()

    assert (small.rows_total, large.rows_total) == (30, 300)
    assert len(references(large)) == 300
    assert few == many
    assert many <= 25  # a small constant: the export, its rows (one query per chunk), telling the user


@pytest.mark.spec("L11")
def test_in_list_matches_the_listed_values_on_either_database(alice):
    from tickets.db import InList

    first, second, third = (make_ticket(alice, title=f"Ticket {number}") for number in range(3))

    assert set(Ticket.objects.filter(InList("id", [first.pk, third.pk]))) == {first, third}
    assert list(Ticket.objects.filter(InList("id", []))) == []
    through = Ticket.tags.through
    through.objects.create(ticket=second, tag=TagFactory(name="vip"))
    assert list(through.objects.filter(InList("ticket_id", [second.pk])).values_list("tag__name", flat=True)) == ["vip"]


@pytest.mark.spec("L11", "D12")
def test_time_spent_is_exported_in_hours(alice, alice_client, django_capture_on_commit_callbacks):
    ticket = make_ticket(alice, title="Long call", assignee=alice)
    Ticket.objects.filter(pk=ticket.pk).update(time_spent_seconds=5400)  # as closed work sessions add it

    made, _ = export(alice_client, "tab=mine", django_capture_on_commit_callbacks)

    header, row = rows(made)[:2]
    assert row[header.index("Time spent (h)")] == 1.5
