"""Exporting the ticket list in Chromium (SPEC L11): progress in the list, the file in the Notification Center."""

import os
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from configurations.models import Status
from tickets import exports
from tickets.models import TicketExport

from ..factories import make_ticket
from .support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("EXPORT_SCREENSHOTS")  # a folder: save screenshots there to look at them


def shoot(page, name):
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=False)


def tab(page, name):
    return page.get_by_role("navigation", name="Ticket tabs").get_by_role("link", name=re.compile(name))


def shown_references(page):
    return page.locator("#list-region tbody tr .cell-ref").all_inner_texts()


def references_in(path):
    """The ticket IDs in a downloaded file (saved without a suffix, so opened as a stream)."""
    with open(path, "rb") as handle:
        return [row[0] for row in load_workbook(handle).active.iter_rows(min_row=2, values_only=True)]


@pytest.fixture
def board(alice, bob, support_team):
    return [
        make_ticket(alice, title="Refund for order 1001", assignee=alice, priority="high"),
        make_ticket(alice, title="Team invoice question", team=support_team),
        make_ticket(alice, title="Nobody owns this yet", priority="urgent"),
        make_ticket(alice, title="Printer jammed again"),
        make_ticket(alice, title="Password reset loop", priority="urgent"),
        make_ticket(alice, title="Solved without owner", status=Status.RESOLVED),
    ]


@pytest.fixture
def held_exports(monkeypatch):
    """Exports wait for the test to run them, as they wait for a busy worker, so progress can be seen."""
    held = []
    monkeypatch.setattr(exports, "_enqueue", held.append)
    return held


@pytest.mark.spec("L11", "N1")
def test_an_export_shows_its_progress_then_its_file_is_in_the_notification_center(
    live_server, page, alice, password, board, held_exports
):
    sign_in(page, live_server, "alice", password)
    tab(page, "Unassigned").click()
    expect(tab(page, "Unassigned")).to_have_attribute("aria-current", "page")
    expect(page).to_have_url(re.compile(r"tab=unassigned"))
    expect(page.locator("#list-region tbody tr")).to_have_count(3)
    shown = shown_references(page)

    page.get_by_role("button", name="Export", exact=True).click()
    pill = page.locator("#export-status .export-pill")
    expect(pill).to_contain_text("Export queued…")
    (export_id,) = held_exports
    TicketExport.objects.filter(pk=export_id).update(state="running", rows_done=12000, rows_total=48210)
    expect(pill).to_contain_text("Exporting… 12,000 of 48,210 rows")  # it polls by itself
    shoot(page, "export-progress")

    exports.run_export(export_id)  # what the worker does
    expect(pill).to_contain_text("Unassigned-Tickets.xlsx is ready")
    expect(pill.get_by_role("link", name="Download")).to_be_visible()
    shoot(page, "export-ready")

    page.get_by_role("link", name=re.compile("Notifications")).click()
    entry = page.get_by_role("link", name="Unassigned-Tickets.xlsx is ready")
    expect(entry).to_be_visible()
    expect(page.get_by_text("3 tickets")).to_be_visible()
    shoot(page, "export-notification")

    with page.expect_download() as download_info:
        entry.click()
    download = download_info.value
    assert download.suggested_filename == "Unassigned-Tickets.xlsx"
    assert references_in(download.path()) == shown


@pytest.mark.spec("L11", "L5")
def test_the_export_follows_the_tab_and_filters_chosen_after_the_page_loaded(live_server, page, alice, password, board):
    sign_in(page, live_server, "alice", password)
    tab(page, "All Tickets").click()
    expect(tab(page, "All Tickets")).to_have_attribute("aria-current", "page")  # the tab's toolbar is in
    page.locator("summary", has_text="Filters").click()
    page.get_by_role("group", name="Priority").get_by_label("Urgent").check()
    expect(page).to_have_url(re.compile(r"priority=urgent"))
    expect(page.locator("#list-region tbody tr")).to_have_count(2)
    shown = shown_references(page)

    page.get_by_role("button", name="Export", exact=True).click()
    pill = page.locator("#export-status .export-pill")
    expect(pill).to_contain_text("All-Tickets.xlsx is ready")  # the worker runs at once in tests
    with page.expect_download() as download_info:
        pill.get_by_role("link", name="Download").click()

    assert download_info.value.suggested_filename == "All-Tickets.xlsx"
    assert references_in(download_info.value.path()) == shown

    # The user has seen it finished: after a reload the list no longer shows it.
    page.reload()
    expect(page.locator("#list-region tbody tr")).to_have_count(2)
    expect(page.locator("#export-status .export-pill")).to_have_count(0)
