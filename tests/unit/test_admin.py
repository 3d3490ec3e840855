"""Django admin: every model is managed there, and a ticket edited there goes through the actions (SPEC C2)."""

import datetime as dt

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import reverse

from configurations.models import Priority, Status
from notifications.models import Notification
from tickets import actions
from tickets.models import Activity, Attachment, Ticket, TicketEvent, TicketExport, TicketImport, UserPreference

from ..factories import (
    AccountFactory,
    CategoryFactory,
    ContactFactory,
    CustomFieldFactory,
    SLAPolicyFactory,
    SubStatusFactory,
    TagFactory,
    TicketTypeFactory,
    make_ticket,
)
from ..forms import submitted

pytestmark = pytest.mark.django_db


def change_url(ticket):
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


def form_data(response, form_id):
    """What a browser would submit for the form as the page rendered it (inlines' management forms included)."""
    assert response.status_code == 200, response.status_code
    return submitted(response.content.decode(), form_id=form_id)


def post_change(client, ticket, **changes):
    data = form_data(client.get(change_url(ticket)), "ticket_form")
    data.update({name: [value] for name, value in changes.items()})
    data["_save"] = ["Save"]
    return client.post(change_url(ticket), data)


@pytest.fixture
def ticket(alice):
    return make_ticket(alice, title="Printer on fire", contact=ContactFactory(), tags=[TagFactory(name="printer")])


@pytest.mark.spec("C2", "X1")
def test_an_admins_priority_change_is_saved_through_the_actions_and_logged(
    ticket, admin_client_, admin_user, published_events
):
    with published_events as events:
        response = post_change(admin_client_, ticket, priority=Priority.HIGH)

    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.priority == Priority.HIGH
    assert saved.version == 2
    updated = saved.events.filter(kind=TicketEvent.Kind.UPDATED).get()
    assert updated.actor == admin_user
    assert updated.changes == {"priority": ["Normal", "High"]}
    assert saved.events.count() == 2  # nothing else was touched by submitting the unchanged fields
    assert [(e["kind"], e["actor"]) for e in events] == [("updated", admin_user.pk)]


@pytest.mark.spec("C2", "T5", "D3")
def test_tags_changed_in_the_admin_are_one_save_and_one_event(ticket, admin_client_, admin_user):
    vip = TagFactory(name="vip")
    data = form_data(admin_client_.get(change_url(ticket)), "ticket_form")
    data["tags"] = [str(vip.pk)]
    data["_save"] = ["Save"]

    response = admin_client_.post(change_url(ticket), data)

    assert response.status_code == 302
    assert list(ticket.tags.values_list("name", flat=True)) == ["vip"]
    events = list(ticket.events.order_by("version").values_list("actor", "changes"))
    assert events[1:] == [(admin_user.pk, {"tags": [["printer"], ["vip"]]})]


@pytest.mark.spec("C2", "D3")
def test_an_admin_form_loaded_before_someone_elses_save_of_the_same_field_is_refused(ticket, admin_client_, bob):
    data = form_data(admin_client_.get(change_url(ticket)), "ticket_form")
    actions.update_ticket(ticket, bob, version=1, title="Bob's title")
    data.update({"title": ["My title"], "priority": ["urgent"], "_save": ["Save"]})

    response = admin_client_.post(change_url(ticket), data)

    assert response.status_code == 200
    assert "Bob Baker changed Title" in response.content.decode()
    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.title, saved.priority, saved.version) == ("Bob's title", Priority.NORMAL, 2)


@pytest.mark.spec("C2", "D3")
def test_an_admin_form_loaded_before_someone_elses_save_keeps_both_changes_of_other_fields(
    ticket, admin_client_, bob
):
    data = form_data(admin_client_.get(change_url(ticket)), "ticket_form")
    actions.update_ticket(ticket, bob, version=1, title="Bob's title", add_tags=[TagFactory(name="vip")])
    data.update({"priority": ["urgent"], "_save": ["Save"]})

    response = admin_client_.post(change_url(ticket), data)

    assert response.status_code == 302
    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.title, saved.priority, saved.version) == ("Bob's title", Priority.URGENT, 3)
    assert sorted(saved.tags.values_list("name", flat=True)) == ["printer", "vip"]
    assert saved.events.get(version=3).changes == {"priority": ["Normal", "Urgent"]}


