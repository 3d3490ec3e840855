"""Texting the customer and logging calls from the ticket (SPEC D14, N3, X1, X2).

An SMS is recorded as a pending outbound activity and delivered after the commit through the SMS
backends (the file backend of `make run`, an HTTP provider); a call is logged with its number,
direction, duration, outcome and note. Both are history events pushed live to other viewers.
"""

import json

import pytest
from django.urls import reverse

from configurations.models import ReplyTemplate
from notifications import sms
from notifications.customer_messages import deliver
from notifications.sms import sms_length
from tickets import actions
from tickets.actions import TicketRuleError
from tickets.actions.conversations import parse_duration
from tickets.models import Activity, TicketEvent

from ..conftest import csrf_post
from ..factories import CategoryFactory, ContactFactory, CustomFieldFactory, make_ticket
from .test_customer_notifications import Provider, provider  # noqa: F401 - the fake HTTP SMS provider fixture

pytestmark = [pytest.mark.django_db, pytest.mark.spec("D14")]

NUMBER = "+44 20 7946 0001"


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.SMS_BACKEND = "notifications.sms.LocmemBackend"
    sms.LocmemBackend.outbox = []


@pytest.fixture
def ticket(alice):
    contact = ContactFactory(name="Dana Smith", phone=NUMBER, email="dana@example.com")
    return make_ticket(alice, title="Boiler broken", contact=contact, status="ongoing")


def url(name, *args):
    return reverse(f"tickets:{name}", args=args)


def htmx(client, path, data=None, method="get"):
    if method == "get":
        return client.get(path, HTTP_HX_REQUEST="true")
    return csrf_post(client, path, data, HTTP_HX_REQUEST="true")


# --- SMS length -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text,expected",
    [
        ("", ("GSM-7", 0, 0)),
        ("a" * 160, ("GSM-7", 160, 1)),
        ("a" * 161, ("GSM-7", 161, 2)),
        ("a" * 306, ("GSM-7", 306, 2)),
        ("a" * 307, ("GSM-7", 307, 3)),
        ("€" * 80, ("GSM-7", 160, 1)),  # extension characters count twice
        ("{}" * 41, ("GSM-7", 164, 2)),
        ("Café à Genève", ("GSM-7", 13, 1)),  # é, à are GSM-7
        ("ç" * 70, ("UCS-2", 70, 1)),  # one character outside the alphabet: UCS-2
        ("ç" * 71, ("UCS-2", 71, 2)),
        ("😀" * 35, ("UCS-2", 70, 1)),  # an emoji is two UTF-16 units
        ("😀" * 34 + "ab", ("UCS-2", 70, 1)),
        ("x" * 134 + "ç", ("UCS-2", 135, 3)),
    ],
)
def test_an_sms_counts_characters_and_segments_as_phones_do(text, expected):
    length = sms_length(text)
    assert (length.encoding, length.units, length.segments) == expected


# --- sending --------------------------------------------------------------------------------------

def test_an_agent_texts_the_customer_and_the_message_is_delivered_after_the_commit(
    ticket, alice, published_events
):
    with published_events:
        activity = actions.send_sms(ticket, alice, to=NUMBER, body="An engineer comes at 10.", token="t1")

    activity.refresh_from_db()
    assert (activity.kind, activity.direction, activity.author, activity.contact.name) == (
        "sms", "outbound", alice, "Dana Smith")
    assert (activity.delivery_state, activity.delivery_detail, activity.attempts) == ("sent", "locmem-1", 1)
    [message] = sms.LocmemBackend.outbox
    assert (message.to, message.body, message.key) == (NUMBER, "An engineer comes at 10.", f"sms:{ticket.pk}:t1")
    event = ticket.events.get(kind=TicketEvent.Kind.SMS_SENT)
    assert event.actor == alice
    assert event.changes == {"sms": [None, f"To {NUMBER}: An engineer comes at 10."]}
    assert [e["kind"] for e in published_events if e.get("event")] == ["sms_sent"]
    assert published_events[0]["ticket"] == ticket.pk


