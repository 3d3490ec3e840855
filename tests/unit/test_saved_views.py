"""The views sidebar (SPEC L7) and filter schemes (SPEC L8): rights, visibility, layout, validation, queries."""

import json

import pytest
from django.conf import settings
from django.db import connection
from django.middleware.csrf import get_token
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tickets.models import FilterScheme, MyViewEntry, TicketView

from ..conftest import _client_for
from ..factories import UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


# --- helpers ------------------------------------------------------------------------------------


def make_view(owner, name, query="tab=all", **fields):
    return TicketView.objects.create(owner=owner, name=name, query=query, **fields)


def add(user, *views):
    start = MyViewEntry.objects.filter(user=user).count()
    for position, view in enumerate(views, start=start):
        MyViewEntry.objects.create(user=user, view=view, position=position)


def my_views(user):
    """The user's My views as [(name, parent name or None)] in their order."""
    entries = MyViewEntry.objects.filter(user=user).select_related("view", "parent__view").order_by("position")
    return [(entry.view.name, entry.parent.view.name if entry.parent else None) for entry in entries]


def csrf_post(client, url, data=None, **extra):
    """POST as a browser does, with the CSRF cookie and header (the client enforces CSRF checks)."""
    if settings.CSRF_COOKIE_NAME not in client.cookies:
        request = RequestFactory().get("/")
        client.cookies[settings.CSRF_COOKIE_NAME] = get_token(request)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    return client.post(url, data or {}, HTTP_X_CSRFTOKEN=token, **extra)


def post_layout(client, layout, **extra):
    return csrf_post(client, reverse("tickets:views_layout"), {"layout": json.dumps(layout)}, **extra)


def render_tag(user, tag, query=""):
    request = RequestFactory().get("/tickets/?" + query)
    request.user = user
    template = engines["django"].from_string("{% load ticket_views %}{% " + tag + " %}")
    return template.render({"request": request}, request)


@pytest.fixture
def bob_client(bob):
    return _client_for(bob)


@pytest.fixture
def no_rights(support_team):
    """An agent who works on tickets but was not given the right to create views (R3)."""
    from django.contrib.auth.models import Permission

    user = UserFactory(username="nora", first_name="Nora", last_name="Noright")
    user.groups.clear()
    user.user_permissions.add(Permission.objects.get(content_type__app_label="tickets", codename="work_on_tickets"))
    support_team.members.add(user)
    return user


@pytest.fixture
def no_rights_client(no_rights):
    return _client_for(no_rights)


# --- rights (R3) --------------------------------------------------------------------------------


@pytest.mark.spec("R3", "L7")
def test_without_the_right_the_add_view_button_is_not_shown(no_rights, alice):
    assert "Add View" not in render_tag(no_rights, "views_sidebar")
    assert "Add View" in render_tag(alice, "views_sidebar")


@pytest.mark.spec("R3", "L7")
def test_without_the_right_the_server_refuses_to_create_or_edit_views(no_rights_client, no_rights, alice):
    own = make_view(no_rights, "Made before the right was taken")
    team = make_view(alice, "Escalations", is_team_view=True, visibility="shared")

    assert no_rights_client.get(reverse("tickets:view_panel")).status_code == 403
    assert no_rights_client.get(reverse("tickets:view_create")).status_code == 403
    assert (
        csrf_post(
            no_rights_client, reverse("tickets:view_create"), {"name": "Mine", "visibility": "private"}
        ).status_code
        == 403
    )
    assert (
        csrf_post(no_rights_client, reverse("tickets:view_edit", args=[own.pk]), {"name": "Renamed"}).status_code == 403
    )
    assert csrf_post(no_rights_client, reverse("tickets:view_add", args=[team.pk])).status_code == 403
    assert csrf_post(no_rights_client, reverse("tickets:folder_create"), {"name": "Stuff"}).status_code == 403
    assert list(TicketView.objects.filter(owner=no_rights).values_list("name", flat=True)) == [own.name]
    assert not MyViewEntry.objects.filter(user=no_rights).exists()


