"""Deleting what tickets use changes each ticket through the actions first (SPEC X1, T11, C1, C2).

No side doors: a deleted sub-status, team, tag, custom field, contact, account or person is taken off
every ticket with one history event, a version bump and a live event each; many tickets are done
in the background with progress; a deleted ticket tells the tickets linked to it and its children.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from configurations.models import CustomField, Status, SubStatus, Tag, Team
from notifications.models import Notification
from tickets import actions
from tickets.access import RightRequired
from tickets.models import Account, Attachment, Contact, Removal, Ticket, TicketEvent, TicketLink

from ..conftest import csrf_post
from ..factories import (
    AccountFactory,
    CategoryFactory,
    ContactFactory,
    CustomFieldFactory,
    SubStatusFactory,
    TagFactory,
    TeamFactory,
    UserFactory,
    make_ticket,
)

pytestmark = pytest.mark.django_db
Kind = TicketEvent.Kind


def delete_in_configurations(client, section, obj, **data):
    return csrf_post(client, reverse(f"configurations:{section}_delete", args=[obj.pk]), data)


def last_event(ticket):
    return Ticket.objects.get(pk=ticket.pk).events.order_by("-version").first()


@pytest.mark.spec("X1", "C1", "T2")
def test_deleting_a_sub_status_takes_it_off_each_ticket_with_an_event(lead, lead_client, alice, published_events):
    waiting = SubStatusFactory(status=Status.PENDING, name="Waiting for parts")
    first = make_ticket(alice, status=Status.PENDING, sub_status=waiting)
    second = make_ticket(alice, status=Status.PENDING, sub_status=waiting)

    with published_events as events:
        response = delete_in_configurations(lead_client, "substatus", waiting)

    assert response.status_code == 302
    assert not SubStatus.objects.filter(pk=waiting.pk).exists()
    for ticket in (first, second):
        saved = Ticket.objects.get(pk=ticket.pk)
        assert (saved.status, saved.sub_status, saved.version) == (Status.PENDING, None, 2)
        event = last_event(ticket)
        assert (event.kind, event.actor, event.changes) == (
            Kind.STATUS_CHANGED, lead, {"sub_status": ["Pending · Waiting for parts", None]}
        )
    assert sorted(event["ticket"] for event in events) == [first.pk, second.pk]


@pytest.mark.spec("X1", "C1", "D4")
def test_a_sub_status_can_be_replaced_on_its_tickets_without_messaging_the_customer(lead_client, alice, settings):
    from notifications.sms import LocmemBackend

    parts = SubStatusFactory(status=Status.PENDING, name="Waiting for parts")
    supplier = SubStatusFactory(status=Status.PENDING, name="Waiting for supplier", notify_channel="sms",
                                notify_text="Still waiting")
    ticket = make_ticket(alice, status=Status.PENDING, sub_status=parts, contact=ContactFactory())
    LocmemBackend.outbox.clear()

    page = lead_client.get(reverse("configurations:substatus_delete", args=[parts.pk])).content.decode()
    assert "Replace it on those tickets with" in page and "Waiting for supplier" in page
    response = delete_in_configurations(lead_client, "substatus", parts, replacement=supplier.pk)

    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).sub_status == supplier
    assert last_event(ticket).changes == {
        "sub_status": ["Pending · Waiting for parts", "Pending · Waiting for supplier"]
    }
    assert LocmemBackend.outbox == []
    assert not ticket.activities.filter(direction="outbound").exists()


@pytest.mark.spec("X2", "C1")
def test_a_replacement_of_another_status_is_refused_and_nothing_is_deleted(lead_client, alice):
    parts = SubStatusFactory(status=Status.PENDING, name="Waiting for parts")
    SubStatusFactory(status=Status.ONGOING, name="In progress")
    ticket = make_ticket(alice, status=Status.PENDING, sub_status=parts)
    other_status = SubStatus.objects.get(name="In progress")

    response = delete_in_configurations(lead_client, "substatus", parts, replacement=other_status.pk)

    # Only sub-statuses of the same status are offered; a forged one is ignored, so nothing replaces it.
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).sub_status is None


@pytest.mark.spec("X1", "C1", "L1")
def test_deleting_a_team_unassigns_its_tickets_through_the_actions(lead_client, lead, alice):
    team = TeamFactory(name="Night shift")
    ticket = make_ticket(alice, team=team)

    delete_in_configurations(lead_client, "team", team)

    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.team, saved.version) == (None, 2)
    assert saved.unassigned_since is not None  # the Unassigned tab's clock starts, as for any unassigning
    assert last_event(ticket).kind == Kind.ASSIGNED


@pytest.mark.spec("X1", "T5", "C1")
def test_deleting_a_tag_takes_it_off_archived_tickets_too_and_can_replace_it(lead_client, alice):
    old, new = TagFactory(name="printer"), TagFactory(name="hardware")
    open_ticket = make_ticket(alice, tags=[old])
    archived = actions.archive(make_ticket(alice, tags=[old, new]), alice)

    delete_in_configurations(lead_client, "tag", old, replacement=new.pk)

    assert not Tag.objects.filter(pk=old.pk).exists()
    assert list(Ticket.objects.get(pk=open_ticket.pk).tags.values_list("name", flat=True)) == ["hardware"]
    assert list(Ticket.objects.get(pk=archived.pk).tags.values_list("name", flat=True)) == ["hardware"]
    assert last_event(open_ticket).changes == {"tags": [["printer"], ["hardware"]]}
    assert last_event(archived).changes == {"tags": [["hardware", "printer"], ["hardware"]]}


@pytest.mark.spec("X1", "T10", "C1")
def test_deleting_a_custom_field_logs_its_value_leaving_each_ticket(lead_client, alice):
    field = CustomFieldFactory(name="Order number", key="order")
    ticket = make_ticket(alice, custom_values={"order": "A-1"})

    delete_in_configurations(lead_client, "customfield", field)

    assert not CustomField.objects.filter(pk=field.pk).exists()
    assert last_event(ticket).changes == {"custom:order": ["A-1", None]}


@pytest.mark.spec("X2", "C1", "T10")
def test_a_category_whose_custom_field_has_values_is_not_deleted_and_says_why(lead_client, alice):
    category = CategoryFactory(name="Refunds")
    CustomFieldFactory(name="Refund amount", key="refund", field_type="number", category=category)
    ticket = make_ticket(alice, category=category, custom_values={"refund": "10"})
    actions.update_ticket(ticket, alice, version=1, category=None)

    response = delete_in_configurations(lead_client, "category", category)

    assert response.status_code == 409
    assert "Its custom field “Refund amount” has values on tickets. Delete that field first." in response.content.decode()


@pytest.mark.spec("X1", "C1")
def test_a_delete_touching_many_tickets_runs_in_the_background_with_progress(
    lead, lead_client, alice, settings, django_capture_on_commit_callbacks
):
    settings.HELPDESK_INLINE_REMOVAL_LIMIT = 2
    tag = TagFactory(name="legacy")
    tickets = [make_ticket(alice, tags=[tag]) for _ in range(3)]

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = delete_in_configurations(lead_client, "tag", tag)

    removal = Removal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("configurations:removal_detail", args=[removal.pk])
    assert "0 of 3 tickets done" in lead_client.get(response["Location"]).content.decode()
    assert all(ticket.tags.exists() for ticket in tickets)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()  # the worker (eager in tests) runs it: every ticket changes, then the tag goes
    removal.refresh_from_db()
    assert (removal.state, removal.tickets_done) == (Removal.State.DONE, 3)
    assert not Tag.objects.filter(pk=tag.pk).exists()
    assert all(last_event(ticket).kind == Kind.TAG_REMOVED for ticket in tickets)
    note = Notification.objects.get(user=lead)
    assert (note.title, note.body) == ("Tag “legacy” deleted", "3 tickets changed")
    page = lead_client.get(response["Location"]).content.decode()
    assert "Tag “legacy” deleted" in page and "3 tickets changed" in page


@pytest.mark.spec("X1")
def test_a_removal_run_twice_changes_each_ticket_once(lead, alice, settings, django_capture_on_commit_callbacks):
    settings.HELPDESK_INLINE_REMOVAL_LIMIT = 0
    tag = TagFactory(name="legacy")
    ticket = make_ticket(alice, tags=[tag])
    with django_capture_on_commit_callbacks(execute=False):
        removal, count = actions.start_removal(lead, tag)

    actions.run_removal(removal.pk)
    actions.run_removal(removal.pk)

    assert count == 1
    assert Ticket.objects.get(pk=ticket.pk).version == 2
    assert Removal.objects.get().state == Removal.State.DONE


@pytest.mark.spec("R3", "C1")
def test_only_a_person_with_the_right_may_delete_configurations(alice):
    tag = TagFactory(name="vip")
    with pytest.raises(RightRequired):
        actions.start_removal(alice, tag)
    assert Tag.objects.filter(pk=tag.pk).exists()


# --- Django admin ---------------------------------------------------------------------------------


def admin_delete(client, obj):
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    return page, csrf_post(client, url, {"post": "yes"})


@pytest.mark.spec("C2", "T11", "X1")
def test_deleting_a_contact_in_admin_keeps_its_tickets_and_logs_it_on_each(admin_client_, admin_user, alice):
    contact = ContactFactory(name="Jane Doe")
    ticket = make_ticket(alice, contact=contact)

    page, response = admin_delete(admin_client_, contact)

    assert "1 ticket using “Jane Doe” are changed first" in page.content.decode()
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()
    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.contact, saved.version) == (None, 2)
    assert (last_event(ticket).actor, last_event(ticket).changes) == (admin_user, {"contact": ["Jane Doe", None]})


@pytest.mark.spec("C2", "T8", "T11")
def test_deleting_an_account_in_admin_logs_it_and_recomputes_the_deadline(admin_client_, alice):
    from ..factories import SLAPolicyFactory

    account = AccountFactory(name="Acme", sla_policy=SLAPolicyFactory(name="Gold", normal_minutes=60))
    ticket = make_ticket(alice, account=account, category=CategoryFactory(sla_policy=SLAPolicyFactory(name="Std")))
    before = Ticket.objects.get(pk=ticket.pk).deadline

    admin_delete(admin_client_, account)

    saved = Ticket.objects.get(pk=ticket.pk)
    assert not Account.objects.filter(pk=account.pk).exists()
    assert saved.account is None and saved.deadline > before
    assert set(last_event(ticket).changes) == {"account", "deadline"}


@pytest.mark.spec("C2", "X1", "N2")
def test_deleting_a_person_in_admin_unassigns_and_unfollows_them_with_an_event(admin_client_, alice):
    leaver = UserFactory(username="leaver", first_name="Lee", last_name="Ver")
    ticket = make_ticket(alice, assignee=leaver, followers=[leaver, alice])

    admin_delete(admin_client_, leaver)

    assert not get_user_model().objects.filter(pk=leaver.pk).exists()
    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.assignee, list(saved.followers.all())) == (None, [alice])
    assert last_event(ticket).changes == {
        "assignee": ["Lee Ver", None], "followers": [["Alice Archer", "Lee Ver"], ["Alice Archer"]]
    }


@pytest.mark.spec("C2", "X1", "T5")
def test_deleting_tags_in_admin_goes_through_the_actions(admin_client_, alice):
    tag = TagFactory(name="vip")
    ticket = make_ticket(alice, tags=[tag])

    admin_delete(admin_client_, tag)

    assert last_event(ticket).kind == Kind.TAG_REMOVED
    assert not Tag.objects.exists()


@pytest.mark.spec("C2", "D10", "X1")
def test_deleting_a_ticket_in_admin_removes_its_files_and_tells_linked_tickets_and_children(
    admin_client_, admin_user, alice, django_capture_on_commit_callbacks
):
    ticket = make_ticket(alice, title="Doomed")
    linked = make_ticket(alice, title="Linked")
    child = make_ticket(alice, title="Child", parent=ticket)
    actions.link_tickets(ticket, alice, linked)
    (attachment,) = actions.attach_files(ticket, alice, [(SimpleUploadedFile("a.txt", b"x"), "a.txt", "text/plain")])
    storage, name = attachment.file.storage, attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        admin_delete(admin_client_, ticket)

    assert not Ticket.objects.filter(pk=ticket.pk).exists()
    assert not storage.exists(name) and not Attachment.objects.exists()
    assert not TicketLink.objects.exists()
    unlinked, orphaned = last_event(linked), last_event(child)
    assert (unlinked.kind, unlinked.actor, unlinked.changes) == (Kind.UNLINKED, admin_user, {"links": [[ticket.reference], []]})
    assert (orphaned.kind, orphaned.changes) == (Kind.PARENT_CHANGED, {"parent": [str(ticket), None]})
    assert Ticket.objects.get(pk=child.pk).parent is None


@pytest.mark.spec("R3", "L10")
def test_bulk_work_needs_the_bulk_edit_right_even_when_the_button_is_forged(alice, alice_client):
    from django.contrib.auth.models import Group, Permission

    ticket = make_ticket(alice)
    agent = Group.objects.get(name="Agent")
    agent.permissions.remove(Permission.objects.get(codename="bulk_edit_tickets"))

    with pytest.raises(RightRequired):
        actions.bulk_apply(get_user_model().objects.get(pk=alice.pk), "archive", [ticket.pk])
    response = csrf_post(alice_client, reverse("tickets:ticket_bulk"), {"action": "archive", "ids": [ticket.pk]})

    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).archived is False


@pytest.mark.spec("R3", "L10")
def test_bulk_delete_needs_the_delete_right_too(alice):
    ticket = make_ticket(alice)
    with pytest.raises(RightRequired, match="delete"):
        actions.bulk_apply(alice, "delete", [ticket.pk])
    assert Ticket.objects.filter(pk=ticket.pk).exists()


@pytest.mark.spec("X1")
def test_a_removal_is_shown_only_to_the_person_who_started_it(lead, lead_client, alice_client):
    from django.contrib.contenttypes.models import ContentType

    removal = Removal.objects.create(user=lead, content_type=ContentType.objects.get_for_model(Team), object_id=1,
                                     label="Team “Night”", tickets_total=5)
    url = reverse("configurations:removal_detail", args=[removal.pk])
    assert "0 of 5 tickets done" in lead_client.get(url).content.decode()
    assert alice_client.get(url).status_code == 404
