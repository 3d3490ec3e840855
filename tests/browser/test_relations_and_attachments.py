"""Tags, linked tickets, archiving and attachments on the ticket page, in Chromium (SPEC T4, T5, T6, D8, D10)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from configurations.models import Status
from tests.factories import TagFactory, make_ticket
from tickets import actions
from tickets.models import Attachment, Ticket

from .support import confirm_dialog, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ticket(alice):
    return make_ticket(alice, title="Printer on fire")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def open_ticket(page, live_server, ticket):
    page.goto(live_server.url + ticket.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text(ticket.title)


def tags_card(page):
    return page.locator("#ticket-tags")


def links_card(page):
    return page.locator("#ticket-links")


def attachments_card(page):
    return page.locator("#ticket-attachments")


@pytest.mark.spec("T5", "X3")
def test_adding_tags_from_the_picker_by_click_and_by_keyboard_then_removing_one(live_server, page, alice, ticket):
    TagFactory(name="billing", color="#2563eb")
    TagFactory(name="vip", color="#d92d20")
    TagFactory(name="hardware")
    signed_in(page, live_server, alice)
    open_ticket(page, live_server, ticket)
    expect(tags_card(page)).to_contain_text("No tags yet.")

    picker = page.get_by_role("combobox", name="Add tag")
    picker.click()
    picker.fill("bil")
    options = page.get_by_role("listbox", name="Tags to add").get_by_role("option")
    expect(options).to_have_count(1)  # only the matches are offered
    expect(page.get_by_role("option", name="billing")).to_be_visible()
    expect(page.get_by_role("option", name="vip")).to_be_hidden()
    page.get_by_role("option", name="billing").click()

    expect(tags_card(page).locator(".rel-chip", has_text="billing")).to_be_visible()
    expect(tags_card(page)).to_contain_text("1 of 10")
    assert list(ticket.tags.values_list("name", flat=True)) == ["billing"]

    # Keyboard only: focus the picker, type, arrow to the match, Enter.
    picker = page.get_by_role("combobox", name="Add tag")
    picker.focus()
    page.keyboard.type("vi")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(tags_card(page).locator(".rel-chip", has_text="vip")).to_be_visible()

    page.get_by_role("button", name="Remove tag billing").click()
    expect(tags_card(page).locator(".rel-chip", has_text="billing")).to_have_count(0)
    expect(tags_card(page).locator(".rel-chip", has_text="vip")).to_be_visible()
    assert list(ticket.tags.values_list("name", flat=True)) == ["vip"]


@pytest.mark.spec("T5", "X2")
def test_the_eleventh_tag_shows_the_limit_message(live_server, page, alice, ticket):
    for number in range(10):
        actions.add_tag(ticket, alice, TagFactory(name=f"tag-{number:02d}"))
    TagFactory(name="one-too-many")
    signed_in(page, live_server, alice)
    open_ticket(page, live_server, ticket)
    expect(tags_card(page)).to_contain_text("10 of 10")

    picker = page.get_by_role("combobox", name="Add tag")
    picker.click()
    picker.fill("too")
    page.get_by_role("option", name="one-too-many").click()

    alert = tags_card(page).get_by_role("alert")
    expect(alert).to_contain_text(f"{ticket.reference} already has 10 tags, the most a ticket can have.")
    expect(alert).to_contain_text("Remove one before adding “one-too-many”.")
    assert ticket.tags.count() == 10


@pytest.mark.spec("T6", "D8")
def test_linking_a_ticket_found_by_reference_then_unlinking_it(live_server, page, alice, ticket):
    target = make_ticket(alice, title="Toner empty")
    actions.archive(target, alice)  # an archived ticket can be the target (T6)
    signed_in(page, live_server, alice)
    open_ticket(page, live_server, ticket)
    expect(links_card(page)).to_contain_text("No linked tickets.")

    page.get_by_role("button", name="Link ticket").click()
    search = page.get_by_role("combobox", name="Find a ticket to link")
    expect(search).to_be_focused()
    search.fill(target.reference)
    result = page.get_by_role("option", name=re.compile("Toner empty"))
    expect(result).to_contain_text("Archived")
    result.click()

    listed = links_card(page).get_by_role("list", name="Linked tickets")
    expect(listed.get_by_role("link", name="Toner empty")).to_be_visible()
    expect(listed).to_contain_text(target.reference)
    assert list(Ticket.objects.filter(links=ticket)) == [target]

    page.get_by_role("button", name=f"Unlink {target.reference}").click()
    expect(links_card(page)).to_contain_text("No linked tickets.")
    assert not Ticket.objects.filter(links=ticket).exists()


@pytest.mark.spec("T6", "X3")
def test_a_title_search_picked_with_the_keyboard(live_server, page, alice, ticket):
    make_ticket(alice, title="Refund for order 1001")
    newer = make_ticket(alice, title="Refund for order 1002")
    signed_in(page, live_server, alice)
    open_ticket(page, live_server, ticket)

    page.get_by_role("button", name="Link ticket").click()
    page.keyboard.type("refund")
    expect(page.get_by_role("listbox", name="Matching tickets").get_by_role("option")).to_have_count(2)
    page.keyboard.press("Enter")  # the first (newest) match is preselected

    expect(links_card(page).get_by_role("link", name="Refund for order 1002")).to_be_visible()
    assert list(Ticket.objects.filter(links=ticket)) == [newer]


@pytest.mark.spec("D8")
def test_linked_tickets_show_two_rows_then_scroll_and_the_section_stays_collapsed(live_server, page, alice, ticket):
    for title in ("First linked", "Second linked", "Third linked"):
        actions.link_tickets(ticket, alice, make_ticket(alice, title=title))
    signed_in(page, live_server, alice)
    open_ticket(page, live_server, ticket)

    listed = links_card(page).get_by_role("list", name="Linked tickets")
    expect(listed.get_by_role("listitem")).to_have_count(3)
    sizes = listed.evaluate("el => [el.clientHeight, el.scrollHeight, el.querySelector('li').offsetHeight]")
    client_height, scroll_height, row = sizes
    assert client_height == 2 * row and scroll_height > client_height

    toggle = page.get_by_role("button", name="Linked tickets")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.click()
    expect(listed).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    page.reload()
    expect(page.get_by_role("button", name="Linked tickets")).to_have_attribute("aria-expanded", "false")
    expect(links_card(page).locator(".rel-links")).to_be_hidden()
    page.get_by_role("button", name="Linked tickets").click()
    expect(links_card(page).get_by_role("list", name="Linked tickets")).to_be_visible()


@pytest.mark.spec("T4")
def test_archiving_from_the_page_shows_the_banner_hides_controls_and_unarchiving_restores(
    live_server, page, alice, ticket
):
    actions.change_status(ticket, alice, Status.PENDING)
    TagFactory(name="billing")
    signed_in(page, live_server, alice)
    open_ticket(page, live_server, ticket)
    banner = page.get_by_text("This ticket is archived and read-only. Unarchive it to make changes.")
    expect(banner).to_have_count(0)

    page.get_by_role("button", name="Archive", exact=True).click()
    confirm_dialog(page).get_by_role("button", name="Archive").click()

    expect(banner).to_be_visible()
    expect(page.get_by_role("status").filter(has_text=f"{ticket.reference} archived")).to_be_visible()
    for name in ("Link ticket", "Archive"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
    expect(page.get_by_role("combobox", name="Add tag")).to_have_count(0)
    expect(attachments_card(page).get_by_text("Upload files")).to_have_count(0)
    assert Ticket.objects.get(pk=ticket.pk).archived

    page.get_by_role("button", name="Unarchive").click()

    expect(banner).to_have_count(0)
    expect(page.get_by_role("combobox", name="Add tag")).to_be_visible()
    expect(page.get_by_role("button", name="Link ticket")).to_be_visible()
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.archived, fresh.status) == (False, Status.PENDING)


@pytest.mark.spec("T4")
def test_dismissing_the_archive_confirmation_changes_nothing(live_server, page, alice, ticket):
    signed_in(page, live_server, alice)
    open_ticket(page, live_server, ticket)

    page.get_by_role("button", name="Archive", exact=True).click()
    confirm = confirm_dialog(page)
    expect(confirm).to_contain_text(f"Archive {ticket.reference}? It becomes read-only")
    confirm.get_by_role("button", name="Cancel").click()

    expect(confirm).to_be_hidden()
    expect(page.get_by_role("button", name="Archive", exact=True)).to_be_visible()
    assert not Ticket.objects.get(pk=ticket.pk).archived


@pytest.mark.spec("D10")
def test_uploading_a_text_file_downloading_it_and_deleting_it(live_server, page, alice, ticket, media):
    signed_in(page, live_server, alice)
    open_ticket(page, live_server, ticket)
    expect(attachments_card(page)).to_contain_text("No attachments yet.")

    attachments_card(page).locator("input[type=file]").set_input_files(
        [{"name": "call notes.txt", "mimeType": "text/plain", "buffer": b"Customer called at 9:40.\n"}]
    )

    link = attachments_card(page).get_by_role("link", name="call notes.txt")
    expect(link).to_be_visible()
    expect(attachments_card(page)).to_contain_text("25 bytes")
    expect(attachments_card(page)).to_contain_text("Alice Archer")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "call notes.txt"
    assert Path(download.path()).read_bytes() == b"Customer called at 9:40.\n"

    attachments_card(page).get_by_role("button", name="Delete call notes.txt").click()
    confirm_dialog(page).get_by_role("button", name="Delete").click()
    expect(attachments_card(page)).to_contain_text("No attachments yet.")
    expect(page.locator("#attachments-heading")).to_be_focused()  # the swap has settled and moved focus
    assert not Attachment.objects.exists()


@pytest.mark.spec("D10", "X2")
def test_an_oversized_upload_shows_the_limit(live_server, page, alice, ticket, media, settings):
    settings.HELPDESK_ATTACHMENT_MAX_BYTES = 1024
    signed_in(page, live_server, alice)
    open_ticket(page, live_server, ticket)

    attachments_card(page).locator("input[type=file]").set_input_files(
        [{"name": "huge.log", "mimeType": "text/plain", "buffer": b"x" * 4096}]
    )

    alert = attachments_card(page).get_by_role("alert")
    expect(alert).to_contain_text("“huge.log” is 4 KB; attachments can be at most 1 KB.")
    expect(alert).to_contain_text("Nothing was uploaded.")
    assert not Attachment.objects.exists()


@pytest.mark.spec("X3", "T4", "D10")
def test_the_confirm_dialog_answers_to_the_keyboard_and_cancelling_changes_nothing(
    live_server, page, alice, ticket, media
):
    native, sent = [], []
    page.on("dialog", lambda dialog: (native.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: request.method == "POST" and sent.append(request.url))
    signed_in(page, live_server, alice)
    open_ticket(page, live_server, ticket)
    attachments_card(page).locator("input[type=file]").set_input_files(
        [{"name": "call notes.txt", "mimeType": "text/plain", "buffer": b"Customer called at 9:40.\n"}]
    )
    expect(attachments_card(page).get_by_role("link", name="call notes.txt")).to_be_visible()
    expect(page.locator("#attachments-heading")).to_be_focused()  # where focus lands after the swap
    sent.clear()
    confirm = confirm_dialog(page)

    # hx-confirm (an htmx request): Escape closes the question, sends nothing, and gives focus back.
    delete = attachments_card(page).get_by_role("button", name="Delete call notes.txt")
    delete.focus()
    page.keyboard.press("Enter")
    expect(confirm).to_contain_text("Delete “call notes.txt”? The file is removed for everyone.")
    expect(confirm.get_by_role("button", name="Delete")).to_be_focused()
    page.keyboard.press("Escape")
    expect(confirm).to_be_hidden()
    expect(delete).to_be_focused()
    page.wait_for_timeout(300)
    assert sent == [] and Attachment.objects.count() == 1

    # Enter on the focused confirming button answers yes.
    page.keyboard.press("Enter")
    expect(confirm).to_be_visible()
    page.keyboard.press("Enter")
    expect(attachments_card(page)).to_contain_text("No attachments yet.")
    expect(page.locator("#attachments-heading")).to_be_focused()  # the swap has settled and moved focus
    assert not Attachment.objects.exists()

    # data-confirm (a plain form): Cancel, reached with Shift+Tab, leaves the ticket as it was.
    sent.clear()
    archive = page.get_by_role("button", name="Archive", exact=True)
    archive.focus()
    page.keyboard.press("Enter")
    expect(confirm).to_contain_text(f"Archive {ticket.reference}?")
    page.keyboard.press("Shift+Tab")
    expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Enter")
    expect(confirm).to_be_hidden()
    expect(archive).to_be_focused()
    page.wait_for_timeout(300)
    assert sent == [] and not Ticket.objects.get(pk=ticket.pk).archived

    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(page.get_by_text("This ticket is archived and read-only.")).to_be_visible()
    assert Ticket.objects.get(pk=ticket.pk).archived
    assert native == []  # the browser's own confirm never showed