@pytest.mark.spec("R3", "L7")
def test_an_agent_cannot_edit_someone_elses_shared_view_or_a_team_view(alice_client, alice, bob, admin_user):
    shared = make_view(bob, "Bob's shared", visibility="shared")
    team = make_view(admin_user, "Escalations", is_team_view=True, visibility="shared")

    for view in (shared, team):
        assert alice_client.get(reverse("tickets:view_edit", args=[view.pk])).status_code == 403
        response = csrf_post(alice_client, reverse("tickets:view_edit", args=[view.pk]), {"name": "Hijacked"})
        assert response.status_code == 403
        assert csrf_post(alice_client, reverse("tickets:view_delete", args=[view.pk])).status_code == 403
    assert set(TicketView.objects.values_list("name", flat=True)) == {"Bob's shared", "Escalations"}


@pytest.mark.spec("R3", "L7")
def test_staff_edit_team_views_in_the_app(admin_client_, alice):
    team = make_view(alice, "Escalations", is_team_view=True, visibility="shared")

    response = csrf_post(
        admin_client_, reverse("tickets:view_edit", args=[team.pk]), {"name": "Escalated", "is_team_view": "on"}
    )

    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.is_team_view) == ("Escalated", True)


@pytest.mark.spec("R3", "L7")
def test_an_agent_posting_team_view_gets_an_ordinary_view(alice_client, alice):
    response = csrf_post(
        alice_client, reverse("tickets:view_create"), {"name": "Sneaky", "visibility": "private", "is_team_view": "on"}
    )

    assert response.status_code == 302
    view = TicketView.objects.get(name="Sneaky")
    assert (view.owner, view.is_team_view, view.visibility) == (alice, False, "private")


@pytest.mark.spec("L7")
def test_staff_create_team_views_that_everyone_sees(admin_client_, alice):
    response = csrf_post(
        admin_client_,
        reverse("tickets:view_create"),
        {"name": "Urgent everywhere", "visibility": "private", "is_team_view": "on", "from": "tab=all&priority=urgent"},
    )

    assert response.status_code == 302
    view = TicketView.objects.get(name="Urgent everywhere")
    assert (view.is_team_view, view.visibility, view.query) == (True, "shared", "tab=all&priority=urgent")
    assert "Urgent everywhere" in render_tag(alice, "views_sidebar")


# --- visibility (L7) ----------------------------------------------------------------------------


@pytest.mark.spec("L7")
def test_the_panel_lists_team_own_and_shared_views_but_not_others_private_ones(alice_client, alice, bob, admin_user):
    make_view(admin_user, "Escalations", is_team_view=True, visibility="shared")
    make_view(alice, "Alice private")
    make_view(bob, "Bob shared", visibility="shared")
    make_view(bob, "Bob private")

    page = alice_client.get(reverse("tickets:view_panel")).content.decode()

    assert "Escalations" in page and "Alice private" in page and "Bob shared" in page
    assert "Bob private" not in page


@pytest.mark.spec("L7")
def test_someone_elses_private_view_cannot_be_added_edited_or_guessed(alice_client, alice, bob):
    secret = make_view(bob, "Bob private")

    assert csrf_post(alice_client, reverse("tickets:view_add", args=[secret.pk])).status_code == 404
    assert alice_client.get(reverse("tickets:view_edit", args=[secret.pk])).status_code == 404
    assert csrf_post(alice_client, reverse("tickets:view_delete", args=[secret.pk])).status_code == 404
    assert not MyViewEntry.objects.filter(user=alice).exists()


@pytest.mark.spec("L7")
def test_a_shared_view_made_private_leaves_the_sidebars_of_others(alice, bob):
    view = make_view(bob, "Bob shared", visibility="shared")
    add(alice, view)
    assert "Bob shared" in render_tag(alice, "views_sidebar")

    view.visibility = "private"
    view.save()

    assert "Bob shared" not in render_tag(alice, "views_sidebar")


@pytest.mark.spec("L7")
def test_the_panel_checkboxes_filter_private_shared_and_folders(alice_client, alice, bob):
    make_view(alice, "Mine private")
    make_view(alice, "Mine shared", visibility="shared")
    make_view(bob, "Bob shared", visibility="shared")
    TicketView.objects.create(owner=alice, name="Archive folder", is_folder=True)
    url = reverse("tickets:view_panel")

    def names(**checked):
        response = alice_client.get(url, checked, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="view-panel-list")
        return {
            name
            for name in ("Mine private", "Mine shared", "Bob shared", "Archive folder")
            if name in response.content.decode()
        }

    assert names() == {"Mine private", "Mine shared", "Bob shared", "Archive folder"}
    assert names(private="1") == {"Mine private", "Archive folder"}
    assert names(shared="1") == {"Mine shared", "Bob shared"}
    assert names(folders="1") == {"Archive folder"}


