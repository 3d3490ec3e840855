"""The debounced customer notification of a sub-status change (SPEC D4) and its delivery (SPEC N3).

The scheduling is captured instead of run (eager Celery ignores countdowns), and the test's clock
decides when each scheduled task comes due; a real worker proves the same in
tests/integration/test_celery_worker.py.
"""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail

from notifications import sms, tasks
from notifications.customer_messages import Outcome, deliver
from tickets import actions
from tickets.models import Activity, Contact, Ticket

from ..factories import CategoryFactory, ContactFactory, SubStatusFactory, make_ticket

pytestmark = pytest.mark.django_db

DELAY = 60


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.SUBSTATUS_NOTIFY_DELAY = DELAY
    settings.SMS_BACKEND = "notifications.sms.LocmemBackend"
    sms.LocmemBackend.outbox = []


class Scheduled(list):
    """Sub-status sends as they were scheduled: (args, due moment)."""

    def run_due(self):
        """Run every task whose time has come, once each, as a worker would; returns how many ran."""
        from django.utils import timezone

        due = [call for call in self if call[1] <= timezone.now()]
        for call in due:
            self.remove(call)
            tasks.send_substatus_notification.apply(call[0])
        return len(due)


@pytest.fixture
def scheduled(monkeypatch):
    from django.utils import timezone

    calls = Scheduled()

    def capture(args, countdown=0, **options):
        calls.append((tuple(args), timezone.now() + dt.timedelta(seconds=countdown)))

    monkeypatch.setattr(tasks.send_substatus_notification, "apply_async", capture)
    return calls


@pytest.fixture
def sub_statuses(db):
    return {
        "waiting": SubStatusFactory(
            status="pending", name="Waiting for customer", notify_channel="sms",
            notify_text="Hi {customer}, we need a reply on {reference}: {status}.",
        ),
        "parts": SubStatusFactory(status="ongoing", name="Parts ordered", notify_channel="sms",
                                  notify_text="Parts for {reference} are ordered."),
        "engineer": SubStatusFactory(status="ongoing", name="Engineer booked", notify_channel="sms",
                                     notify_text="An engineer is booked for {reference}."),
        "mail": SubStatusFactory(status="ongoing", name="Quote sent", notify_channel="email",
                                 notify_text="Your quote for {title} is on its way."),
        "quiet": SubStatusFactory(status="ongoing", name="Investigating"),
    }


