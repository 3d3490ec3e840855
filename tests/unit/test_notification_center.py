"""Mentions (SPEC D5), followers (N2), SLA alerts (T8) and the Notification Center itself (N1)."""

import datetime as dt
import json

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core import mail

from configurations.models import Priority
from notifications import live, tasks
from notifications.models import Notification
from notifications.services import notify
from tickets import actions
from tickets.tasks import notify_sla_at_risk

from ..conftest import csrf_post
from ..factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the commit hooks (and so the eager tasks they enqueue) of what happens inside."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def ticket(alice):
    return make_ticket(alice, title="Printer on fire")


# --- mentions ------------------------------------------------------------------------------------

@pytest.mark.spec("D5")
def test_a_mentioned_agent_gets_an_email_and_a_notification(ticket, alice, bob, carol, on_commit):
    with on_commit():
        actions.add_note(ticket, alice, "@bob can you call the customer? @alice noted.")

    [item] = Notification.objects.filter(user=bob)
    assert item.kind == Notification.Kind.MENTION
    assert item.title == f"Alice Archer mentioned you on {ticket.reference}"
    assert item.ticket == ticket and item.url == f"/tickets/{ticket.pk}/"
    [email] = [m for m in mail.outbox if m.to == ["bob@example.com"]]
    assert email.subject == f"Alice Archer mentioned you on {ticket.reference}: Printer on fire"
    assert "@bob can you call the customer?" in email.body
    assert f"http://localhost:8000/tickets/{ticket.pk}/" in email.body
    # The author mentioning themself, and anyone not mentioned, hear nothing.
    assert not Notification.objects.filter(user__in=[alice, carol]).exists()


@pytest.mark.spec("D5")
def test_editing_a_note_tells_only_the_agents_newly_mentioned(ticket, alice, bob, carol, on_commit):
    with on_commit():
        note = actions.add_note(ticket, alice, "@bob please check")
    with on_commit():
        actions.edit_note(note, alice, "@bob please check with @carol")

    assert Notification.objects.filter(user=bob).count() == 1
    assert Notification.objects.filter(user=carol).count() == 1
    assert len([m for m in mail.outbox if m.to == ["bob@example.com"]]) == 1


@pytest.mark.spec("D5")
def test_the_mention_task_run_twice_tells_once(ticket, alice, bob, on_commit):
    with on_commit():
        note = actions.add_note(ticket, alice, "@bob over to you")
    tasks.notify_mentions.apply((note.pk,))

    assert Notification.objects.filter(user=bob).count() == 1
    assert len(mail.outbox) == 1


# --- followers -----------------------------------------------------------------------------------

@pytest.fixture
def digests(monkeypatch):
    """Digest emails as scheduled (user ids), to be run when the test says."""
    scheduled = []
    monkeypatch.setattr(
        tasks.send_follower_digest, "apply_async", lambda args, countdown=0, **kw: scheduled.append((args[0], countdown))
    )
    return scheduled


@pytest.mark.spec("N2")
def test_followers_hear_of_changes_but_not_of_their_own(ticket, alice, bob, carol, on_commit, digests):
    actions.follow(ticket, alice, bob)
    actions.follow(ticket, carol)
    with on_commit():
        actions.update_ticket(ticket, alice, version=ticket.version, priority=Priority.HIGH, title="Printer on fire!")
    with on_commit():
        actions.change_status(ticket, carol, "ongoing")

    bob_items = list(Notification.objects.filter(user=bob).order_by("id"))
    assert [item.body for item in bob_items] == [
        "Alice Archer changed Title, Priority",
        "Carol Cole changed Status",
    ]
    assert bob_items[0].kind == Notification.Kind.FOLLOWED_CHANGE
    assert bob_items[0].title == f"{ticket.reference} Printer on fire!"
    # Carol made the second change herself: she hears only of Alice's.
    assert list(Notification.objects.filter(user=carol).values_list("body", flat=True)) == [
        "Alice Archer changed Title, Priority"
    ]