@pytest.mark.spec("L7")
def test_adding_a_team_view_puts_it_at_the_end_of_my_views_once(alice_client, alice, admin_user):
    mine = make_view(alice, "Mine")
    add(alice, mine)
    team = make_view(admin_user, "Escalations", is_team_view=True, visibility="shared")

    first = csrf_post(alice_client, reverse("tickets:view_add", args=[team.pk]), **HTMX)
    again = csrf_post(alice_client, reverse("tickets:view_add", args=[team.pk]), **HTMX)

    assert first.status_code == again.status_code == 200
    assert "Added" in first.content.decode()
    assert my_views(alice) == [("Mine", None), ("Escalations", None)]


# --- creating from the list (L7) ----------------------------------------------------------------


@pytest.mark.spec("L7")
def test_a_new_view_keeps_the_lists_filters_without_cursors_and_opens_it(alice_client, alice):
    back = "tab=team&status=ongoing&priority=high&priority=urgent&sort=oldest&after=2024-01-01T00:00:00_5&view=99"

    form = alice_client.get(reverse("tickets:view_create"), {"from": back})
    response = csrf_post(
        alice_client, reverse("tickets:view_create"), {"name": "Hot", "visibility": "shared", "from": back}
    )

    assert form.status_code == 200 and "Priority" in form.content.decode()
    view = TicketView.objects.get(name="Hot")
    assert view.query == "tab=team&status=ongoing&priority=high&priority=urgent&sort=oldest"
    assert view.visibility == "shared"
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/?{view.query}&view={view.pk}"
    assert my_views(alice) == [("Hot", None)]


@pytest.mark.spec("L7")
def test_an_htmx_create_redirects_the_page_to_the_new_view(alice_client, alice):
    response = csrf_post(alice_client, reverse("tickets:view_create"), {"name": "Hot", "from": "tab=all"}, **HTMX)

    view = TicketView.objects.get(name="Hot")
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/tickets/?tab=all&view={view.pk}"


@pytest.mark.spec("L7")
def test_a_folder_saves_no_filters_and_stays_private(alice_client, alice):
    csrf_post(
        alice_client,
        reverse("tickets:view_create"),
        {"name": "Escalation work", "is_folder": "on", "visibility": "shared", "from": "tab=all&priority=high"},
    )

    folder = TicketView.objects.get(name="Escalation work")
    assert (folder.is_folder, folder.query, folder.visibility) == (True, "", "private")
    assert my_views(alice) == [("Escalation work", None)]


@pytest.mark.spec("L7")
def test_editing_can_take_the_current_lists_filters(alice_client, alice):
    view = make_view(alice, "Hot", query="tab=all&priority=high")

    csrf_post(
        alice_client,
        reverse("tickets:view_edit", args=[view.pk]),
        {
            "name": "Hotter",
            "visibility": "private",
            "replace_query": "on",
            "from": f"tab=all&priority=urgent&view={view.pk}",
        },
    )

    view.refresh_from_db()
    assert (view.name, view.query) == ("Hotter", "tab=all&priority=urgent")


@pytest.mark.spec("L7")
def test_the_owner_deletes_a_shared_view_for_everyone_who_added_it(alice_client, alice, bob):
    view = make_view(alice, "Hot", visibility="shared")
    add(alice, view)
    add(bob, view)

    page = alice_client.get(reverse("tickets:view_edit", args=[view.pk]))
    response = csrf_post(alice_client, reverse("tickets:view_delete", args=[view.pk]), {"from": f"tab=all&view={view.pk}"})

    assert page.status_code == 200 and "Delete" in page.content.decode()
    assert response.status_code == 302 and response["Location"] == "/tickets/?tab=all"
    assert not TicketView.objects.exists()
    assert my_views(alice) == my_views(bob) == []


# --- validation (L7, L8, X2) --------------------------------------------------------------------


