"""Rights are refused where the work is done, not only in views (SPEC R1–R4).

The rights table stops requests before their views (test_permission_matrix.py); these tests call
the actions and services directly, as email ingestion, the API or a task would, and check that each
refuses without its right and changes nothing. And the ticket source (R4) stays hidden wherever
its values could show: the History tab, its pages, the print view and "the ticket as it was".
"""

import pytest
from django.contrib.auth.models import Permission
from django.http import QueryDict
from django.urls import reverse

from configurations import services
from configurations.forms import TagForm
from configurations.models import SourceAccess, Status, Tag
from tickets import actions
from tickets.access import RightRequired
from tickets.exports import start_export
from tickets.imports import running
from tickets.models import Ticket, TicketExport, TicketImport, TicketView, UserPreference
from tickets.saved_views import save_view
from tickets.views.sidebar_forms import TicketViewForm

from ..factories import SubStatusFactory, TagFactory, UserFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def roleless(db):
    """An active user in no group: signed in, but no helpdesk role."""
    user = UserFactory(username="nobody")
    user.groups.clear()
    return user


def without(user, codename):
    from django.contrib.auth import get_user_model

    for group in user.groups.all():
        group.permissions.remove(Permission.objects.get(content_type__app_label="tickets", codename=codename))
    return get_user_model().objects.get(pk=user.pk)  # permissions are cached on the instance


@pytest.mark.spec("R2", "R1")
@pytest.mark.parametrize(
    "change",
    [
        lambda ticket, user: actions.add_note(ticket, user, "Hello"),
        lambda ticket, user: actions.update_ticket(ticket, user, version=1, title="Mine now"),
        lambda ticket, user: actions.assign(ticket, user, agent=user),
        lambda ticket, user: actions.archive(ticket, user),
        lambda ticket, user: actions.add_tag(ticket, user, TagFactory(name="vip")),
    ],
    ids=["note", "form", "assign", "archive", "tag"],
)
def test_a_user_without_a_role_changes_no_ticket(alice, roleless, change):
    ticket = make_ticket(alice)

    with pytest.raises(RightRequired, match="the Agent role"):
        change(ticket, roleless)

    assert Ticket.objects.get(pk=ticket.pk).version == 1


@pytest.mark.spec("R2")
def test_a_user_without_a_role_creates_no_ticket(roleless):
    with pytest.raises(RightRequired):
        actions.create_ticket(roleless, title="Sneaky")
    assert not Ticket.objects.exists()


@pytest.mark.spec("R2")
def test_a_user_without_a_role_is_told_so_on_every_page(roleless):
    from django.test import Client

    client = Client()
    client.force_login(roleless)
    response = client.get(reverse("tickets:ticket_list"))

    assert response.status_code == 403
    assert "no helpdesk role yet" in response.content.decode()
    assert "Sign out" in response.content.decode()


@pytest.mark.spec("R3", "L11")
def test_export_needs_the_export_right(alice):
    agent = without(alice, "export_tickets")
    with pytest.raises(RightRequired, match="export right"):
        start_export(agent, QueryDict("tab=all"), UserPreference.for_user(agent))
    assert not TicketExport.objects.exists()


@pytest.mark.spec("R3", "L12")
def test_import_needs_the_import_right(alice, lead):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(RightRequired, match="import right"):
        running.start_import(alice, SimpleUploadedFile("t.csv", b"Title\nOne\n"), [])
    job = running.start_import(lead, SimpleUploadedFile("t.csv", b"Title\nOne\n"), [{"row": 2, "data": {"title": "One"}}])
    leader = without(lead, "import_tickets")
    with pytest.raises(RightRequired):
        running.confirm_import(leader, job.pk)
    assert TicketImport.objects.get().state == TicketImport.State.PREVIEW


@pytest.mark.spec("R3", "C1")
def test_configurations_are_saved_reordered_and_deleted_only_with_the_right(alice, lead):
    with pytest.raises(RightRequired, match="manage configurations"):
        services.save_form(alice, TagForm({"name": "vip", "color": "#2563eb"}))
    assert not Tag.objects.exists()

    first, second = SubStatusFactory(status=Status.PENDING), SubStatusFactory(status=Status.PENDING)
    with pytest.raises(RightRequired):
        services.reorder_substatuses(alice, Status.PENDING, [second.pk, first.pk])
    with pytest.raises(RightRequired):
        services.delete_configuration(alice, first)
    assert services.save_form(lead, TagForm({"name": "vip", "color": "#2563eb"})).name == "vip"


@pytest.mark.spec("R3", "L7")
def test_saving_a_view_needs_the_right_to_create_views(alice):
    agent = without(alice, "create_own_views")
    form = TicketViewForm({"name": "Mine", "visibility": "private"}, user=agent, query="tab=mine")
    assert form.is_valid(), form.errors

    with pytest.raises(RightRequired):
        save_view(agent, form)
    assert not TicketView.objects.exists()


@pytest.mark.spec("R3")
def test_deleting_a_ticket_needs_the_delete_right(alice, lead):
    ticket = make_ticket(alice)
    with pytest.raises(RightRequired, match="delete ticket"):
        actions.delete_ticket(ticket, alice)
    actions.delete_ticket(ticket, lead)
    assert not Ticket.objects.exists()


# --- the ticket source (R4) -----------------------------------------------------------------------

SECRET = "https://crm.example.com/engagements/42"


@pytest.fixture
def sourced(alice):
    ticket = make_ticket(alice, source_channel="email", source_product="Web shop", source_url=SECRET)
    actions.update_ticket(ticket, alice, version=1, title="Renamed")
    return ticket


def pages(client, ticket):
    """Every page that shows history values: the ticket page, a History page, print, and the snapshots."""
    htmx = {"HTTP_HX_REQUEST": "true"}
    created = ticket.events.order_by("version").first()
    return {
        "ticket page": client.get(ticket.get_absolute_url()),
        "history page": client.get(reverse("tickets:ticket_history", args=[ticket.pk]), **htmx),
        "print view": client.get(reverse("tickets:ticket_print", args=[ticket.pk])),
        "as it was": client.get(reverse("tickets:ticket_as_it_was", args=[ticket.pk, created.pk]), **htmx),
        "as it is": client.get(reverse("tickets:ticket_as_it_is", args=[ticket.pk]), **htmx),
    }


@pytest.mark.spec("R4", "D7", "D9")
def test_the_source_is_hidden_in_history_print_and_snapshots_without_access(sourced, alice_client):
    for name, response in pages(alice_client, sourced).items():
        html = response.content.decode()
        assert response.status_code == 200, name
        assert SECRET not in html, name
        assert "Web shop" not in html, name
    assert "Hidden: no access to this channel and product" in pages(alice_client, sourced)["history page"].content.decode()


@pytest.mark.spec("R4", "D7", "D9")
def test_the_source_shows_in_history_print_and_snapshots_with_access(sourced, alice_client, support_team):
    SourceAccess.objects.create(team=support_team, channel="email")

    shown = {name: SECRET in response.content.decode() for name, response in pages(alice_client, sourced).items()}

    assert shown == dict.fromkeys(shown, True)
