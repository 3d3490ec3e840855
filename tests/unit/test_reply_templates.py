"""Reply templates (SPEC D14, B2): team leaders write them with placeholders in Configurations (C1)
and Django admin (C2); unknown or malformed placeholders are refused when saved, never sent as
literal braces; agents are offered the active ones of the ticket's category and the global ones.
The sub-status messages (D4) are filled in by the same engine."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from configurations import reply_templates
from configurations.models import ReplyTemplate
from tickets.models import CustomFieldValue

from ..conftest import csrf_post
from ..factories import CategoryFactory, ContactFactory, CustomFieldFactory, SubStatusFactory, make_ticket

pytestmark = [pytest.mark.django_db, pytest.mark.spec("D14", "B2")]


def url(name, *args):
    return reverse(f"configurations:{name}", args=args)


@pytest.fixture
def ticket(alice):
    contact = ContactFactory(name="Dana Smith")
    return make_ticket(alice, title="Boiler broken", contact=contact, status="ongoing", assignee=alice)


# --- the engine -------------------------------------------------------------------------------------

def test_every_placeholder_is_filled_in_from_the_ticket_and_the_agent(ticket, bob):
    field = CustomFieldFactory(name="Order number", key="order")
    CustomFieldValue.objects.create(ticket=ticket, field=field, text_value="A-123")
    ticket.sub_status = None
    text = "Hi {customer}, {reference} “{title}” is {status}; order {cf:order}. {agent}"
    assert reply_templates.render(text, ticket, bob) == (
        f"Hi Dana Smith, {ticket.reference} “Boiler broken” is Ongoing; order A-123. {bob.get_full_name()}"
    )


def test_the_sub_status_wins_over_the_status_and_doubled_braces_are_braces(ticket, alice):
    ticket.sub_status = SubStatusFactory(status="ongoing", name="Parts ordered")
    assert reply_templates.render("{{{status}}} }}", ticket, alice) == "{Parts ordered} }"


def test_without_a_contact_or_an_agent_the_text_still_reads(alice):
    ticket = make_ticket(alice, title="No contact")
    assert reply_templates.render("Dear {customer}, {agent}", ticket, None) == "Dear customer, the support team"


def test_a_custom_field_without_a_value_renders_empty(ticket, alice):
    CustomFieldFactory(name="Order number", key="order")
    assert reply_templates.render("Order: {cf:order}.", ticket, alice) == "Order: ."


def test_a_custom_field_placeholder_costs_one_query_and_the_others_none(ticket, alice, django_assert_num_queries):
    CustomFieldFactory(name="Order number", key="order")
    ticket = type(ticket).objects.select_related("contact", "sub_status", "assignee").get(pk=ticket.pk)
    with django_assert_num_queries(0):
        reply_templates.render("{customer} {reference} {title} {status} {agent}", ticket, alice)
    with django_assert_num_queries(1):
        reply_templates.render("{cf:order} {cf:order}", ticket, alice)


@pytest.mark.parametrize(
    "text,problem",
    [
        ("Dear {custmer}", "{custmer} is not a placeholder"),
        ("Dear { customer }", "{ customer } is not a placeholder"),
        ("Dear {Customer}", "{Customer} is not a placeholder"),
        ("Order {cf:nope}", "{cf:nope} names no custom field"),
        ("Dear {customer", "A “{” at character 6 is not part of a placeholder: write {{"),
        ("Dear customer}", "A “}” at character 14 is not part of a placeholder: write }}"),
        ("{}", "{} is not a placeholder"),
    ],
)
def test_unknown_and_malformed_placeholders_are_refused_with_what_is_wrong(text, problem):
    with pytest.raises(ValidationError) as refused:
        reply_templates.validate(text)
    assert any(problem in message for message in refused.value.messages), refused.value.messages


def test_every_problem_of_a_text_is_named_at_once():
    with pytest.raises(ValidationError) as refused:
        reply_templates.validate("{a} and {b} and }")
    assert len(refused.value.messages) == 3


def test_render_refuses_what_validate_refuses_rather_than_sending_braces(ticket, alice):
    with pytest.raises(reply_templates.PlaceholderError):
        reply_templates.render("Dear {custmer}", ticket, alice)


def test_a_text_saved_before_the_rules_renders_what_it_can_when_not_strict(ticket, alice):
    assert reply_templates.render("{reference}: {old} {", ticket, None, strict=False) == f"{ticket.reference}: {{old}} {{"


def test_the_sub_status_message_uses_the_same_engine(ticket, alice):
    from tickets.actions.messages import _render

    CustomFieldValue.objects.create(ticket=ticket, field=CustomFieldFactory(key="order"), text_value="A-9")
    ticket.sub_status = SubStatusFactory(status="ongoing", name="Parts ordered")
    assert _render("{customer}: {cf:order} {status} by {agent}", ticket) == (
        f"Dana Smith: A-9 Parts ordered by {alice.get_full_name()}"
    )


# --- which templates an agent is offered --------------------------------------------------------

def test_an_agent_is_offered_the_active_templates_of_the_category_and_the_global_ones(alice):
    billing, returns = CategoryFactory(name="Billing"), CategoryFactory(name="Returns")
    ticket = make_ticket(alice, category=billing)
    for name, channel, category, active in [
        ("A global email", "email", None, True),
        ("B billing both", "both", billing, True),
        ("C billing sms", "sms", billing, True),
        ("D returns email", "email", returns, True),
        ("E inactive", "email", None, False),
    ]:
        ReplyTemplate.objects.create(name=name, channel=channel, category=category, active=active, body="Hi")

    def names(channel, on=ticket):
        return [template.name for template in reply_templates.templates_for(on, channel)]

    assert names("email") == ["B billing both", "A global email"]
    assert names("sms") == ["B billing both", "C billing sms"]
    assert names("email", make_ticket(alice)) == ["A global email"]


# --- Configurations (C1) and Django admin (C2) ----------------------------------------------------

@pytest.mark.spec("D14", "C1")
def test_a_team_leader_adds_edits_and_deletes_a_template(lead_client):
    CustomFieldFactory(name="Order number", key="order")
    billing = CategoryFactory(name="Billing")
    data = {"name": "Refund sent", "channel": "email", "category": billing.pk, "subject": "Your refund for {reference}",
            "body": "Hi {customer},\nyour refund for order {cf:order} is on its way.\n{agent}", "active": "on"}
    page = lead_client.get(url("replytemplate_create")).content.decode()
    assert "{cf:order}" in page and "{customer}" in page  # the placeholders are listed beside the text
    assert csrf_post(lead_client, url("replytemplate_create"), data).status_code == 302
    template = ReplyTemplate.objects.get()
    assert (template.category, template.channel, template.active) == (billing, "email", True)
    assert "Refund sent" in lead_client.get(url("replytemplate_list")).content.decode()

    data.update(channel="both", category="", active="")
    assert csrf_post(lead_client, url("replytemplate_edit", template.pk), data).status_code == 302
    template.refresh_from_db()
    assert (template.category, template.channel, template.active) == (None, "both", False)

    assert csrf_post(lead_client, url("replytemplate_delete", template.pk)).status_code == 302
    assert not ReplyTemplate.objects.exists()


@pytest.mark.spec("D14", "C1", "X2")
def test_a_template_with_an_unknown_placeholder_is_refused_and_not_saved(lead_client):
    data = {"name": "Typo", "channel": "email", "subject": "About {referense}", "body": "Dear {custmer", "active": "on"}
    response = csrf_post(lead_client, url("replytemplate_create"), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "{referense} is not a placeholder" in html
    assert "is not part of a placeholder" in html
    assert not ReplyTemplate.objects.exists()


@pytest.mark.spec("D14", "C1", "X2")
def test_an_sms_template_has_no_subject(lead_client):
    data = {"name": "Text", "channel": "sms", "subject": "Hello", "body": "On our way, {customer}.", "active": "on"}
    response = csrf_post(lead_client, url("replytemplate_create"), data)
    assert response.status_code == 422
    assert "An SMS has no subject" in response.content.decode()
    assert csrf_post(lead_client, url("replytemplate_create"), {**data, "subject": ""}).status_code == 302


@pytest.mark.spec("D14", "C1")
def test_two_templates_cannot_share_a_name(lead_client):
    ReplyTemplate.objects.create(name="Thanks", body="Thanks")
    data = {"name": "Thanks", "channel": "email", "body": "Thanks again", "active": "on"}
    assert csrf_post(lead_client, url("replytemplate_create"), data).status_code == 422
    assert ReplyTemplate.objects.count() == 1


@pytest.mark.spec("D14", "C1")
def test_deleting_a_category_says_its_templates_go_with_it(lead_client):
    billing = CategoryFactory(name="Billing")
    ReplyTemplate.objects.create(name="Thanks", body="Thanks", category=billing)
    page = lead_client.get(url("category_delete", billing.pk)).content.decode()
    assert "Its 1 reply template are deleted too." in page


@pytest.mark.spec("D4", "C1", "X2")
def test_a_sub_status_message_with_an_unknown_placeholder_is_refused(lead_client):
    data = {"status": "pending", "name": "Waiting", "notify_channel": "sms", "notify_text": "Hi {custmer}"}
    response = csrf_post(lead_client, url("substatus_create"), data)
    assert response.status_code == 422
    assert "{custmer} is not a placeholder" in response.content.decode()


@pytest.mark.spec("D14", "C2")
def test_django_admin_refuses_the_same_placeholders(admin_client_):
    add = reverse("admin:configurations_replytemplate_add")
    data = {"name": "Typo", "channel": "email", "subject": "", "body": "Dear {custmer}", "active": "on"}
    response = csrf_post(admin_client_, add, data)
    assert response.status_code == 200
    assert "{custmer} is not a placeholder" in response.content.decode()
    assert not ReplyTemplate.objects.exists()
    assert csrf_post(admin_client_, add, {**data, "body": "Dear {customer}"}).status_code == 302
    assert ReplyTemplate.objects.get().body == "Dear {customer}"
    changelist = admin_client_.get(reverse("admin:configurations_replytemplate_changelist") + "?q=Typo")
    assert "Typo" in changelist.content.decode()