@pytest.mark.spec("L7")
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give it a name."),
        ("   ", "Give it a name."),
        ("x" * 81, "Keep the name to 80 characters or fewer."),
        ("my queue", "You already have a view named “my queue”"),
    ],
)
def test_a_bad_view_name_gets_a_clear_message_and_changes_nothing(alice_client, alice, name, message):
    make_view(alice, "My queue")

    response = csrf_post(alice_client, reverse("tickets:view_create"), {"name": name, "visibility": "private"}, **HTMX)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert list(TicketView.objects.values_list("name", flat=True)) == ["My queue"]
    assert not MyViewEntry.objects.exists()


@pytest.mark.spec("L7")
def test_a_rename_onto_another_own_view_is_refused(alice_client, alice, bob):
    make_view(alice, "Mine")
    other = make_view(alice, "Other")
    make_view(bob, "Taken by Bob")

    refused = csrf_post(
        alice_client, reverse("tickets:view_edit", args=[other.pk]), {"name": "MINE", "visibility": "private"}
    )
    allowed = csrf_post(
        alice_client, reverse("tickets:view_edit", args=[other.pk]), {"name": "Taken by Bob", "visibility": "private"}
    )

    assert refused.status_code == 422 and "You already have a view named" in refused.content.decode()
    assert allowed.status_code == 302


@pytest.mark.spec("L7")
def test_a_duplicate_folder_name_is_refused_in_the_sidebar_form(alice_client, alice):
    first = csrf_post(alice_client, reverse("tickets:folder_create"), {"name": "Escalations"}, **HTMX)
    second = csrf_post(alice_client, reverse("tickets:folder_create"), {"name": "escalations"}, **HTMX)
    empty = csrf_post(alice_client, reverse("tickets:folder_create"), {"name": ""}, **HTMX)

    assert first.status_code == 200 and 'hx-swap-oob="beforeend:#my-views-list"' in first.content.decode()
    assert second.status_code == 422 and "You already have a view or folder named" in second.content.decode()
    assert empty.status_code == 422 and "Give it a name." in empty.content.decode()
    assert my_views(alice) == [("Escalations", None)]


# --- edit mode: the layout (L7) -----------------------------------------------------------------


@pytest.fixture
def four_views(alice, admin_user):
    mine = make_view(alice, "Mine")
    urgent = make_view(alice, "Urgent")
    team = make_view(admin_user, "Escalations", is_team_view=True, visibility="shared")
    folder = TicketView.objects.create(owner=alice, name="Folder", is_folder=True)
    add(alice, mine, urgent, team, folder)
    return mine, urgent, team, folder


@pytest.mark.spec("L7")
def test_the_layout_saves_order_and_nesting_in_one_post(alice_client, alice, four_views):
    mine, urgent, team, folder = four_views

    response = post_layout(
        alice_client,
        [{"id": folder.pk, "children": [team.pk]}, {"id": urgent.pk, "children": [mine.pk]}],
        **HTMX,
    )

    assert response.status_code == 200
    assert my_views(alice) == [("Folder", None), ("Escalations", "Folder"), ("Urgent", None), ("Mine", "Urgent")]
    html = response.content.decode().split("my-views-heading", 1)[1]
    assert html.index("Folder") < html.index("Escalations") < html.index("Urgent") < html.index("Mine")


@pytest.mark.spec("L7")
def test_removing_from_my_views_does_not_delete_the_view(alice_client, alice, four_views):
    mine, urgent, team, folder = four_views

    post_layout(alice_client, [{"id": urgent.pk, "children": []}, {"id": folder.pk, "children": []}])

    assert my_views(alice) == [("Urgent", None), ("Folder", None)]
    assert set(TicketView.objects.values_list("name", flat=True)) == {"Mine", "Urgent", "Escalations", "Folder"}
    page = alice_client.get(reverse("tickets:view_panel")).content.decode()
    assert "Mine" in page and "Escalations" in page


@pytest.mark.spec("L7")
@pytest.mark.parametrize(
    "layout",
    [
        "not json",
        json.dumps({"id": 1}),
        json.dumps([{"id": "1", "children": []}]),
        json.dumps([{"id": 1, "children": "2"}]),
    ],
)
def test_a_malformed_layout_changes_nothing(alice_client, alice, four_views, layout):
    before = my_views(alice)

    response = csrf_post(alice_client, reverse("tickets:views_layout"), {"layout": layout}, **HTMX)

    assert response.status_code == 422
    assert "My views were not changed" in response["HX-Trigger"]
    assert my_views(alice) == before


