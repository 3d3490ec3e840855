"""The sweeper sends what is due and resumes what a dead worker left, whatever became of its task (SPEC B9).

Here the tasks that should have run are lost on purpose (their on-commit callbacks are dropped, or
a job is left "running" with an old heartbeat); the sweep alone must then finish the work, once.
tests/integration/test_worker_crashes.py kills real workers for the same.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from configurations.models import Status
from notifications import sms
from notifications.models import Notification
from tickets import actions
from tickets.imports import running
from tickets.models import Activity, Ticket, TicketExport, TicketImport
from tickets.sweeper import sweep

from ..factories import ContactFactory, SubStatusFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def texting(settings):
    settings.SMS_BACKEND = "notifications.sms.LocmemBackend"
    settings.SUBSTATUS_NOTIFY_DELAY = 60
    sms.LocmemBackend.outbox.clear()
    return sms.LocmemBackend.outbox


def lost(django_capture_on_commit_callbacks):
    """Run a change whose background tasks are never sent: the worker that had them died."""
    return django_capture_on_commit_callbacks(execute=False)


@pytest.mark.spec("D4", "N3")
def test_a_customer_message_whose_task_was_lost_is_sent_once_when_due(
    alice, clock, texting, django_capture_on_commit_callbacks
):
    waiting = SubStatusFactory(status=Status.PENDING, name="Waiting for parts", notify_channel="sms",
                               notify_text="Parts are on their way")
    ticket = make_ticket(alice, contact=ContactFactory(phone="+44 20 7946 0101"), status=Status.PENDING)
    with lost(django_capture_on_commit_callbacks):
        actions.change_sub_status(ticket, alice, waiting)

    clock.advance(seconds=59)
    assert sweep()["customer messages"] == 0  # not before the sub-status has stayed a minute
    clock.advance(seconds=2)
    assert sweep()["customer messages"] == 1
    assert sweep()["customer messages"] == 0

    assert [message.body for message in texting] == ["Parts are on their way"]
    [activity] = Activity.objects.filter(ticket=ticket, direction=Activity.Direction.OUTBOUND)
    assert activity.delivery_state == Activity.Delivery.SENT
    assert Ticket.objects.get(pk=ticket.pk).customer_message_due_at is None


@pytest.mark.spec("D4")
def test_a_sub_status_changed_again_before_it_was_due_sends_only_the_final_one(
    alice, clock, texting, django_capture_on_commit_callbacks
):
    first = SubStatusFactory(status=Status.ONGOING, name="Engineer booked", notify_channel="sms", notify_text="Booked")
    final = SubStatusFactory(status=Status.ONGOING, name="On the way", notify_channel="sms", notify_text="On the way")
    ticket = make_ticket(alice, contact=ContactFactory(phone="+44 20 7946 0101"), status=Status.ONGOING)
    with lost(django_capture_on_commit_callbacks):
        actions.change_sub_status(ticket, alice, first)
        clock.advance(seconds=30)
        actions.change_sub_status(ticket, alice, final)

    clock.advance(seconds=45)
    sweep()
    assert texting == []
    clock.advance(seconds=20)
    sweep()
    assert [message.body for message in texting] == ["On the way"]


@pytest.mark.spec("N3")
def test_a_message_left_pending_by_a_dead_worker_is_sent_by_the_sweep(alice, clock, texting):
    ticket = make_ticket(alice)
    activity = Activity.objects.create(
        ticket=ticket, kind=Activity.Kind.SMS, direction=Activity.Direction.OUTBOUND, body="Hello",
        recipient="+44 20 7946 0001", delivery_state=Activity.Delivery.PENDING, created_at=clock.now,
        next_attempt_at=clock.now, send_key="substatus:1:x",
    )

    assert sweep()["deliveries"] == 0  # its worker may still be sending it
    clock.advance(seconds=settings.HELPDESK_ORPHAN_AFTER + 1)
    assert sweep()["deliveries"] == 1

    activity.refresh_from_db()
    assert (activity.delivery_state, activity.attempts) == (Activity.Delivery.SENT, 1)
    assert [message.key for message in texting] == ["substatus:1:x"]  # the provider's idempotency key


@pytest.mark.spec("L12")
def test_an_import_orphaned_mid_way_resumes_after_its_last_batch(lead, clock, monkeypatch):
    rows = [{"row": n, "title": f"Row {n}", "data": {"title": f"Row {n}"}} for n in range(2, 8)]
    job = running.start_import(lead, SimpleUploadedFile("t.csv", b"Title\n"), rows)
    TicketImport.objects.filter(pk=job.pk).update(state=TicketImport.State.QUEUED)
    monkeypatch.setattr(running, "BATCH", 2)
    assert TicketImport.objects.claim(job.pk)
    running._run_batch(job.pk, rows)  # one batch, then the worker died

    assert sweep()["jobs"] == 0  # a live heartbeat: someone is on it
    clock.advance(seconds=settings.HELPDESK_ORPHAN_AFTER + 1)
    assert sweep()["jobs"] == 1

    job.refresh_from_db()
    assert (job.state, job.created_count) == (TicketImport.State.DONE, 6)
    assert sorted(Ticket.objects.values_list("title", flat=True)) == [f"Row {n}" for n in range(2, 8)]


@pytest.mark.spec("L11")
def test_an_export_is_claimed_by_one_runner_until_its_heartbeat_stops(alice, clock):
    export = TicketExport.objects.create(user=alice, query="tab=all", fingerprint="x", file_name="All-Tickets.xlsx")

    assert TicketExport.objects.claim(export.pk)
    assert not TicketExport.objects.claim(export.pk)  # a second worker handed the same export
    clock.advance(seconds=settings.HELPDESK_ORPHAN_AFTER + 1)
    assert list(TicketExport.objects.orphaned()) == [export]
    assert TicketExport.objects.claim(export.pk)


@pytest.mark.spec("N2")
def test_follower_updates_whose_digest_was_lost_are_emailed_once(alice, bob, clock, django_capture_on_commit_callbacks):
    from notifications import agents

    ticket = make_ticket(alice, followers=[bob])
    with lost(django_capture_on_commit_callbacks):
        actions.add_note(ticket, alice, "Called back")
    agents.tell_followers(ticket.events.order_by("-version").first().pk, schedule_digest=lambda user_id: None)
    mail.outbox.clear()

    clock.advance(seconds=settings.HELPDESK_FOLLOWER_DIGEST_DELAY + settings.HELPDESK_ORPHAN_AFTER + 1)
    assert sweep()["digests"] == 1
    assert sweep()["digests"] == 0
    assert [message.to for message in mail.outbox] == [[bob.email]]


@pytest.mark.spec("D5")
def test_a_mention_whose_email_was_lost_is_emailed_by_the_sweep(alice, bob, clock, monkeypatch):
    from notifications import agents

    monkeypatch.setattr(agents, "_email_once", lambda *args, **kwargs: None)  # the worker died before sending
    ticket = make_ticket(alice)
    note = actions.add_note(ticket, alice, "@bob can you call back?")
    agents.tell_mentioned(note.pk)
    monkeypatch.undo()
    mail.outbox.clear()

    clock.advance(seconds=settings.HELPDESK_ORPHAN_AFTER + 1)
    assert sweep()["mention emails"] == 1
    assert sweep()["mention emails"] == 0
    assert [message.to for message in mail.outbox] == [[bob.email]]
    assert Notification.objects.get(user=bob).emailed_at is not None


def test_beat_sweeps_at_least_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-durable-work"]
    assert entry["task"] == "tickets.tasks.sweep"
    assert entry["schedule"] <= 60
    assert dt.timedelta(seconds=settings.HELPDESK_ORPHAN_AFTER) <= dt.timedelta(minutes=1)
