"""Team leaders configure the helpdesk in the app (SPEC C1): every section lists, creates, edits and
deletes; limits and bad input give a message on the form (422), never a 500, and nothing half-saved."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse

from configurations.models import (
    Category,
    CustomField,
    Holiday,
    ReplyTemplate,
    SLAPolicy,
    SubStatus,
    Tag,
    Team,
    TicketType,
    WorkingCalendar,
    WorkingHours,
)
from mail.models import Mailbox
from tickets.models import CustomFieldValue, TicketView

from ..conftest import csrf_post
from ..factories import (
    CategoryFactory,
    CustomFieldFactory,
    SLAPolicyFactory,
    SubStatusFactory,
    TagFactory,
    TicketTypeFactory,
    UserFactory,
    make_ticket,
)

pytestmark = [pytest.mark.django_db, pytest.mark.spec("C1")]


def url(name, *args):
    return reverse(f"configurations:{name}", args=args)


def errors_of(response):
    return response.content.decode()


# --- rights (R3) -------------------------------------------------------------------------------------

@pytest.fixture
def one_of_each(lead):
    calendar = WorkingCalendar.objects.create(name="London office", timezone="Europe/London")
    return {
        "tag": TagFactory(name="vip"),
        "substatus": SubStatusFactory(status="pending", name="Waiting for customer"),
        "tickettype": TicketTypeFactory(name="Question"),
        "category": CategoryFactory(name="Billing"),
        "slapolicy": SLAPolicyFactory(name="Standard"),
        "calendar": calendar,
        "customfield": CustomFieldFactory(name="Order number", key="order"),
        "team": Team.objects.get(name="Support"),
        "mailbox": Mailbox.objects.create(name="Support", address="support@helpdesk.example"),
        "replytemplate": ReplyTemplate.objects.create(name="Thanks", body="Thanks, {customer}."),
        "teamview": TicketView.objects.create(owner=lead, name="Urgent", query="priority=urgent", is_team_view=True,
                                              visibility="shared"),
        "hours": WorkingHours.objects.create(calendar=calendar, weekday=0, start=dt.time(9), end=dt.time(17)),
        "holiday": Holiday.objects.create(calendar=calendar, date=dt.date(2030, 12, 25), name="Christmas"),
    }


SECTIONS = [
    "tag", "substatus", "tickettype", "category", "slapolicy", "calendar", "customfield", "team", "mailbox", "teamview",
    "replytemplate",
]
PAGE_URLS = (
    [("overview", None), ("calendar_detail", "calendar"), ("substatus_reorder", None)]
    + [(f"{name}_list", None) for name in SECTIONS]
    + [(f"{name}_create", None) for name in SECTIONS]
    + [(f"{name}_{action}", name) for name in SECTIONS for action in ("edit", "delete")]
    + [("hours_create", "calendar"), ("holiday_create", "calendar")]
    + [(f"{name}_{action}", name) for name in ("hours", "holiday") for action in ("edit", "delete")]
)


def resolve(name, obj_key, objects):
    return url(name, objects[obj_key].pk) if obj_key else url(name)


@pytest.mark.spec("C1", "R3")
@pytest.mark.parametrize("name,obj_key", PAGE_URLS)
def test_an_agent_is_refused_every_configurations_url(alice_client, one_of_each, name, obj_key):
    target = resolve(name, obj_key, one_of_each)
    assert alice_client.get(target).status_code == 403
    assert csrf_post(alice_client, target, {"name": "Hacked"}).status_code == 403
    assert not Tag.objects.filter(name="Hacked").exists()


@pytest.mark.spec("C1", "R3")
@pytest.mark.parametrize("name,obj_key", [(n, k) for n, k in PAGE_URLS if n not in
                                          {"substatus_reorder", "hours_create", "holiday_create"}])
def test_a_team_leader_opens_every_configurations_page(lead_client, one_of_each, name, obj_key):
    assert lead_client.get(resolve(name, obj_key, one_of_each)).status_code == 200


@pytest.mark.spec("C1", "R3")
def test_posts_without_a_csrf_token_are_refused(lead_client):
    response = lead_client.post(url("tag_create"), {"name": "no-token", "color": "#2563eb"})
    assert response.status_code == 403
    assert not Tag.objects.exists()


@pytest.mark.spec("C1", "R3")
def test_the_overview_links_every_section(lead_client):
    html = lead_client.get(url("overview")).content.decode()
    for name in SECTIONS:
        assert url(f"{name}_list") in html


# --- tags (T5) -----------------------------------------------------------------------------------------

@pytest.mark.spec("C1", "T5")
def test_a_team_leader_adds_renames_and_deletes_a_tag(lead_client, alice):
    response = csrf_post(lead_client, url("tag_create"), {"name": "  billing ", "color": "#2563EB"})
    assert response.status_code == 302
    tag = Tag.objects.get()
    assert (tag.name, tag.color) == ("billing", "#2563eb")
    assert "billing" in lead_client.get(url("tag_list")).content.decode()

    assert csrf_post(lead_client, url("tag_edit", tag.pk), {"name": "invoices", "color": "#2563eb"}).status_code == 302
    tag.refresh_from_db()
    assert tag.name == "invoices"

    ticket = make_ticket(alice)
    ticket.tags.add(tag)
    confirm = lead_client.get(url("tag_delete", tag.pk))
    assert "removed from 1 ticket" in confirm.content.decode()
    assert csrf_post(lead_client, url("tag_delete", tag.pk)).status_code == 302
    assert not Tag.objects.exists()
    assert ticket.tags.count() == 0


@pytest.mark.spec("C1", "T5")
@override_settings(HELPDESK_TAGS_PER_COMPANY=3)
def test_the_tag_after_the_company_limit_is_refused_with_a_message(lead_client):
    for n in range(3):
        TagFactory(name=f"tag-{n}")
    response = csrf_post(lead_client, url("tag_create"), {"name": "one-too-many", "color": "#2563eb"})
    assert response.status_code == 422
    assert "already has 3 tags, the most allowed" in errors_of(response)
    assert Tag.objects.count() == 3
    # renaming an existing tag is still allowed at the limit
    tag = Tag.objects.first()
    assert csrf_post(lead_client, url("tag_edit", tag.pk), {"name": "renamed", "color": "#000000"}).status_code == 302


@pytest.mark.spec("C1", "T5")
def test_the_351st_tag_is_refused(lead_client):
    Tag.objects.bulk_create(Tag(name=f"tag-{n}") for n in range(350))
    response = csrf_post(lead_client, url("tag_create"), {"name": "tag-350", "color": "#2563eb"})
    assert response.status_code == 422
    assert "already has 350 tags" in errors_of(response)
    assert Tag.objects.count() == 350


@pytest.mark.spec("C1", "X2")
def test_a_duplicate_tag_or_a_bad_colour_gets_a_message(lead_client):
    TagFactory(name="vip")
    duplicate = csrf_post(lead_client, url("tag_create"), {"name": "vip", "color": "#2563eb"})
    assert duplicate.status_code == 422
    assert "already exists" in errors_of(duplicate)
    colour = csrf_post(lead_client, url("tag_create"), {"name": "red", "color": "red"})
    assert colour.status_code == 422
    assert "hex colour" in errors_of(colour)
    assert Tag.objects.count() == 1


# --- sub-statuses (T2) ------------------------------------------------------------------------------------

@pytest.mark.spec("C1", "T2")
def test_a_team_leader_adds_edits_and_deletes_a_sub_status(lead_client):
    data = {"status": "pending", "name": "Waiting for parts", "notify_channel": "email",
            "notify_text": "We are waiting for parts."}
    assert csrf_post(lead_client, url("substatus_create"), data).status_code == 302
    sub = SubStatus.objects.get()
    assert (sub.status, sub.notify_channel, sub.position) == ("pending", "email", 0)

    data.update(name="Parts ordered", notify_channel="", notify_text="")
    assert csrf_post(lead_client, url("substatus_edit", sub.pk), data).status_code == 302
    sub.refresh_from_db()
    assert (sub.name, sub.notify_channel) == ("Parts ordered", "")

    assert csrf_post(lead_client, url("substatus_delete", sub.pk)).status_code == 302
    assert not SubStatus.objects.exists()


@pytest.mark.spec("C1", "T2")
def test_the_fifth_sub_status_of_a_status_is_refused_with_a_message(lead_client):
    for n in range(4):
        SubStatusFactory(status="ongoing", name=f"Step {n}", position=n)
    response = csrf_post(lead_client, url("substatus_create"), {"status": "ongoing", "name": "Step 5"})
    assert response.status_code == 422
    assert "Ongoing already has 4 sub-statuses, the most allowed" in errors_of(response)
    assert SubStatus.objects.count() == 4
    # the same name under another status is fine
    assert csrf_post(lead_client, url("substatus_create"), {"status": "pending", "name": "Step 5"}).status_code == 302


@pytest.mark.spec("C1", "T2")
def test_moving_a_sub_status_into_a_full_status_is_refused(lead_client):
    for n in range(4):
        SubStatusFactory(status="ongoing", name=f"Step {n}")
    other = SubStatusFactory(status="pending", name="Elsewhere")
    response = csrf_post(lead_client, url("substatus_edit", other.pk), {"status": "ongoing", "name": "Elsewhere"})
    assert response.status_code == 422
    other.refresh_from_db()
    assert other.status == "pending"


@pytest.mark.spec("C1", "D4")
def test_a_notification_channel_needs_a_text(lead_client):
    response = csrf_post(lead_client, url("substatus_create"), {"status": "pending", "name": "Told", "notify_channel": "sms"})
    assert response.status_code == 422
    assert "Write the message the customer receives" in errors_of(response)
    assert not SubStatus.objects.exists()


@pytest.mark.spec("C1", "T2")
def test_the_order_of_a_status_is_saved_with_one_post(lead_client):
    first, second, third = (SubStatusFactory(status="ongoing", name=n, position=i) for i, n in enumerate("abc"))
    response = csrf_post(lead_client, url("substatus_reorder"), {"status": "ongoing", "order": [third.pk, first.pk, second.pk]})
    assert response.status_code == 204
    assert list(SubStatus.objects.filter(status="ongoing").order_by("position").values_list("name", flat=True)) == ["c", "a", "b"]


@pytest.mark.spec("C1", "X2")
def test_a_reorder_that_does_not_match_the_status_is_refused(lead_client):
    first = SubStatusFactory(status="ongoing", name="a")
    stranger = SubStatusFactory(status="pending", name="b")
    response = csrf_post(lead_client, url("substatus_reorder"), {"status": "ongoing", "order": [first.pk, stranger.pk]})
    assert response.status_code == 422
    assert "Reload the page" in response.json()["error"]
    bad = csrf_post(lead_client, url("substatus_reorder"), {"status": "ongoing", "order": ["x"]})
    assert bad.status_code == 422


# --- ticket types, categories (T7) ----------------------------------------------------------------------

@pytest.mark.spec("C1", "T1")
def test_a_team_leader_adds_edits_and_deletes_a_ticket_type(lead_client):
    assert csrf_post(lead_client, url("tickettype_create"), {"name": "Complaint", "customer_facing": "on"}).status_code == 302
    kind = TicketType.objects.get()
    assert kind.customer_facing
    assert csrf_post(lead_client, url("tickettype_edit", kind.pk), {"name": "Internal task"}).status_code == 302
    kind.refresh_from_db()
    assert (kind.name, kind.customer_facing) == ("Internal task", False)
    assert csrf_post(lead_client, url("tickettype_delete", kind.pk)).status_code == 302
    assert not TicketType.objects.exists()


@pytest.mark.spec("C1", "X2")
def test_a_ticket_type_in_use_is_not_deleted_and_says_why(lead_client, alice):
    kind = TicketTypeFactory(name="Question")
    make_ticket(alice, ticket_type=kind)
    assert "Change their type first" in lead_client.get(url("tickettype_delete", kind.pk)).content.decode()
    response = csrf_post(lead_client, url("tickettype_delete", kind.pk))
    assert response.status_code == 409
    assert TicketType.objects.filter(pk=kind.pk).exists()


@pytest.mark.spec("C1", "T7")
def test_a_team_leader_sets_a_categorys_rules(lead_client):
    policy = SLAPolicyFactory(name="Gold")
    calendar = WorkingCalendar.objects.create(name="Office", timezone="Europe/Paris")
    data = {"name": "Returns", "sla_policy": policy.pk, "calendar": calendar.pk, "require_substatus_to_resolve": "on",
            "require_reopen_date_for_pending": "on", "default_queue": "returns@example.com"}
    assert csrf_post(lead_client, url("category_create"), data).status_code == 302
    category = Category.objects.get()
    assert (category.sla_policy, category.calendar, category.default_queue) == (policy, calendar, "returns@example.com")
    assert category.require_substatus_to_resolve and category.require_reopen_date_for_pending

    data = {"name": "Returns", "sla_policy": "", "calendar": ""}
    assert csrf_post(lead_client, url("category_edit", category.pk), data).status_code == 302
    category.refresh_from_db()
    assert category.sla_policy is None and not category.require_substatus_to_resolve

    assert csrf_post(lead_client, url("category_delete", category.pk)).status_code == 302
    assert not Category.objects.exists()


@pytest.mark.spec("C1", "X2")
def test_a_category_in_use_is_not_deleted(lead_client, alice):
    category = CategoryFactory(name="Hardware")
    make_ticket(alice, category=category)
    assert csrf_post(lead_client, url("category_delete", category.pk)).status_code == 409
    assert Category.objects.filter(pk=category.pk).exists()


# --- SLA policies and working calendars (T8) -------------------------------------------------------------

SLA = {"name": "Gold", "urgent_minutes": 90, "high_minutes": 240, "normal_minutes": 480, "low_minutes": 2400}


@pytest.mark.spec("C1", "T8")
def test_a_team_leader_adds_edits_and_deletes_an_sla_policy_shown_in_hours(lead_client):
    assert csrf_post(lead_client, url("slapolicy_create"), SLA).status_code == 302
    policy = SLAPolicy.objects.get()
    assert policy.resolution_minutes("urgent") == 90
    html = lead_client.get(url("slapolicy_list")).content.decode()
    assert "1 h 30 min" in html and "40 h" in html

    assert csrf_post(lead_client, url("slapolicy_edit", policy.pk), {**SLA, "urgent_minutes": 60}).status_code == 302
    policy.refresh_from_db()
    assert policy.urgent_minutes == 60
    assert csrf_post(lead_client, url("slapolicy_delete", policy.pk)).status_code == 302
    assert not SLAPolicy.objects.exists()


@pytest.mark.spec("C1", "T8")
@pytest.mark.parametrize("value", ["0", "-5", "abc", ""])
def test_sla_minutes_must_be_positive_numbers(lead_client, value):
    response = csrf_post(lead_client, url("slapolicy_create"), {**SLA, "high_minutes": value})
    assert response.status_code == 422
    assert not SLAPolicy.objects.exists()


@pytest.mark.spec("C1", "T8")
def test_a_team_leader_adds_a_calendar_with_hours_and_holidays(lead_client):
    response = csrf_post(lead_client, url("calendar_create"), {"name": "Paris", "timezone": "Europe/Paris"})
    calendar = WorkingCalendar.objects.get()
    assert response["Location"] == url("calendar_detail", calendar.pk)

    for start, end in (("09:00", "12:30"), ("13:30", "00:00")):
        data = {"hours-weekday": 0, "hours-start": start, "hours-end": end}
        assert csrf_post(lead_client, url("hours_create", calendar.pk), data).status_code == 302
    assert csrf_post(lead_client, url("holiday_create", calendar.pk),
                     {"holiday-date": "2030-07-14", "holiday-name": "Bastille Day"}).status_code == 302
    assert calendar.hours.count() == 2 and calendar.holidays.get().name == "Bastille Day"

    from tickets.sla import Calendar

    model = Calendar.from_model(WorkingCalendar.objects.get())
    assert model.hours[0] == ((dt.time(9), dt.time(12, 30)), (dt.time(13, 30), dt.time(0)))

    hours = calendar.hours.first()
    assert csrf_post(lead_client, url("hours_edit", hours.pk), {"weekday": 1, "start": "08:00", "end": "12:00"}).status_code == 302
    hours.refresh_from_db()
    assert (hours.weekday, hours.start) == (1, dt.time(8))
    holiday = calendar.holidays.get()
    assert csrf_post(lead_client, url("holiday_edit", holiday.pk), {"date": "2030-07-15", "name": "Moved"}).status_code == 302
    assert csrf_post(lead_client, url("hours_delete", hours.pk)).status_code == 302
    assert csrf_post(lead_client, url("holiday_delete", holiday.pk)).status_code == 302
    assert calendar.hours.count() == 1 and not calendar.holidays.exists()

    assert csrf_post(lead_client, url("calendar_edit", calendar.pk), {"name": "Paris office", "timezone": "UTC"}).status_code == 302
    assert csrf_post(lead_client, url("calendar_delete", calendar.pk)).status_code == 302
    assert not WorkingCalendar.objects.exists() and not WorkingHours.objects.exists()


@pytest.mark.spec("C1", "T8")
@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../etc/passwd", "Europe/"])
def test_a_bad_time_zone_is_refused(lead_client, zone):
    response = csrf_post(lead_client, url("calendar_create"), {"name": "Nowhere", "timezone": zone})
    assert response.status_code == 422
    assert not WorkingCalendar.objects.exists()


@pytest.mark.spec("C1", "T8")
def test_a_bad_time_zone_names_the_problem(lead_client):
    response = csrf_post(lead_client, url("calendar_create"), {"name": "Nowhere", "timezone": "Mars/Olympus"})
    assert "is not a time zone name" in errors_of(response)


@pytest.mark.spec("C1", "T8")
@pytest.mark.parametrize("start,end", [("17:00", "09:00"), ("09:00", "09:00")])
def test_working_hours_ending_before_they_start_are_refused(lead_client, start, end):
    calendar = WorkingCalendar.objects.create(name="Office")
    response = csrf_post(lead_client, url("hours_create", calendar.pk), {"hours-weekday": 2, "hours-start": start, "hours-end": end})
    assert response.status_code == 422
    assert "The end must be after the start" in errors_of(response)
    assert not WorkingHours.objects.exists()


@pytest.mark.spec("C1", "T8")
def test_overlapping_working_hours_are_refused(lead_client):
    calendar = WorkingCalendar.objects.create(name="Office")
    WorkingHours.objects.create(calendar=calendar, weekday=2, start=dt.time(9), end=dt.time(17))
    response = csrf_post(lead_client, url("hours_create", calendar.pk), {"hours-weekday": 2, "hours-start": "16:00", "hours-end": "00:00"})
    assert response.status_code == 422
    assert "Overlaps 09:00–17:00" in errors_of(response)


@pytest.mark.spec("C1", "T8")
def test_a_second_holiday_on_the_same_date_is_refused(lead_client):
    calendar = WorkingCalendar.objects.create(name="Office")
    Holiday.objects.create(calendar=calendar, date=dt.date(2030, 1, 1), name="New Year")
    response = csrf_post(lead_client, url("holiday_create", calendar.pk), {"holiday-date": "2030-01-01", "holiday-name": "Again"})
    assert response.status_code == 422
    assert "already has a holiday on 1 Jan 2030" in errors_of(response)
    assert calendar.holidays.count() == 1
    # the same date in another calendar is fine
    other = WorkingCalendar.objects.create(name="Other")
    assert csrf_post(lead_client, url("holiday_create", other.pk), {"holiday-date": "2030-01-01"}).status_code == 302


# --- custom fields (T10) ----------------------------------------------------------------------------------

@pytest.mark.spec("C1", "T10")
def test_a_team_leader_adds_edits_and_deletes_a_choice_field(lead_client):
    category = CategoryFactory(name="Returns")
    data = {"name": "Reason", "key": "reason", "field_type": "choice", "choices_text": "Broken\n\nWrong size\nBroken\n",
            "required": "on", "category": category.pk, "position": 2, "active": "on"}
    assert csrf_post(lead_client, url("customfield_create"), data).status_code == 302
    field = CustomField.objects.get()
    assert (field.choices, field.required, field.category) == (["Broken", "Wrong size"], True, category)
    assert "Broken\nWrong size" in lead_client.get(url("customfield_edit", field.pk)).content.decode()

    data.update(field_type="text", choices_text="ignored", category="", active="")
    assert csrf_post(lead_client, url("customfield_edit", field.pk), data).status_code == 302
    field.refresh_from_db()
    assert (field.field_type, field.choices, field.category, field.active) == ("text", [], None, False)

    assert csrf_post(lead_client, url("customfield_delete", field.pk)).status_code == 302
    assert not CustomField.objects.exists()


@pytest.mark.spec("C1", "T10")
def test_a_choice_field_without_choices_is_refused(lead_client):
    data = {"name": "Reason", "key": "reason", "field_type": "choice", "choices_text": " \n ", "position": 0}
    response = csrf_post(lead_client, url("customfield_create"), data)
    assert response.status_code == 422
    assert "A choice field needs at least one choice" in errors_of(response)
    assert not CustomField.objects.exists()


@pytest.mark.spec("C1", "T10")
def test_a_custom_field_key_must_be_a_unique_slug(lead_client):
    CustomFieldFactory(key="order")
    base = {"name": "Order", "field_type": "text", "position": 0}
    assert csrf_post(lead_client, url("customfield_create"), {**base, "key": "order"}).status_code == 422
    assert csrf_post(lead_client, url("customfield_create"), {**base, "key": "has space"}).status_code == 422
    assert CustomField.objects.count() == 1


@pytest.mark.spec("C1", "T10")
def test_the_type_of_a_field_with_values_cannot_change(lead_client, alice):
    field = CustomFieldFactory(name="Order", key="order", field_type="text")
    CustomFieldValue.objects.create(ticket=make_ticket(alice), field=field, text_value="A-1")
    data = {"name": "Order", "key": "order", "field_type": "number", "position": 0, "active": "on"}
    response = csrf_post(lead_client, url("customfield_edit", field.pk), data)
    assert response.status_code == 422
    assert "already has values on tickets, so its type cannot change" in errors_of(response)
    field.refresh_from_db()
    assert field.field_type == "text"
    # other changes to the same field are fine
    assert csrf_post(lead_client, url("customfield_edit", field.pk), {**data, "field_type": "text", "name": "Order no."}).status_code == 302


# --- teams and team views -----------------------------------------------------------------------------------

@pytest.mark.spec("C1")
def test_a_team_leader_makes_a_team_from_active_users(lead_client, alice, bob):
    retired = UserFactory(username="retired", is_active=False)
    form_html = lead_client.get(url("team_create")).content.decode()
    assert "Alice Archer" in form_html and "retired" not in form_html

    assert csrf_post(lead_client, url("team_create"), {"name": "Escalations", "members": [alice.pk, bob.pk]}).status_code == 302
    team = Team.objects.get(name="Escalations")
    assert set(team.members.all()) == {alice, bob}

    refused = csrf_post(lead_client, url("team_create"), {"name": "Ghosts", "members": [retired.pk]})
    assert refused.status_code == 422 and not Team.objects.filter(name="Ghosts").exists()

    team.members.add(retired)
    assert csrf_post(lead_client, url("team_edit", team.pk), {"name": "Escalations", "members": [bob.pk]}).status_code == 302
    assert set(team.members.all()) == {bob, retired}  # an inactive member is kept, not silently dropped

    assert csrf_post(lead_client, url("team_delete", team.pk)).status_code == 302
    assert not Team.objects.filter(name="Escalations").exists()


@pytest.mark.spec("C1", "L7")
def test_a_team_leader_makes_edits_and_deletes_a_team_view(lead_client, lead):
    data = {"name": "Urgent for all", "query": "http://testserver/tickets/?tab=all&priority=urgent&after=x&view=3"}
    assert csrf_post(lead_client, url("teamview_create"), data).status_code == 302
    view = TicketView.objects.get()
    assert (view.owner, view.is_team_view, view.visibility, view.is_folder) == (lead, True, "shared", False)
    assert view.query == "tab=all&priority=urgent"
    assert "Urgent for all" in lead_client.get(url("teamview_list")).content.decode()

    assert csrf_post(lead_client, url("teamview_edit", view.pk), {"name": "Urgent", "query": "priority=urgent"}).status_code == 302
    view.refresh_from_db()
    assert (view.name, view.query, view.is_team_view) == ("Urgent", "priority=urgent", True)

    assert csrf_post(lead_client, url("teamview_delete", view.pk)).status_code == 302
    assert not TicketView.objects.exists()


@pytest.mark.spec("C1", "L7")
def test_team_views_list_only_team_views_and_refuse_clashing_names(lead_client, lead, alice):
    private = TicketView.objects.create(owner=alice, name="Alice's own", query="tab=mine")
    TicketView.objects.create(owner=alice, name="Shared urgent", query="priority=urgent", is_team_view=True, visibility="shared")
    html = lead_client.get(url("teamview_list")).content.decode()
    assert "Shared urgent" in html and "Alice&#x27;s own" not in html
    assert lead_client.get(url("teamview_edit", private.pk)).status_code == 404

    response = csrf_post(lead_client, url("teamview_create"), {"name": "shared URGENT", "query": "tab=all"})
    assert response.status_code == 422
    assert "already has this name" in errors_of(response)
