"""A team leader configures the helpdesk in Chromium (SPEC C1): real clicks, typing and drags."""

import os
import re

import pytest
from playwright.sync_api import expect

from configurations.models import SubStatus, Tag

from ..factories import SubStatusFactory
from .support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.spec("C1")]

SCREENSHOTS = os.environ.get("C1_SCREENSHOTS")  # a folder: save screenshots there to look at them


def shoot(page, name):
    if SCREENSHOTS:
        page.wait_for_timeout(400)  # let drag animations settle
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=False)


def sub_status_names(page, status):
    return page.locator(f"[data-substatus-list][data-status='{status}'] .config-sub-name")


@pytest.mark.spec("C1", "T5")
def test_a_team_leader_adds_a_tag_and_sees_it_listed(live_server, page, lead, password):
    sign_in(page, live_server, "lead", password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Configurations").click()
    shoot(page, "overview")
    page.get_by_role("navigation", name="Configuration sections").get_by_role("link", name=re.compile("Tags")).click()
    page.get_by_role("link", name="New tag").click()
    page.get_by_label("Name").fill("Refund pending")
    page.get_by_role("button", name="Add tag").click()

    expect(page).to_have_url(re.compile(r"/configurations/tags/$"))
    expect(page.locator("table .chip-tag", has_text="Refund pending")).to_be_visible()
    expect(page.locator("#toasts")).to_contain_text("Tag “Refund pending” added.")
    assert Tag.objects.filter(name="Refund pending").exists()
    shoot(page, "tags")


@pytest.mark.spec("C1", "T2")
def test_a_team_leader_reaches_the_sub_status_limit_and_reads_why(live_server, page, lead, password):
    for n in range(4):
        SubStatusFactory(status="pending", name=f"Waiting {n + 1}", position=n)
    sign_in(page, live_server, "lead", password)
    page.goto(live_server.url + "/configurations/sub-statuses/")
    expect(page.locator(".substatus-col", has_text="Pending")).to_contain_text("Full: 4 is the most")

    page.get_by_role("link", name="New sub-status").click()
    page.get_by_label("Main status").select_option(label="Pending")
    page.get_by_label("Name").fill("Waiting 5")
    page.get_by_label("Customer notification").select_option(label="SMS")
    page.get_by_role("button", name="Add sub-status").click()

    expect(page.get_by_text("Pending already has 4 sub-statuses, the most allowed.")).to_be_visible()
    expect(page.get_by_text("Write the message the customer receives")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Waiting 5")  # the input is kept
    assert SubStatus.objects.filter(status="pending").count() == 4
    shoot(page, "substatus-limit")


@pytest.mark.spec("C1", "T2")
def test_a_dragged_sub_status_keeps_its_place_after_a_reload(live_server, page, lead, password):
    for n, name in enumerate(["Investigating", "Waiting for vendor", "Fix scheduled"]):
        SubStatusFactory(status="ongoing", name=name, position=n)
    SubStatusFactory(status="pending", name="Waiting for customer", notify_channel="email", notify_text="We wait.")
    sign_in(page, live_server, "lead", password)
    page.goto(live_server.url + "/configurations/sub-statuses/")
    names = sub_status_names(page, "ongoing")
    expect(names).to_have_text(["Investigating", "Waiting for vendor", "Fix scheduled"])

    with page.expect_response(re.compile(r"/configurations/sub-statuses/reorder/$")) as saved:
        names.nth(2).drag_to(names.nth(0), target_position={"x": 4, "y": 3})
    assert saved.value.status == 204
    expect(page.get_by_role("status").filter(has_text="Order saved.")).to_be_visible()
    shoot(page, "substatuses")

    page.reload()
    expect(sub_status_names(page, "ongoing")).to_have_text(["Fix scheduled", "Investigating", "Waiting for vendor"])
    expect(sub_status_names(page, "pending")).to_have_text(["Waiting for customer"])


@pytest.mark.spec("C1", "T2", "X3")
def test_a_sub_status_moves_up_by_keyboard_and_keeps_its_place(live_server, page, lead, password):
    for n, name in enumerate(["Investigating", "Waiting for vendor"]):
        SubStatusFactory(status="ongoing", name=name, position=n)
    sign_in(page, live_server, "lead", password)
    page.goto(live_server.url + "/configurations/sub-statuses/")
    page.get_by_role("link", name="Edit Waiting for vendor").focus()
    with page.expect_response(re.compile(r"/configurations/sub-statuses/reorder/$")) as saved:
        page.keyboard.press("Alt+Shift+ArrowUp")
    assert saved.value.status == 204
    expect(page.get_by_role("link", name="Edit Waiting for vendor")).to_be_focused()

    page.reload()
    expect(sub_status_names(page, "ongoing")).to_have_text(["Waiting for vendor", "Investigating"])


@pytest.mark.spec("C1", "R3")
def test_an_agent_opening_configurations_gets_the_403_page(live_server, page, alice, password):
    sign_in(page, live_server, "alice", password)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Configurations")).to_have_count(0)
    response = page.goto(live_server.url + "/configurations/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You don't have access to this page")).to_be_visible()
