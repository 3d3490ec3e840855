"""A team leader imports tickets from an XLSX file, in Chromium (SPEC L12)."""

import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from tickets.models import Ticket

from ..factories import TagFactory
from .support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.spec("L12")]


@pytest.fixture
def workbook(tmp_path, alice):
    """Three tickets, the second with a priority nobody has."""
    TagFactory(name="vip")
    book = Workbook()
    sheet = book.active
    sheet.append(["Title", "Priority", "Assigned agent", "Tags", "Customer email", "Customer name"])
    sheet.append(["Printer on fire", "High", "alice", "vip", "jo@example.com", "Jo Jones"])
    sheet.append(["Scanner jammed", "urgentt", "", "", "", ""])
    sheet.append(["Mouse missing", "Low", "", "", "", ""])
    path = tmp_path / "march.xlsx"
    book.save(path)
    return path


def test_a_team_leader_uploads_checks_imports_and_finds_the_tickets(live_server, page, lead, password, workbook):
    sign_in(page, live_server, "lead", password)
    page.get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", name="Import tickets")).to_be_visible()
    template = page.get_by_role("link", name="Download template")
    expect(template).to_have_attribute("href", "/tickets/import/template.xlsx")

    page.get_by_label(re.compile(r"^File")).set_input_files(workbook)
    page.get_by_role("button", name="Upload and check").click()

    expect(page).to_have_url(re.compile(r"/tickets/import/\d+/$"))
    expect(page.get_by_role("heading", name=re.compile("2 rows are ready, 1 with problems"))).to_be_visible()
    problems = page.get_by_role("region", name="Rows with problems")
    expect(problems.get_by_role("row", name=re.compile("Scanner jammed"))).to_contain_text(
        "Priority “urgentt” is not one of Low, Normal, High, Urgent."
    )
    expect(page.get_by_role("region", name="Ready to import").locator("tbody tr")).to_have_count(2)
    assert not Ticket.objects.exists()

    page.get_by_role("button", name="Import 2 tickets").click()

    expect(page.get_by_role("heading", name="Created 2 tickets · 1 row failed")).to_be_visible()
    failed = page.get_by_role("region", name="Rows not imported")
    expect(failed).to_contain_text("Scanner jammed")
    expect(failed).to_contain_text("Priority “urgentt” is not one of Low, Normal, High, Urgent.")
    created = page.get_by_role("region", name="Tickets created")
    printer = Ticket.objects.get(title="Printer on fire")
    expect(created.get_by_role("link", name=printer.reference)).to_have_attribute("href", f"/tickets/{printer.pk}/")

    page.get_by_role("link", name="Go to tickets").click()
    list_rows = page.locator("#list-region tbody tr")
    expect(list_rows).to_have_count(2)
    expect(page.locator("#list-region")).to_contain_text("Printer on fire")
    expect(page.locator("#list-region")).to_contain_text("Mouse missing")
    expect(page.locator("#list-region")).not_to_contain_text("Scanner jammed")