@pytest.mark.spec("L7")
def test_a_folder_cannot_be_nested_and_nothing_changes(alice_client, alice, four_views):
    mine, urgent, team, folder = four_views
    before = my_views(alice)

    response = post_layout(
        alice_client, [{"id": mine.pk, "children": [folder.pk]}, {"id": urgent.pk, "children": []}], **HTMX
    )

    assert response.status_code == 422
    assert "folders cannot go inside" in response["HX-Trigger"]
    assert my_views(alice) == before


@pytest.mark.spec("L7")
def test_a_layout_cannot_touch_someone_elses_my_views(alice_client, alice, bob):
    bobs = make_view(bob, "Bob's", visibility="shared")
    add(bob, bobs)

    post_layout(alice_client, [{"id": bobs.pk, "children": []}])

    assert my_views(bob) == [("Bob's", None)]
    assert my_views(alice) == []


@pytest.mark.spec("L7")
def test_the_sidebar_shows_team_views_and_the_nested_my_views(alice, four_views):
    mine, urgent, team, folder = four_views
    entries = {entry.view_id: entry for entry in MyViewEntry.objects.filter(user=alice)}
    entries[mine.pk].parent = entries[urgent.pk]
    entries[mine.pk].save()

    html = render_tag(alice, "views_sidebar", f"tab=all&view={urgent.pk}")

    assert "Team views" in html and "My views" in html
    assert f'href="/tickets/?tab=all&amp;view={urgent.pk}" aria-current="page"' in html
    # "Mine" is rendered inside Urgent's list of sub-views.
    urgent_item = html[html.index(f'data-view-id="{urgent.pk}"') : html.index(f'data-view-id="{team.pk}"')]
    assert f'data-view-id="{mine.pk}"' in urgent_item


@pytest.mark.spec("L7")
def test_empty_states_say_there_are_no_views_yet(alice):
    html = render_tag(alice, "views_sidebar")
    assert "No team views yet" in html
    assert "No views yet" in html


# --- query counts -------------------------------------------------------------------------------


def count_tag_queries(user, tag):
    user.has_perm("tickets.create_own_views")  # the page has loaded the rights for the menu already
    with CaptureQueriesContext(connection) as queries:
        render_tag(user, tag)
    return len(queries)


@pytest.mark.spec("L7")
def test_the_sidebar_costs_the_same_few_queries_for_3_or_30_views(alice, bob, admin_user):
    def grow_to(count):
        for number in range(TicketView.objects.count(), count):
            owner = (alice, bob, admin_user)[number % 3]
            view = make_view(owner, f"View {number}", visibility="shared", is_team_view=owner == admin_user)
            if owner != admin_user:
                add(alice, view)
        entries = list(MyViewEntry.objects.filter(user=alice).order_by("position"))
        for child, parent in zip(entries[1::2], entries[0::2], strict=False):
            child.parent = parent
            child.save()

    grow_to(3)
    small = count_tag_queries(alice, "views_sidebar")
    grow_to(30)
    large = count_tag_queries(alice, "views_sidebar")

    assert small == large <= 3
    assert render_tag(alice, "views_sidebar").count("data-view-id=") == MyViewEntry.objects.filter(user=alice).count()


@pytest.mark.spec("L8")
def test_the_schemes_menu_costs_one_query_for_3_or_30_schemes(alice):
    for number in range(3):
        FilterScheme.objects.create(owner=alice, name=f"Scheme {number}", query="tab=all")
    small = count_tag_queries(alice, "filter_schemes_menu")
    for number in range(3, 30):
        FilterScheme.objects.create(owner=alice, name=f"Scheme {number}", query="tab=all")
    large = count_tag_queries(alice, "filter_schemes_menu")

    assert small == large == 1


# --- filter schemes (L8) ------------------------------------------------------------------------