@pytest.fixture
def ticket(alice, clock, django_capture_on_commit_callbacks):
    contact = ContactFactory(name="Dana Smith", phone="+44 20 7946 0001", email="dana@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        return make_ticket(alice, title="Boiler broken", contact=contact, status="ongoing")


def change(ticket, user, sub_status, capture):
    with capture(execute=True):
        actions.change_sub_status(ticket, user, sub_status)


def messages_for(ticket):
    return list(Activity.objects.filter(ticket=ticket, direction=Activity.Direction.OUTBOUND).order_by("id"))


@pytest.mark.spec("D4")
def test_the_message_goes_out_only_after_the_sub_status_stayed_a_minute(
    ticket, alice, clock, scheduled, sub_statuses, django_capture_on_commit_callbacks
):
    change(ticket, alice, sub_statuses["parts"], django_capture_on_commit_callbacks)

    assert len(scheduled) == 1
    assert scheduled[0][1] == clock.now + dt.timedelta(seconds=DELAY)
    clock.advance(seconds=59)
    assert scheduled.run_due() == 0
    assert sms.LocmemBackend.outbox == [] and messages_for(ticket) == []

    clock.advance(seconds=1)
    scheduled.run_due()

    [message] = sms.LocmemBackend.outbox
    assert message.to == "+44 20 7946 0001"
    assert message.body == f"Parts for {ticket.reference} are ordered."
    [activity] = messages_for(ticket)
    assert activity.kind == Activity.Kind.SMS
    assert activity.delivery_state == Activity.Delivery.SENT
    assert activity.recipient == "+44 20 7946 0001"
    assert activity.author is None
    assert Ticket.objects.get(pk=ticket.pk).notified_sub_status == sub_statuses["parts"]


@pytest.mark.spec("D4")
def test_changes_within_the_minute_send_only_the_final_one_once(
    ticket, alice, bob, clock, scheduled, sub_statuses, django_capture_on_commit_callbacks
):
    change(ticket, alice, sub_statuses["parts"], django_capture_on_commit_callbacks)
    clock.advance(seconds=20)
    change(ticket, bob, sub_statuses["engineer"], django_capture_on_commit_callbacks)
    clock.advance(seconds=20)
    change(ticket, alice, sub_statuses["waiting"], django_capture_on_commit_callbacks)

    clock.advance(minutes=5)
    assert scheduled.run_due() == 3

    [message] = sms.LocmemBackend.outbox
    assert message.body == f"Hi Dana Smith, we need a reply on {ticket.reference}: Waiting for customer."
    assert len(messages_for(ticket)) == 1


@pytest.mark.spec("D4")
def test_a_return_to_the_value_the_customer_was_last_told_sends_nothing(
    ticket, alice, clock, scheduled, sub_statuses, django_capture_on_commit_callbacks
):
    change(ticket, alice, sub_statuses["parts"], django_capture_on_commit_callbacks)
    clock.advance(minutes=2)
    scheduled.run_due()
    assert len(sms.LocmemBackend.outbox) == 1

    change(ticket, alice, sub_statuses["engineer"], django_capture_on_commit_callbacks)
    clock.advance(seconds=30)
    change(ticket, alice, sub_statuses["parts"], django_capture_on_commit_callbacks)
    clock.advance(minutes=2)
    scheduled.run_due()

    assert len(sms.LocmemBackend.outbox) == 1
    assert len(messages_for(ticket)) == 1


@pytest.mark.spec("D4")
def test_a_redelivered_task_does_not_send_twice(
    ticket, alice, clock, scheduled, sub_statuses, django_capture_on_commit_callbacks
):
    change(ticket, alice, sub_statuses["parts"], django_capture_on_commit_callbacks)
    args = scheduled[0][0]
    clock.advance(minutes=1)

    tasks.send_substatus_notification.apply(args)
    tasks.send_substatus_notification.apply(args)

    assert len(sms.LocmemBackend.outbox) == 1
    assert len(messages_for(ticket)) == 1


@pytest.mark.spec("D4")
def test_a_task_that_arrives_early_waits_for_the_rest_of_the_minute(
    ticket, alice, clock, scheduled, sub_statuses, django_capture_on_commit_callbacks
):
    change(ticket, alice, sub_statuses["parts"], django_capture_on_commit_callbacks)
    args = scheduled.pop()[0]
    clock.advance(seconds=15)

    tasks.send_substatus_notification(*args)  # as a worker whose clock runs ahead would

    assert sms.LocmemBackend.outbox == []
    [(again, due)] = scheduled
    assert again == args and due == clock.now + dt.timedelta(seconds=45)


@pytest.mark.spec("D4")
def test_a_sub_status_without_notification_schedules_nothing(
    ticket, alice, scheduled, sub_statuses, django_capture_on_commit_callbacks
):
    change(ticket, alice, sub_statuses["quiet"], django_capture_on_commit_callbacks)
    assert scheduled == []


@pytest.mark.spec("D4")
def test_leaving_the_sub_status_before_the_minute_cancels_the_message(
    ticket, alice, clock, scheduled, sub_statuses, django_capture_on_commit_callbacks
):
    change(ticket, alice, sub_statuses["parts"], django_capture_on_commit_callbacks)
    clock.advance(seconds=10)
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_status(ticket, alice, "submitted")  # clears the sub-status
    clock.advance(minutes=2)
    scheduled.run_due()
    assert sms.LocmemBackend.outbox == []


@pytest.mark.spec("D4", "N3")
def test_an_email_sub_status_mails_the_customer_from_the_categorys_queue(
    alice, clock, scheduled, sub_statuses, django_capture_on_commit_callbacks
):
    category = CategoryFactory(default_queue="billing@acme.example")
    contact = ContactFactory(email="dana@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(alice, title="Quote for a new boiler", contact=contact, category=category)
    change(ticket, alice, sub_statuses["mail"], django_capture_on_commit_callbacks)
    clock.advance(minutes=1)
    scheduled.run_due()

    [email] = [m for m in mail.outbox if m.to == ["dana@example.com"]]
    assert email.from_email == "billing@acme.example"
    assert email.subject == f"Update on your request {ticket.reference}: Quote sent"
    assert email.body == "Your quote for Quote for a new boiler is on its way."
    [activity] = messages_for(ticket)
    assert activity.kind == Activity.Kind.EMAIL and activity.delivery_state == Activity.Delivery.SENT
    assert email.extra_headers["Message-ID"] == activity.message_id


@pytest.mark.spec("N3")
@pytest.mark.parametrize(
    ("phone", "reason"),
    [
        ("", "Not sent: the customer has no phone number."),
        ("call after 5pm", "Not sent: “call after 5pm” is not a valid phone number."),  # an old, unvalidated record
    ],
    ids=["no number", "not a number"],
)
def test_a_customer_who_cannot_be_texted_gets_a_failed_message_on_the_ticket(
    alice, clock, scheduled, sub_statuses, django_capture_on_commit_callbacks, phone, reason
):
    contact = ContactFactory(phone="+44 20 7946 0001")
    Contact.objects.filter(pk=contact.pk).update(phone=phone)  # stored as it is, past the model's validation
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(alice, title="Cannot text", contact=contact, status="ongoing")
    change(ticket, alice, sub_statuses["parts"], django_capture_on_commit_callbacks)
    clock.advance(minutes=1)
    scheduled.run_due()

    [activity] = messages_for(ticket)
    assert activity.delivery_state == Activity.Delivery.FAILED
    assert activity.delivery_detail == reason
    assert sms.LocmemBackend.outbox == []


class FlakyBackend:
    failures = 0
    permanent = False
    sent = []

    def send(self, message):
        if type(self).failures:
            type(self).failures -= 1
            raise sms.SMSError("The SMS provider could not be reached (timed out).", permanent=self.permanent)
        type(self).sent.append(message)
        return "provider-42"


@pytest.fixture
def flaky(settings):
    from tickets_site.celery import app

    # Eager retries run at once, nested; let each one return instead of raising through the test.
    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    settings.SMS_BACKEND = f"{__name__}.FlakyBackend"
    settings.HELPDESK_MESSAGE_RETRIES = 3
    FlakyBackend.failures, FlakyBackend.permanent, FlakyBackend.sent = 0, False, []
    yield FlakyBackend
    app.conf.task_eager_propagates = propagates


def pending_message(ticket):
    return Activity.objects.create(
        ticket=ticket, kind=Activity.Kind.SMS, direction=Activity.Direction.OUTBOUND, body="Hello",
        recipient="+44 20 7946 0001", delivery_state=Activity.Delivery.PENDING, created_at=ticket.created_at,
    )


@pytest.mark.spec("N3")
def test_a_temporary_failure_is_retried_with_growing_delays_until_sent(ticket, flaky, monkeypatch):
    flaky.failures = 2
    delays = []
    original = tasks.deliver_customer_message.retry

    def retry(*args, countdown=None, **kwargs):
        delays.append(countdown)
        return original(*args, countdown=countdown, **kwargs)

    monkeypatch.setattr(tasks.deliver_customer_message, "retry", retry)
    activity = pending_message(ticket)

    tasks.deliver_customer_message.apply((activity.pk,))

    activity.refresh_from_db()
    assert activity.delivery_state == Activity.Delivery.SENT
    assert activity.attempts == 3
    assert activity.delivery_detail == "provider-42"
    assert delays == [30, 60]
    assert len(flaky.sent) == 1


@pytest.mark.spec("N3")
def test_a_message_that_keeps_failing_ends_recorded_as_failed(ticket, flaky):
    flaky.failures = 10
    activity = pending_message(ticket)

    tasks.deliver_customer_message.apply((activity.pk,))

    activity.refresh_from_db()
    assert activity.delivery_state == Activity.Delivery.FAILED
    assert activity.attempts == 4  # the first try and three retries
    assert "could not be reached" in activity.delivery_detail
    assert flaky.sent == []


@pytest.mark.spec("N3")
def test_a_permanent_refusal_is_not_retried(ticket, flaky):
    flaky.failures, flaky.permanent = 1, True
    activity = pending_message(ticket)

    assert deliver(activity.pk) == (Outcome.DONE, None)

    activity.refresh_from_db()
    assert activity.delivery_state == Activity.Delivery.FAILED and activity.attempts == 1


@pytest.mark.spec("N3")
def test_a_sent_message_is_never_sent_again(ticket, flaky):
    activity = pending_message(ticket)
    deliver(activity.pk)
    deliver(activity.pk)
    assert len(flaky.sent) == 1


# --- backends --------------------------------------------------------------------------------------

@pytest.mark.spec("N3")
def test_the_file_backend_writes_each_message_under_var(settings, tmp_path):
    settings.SMS_BACKEND = "notifications.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"

    sms.send_sms(sms.SMSMessage(to="+44 20 7946 0001", body="Hello ☀️", sender="ACME", key="k1"))

    [file] = (tmp_path / "sms").iterdir()
    [line] = file.read_text(encoding="utf-8").splitlines()
    assert json.loads(line) | {"sent_at": None} == {
        "sent_at": None, "to": "+44 20 7946 0001", "body": "Hello ☀️", "sender": "ACME", "key": "k1",
    }


@pytest.mark.spec("N3")
def test_the_console_backend_prints_the_message(settings, capsys):
    settings.SMS_BACKEND = "notifications.sms.ConsoleBackend"
    sms.send_sms(sms.SMSMessage(to="+44 20 7946 0001", body="Hello"))
    assert "SMS to +44 20 7946 0001" in capsys.readouterr().out


class Provider(BaseHTTPRequestHandler):
    answers = []
    received = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), json.loads(body)))
        status, payload, pause = type(self).answers.pop(0)
        if pause:
            threading.Event().wait(pause)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(payload).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Provider.answers, Provider.received = [], []
    settings.SMS_BACKEND = "notifications.sms.HTTPBackend"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/messages"
    settings.SMS_HTTP_TOKEN = "secret-token"
    settings.SMS_HTTP_TIMEOUT = 0.5
    yield Provider
    server.shutdown()
    server.server_close()