@pytest.mark.spec("N2")
def test_followers_get_one_email_for_a_batch_of_changes(ticket, alice, bob, on_commit, digests, settings):
    actions.follow(ticket, alice, bob)
    for priority in (Priority.HIGH, Priority.URGENT, Priority.LOW):
        with on_commit():
            actions.update_ticket(ticket, alice, version=ticket.version, priority=priority)

    assert digests == [(bob.pk, settings.HELPDESK_FOLLOWER_DIGEST_DELAY)]  # one digest for three changes
    assert mail.outbox == []

    tasks.send_follower_digest.apply((bob.pk,))
    tasks.send_follower_digest.apply((bob.pk,))  # run twice: nothing more to send

    [email] = mail.outbox
    assert email.to == ["bob@example.com"]
    assert email.subject == "3 updates on tickets you follow"
    assert email.body.count("Alice Archer changed Priority") == 3
    assert not Notification.objects.filter(user=bob, emailed_at__isnull=True).exists()


@pytest.mark.spec("N2")
def test_updates_already_read_in_the_app_are_not_emailed(ticket, alice, bob, on_commit, digests):
    actions.follow(ticket, alice, bob)
    with on_commit():
        actions.update_ticket(ticket, alice, version=ticket.version, priority=Priority.HIGH)
    Notification.objects.filter(user=bob).update(read_at=ticket.created_at)

    tasks.send_follower_digest.apply((bob.pk,))

    assert mail.outbox == []


# --- SLA at risk ----------------------------------------------------------------------------------

@pytest.fixture
def due_ticket(alice, clock):
    """Alice's ticket due in ten hours: at risk in the last two (20 %)."""
    return make_ticket(alice, title="Refund", assignee=alice, deadline=clock.now + dt.timedelta(hours=10))


@pytest.mark.spec("T8")
def test_the_assignee_is_told_once_when_a_ticket_becomes_at_risk(due_ticket, alice, clock):
    clock.advance(hours=7)
    assert notify_sla_at_risk.apply().get() == 0

    clock.advance(hours=1, minutes=1)
    assert notify_sla_at_risk.apply().get() == 1
    assert notify_sla_at_risk.apply().get() == 0

    [item] = Notification.objects.filter(user=alice)
    assert item.kind == Notification.Kind.SLA_AT_RISK
    assert item.title == f"{due_ticket.reference} is at risk of breaching its SLA"
    assert item.ticket == due_ticket


@pytest.mark.spec("T8")
def test_a_new_deadline_gets_its_own_alert(due_ticket, alice, clock):
    clock.advance(hours=8, minutes=30)
    notify_sla_at_risk.apply()
    actions.update_ticket(due_ticket, alice, version=due_ticket.version, deadline=clock.now + dt.timedelta(minutes=30))

    assert notify_sla_at_risk.apply().get() == 1
    assert Notification.objects.filter(user=alice, kind="sla_at_risk").count() == 2


@pytest.mark.spec("T8")
def test_breached_resolved_and_unassigned_tickets_raise_no_alert(alice, clock):
    make_ticket(alice, title="Breached", assignee=alice, deadline=clock.now + dt.timedelta(hours=1))
    make_ticket(alice, title="Resolved", assignee=alice, status="resolved", deadline=clock.now + dt.timedelta(hours=10))
    make_ticket(alice, title="Nobody's", deadline=clock.now + dt.timedelta(hours=10))
    clock.advance(hours=9)

    assert notify_sla_at_risk.apply().get() == 0


# --- the Notification Center ----------------------------------------------------------------------

@pytest.fixture
def items(alice, bob, ticket):
    first, _ = notify(alice, Notification.Kind.MENTION, "Bob mentioned you", ticket=ticket, url=f"/tickets/{ticket.pk}/")
    second, _ = notify(alice, Notification.Kind.EXPORT, "My-Tickets.xlsx is ready", url="/tickets/")
    others, _ = notify(bob, Notification.Kind.SYSTEM, "Bob's own")
    return first, second, others


@pytest.mark.spec("N1")
def test_the_bell_shows_the_unread_count_on_every_page(alice_client, items):
    page = alice_client.get("/tickets/").content.decode()
    assert 'aria-label="Notifications, 2 unread"' in page
    assert '<span class="badge-count" id="unread-count" aria-hidden="true">2</span>' in page


