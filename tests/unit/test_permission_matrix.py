"""Every route × every persona, against the rights table (SPEC R1–R3).

The routes come from the URL resolver and the WebSocket router, not from a list kept here: a route
that has no entry in tickets_site/rights.py fails `test_every_route_has_an_entry_in_the_rights_table`,
and every route is requested by each persona, as a GET and (for those refused) as a POST:

- anonymous: sent to sign in, except on public routes;
- an agent, and an agent of another team: every route the Agent role's rights open (R2: every agent
  works on every ticket, whatever their team), 403 elsewhere;
- a team leader: the Team Leader role's rights;
- an admin (superuser): everything;
- an active user in no group: nothing but signing out.

"Allowed" means the rights let the request through to its view: whatever the view then answers
(200, a redirect to the ticket, 404 for someone else's export, 405 for a GET of a POST-only
action, 403 for editing someone else's note) is the view's business and tested elsewhere.
"""

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from configurations.models import Holiday, ReplyTemplate, WorkingCalendar, WorkingHours
from configurations.sections import SECTIONS
from mail.models import Mailbox
from notifications.models import Notification
from notifications.services import notify
from tickets import actions, roles
from tickets.models import Removal, TicketExport, TicketImport, TicketView
from tickets.models.saved_views import FilterScheme
from tickets_site import rights

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

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "agent", "other-team agent", "team leader", "admin", "no role")
ROLE_RIGHTS = {
    "agent": {f"tickets.{name}" for name in roles.AGENT},
    "other-team agent": {f"tickets.{name}" for name in roles.AGENT},
    "team leader": {f"tickets.{name}" for name in roles.TEAM_LEADER},
    "no role": set(),
}