def test_a_resent_form_records_one_message(ticket, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = actions.send_sms(ticket, alice, to=NUMBER, body="Hello", token="same")
        second = actions.send_sms(ticket, alice, to=NUMBER, body="Hello", token="same")
    assert first.pk == second.pk
    assert Activity.objects.filter(kind="sms").count() == 1
    assert len(sms.LocmemBackend.outbox) == 1
    assert ticket.events.filter(kind=TicketEvent.Kind.SMS_SENT).count() == 1


@pytest.mark.spec("D14", "X2")
@pytest.mark.parametrize(
    "to,body,field,message",
    [
        ("", "Hi", "to", "Enter the phone number."),
        ("call me", "Hi", "to", "“call me” is not a phone number"),
        (NUMBER, "   ", "body", "Write the text of the SMS."),
        (NUMBER, "a" * (153 * 10 + 1), "body", "This text takes 11 SMS (1531 GSM-7 characters); the most one message"),
    ],
)
def test_a_bad_number_or_text_is_refused_on_its_field(ticket, alice, to, body, field, message):
    with pytest.raises(TicketRuleError) as refused:
        actions.send_sms(ticket, alice, to=to, body=body)
    assert refused.value.field == field and refused.value.message.startswith(message)
    assert not Activity.objects.filter(kind="sms").exists()
    assert not ticket.events.filter(kind=TicketEvent.Kind.SMS_SENT).exists()


@pytest.mark.spec("D14", "T4")
def test_an_archived_ticket_sends_nothing(ticket, alice):
    actions.archive(ticket, alice)
    with pytest.raises(TicketRuleError, match="archived"):
        actions.send_sms(ticket, alice, to=NUMBER, body="Hello")
    with pytest.raises(TicketRuleError, match="archived"):
        actions.log_call(ticket, alice, number=NUMBER, direction="outbound", outcome="answered")
    assert not Activity.objects.exists()


@pytest.mark.spec("D14", "N3")
def test_an_sms_goes_through_the_file_backend_of_make_run(ticket, alice, settings, tmp_path,
                                                          django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "notifications.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    with django_capture_on_commit_callbacks(execute=True):
        activity = actions.send_sms(ticket, alice, to=NUMBER, body="Ça marche ✓", token="f1")

    [file] = (tmp_path / "sms").iterdir()
    [line] = file.read_text(encoding="utf-8").splitlines()
    assert json.loads(line) | {"sent_at": None} == {
        "sent_at": None, "to": NUMBER, "body": "Ça marche ✓", "sender": "", "key": f"sms:{ticket.pk}:f1",
    }
    activity.refresh_from_db()
    assert activity.delivery_state == "sent"


@pytest.mark.spec("D14", "N3", "T7")
def test_an_sms_goes_to_an_http_provider_from_the_categorys_number_and_is_retried(
    provider, alice, django_capture_on_commit_callbacks  # noqa: F811 - the fixture imported above
):
    category = CategoryFactory(name="Field service", default_queue="+44 20 7946 9999")
    ticket = make_ticket(alice, title="Leak", contact=ContactFactory(phone=NUMBER), category=category)
    provider.answers = [(503, {}, 0)]
    activity = actions.send_sms(ticket, alice, to=NUMBER, body="We are on our way.", token="h1")

    deliver(activity.pk)  # the provider is down: a temporary failure
    activity.refresh_from_db()
    assert (activity.delivery_state, activity.attempts) == ("pending", 1)
    assert "HTTP 503" in activity.delivery_detail

    provider.answers = [(202, {"id": "prov-77"}, 0)]
    deliver(activity.pk)
    activity.refresh_from_db()
    assert (activity.delivery_state, activity.delivery_detail, activity.attempts) == ("sent", "prov-77", 2)
    (_, first), (headers, second) = provider.received
    assert first == second == {"to": NUMBER, "from": "+44 20 7946 9999", "body": "We are on our way.",
                               "reference": f"sms:{ticket.pk}:h1"}
    assert headers["Idempotency-Key"] == f"sms:{ticket.pk}:h1"


@pytest.mark.spec("D14", "N3")
def test_a_number_the_provider_refuses_fails_with_the_reason(provider, ticket, alice):  # noqa: F811
    provider.answers = [(400, {"error": "bad number"}, 0)]
    activity = actions.send_sms(ticket, alice, to=NUMBER, body="Hello", token="bad")
    deliver(activity.pk)
    activity.refresh_from_db()
    assert activity.delivery_state == "failed"
    assert activity.delivery_detail == "The SMS provider refused the message (HTTP 400)."


# --- the SMS form ---------------------------------------------------------------------------------

def test_the_sms_form_offers_the_contacts_number_and_the_sms_templates_filled_in(alice_client, ticket):
    from tickets.models import CustomFieldValue

    CustomFieldValue.objects.create(ticket=ticket, field=CustomFieldFactory(key="order"), text_value="A-7")
    ReplyTemplate.objects.create(name="On our way", channel="sms", body="Hi {customer}, order {cf:order} is coming.")
    ReplyTemplate.objects.create(name="Email only", channel="email", body="Dear {customer}")
    ReplyTemplate.objects.create(name="Inactive", channel="sms", body="Old", active=False)

    html = htmx(alice_client, url("sms_compose", ticket.pk)).content.decode()

    assert f'value="{NUMBER}"' in html
    assert 'data-body="Hi Dana Smith, order A-7 is coming."' in html
    assert "Email only" not in html and "Inactive" not in html
    assert "0 characters · 0 SMS · GSM-7" in html


def test_sending_from_the_form_refreshes_the_activities_and_history(alice_client, ticket,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = htmx(alice_client, url("sms_compose", ticket.pk),
                        {"to": NUMBER, "body": "See you at 10", "token": "form-1"}, method="post")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="activity-list"' in html and 'hx-swap-oob="true"' in html
    assert "See you at 10" in html and "sms sent" in html  # the activity and its history event
    assert Activity.objects.get(kind="sms").delivery_state == "sent"
    assert "is on its way" in response["HX-Trigger"]


@pytest.mark.spec("D14", "X2")
def test_a_refused_sms_comes_back_in_the_form_with_the_input_kept(alice_client, ticket):
    response = htmx(alice_client, url("sms_compose", ticket.pk), {"to": "12", "body": "Keep me"}, method="post")
    assert response.status_code == 422
    html = response.content.decode()
    assert "“12” is not a phone number" in html and "Keep me" in html and 'aria-invalid="true"' in html
    assert not Activity.objects.exists()


@pytest.mark.spec("D14", "T4")
def test_an_archived_ticket_offers_no_compose_menu_and_refuses_the_forms(alice_client, alice, ticket):
    actions.archive(ticket, alice)
    page = alice_client.get(ticket.get_absolute_url()).content.decode()
    assert url("sms_compose", ticket.pk) not in page and url("call_log", ticket.pk) not in page
    for name in ("sms_compose", "call_log"):
        assert htmx(alice_client, url(name, ticket.pk)).status_code == 422
        response = htmx(alice_client, url(name, ticket.pk), {"to": NUMBER, "number": NUMBER, "body": "x",
                                                             "direction": "outbound", "outcome": "answered"}, "post")
        assert response.status_code == 422
    assert not Activity.objects.exists()


def test_the_ticket_page_offers_sms_and_call_in_the_compose_menu(alice_client, ticket):
    page = alice_client.get(ticket.get_absolute_url()).content.decode()
    assert 'class="menu compose-menu"' in page
    assert url("sms_compose", ticket.pk) in page and url("call_log", ticket.pk) in page


# --- calls ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "typed,seconds", [("", None), ("12", 720), ("4:05", 245), ("0:59", 59), ("1:02:03", 3723), (" 3 ", 180)]
)
def test_a_call_duration_is_read_as_people_write_it(typed, seconds):
    assert parse_duration(typed) == seconds


@pytest.mark.parametrize("typed", ["4:75", "ten", "1:2:3:4", "-5", "25:00:00"])
def test_a_duration_that_is_none_is_refused(typed):
    with pytest.raises(TicketRuleError) as refused:
        parse_duration(typed)
    assert refused.value.field == "duration"


def test_an_agent_logs_a_call_with_number_direction_duration_outcome_and_note(ticket, alice, published_events):
    with published_events:
        call = actions.log_call(ticket, alice, number=NUMBER, direction="inbound", outcome="answered",
                                duration="4:05", note="Customer will send photos.")
    call.refresh_from_db()
    assert (call.kind, call.direction, call.recipient, call.call_outcome, call.call_seconds, call.body) == (
        "call", "inbound", NUMBER, "answered", 245, "Customer will send photos.")
    assert call.delivery_state == "" and call.author == alice
    event = ticket.events.get(kind=TicketEvent.Kind.CALL_LOGGED)
    assert event.changes == {"call": [None, f"Incoming call from {NUMBER} · Answered · 4:05"]}
    assert [e["kind"] for e in published_events] == ["call_logged"]
    assert sms.LocmemBackend.outbox == []  # a call is logged, never placed or texted


@pytest.mark.spec("D14", "X2")
@pytest.mark.parametrize(
    "fields,field",
    [
        ({"number": "none"}, "number"),
        ({"direction": "sideways"}, "direction"),
        ({"outcome": "maybe"}, "outcome"),
        ({"outcome": "busy", "duration": "3:00"}, "duration"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_a_call_with_bad_input_is_refused_on_its_field(ticket, alice, fields, field):
    values = {"number": NUMBER, "direction": "outbound", "outcome": "answered", "duration": "", "note": ""} | fields
    with pytest.raises(TicketRuleError) as refused:
        actions.log_call(ticket, alice, **values)
    assert refused.value.field == field
    assert not Activity.objects.exists()


def test_the_call_form_logs_the_call_and_shows_it_in_the_activities(alice_client, ticket):
    form = htmx(alice_client, url("call_log", ticket.pk)).content.decode()
    assert f'value="{NUMBER}"' in form and "Left a voicemail" in form

    data = {"number": NUMBER, "direction": "outbound", "outcome": "no_answer", "duration": "", "note": "Try later"}
    response = htmx(alice_client, url("call_log", ticket.pk), data, method="post")
    assert response.status_code == 200
    html = response.content.decode()
    assert "No answer" in html and "Try later" in html and "call logged" in html

    refused = htmx(alice_client, url("call_log", ticket.pk), {**data, "duration": "soon"}, method="post")
    assert refused.status_code == 422
    assert "is not a duration" in refused.content.decode()
    assert Activity.objects.filter(kind="call").count() == 1


def test_a_delivery_outcome_is_pushed_to_the_ticket_viewers(ticket, alice, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    from tickets import live

    sent = []
    monkeypatch.setattr(live, "publish_ticket_event", lambda payload, **kw: sent.append(payload))
    activity = actions.send_sms(ticket, alice, to=NUMBER, body="Hello", token="live")
    with django_capture_on_commit_callbacks(execute=True):
        deliver(activity.pk)
    assert [(event["kind"], event["ticket"], event["fields"]) for event in sent] == [("delivery", ticket.pk, [])]
