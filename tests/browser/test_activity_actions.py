"""Sending, logging and each activity's actions in Chromium (SPEC D6, D14): an SMS with a template
and its length counter, a logged call, and moving an activity to another ticket, by keyboard."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from configurations.models import ReplyTemplate
from notifications import sms
from tickets import actions
from tickets.models import Activity, TicketEvent

from ..factories import ContactFactory, make_ticket
from .test_ticket_list import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("HELPDESK_VAR_DIR", "var")) / "screenshots"
NUMBER = "+44 20 7946 0001"


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def ticket(alice):
    return make_ticket(alice, title="Boiler broken", contact=ContactFactory(name="Dana Smith", phone=NUMBER))


@pytest.mark.spec("D14", "B2")
def test_an_agent_texts_the_customer_with_a_template_and_sees_it_sent(live_server, page, alice, password, ticket):
    sms.LocmemBackend.outbox = []
    ReplyTemplate.objects.create(name="Engineer booked", channel="sms",
                                 body="Hi {customer}, an engineer comes for {reference} tomorrow.")
    sign_in(page, live_server, "alice", password, ticket.get_absolute_url())

    page.get_by_label("Write to the customer or log: email, SMS, call").click()
    page.get_by_role("button", name="SMS").click()
    compose = page.locator("#compose-area")
    body = compose.get_by_label("Text", exact=True)
    expect(compose.get_by_label("To", exact=True)).to_have_value(NUMBER)
    counter = page.locator("[data-sms-counter]")
    expect(counter).to_have_text("0 characters · 0 SMS · GSM-7")

    compose.get_by_label("Template").select_option(label="Engineer booked")
    expected = f"Hi Dana Smith, an engineer comes for {ticket.reference} tomorrow."
    expect(body).to_have_value(expected)
    expect(counter).to_have_text(f"{len(expected)} characters · 1 SMS · GSM-7")
    body.fill(expected + " ☺" + "x" * 60)
    expect(counter).to_have_text(re.compile(r"· 2 SMS · UCS-2$"))
    body.fill(expected)
    shot(page, "sms-compose")

    page.get_by_role("button", name="Send SMS").click()
    row = page.locator(".activity-sms").first
    expect(row).to_contain_text(expected)
    expect(row.locator("[data-delivery]")).to_contain_text(NUMBER)
    expect(page.locator("#compose-area")).to_be_empty()
    [message] = sms.LocmemBackend.outbox
    assert (message.to, message.body) == (NUMBER, expected)
    assert Activity.objects.get(kind="sms").delivery_state == "sent"


@pytest.mark.spec("D14", "X2")
def test_an_agent_logs_a_call_and_a_bad_duration_is_refused_where_it_was_typed(
    live_server, page, alice, password, ticket
):
    sign_in(page, live_server, "alice", password, ticket.get_absolute_url())
    page.get_by_label("Write to the customer or log: email, SMS, call").click()
    page.get_by_role("button", name="Call").click()
    compose = page.locator("#compose-area")
    expect(compose.get_by_label("Number")).to_have_value(NUMBER)
    compose.get_by_label("Incoming").check()
    compose.get_by_label("Duration").fill("four minutes")
    compose.get_by_label("Note", exact=True).fill("Customer sends photos tonight.")
    compose.get_by_role("button", name="Log call").click()
    expect(page.locator("#call-duration-error")).to_contain_text("is not a duration")
    expect(compose.get_by_label("Duration")).to_be_focused()
    expect(compose.get_by_label("Note", exact=True)).to_have_value("Customer sends photos tonight.")
    assert not Activity.objects.exists()

    compose.get_by_label("Duration").fill("4:05")
    shot(page, "call-log")
    compose.get_by_label("Duration").press("Enter")
    row = page.locator(".activity-call").first
    expect(row).to_contain_text("Answered")
    expect(row).to_contain_text("4:05")
    expect(row).to_contain_text("Customer sends photos tonight.")
    call = Activity.objects.get(kind="call")
    assert (call.direction, call.call_seconds) == ("inbound", 245)
    shot(page, "call-logged")


@pytest.mark.spec("D6")
def test_an_agent_moves_a_call_to_another_ticket_from_its_menu_by_keyboard(
    live_server, page, alice, password, ticket
):
    other = make_ticket(alice, title="Second boiler at the same address")
    call = actions.log_call(ticket, alice, number=NUMBER, direction="outbound", outcome="voicemail",
                            duration="0:40", note="Left a message about the visit")
    sign_in(page, live_server, "alice", password, ticket.get_absolute_url())

    toggle = page.locator(f"#activity-{call.pk}").get_by_label("Actions for this call")
    toggle.focus()
    page.keyboard.press("Enter")
    move = page.get_by_role("button", name="Move to another ticket")
    expect(move).to_be_visible()
    shot(page, "activity-menu")
    move.focus()
    page.keyboard.press("Enter")

    dialog = page.locator("#activity-dialog")
    expect(dialog).to_be_visible()
    search = dialog.get_by_label("To the ticket")
    expect(search).to_be_focused()
    search.press_sequentially("second boiler")
    option = dialog.get_by_role("option", name=re.compile(other.reference))
    expect(option).to_be_visible()
    shot(page, "activity-move")
    search.press("ArrowDown")
    search.press("Enter")

    expect(dialog).to_be_hidden()
    expect(page.locator(f"#activity-{call.pk}")).to_have_count(0)
    call.refresh_from_db()
    assert call.ticket == other
    assert ticket.events.filter(kind=TicketEvent.Kind.ACTIVITY_MOVED).exists()
    assert other.events.filter(kind=TicketEvent.Kind.ACTIVITY_MOVED).exists()

    page.goto(live_server.url + other.get_absolute_url())
    expect(page.locator(f"#activity-{call.pk}")).to_contain_text("Left a message about the visit")


@pytest.mark.spec("D6")
def test_a_comment_quotes_the_activity_and_links_to_it(live_server, page, alice, password, ticket):
    call = actions.log_call(ticket, alice, number=NUMBER, direction="outbound", outcome="answered", duration="3")
    sign_in(page, live_server, "alice", password, ticket.get_absolute_url())
    page.locator(f"#activity-{call.pk}").get_by_label("Actions for this call").click()
    page.get_by_role("button", name="Comment").click()
    dialog = page.locator("#activity-dialog")
    dialog.get_by_label("Your comment").fill("Agreed a visit on Monday.")
    dialog.get_by_role("button", name="Add comment").click()
    expect(dialog).to_be_hidden()
    comment = page.locator(".activity-note").first
    expect(comment).to_contain_text("Agreed a visit on Monday.")
    expect(comment.locator(".activity-quote")).to_contain_text("Outgoing call to")
    shot(page, "activity-comment")

    page.goto(live_server.url + f"/tickets/{ticket.pk}/activities/{call.pk}/")
    expect(page.get_by_role("heading", name="The call with +44 20 7946 0001")).to_be_visible()
    expect(page.locator("#activity-comments")).to_be_visible()
    shot(page, "activity-detail")