def walk(patterns, namespace=""):
    """(view name, route pattern) of every named URL, through included URL confs."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            for name, route in walk(pattern.url_patterns, inner):
                yield name, str(pattern.pattern) + route
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, str(pattern.pattern)


def named_routes():
    return sorted(dict(walk(get_resolver().url_patterns)).items())


def app_routes():
    return [(name, route) for name, route in named_routes() if not name.startswith("admin:")]


def expected_allowed(persona, right):
    if right == rights.PUBLIC:
        return True
    if persona == "anonymous":
        return False
    if right == rights.SIGNED_IN or persona == "admin":
        return True
    return right in ROLE_RIGHTS[persona]


@pytest.mark.spec("R3")
def test_every_route_has_an_entry_in_the_rights_table():
    table = rights.url_rights()
    names = {name for name, _ in app_routes()}
    assert sorted(names - set(table)) == [], "routes without an entry in tickets_site/rights.py"
    assert sorted(set(table) - names) == [], "entries in tickets_site/rights.py for routes that do not exist"
    from tickets.routing import websocket_urlpatterns

    websocket_routes = {str(pattern.pattern) for pattern in websocket_urlpatterns}
    assert websocket_routes == set(rights.WEBSOCKET_ROUTES)


@pytest.mark.spec("R3")
def test_the_public_routes_are_exactly_the_ones_that_need_no_sign_in():
    from django.urls import resolve

    table = rights.url_rights()
    for name, right in table.items():
        if right == rights.PUBLIC:
            view = resolve(reverse(name)).func
            assert getattr(view, "login_required", True) is False, name


@pytest.fixture
def world(alice, bob, carol, lead, admin_user):
    """One of everything a route can name, owned by the people who would own it."""
    ticket = make_ticket(alice, title="Printer on fire", tags=[TagFactory(name="printer")])
    other = make_ticket(bob, title="Toner")
    actions.link_tickets(ticket, alice, other)
    note = actions.add_note(ticket, alice, "Called back")
    (attachment,) = actions.attach_files(
        ticket, alice, [(SimpleUploadedFile("log.txt", b"log"), "log.txt", "text/plain")]
    )
    calendar = WorkingCalendar.objects.create(name="Office")
    hours = WorkingHours.objects.create(calendar=calendar, weekday=0, start="09:00", end="17:00")
    holiday = Holiday.objects.create(calendar=calendar, date="2030-12-25", name="Christmas")
    sections = {
        "tags": TagFactory(name="vip"),
        "sub-statuses": SubStatusFactory(name="Waiting"),
        "ticket-types": TicketTypeFactory(name="Incident"),
        "categories": CategoryFactory(name="Hardware"),
        "sla-policies": SLAPolicyFactory(name="Gold"),
        "calendars": calendar,
        "custom-fields": CustomFieldFactory(name="Order", key="order"),
        "teams": carol.helpdesk_teams.first(),
        "mailboxes": Mailbox.objects.create(address="sales@helpdesk.example", name="Sales"),
        "team-views": TicketView.objects.create(owner=admin_user, name="Escalations", is_team_view=True,
                                                visibility="shared", query="tab=all"),
        "reply-templates": ReplyTemplate.objects.create(name="Thanks", body="Thanks, {customer}."),
    }
    view = TicketView.objects.create(owner=alice, name="Mine", query="tab=mine")
    scheme = FilterScheme.objects.create(owner=alice, name="Urgent", query="priority=urgent")
    export = TicketExport.objects.create(user=alice, query="tab=all", fingerprint="x", file_name="All-Tickets.xlsx")
    upload = SimpleUploadedFile("tickets.csv", b"Title\nOne\n")
    ticket_import = TicketImport.objects.create(user=lead, file=upload, original_name="tickets.csv", rows=[])
    notification, _ = notify(alice, Notification.Kind.SYSTEM, "Hello")
    from django.contrib.contenttypes.models import ContentType

    removal = Removal.objects.create(user=lead, content_type=ContentType.objects.get_for_model(TicketView),
                                     object_id=view.pk, label="View “Mine”", state=Removal.State.DONE)
    email = _stored_email(ticket)
    return {
        "ticket": ticket, "other": other, "note": note, "attachment": attachment, "event": ticket.events.first(),
        "tag": ticket.tags.first(), "view": view, "scheme": scheme, "export": export, "import": ticket_import,
        "notification": notification, "removal": removal, "calendar": calendar, "hours": hours,
        "holiday": holiday, "sections": sections, "email": email,
    }


def _stored_email(ticket):
    """An inbound email activity with its stored original, as the email pipeline leaves it."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from mail.models import InboundEmail, Mailbox
    from tickets.models import Activity

    raw = b"From: sam@example.org\r\nSubject: Hi\r\nMessage-ID: <m1@example.org>\r\n\r\nHello\r\n"
    now = timezone.now()
    email = Activity.objects.create(
        ticket=ticket, kind=Activity.Kind.EMAIL, direction=Activity.Direction.INBOUND, subject="Hi",
        body="Hello", message_id="<m1@example.org>", created_at=now,
    )
    inbound = InboundEmail(
        mailbox=Mailbox.objects.create(name="Support", address="support@helpdesk.example"),
        source=InboundEmail.Source.FILE, size=len(raw), dedupe_key="matrix", received_at=now, updated_at=now,
        state=InboundEmail.State.PROCESSED, ticket=ticket, activity=email,
    )
    inbound.raw.save("m.eml", ContentFile(raw), save=False)
    inbound.save()
    return email


def kwargs_for(name, route, world):
    """The URL arguments of a route, pointing at objects of `world`."""
    converters = RoutePattern(route).converters
    values = {}
    for param in converters:
        if param == "pk":
            values[param] = _pk_for(name, world)
        elif param == "note_id":
            values[param] = world["note"].pk
        elif param == "attachment_pk":
            values[param] = world["attachment"].pk
        elif param == "tag_pk":
            values[param] = world["tag"].pk
        elif param == "other_pk":
            values[param] = world["other"].pk
        elif param == "event_id":
            values[param] = world["event"].pk
        elif param == "calendar_pk":
            values[param] = world["calendar"].pk
        elif param == "activity_pk":
            values[param] = world["email"].pk
        elif param == "file_pk":
            values[param] = 1  # a draft's file: looked up through the person's own draft
        else:
            raise AssertionError(f"{name}: no value for URL argument {param!r}; add it to kwargs_for()")
    return values