@pytest.mark.spec("C2", "T7", "X2")
def test_an_admin_change_that_breaks_a_category_rule_shows_the_message_and_changes_nothing(alice, admin_client_):
    category = CategoryFactory(name="Refunds", require_substatus_to_resolve=True)
    ticket = make_ticket(alice, category=category, status=Status.ONGOING)

    response = post_change(admin_client_, ticket, status=Status.RESOLVED, priority=Priority.HIGH)

    assert response.status_code == 200
    message = "The category “Refunds” needs a sub-status before the ticket can be resolved."
    assert message in response.context["adminform"].form.errors["sub_status"]
    assert message in response.content.decode()
    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.status, saved.priority, saved.version) == (Status.ONGOING, Priority.NORMAL, 1)
    assert saved.events.count() == 1


@pytest.mark.spec("C2", "T5", "X2")
def test_an_admin_cannot_put_more_than_ten_tags_on_a_ticket(ticket, admin_client_):
    tags = [TagFactory(name=f"tag-{number:02d}") for number in range(11)]
    data = form_data(admin_client_.get(change_url(ticket)), "ticket_form")
    data.update({"tags": [str(tag.pk) for tag in tags], "priority": ["high"], "_save": ["Save"]})

    response = admin_client_.post(change_url(ticket), data)

    assert response.status_code == 200
    assert "can have at most 10 tags; this would give it 11" in response.content.decode()
    saved = Ticket.objects.get(pk=ticket.pk)
    assert list(saved.tags.values_list("name", flat=True)) == ["printer"]
    assert (saved.priority, saved.version) == (Priority.NORMAL, 1)


@pytest.mark.spec("C2", "X1")
def test_adding_a_ticket_in_the_admin_creates_it_through_the_action(admin_client_, admin_user, support_team):
    url = reverse("admin:tickets_ticket_add")
    data = form_data(admin_client_.get(url), "ticket_form")
    data.update({"title": ["Made in admin"], "priority": ["urgent"], "team": [str(support_team.pk)], "_save": ["Save"]})

    response = admin_client_.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    ticket = Ticket.objects.get()
    assert (ticket.title, ticket.priority, ticket.team, ticket.created_by) == (
        "Made in admin",
        Priority.URGENT,
        support_team,
        admin_user,
    )
    created = ticket.events.get()
    assert (created.kind, created.actor) == (TicketEvent.Kind.CREATED, admin_user)
    assert created.changes["priority"] == [None, "Urgent"]
    assert ticket.submitted_reached_at is not None


@pytest.mark.spec("C2", "X2")
def test_adding_a_ticket_in_the_admin_without_a_title_shows_the_error(admin_client_):
    url = reverse("admin:tickets_ticket_add")
    data = form_data(admin_client_.get(url), "ticket_form")
    data.update({"title": [""], "_save": ["Save"]})

    response = admin_client_.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"]
    assert not Ticket.objects.exists()