@pytest.mark.spec("N3")
def test_the_http_backend_posts_with_token_and_idempotency_key(provider):
    provider.answers = [(202, {"id": "msg-981"}, 0)]

    provider_id = sms.send_sms(sms.SMSMessage(to="+4420", body="Hello", sender="ACME", key="substatus:1:x"))

    assert provider_id == "msg-981"
    [(headers, payload)] = provider.received
    assert headers["Authorization"] == "Bearer secret-token"
    assert headers["Idempotency-Key"] == "substatus:1:x"
    assert payload == {"to": "+4420", "from": "ACME", "body": "Hello", "reference": "substatus:1:x"}


@pytest.mark.spec("N3")
@pytest.mark.parametrize(
    ("answer", "permanent"),
    [((503, {}, 0), False), ((429, {}, 0), False), ((400, {"error": "bad number"}, 0), True), ((200, {}, 1.5), False)],
    ids=["server error", "rate limited", "refused", "timeout"],
)
def test_the_http_backend_tells_temporary_from_permanent_failures(provider, answer, permanent):
    provider.answers = [answer]
    with pytest.raises(sms.SMSError) as raised:
        sms.send_sms(sms.SMSMessage(to="+4420", body="Hello"))
    assert raised.value.permanent is permanent


# --- the page --------------------------------------------------------------------------------------

