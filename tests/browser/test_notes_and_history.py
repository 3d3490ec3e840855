"""Notes, the Activities tab and the History tab in Chromium (SPEC D2, D5, D6, D7)."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from configurations.models import Priority
from tickets import actions
from tickets.models import Activity, TicketEvent

from ..factories import make_ticket
from .support import confirm_dialog
from .test_ticket_list import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("HELPDESK_VAR_DIR", "var")) / "screenshots"


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def open_ticket(page, live_server, ticket, suffix=""):
    page.goto(live_server.url + ticket.get_absolute_url() + suffix)


def note_box(page):
    return page.get_by_label("Add an internal note")


@pytest.mark.spec("D5", "D2")
def test_the_counter_warns_near_the_limit_and_save_disables_past_it(live_server, page, alice, password):
    ticket = make_ticket(alice, title="Printer on fire")
    sign_in(page, live_server, "alice", password)
    open_ticket(page, live_server, ticket)

    expect(page.get_by_role("tab", name="Activities")).to_have_attribute("aria-selected", "true")
    counter = page.locator("#note-counter")
    save = page.get_by_role("button", name="Add note")
    expect(save).to_be_disabled()  # nothing to save yet
    note_box(page).fill("Hello")
    expect(counter).to_have_text("5 / 500")
    expect(save).to_be_enabled()

    note_box(page).fill("x" * 460)
    expect(counter).to_have_class(re.compile("is-warning"))
    note_box(page).fill("x" * 500)
    expect(save).to_be_enabled()
    note_box(page).fill("x" * 501)
    expect(counter).to_have_text("501 / 500")
    expect(counter).to_have_class(re.compile("is-over"))
    expect(save).to_be_disabled()


@pytest.mark.spec("D5")
def test_an_emoji_and_a_picked_mention_go_into_the_saved_note(live_server, page, alice, bob, carol, password):
    ticket = make_ticket(alice, title="Printer on fire")
    sign_in(page, live_server, "alice", password)
    open_ticket(page, live_server, ticket)

    box = note_box(page)
    box.click()
    box.press_sequentially("Thanks ")
    page.get_by_role("button", name="Insert emoji").click()
    page.get_by_role("button", name="thumbs up").click()
    expect(box).to_have_value("Thanks 👍")
    expect(page.locator("#note-counter")).to_have_text("8 / 500")

    box.press_sequentially(" over to @bo")
    listbox = page.get_by_role("listbox", name="Agents to mention")
    expect(listbox).to_be_visible()
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(listbox.get_by_role("option").first).to_contain_text("Bob Baker")
    shot(page, "note-form-mention-list")
    box.press("ArrowDown")  # wraps around the single option and stays on Bob
    box.press("Enter")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("Thanks 👍 over to @bob ")

    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#toasts")).to_contain_text("Note added.")
    first = page.locator("#activity-list .activity").first
    expect(first).to_contain_text("Thanks 👍 over to @bob")
    expect(first.locator(".mention")).to_have_text("@bob")
    expect(box).to_have_value("")
    note = Activity.objects.get(ticket=ticket)
    assert note.body == "Thanks 👍 over to @bob"
    assert list(note.mentions.all()) == [bob]

    # The History tab got the note's event in the same response, without a reload.
    page.get_by_role("tab", name="History").click()
    expect(page.locator("#history-list .history-entry").first).to_contain_text("note added")


@pytest.mark.spec("D5")
def test_escape_closes_the_mention_list(live_server, page, alice, bob, password):
    ticket = make_ticket(alice, title="Printer on fire")
    sign_in(page, live_server, "alice", password)
    open_ticket(page, live_server, ticket)
    note_box(page).press_sequentially("@b")
    expect(page.get_by_role("listbox")).to_be_visible()
    note_box(page).press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(note_box(page)).to_have_value("@b")


@pytest.mark.spec("D5")
def test_the_author_edits_a_note_inline_and_it_is_marked_edited_with_its_first_time(live_server, page, alice, password):
    ticket = make_ticket(alice, title="Printer on fire")
    note = actions.add_note(ticket, alice, "First words")
    Activity.objects.filter(pk=note.pk).update(created_at=note.created_at - dt.timedelta(hours=2))
    note.refresh_from_db()
    sign_in(page, live_server, "alice", password)
    open_ticket(page, live_server, ticket)

    row = page.locator(f"#activity-{note.pk}")
    original_time = row.locator("time").first.get_attribute("datetime")
    row.get_by_role("button", name="Edit note").click()
    editor = page.locator(f"#note-edit-{note.pk}")
    expect(editor).to_have_value("First words")
    editor.fill("Better words")
    page.locator(f"#activity-{note.pk}").get_by_role("button", name="Save").click()

    row = page.locator(f"#activity-{note.pk}")
    expect(row).to_contain_text("Better words")
    expect(row.locator("[data-edited]")).to_have_text("· edited")
    expect(row.locator("[data-edited]")).to_have_attribute("title", re.compile(r"^Edited \d"))
    assert row.locator("time").first.get_attribute("datetime") == original_time
    note.refresh_from_db()
    assert note.body == "Better words" and note.edited_at is not None


@pytest.mark.spec("D5")
def test_the_author_deletes_a_note_after_confirming(live_server, page, alice, password):
    ticket = make_ticket(alice, title="Printer on fire")
    note = actions.add_note(ticket, alice, "Delete me")
    sign_in(page, live_server, "alice", password)
    open_ticket(page, live_server, ticket)

    page.locator(f"#activity-{note.pk}").get_by_role("button", name="Delete note").click()
    confirm = confirm_dialog(page)
    expect(confirm).to_contain_text("Delete this note? This can't be undone.")
    confirm.get_by_role("button", name="Delete").click()
    expect(page.locator(f"#activity-{note.pk}")).to_have_count(0)
    expect(page.locator("#toasts")).to_contain_text("Note deleted.")
    assert not Activity.objects.filter(pk=note.pk).exists()


@pytest.mark.spec("D5")
def test_another_agent_does_not_see_edit_controls_on_alices_note(live_server, page, alice, bob, password):
    ticket = make_ticket(alice, title="Printer on fire")
    alices = actions.add_note(ticket, alice, "Alice's note")
    bobs = actions.add_note(ticket, bob, "Bob's note")
    sign_in(page, live_server, "bob", password)
    open_ticket(page, live_server, ticket)

    expect(page.locator(f"#activity-{alices.pk}")).to_contain_text("Alice's note")
    expect(page.locator(f"#activity-{alices.pk}").get_by_role("button")).to_have_count(0)
    expect(page.locator(f"#activity-{bobs.pk}").get_by_role("button", name="Edit note")).to_be_visible()


@pytest.mark.spec("D2")
def test_tabs_switch_by_keyboard_and_the_choice_is_kept_in_the_url(live_server, page, alice, password):
    ticket = make_ticket(alice, title="Printer on fire")
    sign_in(page, live_server, "alice", password)
    open_ticket(page, live_server, ticket)

    page.get_by_role("tab", name="Activities").focus()
    page.keyboard.press("ArrowRight")
    history = page.get_by_role("tab", name="History")
    expect(history).to_be_focused()
    expect(history).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel", name="History")).to_be_visible()
    expect(page.get_by_role("tabpanel", name="Activities")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"#history$"))

    page.reload()
    expect(page.get_by_role("tab", name="History")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Tab")


@pytest.mark.spec("D7")
def test_history_scrolls_in_more_entries_and_shows_the_ticket_as_it_was(live_server, page, alice, bob, password):
    ticket = make_ticket(alice, title="Printer on fire")
    actions.add_note(ticket, alice, "A note among the changes")
    for n in range(120):
        actions.update_ticket(ticket, alice if n % 2 else bob, version=ticket.version,
                              priority=Priority.HIGH if n % 2 == 0 else Priority.URGENT)
    assert TicketEvent.objects.filter(ticket=ticket).count() == 122
    sign_in(page, live_server, "alice", password)
    open_ticket(page, live_server, ticket, "#history")

    entries = page.locator("#history-list .history-entry")
    expect(entries).to_have_count(50)
    shot(page, "history-tab")
    entries.nth(49).scroll_into_view_if_needed()
    expect(entries).to_have_count(100)
    entries.nth(99).scroll_into_view_if_needed()
    expect(entries).to_have_count(122)
    ids = page.locator("#history-list .history-entry").evaluate_all("els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)) == 122

    # The first change: Normal → High, made when the ticket was new.
    created = ticket.events.get(kind="created")
    first_change = ticket.events.filter(kind="updated").order_by("created_at", "id").first()
    entry = page.locator(f"#event-{first_change.pk}")
    entry.scroll_into_view_if_needed()
    entry.hover()
    entry.get_by_role("button", name="Show the ticket as it was").click()
    snapshot = page.locator("#history-snapshot")
    expect(snapshot).to_contain_text("The ticket as it was")
    expect(snapshot.locator('[data-field="priority"] dd')).to_contain_text("High")
    expect(snapshot.locator('[data-field="priority"] dd')).to_contain_text("now: Urgent")

    page.locator(f"#event-{created.pk}").get_by_role("button", name="Show the ticket as it was").click()
    expect(snapshot.locator('[data-field="priority"] dd')).to_contain_text("Normal")
    expect(page.locator(f"#event-{created.pk}")).to_have_class(re.compile("is-selected"))
    shot(page, "history-snapshot")

    snapshot.get_by_role("button", name="Reset").click()
    expect(snapshot).to_contain_text("The ticket now")
    expect(snapshot.locator('[data-field="priority"] dd')).to_have_text("Urgent")
    expect(page.locator(f"#event-{created.pk}")).not_to_have_class(re.compile("is-selected"))
    snapshot.get_by_role("button", name="Close").click()
    expect(snapshot).to_be_empty()


@pytest.mark.spec("D7", "D6")
def test_show_activities_merges_notes_into_the_history(live_server, page, alice, password):
    ticket = make_ticket(alice, title="Printer on fire")
    actions.update_ticket(ticket, alice, version=ticket.version, priority=Priority.HIGH)
    actions.add_note(ticket, alice, "Merged into the timeline")
    Activity.objects.create(ticket=ticket, kind="email", direction="outbound", author=alice, delivery_state="sent",
                            subject="We are on it", body="Hello", created_at=ticket.created_at)
    sign_in(page, live_server, "alice", password)
    open_ticket(page, live_server, ticket)
    shot(page, "activities-tab")
    page.get_by_role("tab", name="History").click()

    panel = page.get_by_role("tabpanel", name="History")
    expect(panel.locator(".history-activity")).to_have_count(0)
    panel.get_by_label("Show activities").check()
    expect(panel.locator(".history-activity")).to_have_count(2)
    expect(panel.locator(".history-entry").first).to_contain_text("Merged into the timeline")
    expect(panel.locator(".history-activity").last).to_contain_text("We are on it")
    shot(page, "history-with-activities")
    panel.get_by_label("Show activities").uncheck()
    expect(panel.locator(".history-activity")).to_have_count(0)