@pytest.mark.spec("C2", "T4")
def test_the_admins_archive_action_archives_through_the_actions(ticket, admin_client_, admin_user):
    url = reverse("admin:tickets_ticket_changelist")
    token = form_data(admin_client_.get(url), "changelist-form")["csrfmiddlewaretoken"]

    response = admin_client_.post(
        url, {"action": "archive_selected", "_selected_action": [ticket.pk], "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).archived
    event = ticket.events.first()
    assert (event.kind, event.actor) == (TicketEvent.Kind.ARCHIVED, admin_user)


@pytest.mark.spec("C2")
def test_the_ticket_changelist_finds_a_ticket_by_its_reference(ticket, admin_client_, alice):
    other = make_ticket(alice, title="Something else")

    response = admin_client_.get(reverse("admin:tickets_ticket_changelist"), {"q": ticket.reference})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [ticket]
    assert other.title not in response.content.decode()


@pytest.fixture
def one_of_everything(alice, bob, lead, admin_user, ticket):
    """A row in every admin-registered table, so changelists render real rows."""
    from configurations.models import Holiday, WorkingCalendar, WorkingHours

    calendar = WorkingCalendar.objects.create(name="Office")
    WorkingHours.objects.create(calendar=calendar, weekday=0, start="09:00", end="17:00")
    Holiday.objects.create(calendar=calendar, date="2024-12-25", name="Christmas")
    category = CategoryFactory(name="Billing", sla_policy=SLAPolicyFactory(), calendar=calendar)
    CustomFieldFactory(name="Order number", key="order", category=category)
    SubStatusFactory(status=Status.PENDING, name="Waiting")
    TicketTypeFactory(name="Internal")
    AccountFactory(sla_policy=SLAPolicyFactory())
    note = actions.add_note(ticket, alice, "Hello @bob")
    attachment = Attachment(
        ticket=ticket, activity=note, original_name="photo.png", content_type="image/png", size=3, uploaded_by=alice
    )
    attachment.file.save("photo.png", ContentFile(b"png"), save=False)
    attachment.save()
    UserPreference.for_user(alice)
    Notification.objects.create(user=bob, kind=Notification.Kind.MENTION, title="Alice mentioned you", ticket=ticket)
    TicketExport.objects.create(user=alice, query="tab=mine", fingerprint="f" * 64, file_name="My-Tickets.xlsx")
    TicketImport.objects.create(user=lead, original_name="tickets.csv", file="imports/x.csv", rows=[{"row": 2}])
    return ticket


@pytest.mark.spec("C2")
def test_every_model_has_an_admin_changelist_that_loads_and_searches(one_of_everything, admin_client_):
    assert Activity.objects.exists()
    checked = []
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = admin_client_.get(url)
        assert response.status_code == 200, url
        if model_admin.search_fields:
            assert admin_client_.get(url, {"q": "x"}).status_code == 200, url
        checked.append(model._meta.label)
    assert {
        "tickets.Ticket",
        "tickets.TicketEvent",
        "tickets.Activity",
        "tickets.Attachment",
        "tickets.Contact",
        "tickets.Account",
        "configurations.Tag",
        "configurations.Category",
        "configurations.CustomField",
        "notifications.Notification",
        "tickets.TicketExport",
        "tickets.TicketImport",
    } <= set(checked)


@pytest.mark.spec("C2")
def test_every_model_has_search_in_the_admin():
    without_search = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in {"tickets", "configurations", "notifications"} and not model_admin.search_fields
    ]
    assert without_search == []


@pytest.mark.spec("C2")
def test_every_ticket_change_page_and_add_page_loads(one_of_everything, admin_client_):
    for model in admin.site._registry:
        if model._meta.app_label not in {"tickets", "configurations", "notifications"}:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        row = model.objects.first()
        if row is not None:
            assert admin_client_.get(reverse("admin:{}_{}_change".format(*info), args=[row.pk])).status_code == 200, info
        assert admin_client_.get(reverse("admin:{}_{}_add".format(*info))).status_code in (200, 403), info


@pytest.mark.spec("C2", "R3")
def test_an_agent_cannot_use_the_admin(alice_client):
    response = alice_client.get(reverse("admin:tickets_ticket_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.spec("C2", "T8")
def test_an_admin_save_keeps_an_sla_deadline_automatic(alice, admin_client_):
    category = CategoryFactory(sla_policy=SLAPolicyFactory(normal_minutes=8 * 60, high_minutes=60))
    created_at = dt.datetime(2024, 6, 3, 9, 0, 0, 123456, tzinfo=dt.UTC)  # the form shows no microseconds
    ticket = make_ticket(alice, category=category, created_at=created_at)

    response = post_change(admin_client_, ticket, priority=Priority.HIGH)

    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.deadline_is_manual is False
    assert saved.deadline == created_at + dt.timedelta(hours=1)