@pytest.mark.spec("N1")
def test_the_center_lists_only_ones_own_notifications_newest_first(alice_client, items):
    page = alice_client.get("/notifications/").content.decode()
    assert page.index("My-Tickets.xlsx is ready") < page.index("Bob mentioned you")
    assert "Bob's own" not in page
    assert "2 unread" in page


@pytest.mark.spec("N1")
def test_opening_a_notification_marks_it_read_and_goes_to_its_ticket(alice_client, items, ticket):
    first = items[0]
    response = alice_client.get(f"/notifications/{first.pk}/open/")
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/"
    first.refresh_from_db()
    assert first.read_at is not None


@pytest.mark.spec("N1")
def test_mark_read_swaps_the_item_and_the_count(alice_client, items):
    first = items[0]
    response = csrf_post(alice_client, f"/notifications/{first.pk}/read/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="notification"' in html and "is-unread" not in html
    assert 'id="unread-count" aria-hidden="true" hx-swap-oob="true">1</span>' in html


@pytest.mark.spec("N1")
def test_mark_all_read(alice_client, alice, items):
    response = csrf_post(alice_client, "/notifications/read-all/", {"next": "/notifications/"})
    assert response.status_code == 302
    assert not Notification.objects.filter(user=alice, read_at__isnull=True).exists()
    assert Notification.objects.filter(read_at__isnull=True).count() == 1  # Bob's stays unread


@pytest.mark.spec("N1")
def test_someone_elses_notification_is_not_found(alice_client, items):
    others = items[2]
    assert alice_client.get(f"/notifications/{others.pk}/open/").status_code == 404
    assert csrf_post(alice_client, f"/notifications/{others.pk}/read/").status_code == 404
    others.refresh_from_db()
    assert others.read_at is None


@pytest.mark.spec("N1")
def test_an_open_redirect_is_refused(alice_client, alice):
    item, _ = notify(alice, Notification.Kind.SYSTEM, "Odd", url="https://evil.example/")
    response = alice_client.get(f"/notifications/{item.pk}/open/")
    assert response["Location"] == "/notifications/"


@pytest.mark.spec("N1")
def test_the_polled_count(alice_client, items):
    data = json.loads(alice_client.get("/notifications/unread/").content)
    assert data["unread"] == 2
    assert data["latest"]["title"] == "My-Tickets.xlsx is ready"


@pytest.mark.spec("N1")
def test_a_new_notification_is_pushed_to_the_persons_group_after_commit(alice, on_commit):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(live.user_group(alice.pk), channel)

    with on_commit():
        notify(alice, Notification.Kind.SYSTEM, "Import of tickets.xlsx finished")

    message = async_to_sync(layer.receive)(channel)
    assert message["type"] == "notification.update"
    assert message["payload"]["unread"] == 1
    assert message["payload"]["title"] == "Import of tickets.xlsx finished"


@pytest.mark.spec("N1", "R2")
@pytest.mark.django_db(transaction=True)  # the consumer checks rights in a worker thread
def test_the_notification_socket_needs_a_signed_in_person(alice):
    from channels.testing import WebsocketCommunicator
    from django.contrib.auth.models import AnonymousUser

    from notifications.consumers import NotificationConsumer
    from tickets_site.rights import WEBSOCKET_ROUTES

    async def connect(user):
        app = NotificationConsumer.as_asgi(required_right=WEBSOCKET_ROUTES["ws/notifications/"])
        communicator = WebsocketCommunicator(app, "/ws/notifications/")
        communicator.scope["user"] = user
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert async_to_sync(connect)(AnonymousUser()) is False
    assert async_to_sync(connect)(alice) is True


@pytest.mark.spec("N2")
def test_followers_read_notes_and_re_openings_in_words(ticket, alice, bob, clock, on_commit, digests):
    actions.follow(ticket, alice, bob)
    with on_commit():
        actions.add_note(ticket, alice, "Customer called again")
    with on_commit():
        actions.change_status(ticket, alice, "pending", reopen_at=clock.now + dt.timedelta(hours=1))
    clock.advance(hours=2)
    with on_commit():
        actions.reopen_when_due(ticket)

    assert list(Notification.objects.filter(user=bob).order_by("id").values_list("body", flat=True)) == [
        "Alice Archer added a note: Customer called again",
        "Alice Archer changed Status, Re-open date",
        "Re-opened: its re-open date has come",
    ]
