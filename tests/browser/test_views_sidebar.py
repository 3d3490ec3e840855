"""The views sidebar (SPEC L7) and filter schemes (SPEC L8), driven through Chromium with real clicks."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_ticket
from tickets.models import FilterScheme, MyViewEntry, TicketView

from . import support

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username, password, path="/tickets/?tab=all"):
    support.sign_in(page, live_server, username, password, path=path)
    expect(page.locator("#views-nav")).to_be_visible()


def my_views(page):
    return page.locator("#my-views-list")


def drag(page, source, target, dx=40, dy=None):
    """Drag `source` onto `target` (at dx, dy inside it; dy None = its middle) with the mouse.

    As a person does: small unhurried steps, eyes on the target, which may move while the list makes
    room (drop zones open, items shift); SortableJS ignores targets while they animate (150 ms), so
    the pointer rests on the target before the drop.
    """
    box = source.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + 6, steps=3)
    for step in list(range(1, 11)) + [10, 10, 10]:
        goal = target.bounding_box()
        goal_x = goal["x"] + dx
        goal_y = goal["y"] + (goal["height"] / 2 if dy is None else dy)
        page.mouse.move(x + (goal_x - x) * step / 10, y + (goal_y - y) * step / 10, steps=2)
        page.wait_for_timeout(60)
    page.wait_for_timeout(300)
    page.mouse.up()
    page.wait_for_timeout(200)


def drag_until(page, source, target, settled, attempts=3, **offsets):
    """Drag, and drag again if the list did not take the drop (as a person would retry).

    Mouse drags depend on animation timing in a loaded headless browser; `settled(timeout)` is the
    expectation that the drop happened.
    """
    for attempt in range(attempts):
        drag(page, source, target, **offsets)
        try:
            settled(2000)
            return
        except AssertionError:
            if attempt == attempts - 1:
                raise


def row_of(page, view):
    return page.locator(f'#my-views-list .view-item[data-view-id="{view.pk}"] > .view-row')


def sub_views_of(page, view):
    return page.locator(f'#my-views-list .view-item[data-view-id="{view.pk}"] > .view-children')


def add_views(user, *names):
    views = [
        TicketView.objects.create(owner=user, name=name, query=f"tab=all&priority={priority}")
        for name, priority in zip(names, ("low", "normal", "high", "urgent"), strict=False)
    ]
    for position, view in enumerate(views):
        MyViewEntry.objects.create(user=user, view=view, position=position)
    return views


@pytest.mark.spec("L7")
def test_agent_adds_a_team_view_to_my_views_from_the_panel(live_server, page, alice, admin_user, password):
    TicketView.objects.create(
        owner=admin_user, name="Escalations", query="tab=all&priority=urgent", is_team_view=True, visibility="shared"
    )
    TicketView.objects.create(owner=alice, name="Parked", is_folder=True)
    sign_in(page, live_server, "alice", password)
    expect(page.locator("#views-nav")).to_contain_text("No views yet")
    expect(page.locator(".views-section").first.get_by_role("link", name="Escalations")).to_be_visible()

    page.get_by_role("link", name="Add View").click()
    dialog = page.get_by_role("dialog", name="Add view to my views")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Folders only").check()
    expect(dialog.locator(".panel-row")).to_have_count(1)
    expect(dialog.locator(".panel-row")).to_contain_text("Parked")
    dialog.get_by_label("Folders only").uncheck()
    expect(dialog.locator(".panel-row")).to_have_count(2)

    dialog.get_by_role("button", name="Add Escalations to My views").click()
    expect(dialog.locator("#panel-row-" + str(TicketView.objects.get(name="Escalations").pk))).to_contain_text("Added")
    dialog.get_by_role("link", name="Apply").click()

    expect(page).to_have_url(re.compile(r"/tickets/\?tab=all$"))
    expect(my_views(page).get_by_role("link", name="Escalations")).to_be_visible()
    my_views(page).get_by_role("link", name="Escalations").click()
    expect(page).to_have_url(re.compile(r"priority=urgent"))
    expect(my_views(page).get_by_role("link", name="Escalations")).to_have_attribute("aria-current", "page")


@pytest.mark.spec("L7")
def test_agent_creates_a_view_from_the_current_filters_and_following_it_restores_them(
    live_server, page, alice, password
):
    make_ticket(alice, title="Server down", priority="high")
    make_ticket(alice, title="Typo on invoice", priority="low")
    sign_in(page, live_server, "alice", password, path="/tickets/?tab=all&priority=high&sort=oldest")

    page.get_by_role("link", name="Add View").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("link", name="Add new").click()
    expect(dialog.get_by_role("heading", name="New view")).to_be_visible()
    expect(dialog.locator(".query-chips")).to_contain_text("high")
    dialog.get_by_label("Name").fill("")
    dialog.get_by_role("button", name="Create view").click()
    expect(dialog.locator(".field-error")).to_have_text("Give it a name.")
    dialog.get_by_label("Name").fill("Hot tickets")
    dialog.get_by_label("Shared — others can add it to their views").check()
    dialog.get_by_role("button", name="Create view").click()

    expect(page).to_have_url(re.compile(r"/tickets/\?tab=all&priority=high&sort=oldest&view=\d+$"))
    view = TicketView.objects.get(name="Hot tickets")
    assert (view.query, view.visibility) == ("tab=all&priority=high&sort=oldest", "shared")
    assert page.url.endswith(f"view={view.pk}")
    link = my_views(page).get_by_role("link", name="Hot tickets")
    expect(link).to_have_attribute("aria-current", "page")

    page.goto(live_server.url + "/tickets/?tab=mine&priority=low")
    my_views(page).get_by_role("link", name="Hot tickets").click()
    expect(page).to_have_url(re.compile(rf"\?tab=all&priority=high&sort=oldest&view={view.pk}$"))
    expect(page.get_by_role("row").filter(has_text="Server down")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Typo on invoice")).to_have_count(0)


@pytest.mark.spec("L7")
def test_edit_mode_reorders_and_nests_by_drag_and_drop_and_keeps_it_after_reload(live_server, page, alice, password):
    alpha, bravo, charlie = add_views(alice, "Alpha", "Bravo", "Charlie")
    sign_in(page, live_server, "alice", password)
    expect(my_views(page).locator(":scope > .view-item")).to_have_count(3)

    page.get_by_role("button", name="Edit").click()
    expect(page.get_by_role("button", name="Done")).to_be_visible()

    # Charlie above Alpha.
    drag_until(
        page, row_of(page, charlie), row_of(page, alpha),
        lambda timeout: expect(my_views(page).locator(".view-name")).to_have_text(
            ["Charlie", "Alpha", "Bravo"], timeout=timeout
        ),
        dx=60, dy=3,
    )
    expect(my_views(page).locator(":scope > .view-item")).to_have_count(3)

    # Bravo into Alpha, as its sub-view: onto the drop zone under Alpha's row.
    drag_until(
        page, row_of(page, bravo), sub_views_of(page, alpha),
        lambda timeout: expect(sub_views_of(page, alpha).locator(".view-name")).to_have_text(["Bravo"], timeout=timeout),
        dy=2,
    )

    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("button", name="Edit")).to_be_visible()
    expect(page.locator("#toasts")).to_contain_text("My views saved.")

    page.reload()
    top = my_views(page).locator(":scope > .view-item")
    expect(top).to_have_count(2)
    expect(top.locator(":scope > .view-row .view-name")).to_have_text(["Charlie", "Alpha"])
    expect(sub_views_of(page, alpha).locator(".view-name")).to_have_text(["Bravo"])


@pytest.mark.spec("L7")
def test_edit_mode_creates_a_folder_and_a_view_dragged_into_it_stays_there(live_server, page, alice, password):
    alpha, _ = add_views(alice, "Alpha", "Bravo")
    sign_in(page, live_server, "alice", password)

    page.get_by_role("button", name="Edit").click()
    page.get_by_label("New folder name").fill("Escalation work")
    page.get_by_role("button", name="Add folder").click()
    folder = my_views(page).locator(":scope > .view-item.is-folder")
    expect(folder).to_contain_text("Escalation work")

    drag_until(
        page, row_of(page, alpha), folder.locator(":scope > .view-children"),
        lambda timeout: expect(folder.locator(".view-children .view-name")).to_have_text(["Alpha"], timeout=timeout),
    )
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("button", name="Edit")).to_be_visible()

    page.reload()
    top = my_views(page).locator(":scope > .view-item")
    expect(top.locator(":scope > .view-row .view-name")).to_have_text(["Bravo", "Escalation work"])
    expect(top.nth(1).locator(".view-children .view-name")).to_have_text(["Alpha"])


@pytest.mark.spec("L7")
def test_edit_mode_works_from_the_keyboard(live_server, page, alice, password):
    add_views(alice, "Alpha", "Bravo")
    sign_in(page, live_server, "alice", password)

    page.get_by_role("button", name="Edit").click()
    page.get_by_role("button", name="Move Bravo", exact=True).focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("button", name="Move Bravo", exact=True)).to_be_focused()
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("button", name="Edit")).to_be_visible()

    page.reload()
    top = my_views(page).locator(":scope > .view-item")
    expect(top).to_have_count(1)
    expect(top.locator(".view-children .view-name")).to_have_text(["Bravo"])


@pytest.mark.spec("L7")
def test_removing_a_view_in_edit_mode_keeps_it_available_in_the_panel(live_server, page, alice, password):
    add_views(alice, "Alpha", "Bravo")
    sign_in(page, live_server, "alice", password)

    page.get_by_role("button", name="Edit").click()
    row = my_views(page).locator(".view-row").filter(has_text="Alpha")
    row.hover()
    row.get_by_role("button", name="Remove Alpha from My views").click()
    expect(my_views(page)).not_to_contain_text("Alpha")
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("button", name="Edit")).to_be_visible()

    page.reload()
    expect(my_views(page)).not_to_contain_text("Alpha")
    expect(my_views(page).get_by_role("link", name="Bravo")).to_be_visible()
    assert TicketView.objects.filter(name="Alpha").exists()
    assert list(MyViewEntry.objects.filter(user=alice).values_list("view__name", flat=True)) == ["Bravo"]

    page.get_by_role("link", name="Add View").click()
    dialog = page.get_by_role("dialog", name="Add view to my views")
    expect(dialog.get_by_role("button", name="Add Alpha to My views")).to_be_visible()
    expect(dialog.locator(".panel-row").filter(has_text="Bravo")).to_contain_text("Added")


@pytest.mark.spec("L8")
def test_agent_saves_picks_and_deletes_a_filter_scheme(live_server, page, alice, password):
    make_ticket(alice, title="Server down", priority="high")
    make_ticket(alice, title="Typo on invoice", priority="low")
    sign_in(page, live_server, "alice", password, path="/tickets/?tab=all&priority=high")

    menu = page.locator("#filter-schemes")
    menu.locator("summary").click()
    expect(menu).to_contain_text("No saved filter schemes yet")
    menu.get_by_role("button", name="Save as…").click()
    menu.get_by_label("Save the current filters as").fill("High only")
    menu.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#toasts")).to_contain_text("Filter scheme “High only” saved.")
    expect(page.locator("#filter-schemes .scheme-link")).to_have_text(["High only"])
    scheme = FilterScheme.objects.get(owner=alice)
    assert (scheme.name, scheme.query) == ("High only", "tab=all&priority=high")

    # The same name again: a clear message, nothing saved.
    menu = page.locator("#filter-schemes")
    menu.locator("summary").click()
    menu.get_by_role("button", name="Save as…").click()
    menu.get_by_label("Save the current filters as").fill("high ONLY")
    menu.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#scheme-name-error")).to_contain_text("You already have a filter scheme named")
    assert FilterScheme.objects.count() == 1

    page.goto(live_server.url + "/tickets/?tab=all")
    expect(page.get_by_role("row").filter(has_text="Typo on invoice")).to_be_visible()
    menu = page.locator("#filter-schemes")
    menu.locator("summary").click()
    menu.get_by_role("link", name="High only").click()
    expect(page).to_have_url(re.compile(rf"\?tab=all&priority=high&scheme={scheme.pk}$"))
    expect(page.get_by_role("row").filter(has_text="Typo on invoice")).to_have_count(0)
    expect(page.locator("#filter-schemes summary")).to_contain_text("High only")

    menu = page.locator("#filter-schemes")
    menu.locator("summary").click()
    menu.get_by_role("button", name="Delete filter scheme High only").click()
    expect(page.locator("#filter-schemes")).to_contain_text("No saved filter schemes yet")
    assert not FilterScheme.objects.exists()


@pytest.mark.spec("R3", "L7")
def test_without_the_right_there_is_no_add_view_button(live_server, page, alice, password):
    from django.contrib.auth.models import Permission

    alice.groups.clear()
    alice.user_permissions.add(Permission.objects.get(content_type__app_label="tickets", codename="work_on_tickets"))
    sign_in(page, live_server, "alice", password)
    expect(page.locator("#views-nav")).to_be_visible()
    expect(page.get_by_role("link", name="Add View")).to_have_count(0)
