"""Script in any text field is shown as text on every page that shows it, and never runs (SPEC B9, X2).

Every text a person or a customer can type gets a payload from a small corpus (markup with event
handlers, a closing tag, a script element, an attribute break, a javascript: link); then Chromium
opens every page that shows one of them, the HTMX fragments included. A payload that ran would
have set `window.__xss` or opened a dialog; the test fails on either, and checks the text is there.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from configurations.models import Category, CustomField, SubStatus, Tag, Team, TicketType
from notifications.services import notify
from tickets import actions
from tickets.models import Account, Contact, FilterScheme, TicketView

from ..factories import UserFactory
from .support import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.spec("X2", "B9")]

RUN = "window.__xss=(window.__xss||0)+1"
CORPUS = [
    f'<img src=x onerror="{RUN}">',
    f'"><svg onload="{RUN}">',
    f"</textarea></title><script>{RUN}</script>",
    f"' onmouseover='{RUN}' x='",
    f"<a href=\"javascript:{RUN}\">click</a>",
]


def payload(n, label):
    """A readable marker, then one of the corpus."""
    return f"{label}-{CORPUS[n % len(CORPUS)]}"


@pytest.fixture
def world(alice, lead, admin_user, support_team):
    evil = UserFactory(username="mallory", first_name=payload(0, "first"), last_name=payload(1, "last"))
    support_team.members.add(evil)
    tag = Tag.objects.create(name=payload(2, "tag")[:50])
    sub_status = SubStatus.objects.create(status="ongoing", name=payload(3, "sub")[:60], notify_text=payload(4, "text"))
    team = Team.objects.create(name=payload(0, "team")[:100])
    category = Category.objects.create(name=payload(1, "category")[:100], default_queue=payload(2, "queue")[:200])
    kind = TicketType.objects.create(name=payload(3, "type")[:60])
    CustomField.objects.create(name=payload(4, "field")[:100], key="evil")
    account = Account.objects.create(name=payload(0, "account")[:200])
    contact = Contact.objects.create(name=payload(1, "contact")[:200], email="jo@example.com", account=account)
    parent = actions.create_ticket(alice, title=payload(2, "parent")[:200])
    ticket = actions.create_ticket(
        evil, title=payload(3, "title")[:200], description=payload(4, "description"), ticket_type=kind,
        category=category, contact=contact, assignee=evil, team=team, tags=[tag], parent=parent,
        source_channel=payload(0, "channel")[:30], source_product=payload(1, "product")[:60],
        custom_values={"evil": payload(2, "value")[:500]}, status="ongoing", sub_status=sub_status,
    )
    actions.link_tickets(ticket, alice, parent)
    actions.add_note(ticket, evil, payload(3, "note")[:490])
    actions.attach_files(ticket, evil, [(SimpleUploadedFile("a.txt", b"log"), payload(4, "file")[:200] + ".txt",
                                         "text/plain")])
    TicketView.objects.create(owner=alice, name=payload(0, "view")[:80], query="tab=all")
    FilterScheme.objects.create(owner=alice, name=payload(1, "scheme")[:80], query="tab=all")
    notify(alice, "system", payload(2, "notice")[:200], body=payload(3, "body"), url="/tickets/")
    return ticket


def assert_inert(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    # Handlers smuggled into attributes would run on these events.
    page.evaluate("""() => document.querySelectorAll('*').forEach((element) => {
        for (const type of ['mouseover', 'focus', 'click']) {
            if (type === 'click' && (element.closest('a[href], button, form, [hx-get], [hx-post]'))) continue;
            element.dispatchEvent(new Event(type, {bubbles: false}));
        }
    })""")
    assert page.evaluate("window.__xss") is None, f"a payload ran on {url}"


def test_no_payload_runs_on_any_page_that_shows_it(live_server, page, alice, lead, admin_user, world):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    ticket = world
    signed_in(page, live_server, admin_user)
    base = live_server.url
    pages = [
        reverse("tickets:ticket_list") + "?tab=all&completed=1",
        reverse("tickets:ticket_list") + f"?tab=all&view={TicketView.objects.get(owner=alice).pk}",
        ticket.get_absolute_url(),
        reverse("tickets:ticket_print", args=[ticket.pk]),
        reverse("notifications:notification_list"),
        *[reverse(f"configurations:{name}_list") for name in ("tag", "substatus", "team", "category", "tickettype",
                                                             "customfield")],
        reverse("admin:tickets_ticket_change", args=[ticket.pk]),
        reverse("admin:tickets_contact_changelist"),
    ]
    for path in pages:
        assert_inert(page, base + path)

    # The ticket page's fragments: the History tab, the ticket as it was, and the peek.
    page.goto(base + ticket.get_absolute_url())
    page.get_by_role("tab", name="History").click()
    page.get_by_role("button", name="Show the ticket as it was").first.click()
    expect(page.locator("body")).to_contain_text("title-")
    page.goto(base + reverse("tickets:ticket_list") + "?tab=all&completed=1")
    page.locator(f'[data-ticket="{ticket.pk}"] button[hx-get$="/peek/"]').click()
    expect(page.locator("body")).to_contain_text("note-")
    page.wait_for_load_state("networkidle")

    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    # And the text is there, as text: the marker and the markup around it.
    page.goto(base + ticket.get_absolute_url())
    expect(page.locator("h1")).to_contain_text(payload(3, "title")[:60])