@pytest.mark.spec("D4")
def test_the_snackbar_says_when_the_customer_will_be_told(client, alice, ticket, sub_statuses, scheduled):
    from ..conftest import csrf_post

    client.force_login(alice)
    response = csrf_post(
        client, f"/tickets/{ticket.pk}/sub-status/", {"sub_status": sub_statuses["parts"].pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    trigger = json.loads(response["HX-Trigger"])
    assert trigger["messages"][0]["message"] == (
        "Sub-status set to Ongoing · Parts ordered. The customer gets an SMS in 1 minute unless it changes again."
    )



@pytest.mark.spec("N3")
@pytest.mark.parametrize("phone", ["+44 20 7946 0001", "020 7946 0001", "(555) 123-4567"])
def test_contact_phone_numbers_in_usual_forms_are_valid(phone):
    ContactFactory.build(name="Sam", phone=phone, email="").full_clean()


@pytest.mark.spec("N3", "T11")
@pytest.mark.parametrize("phone", ["call after 5pm", "12345", "+44 20 7946 0001 ext 5", "++4420794600"])
def test_contact_phone_numbers_are_validated(phone):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        ContactFactory.build(name="Sam", phone=phone, email="").full_clean()
    assert raised.value.message_dict["phone"] == [
        "Enter a phone number of 6 to 20 digits, optionally starting with +."
    ]