def _pk_for(name, world):
    app, _, short = name.partition(":")
    if app == "configurations":
        for section in SECTIONS.values():
            if short.startswith(f"{section.name}_"):
                return world["sections"][section.key].pk
        by_name = {"calendar_detail": "calendar", "hours_edit": "hours", "hours_delete": "hours",
                   "holiday_edit": "holiday", "holiday_delete": "holiday", "removal_detail": "removal"}
        return world[by_name[short]].pk
    if app == "notifications":
        return world["notification"].pk
    for prefix, key in (("view_", "view"), ("scheme_", "scheme"), ("export_", "export"), ("import_", "import")):
        if short.startswith(prefix):
            return world[key].pk
    return world["ticket"].pk


def client_for(persona, people):
    client = Client()
    if persona != "anonymous":
        client.force_login(people[persona])
    return client


@pytest.fixture
def people(alice, carol, lead, admin_user):
    roleless = UserFactory(username="nobody", first_name="No", last_name="Role")
    roleless.groups.clear()
    return {"agent": alice, "other-team agent": carol, "team leader": lead, "admin": admin_user, "no role": roleless}


def outcome(response):
    """"allowed", "sign in" or "refused", from what the rights made of the request."""
    if response.status_code == 403 and getattr(response.wsgi_request, "refused_by_rights", False):
        return "refused"
    if response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL)):
        return "sign in"
    return "allowed"


@pytest.mark.spec("R1", "R2", "R3")
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_route_lets_in_exactly_the_personas_its_right_names(persona, people, world):
    table = rights.url_rights()
    client = client_for(persona, people)
    wrong = []
    for name, route in app_routes():
        url = reverse(name, kwargs=kwargs_for(name, route, world))
        allowed = expected_allowed(persona, table[name])
        refused_as = "sign in" if persona == "anonymous" else "refused"
        got = outcome(client.get(url))
        if got != ("allowed" if allowed else refused_as):
            wrong.append(f"GET {name}: {got}, expected {'allowed' if allowed else refused_as}")
        if not allowed and outcome(client.post(url)) != refused_as:
            wrong.append(f"POST {name}: not refused")
    assert wrong == []


@pytest.mark.spec("C2", "R1")
@pytest.mark.parametrize("persona", PERSONAS)
def test_django_admin_is_open_to_admins_only(persona, people):
    client = client_for(persona, people)
    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin.site._registry
    ]
    statuses = {url: client.get(url).status_code for url in urls}
    if persona == "admin":
        assert set(statuses.values()) == {200}
    else:
        assert set(statuses.values()) == {302}  # to the admin's sign-in page


@pytest.mark.spec("R2", "R3", "D11", "N1")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_websocket_route_lets_in_exactly_the_personas_its_right_names(persona, people, world):
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator

    from tickets.routing import websocket_urlpatterns

    router = URLRouter(websocket_urlpatterns)
    user = AnonymousUser() if persona == "anonymous" else people[persona]
    paths = {"ws/tickets/": "/ws/tickets/", "ws/tickets/<int:ticket_id>/": f"/ws/tickets/{world['ticket'].pk}/",
             "ws/notifications/": "/ws/notifications/"}

    async def connect(path):
        communicator = WebsocketCommunicator(router, path)
        communicator.scope["user"] = user
        connected, code = await communicator.connect(timeout=5)
        await communicator.disconnect()
        return connected, code

    for route, right in rights.WEBSOCKET_ROUTES.items():
        connected, code = async_to_sync(connect)(paths[route])
        if expected_allowed(persona, right):
            assert connected, route
        else:
            assert (connected, code) == (False, 4403), route