@pytest.mark.spec("L8")
def test_save_as_stores_the_current_filters_under_a_name(alice_client, alice):
    response = csrf_post(
        alice_client,
        reverse("tickets:scheme_save"),
        {
            "name": "Urgent billing",
            "query": "tab=all&priority=urgent&after=x_1&scheme=4",
            "from": "tab=all&priority=urgent",
        },
        **HTMX,
    )

    assert response.status_code == 200
    scheme = FilterScheme.objects.get(owner=alice)
    assert (scheme.name, scheme.query) == ("Urgent billing", "tab=all&priority=urgent")
    assert "saved" in response["HX-Trigger"]
    assert f'href="/tickets/?tab=all&amp;priority=urgent&amp;scheme={scheme.pk}"' in response.content.decode()


@pytest.mark.spec("L8")
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give it a name."),
        ("x" * 81, "Keep the name to 80 characters"),
        ("URGENT", "You already have a filter scheme named"),
    ],
)
def test_a_bad_scheme_name_gets_a_clear_message_on_the_menu(alice_client, alice, name, message):
    FilterScheme.objects.create(owner=alice, name="Urgent", query="priority=urgent")

    response = csrf_post(alice_client, reverse("tickets:scheme_save"), {"name": name, "query": "tab=all"}, **HTMX)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert FilterScheme.objects.count() == 1


@pytest.mark.spec("L8")
def test_scheme_names_are_unique_per_user_only(bob_client, alice, bob):
    FilterScheme.objects.create(owner=alice, name="Urgent", query="priority=urgent")

    response = csrf_post(bob_client, reverse("tickets:scheme_save"), {"name": "Urgent", "query": "priority=urgent"})

    assert response.status_code == 302
    assert FilterScheme.objects.filter(name="Urgent").count() == 2


@pytest.mark.spec("L8")
def test_the_menu_lists_only_the_users_own_schemes_and_names_the_active_one(alice, bob):
    mine = FilterScheme.objects.create(owner=alice, name="Mine", query="tab=all")
    FilterScheme.objects.create(owner=bob, name="Bob's scheme", query="tab=all")

    html = render_tag(alice, "filter_schemes_menu", f"tab=all&scheme={mine.pk}")

    assert "Mine" in html and "Bob&#x27;s scheme" not in html and "Bob's scheme" not in html
    assert 'aria-label="Filter schemes: Mine"' in html


@pytest.mark.spec("L8")
def test_a_user_deletes_own_schemes_only(alice_client, alice, bob):
    mine = FilterScheme.objects.create(owner=alice, name="Mine", query="tab=all")
    bobs = FilterScheme.objects.create(owner=bob, name="Bob's", query="tab=all")

    refused = csrf_post(alice_client, reverse("tickets:scheme_delete", args=[bobs.pk]), **HTMX)
    deleted = csrf_post(alice_client, reverse("tickets:scheme_delete", args=[mine.pk]), **HTMX)

    assert refused.status_code == 404
    assert deleted.status_code == 200 and "deleted" in deleted["HX-Trigger"]
    assert list(FilterScheme.objects.values_list("name", flat=True)) == ["Bob's"]


# --- admin and the list page --------------------------------------------------------------------


@pytest.mark.spec("L7", "C2")
def test_admins_define_team_views_in_django_admin(admin_client_, admin_user):
    page = admin_client_.get(reverse("admin:tickets_ticketview_add"))
    response = csrf_post(
        admin_client_,
        reverse("admin:tickets_ticketview_add"),
        {
            "name": "Breached",
            "query": "?tab=all&sla=breached&after=x_1",
            "is_team_view": "on",
            "visibility": "shared",
            "owner": admin_user.pk,
        },
    )

    assert page.status_code == 200
    assert response.status_code == 302
    view = TicketView.objects.get(name="Breached")
    assert (view.is_team_view, view.query) == (True, "tab=all&sla=breached")


@pytest.mark.spec("L7", "L8")
def test_the_list_page_renders_the_sidebar_and_the_schemes_menu(alice_client, alice):
    view = make_view(alice, "Mine", query="tab=all")
    add(alice, view)
    FilterScheme.objects.create(owner=alice, name="Urgent", query="priority=urgent")

    page = alice_client.get(reverse("tickets:ticket_list"), {"tab": "all", "view": view.pk}).content.decode()

    assert 'id="views-nav"' in page and 'id="filter-schemes"' in page
    assert "Urgent" in page
