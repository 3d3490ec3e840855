"""What an agent does with the ticket form in Chromium: edit and save, conflicts, sub-status, panels."""

import re

import pytest
from playwright.sync_api import expect

from configurations.models import Status
from tickets.models import Ticket

from ..factories import SubStatusFactory, make_ticket
from .support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def form(page):
    return page.locator("#ticket-form")


@pytest.mark.spec("D3")
def test_edit_then_save_updates_the_form_and_the_header(live_server, page, alice, password):
    ticket = make_ticket(alice, title="Printer on fire", assignee=alice)
    sign_in(page, live_server, "alice", password)
    page.goto(live_server.url + ticket.get_absolute_url())

    form(page).get_by_role("button", name="Edit").click()
    form(page).get_by_label("Priority").select_option("urgent")
    form(page).get_by_label("Title").fill("Printer on fire again")
    form(page).get_by_role("button", name="Save").click()

    expect(page.get_by_role("status").filter(has_text="saved")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Printer on fire again")
    expect(form(page).get_by_role("button", name="Edit")).to_be_visible()
    expect(form(page)).to_contain_text("Urgent")
    assert Ticket.objects.get(pk=ticket.pk).priority == "urgent"


@pytest.mark.spec("D3", "X1")
def test_a_save_of_a_field_someone_else_saved_meanwhile_is_refused_and_keeps_the_input(
    live_server, page, browser, alice, bob, password
):
    ticket = make_ticket(alice, title="Printer on fire")
    sign_in(page, live_server, "alice", password)
    page.goto(live_server.url + ticket.get_absolute_url())
    form(page).get_by_role("button", name="Edit").click()
    form(page).get_by_label("Title").fill("Alice's better title")
    form(page).get_by_label("Priority").select_option("low")

    save_priority_as_bob(browser, live_server, ticket, password)

    form(page).get_by_role("button", name="Save").click()
    alert = form(page).get_by_role("alert")
    expect(alert).to_contain_text("Bob Baker changed Priority")
    expect(form(page).get_by_label("Title")).to_have_value("Alice's better title")
    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.title == "Printer on fire" and saved.priority == "high"


@pytest.mark.spec("D3")
def test_a_save_of_other_fields_after_someone_else_saved_keeps_both_changes(
    live_server, page, browser, alice, bob, password
):
    ticket = make_ticket(alice, title="Printer on fire")
    sign_in(page, live_server, "alice", password)
    page.goto(live_server.url + ticket.get_absolute_url())
    form(page).get_by_role("button", name="Edit").click()
    form(page).get_by_label("Title").fill("Alice's better title")

    save_priority_as_bob(browser, live_server, ticket, password)

    form(page).get_by_role("button", name="Save").click()
    expect(form(page).get_by_role("button", name="Edit")).to_be_visible()
    expect(form(page).get_by_role("alert")).to_have_count(0)
    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.title, saved.priority) == ("Alice's better title", "high")


def save_priority_as_bob(browser, live_server, ticket, password):
    other = browser.new_context(viewport={"width": 1366, "height": 860})
    bob_page = other.new_page()
    sign_in(bob_page, live_server, "bob", password)
    bob_page.goto(live_server.url + ticket.get_absolute_url())
    form(bob_page).get_by_role("button", name="Edit").click()
    form(bob_page).get_by_label("Priority").select_option("high")
    form(bob_page).get_by_role("button", name="Save").click()
    expect(form(bob_page).get_by_role("button", name="Edit")).to_be_visible()
    other.close()


@pytest.mark.spec("D4")
def test_sub_status_saves_at_once_with_a_snackbar(live_server, page, alice, password):
    SubStatusFactory(status=Status.PENDING, name="Waiting for customer")
    ticket = make_ticket(alice, title="Where is my parcel")
    sign_in(page, live_server, "alice", password)
    page.goto(live_server.url + ticket.get_absolute_url())

    page.get_by_label("Sub-status").select_option(label="Waiting for customer")
    expect(page.get_by_role("status").filter(has_text="Sub-status set to Pending · Waiting for customer")).to_be_visible()
    expect(page.locator(".status-step[aria-current='step']")).to_contain_text("Pending")
    assert Ticket.objects.get(pk=ticket.pk).sub_status.name == "Waiting for customer"


@pytest.mark.spec("D2")
def test_the_panel_ratio_sticks_after_a_reload(live_server, page, alice, password):
    ticket = make_ticket(alice)
    sign_in(page, live_server, "alice", password)
    page.goto(live_server.url + ticket.get_absolute_url())
    with page.expect_response(re.compile(r"/panel-ratio/")):
        page.get_by_role("button", name="1:2").click()
    expect(page.locator("[data-panels]")).to_have_attribute("data-ratio", "1:2")
    page.reload()
    expect(page.locator("[data-panels]")).to_have_attribute("data-ratio", "1:2")
    expect(page.get_by_role("button", name="1:2")).to_have_attribute("aria-pressed", "true")
