"""The ticket page's tags, linked tickets and archive control, through their endpoints (SPEC T4, T5, T6, D8)."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from tickets import actions
from tickets.models import Ticket, TicketEvent, TicketLink

from ..conftest import csrf_post
from ..factories import TagFactory, make_ticket

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ticket(alice):
    return make_ticket(alice, title="Printer on fire")


def html(response):
    """The response's text with entities decoded, so messages read as people see them."""
    return unescape(response.content.decode())


def words(page):
    """What a reader sees of a page: tags dropped, spaces collapsed."""
    return " ".join(strip_tags(page).split())


def url(name, *args):
    return reverse(f"tickets:{name}", args=args)


# --- the page ---------------------------------------------------------------------------------------

@pytest.mark.spec("T5", "T6", "D8", "T4")
def test_the_ticket_page_shows_tags_links_and_the_archive_button(alice_client, alice, ticket):
    billing = TagFactory(name="billing", color="#2563eb")
    TagFactory(name="vip")
    actions.add_tag(ticket, alice, billing)
    other = make_ticket(alice, title="Toner empty")
    actions.link_tickets(ticket, alice, other)

    page = html(alice_client.get(ticket.get_absolute_url()))

    assert 'id="ticket-tags"' in page and 'aria-label="Remove tag billing"' in page
    assert 'data-value="' in page and ">vip" in page.replace("\n", "").replace("  ", "")
    assert 'id="ticket-links"' in page and f"Unlink {other.reference}" in page
    assert "Toner empty" in page
    assert url("ticket_archive", ticket.pk) in page
    assert "This ticket is archived" not in page


@pytest.mark.spec("T4")
def test_an_archived_ticket_shows_the_banner_and_no_edit_controls(alice_client, alice, ticket):
    tag = TagFactory(name="billing")
    actions.add_tag(ticket, alice, tag)
    actions.link_tickets(ticket, alice, make_ticket(alice, title="Toner empty"))
    actions.archive(ticket, alice)

    page = html(alice_client.get(ticket.get_absolute_url()))

    assert "This ticket is archived and read-only. Unarchive it to make changes." in words(page)
    assert url("ticket_unarchive", ticket.pk) in page
    assert url("ticket_archive", ticket.pk) not in page
    assert "billing" in page and "Toner empty" in page  # still visible (T4)
    for control in ("Remove tag", "tag-picker-input", "Unlink", "Link ticket", "Upload files", url("tag_add", ticket.pk)):
        assert control not in page, control


@pytest.mark.spec("R1")
@pytest.mark.parametrize(
    "name, method",
    [("tag_add", "post"), ("link_add", "post"), ("link_search", "get"), ("ticket_archive", "post"), ("ticket_unarchive", "post")],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, ticket, name, method):
    response = getattr(client, method)(url(name, ticket.pk))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.spec("X2")
def test_posts_without_the_csrf_token_are_refused(alice_client, ticket):
    tag = TagFactory(name="billing")

    response = alice_client.post(url("tag_add", ticket.pk), {"tag": tag.pk}, **HTMX)

    assert response.status_code == 403
    assert ticket.tags.count() == 0


@pytest.mark.spec("T5", "X2")
def test_a_missing_ticket_is_a_404(alice_client, ticket):
    response = csrf_post(alice_client, url("tag_add", ticket.pk + 999), {"tag": 1}, **HTMX)

    assert response.status_code == 404


# --- tags (T5) --------------------------------------------------------------------------------------

@pytest.mark.spec("T5")
def test_picking_a_tag_adds_it_through_the_action_and_returns_the_card(alice_client, alice, ticket):
    tag = TagFactory(name="billing")

    response = csrf_post(alice_client, url("tag_add", ticket.pk), {"tag": tag.pk}, **HTMX)

    assert response.status_code == 200
    assert list(ticket.tags.values_list("name", flat=True)) == ["billing"]
    event = ticket.events.first()
    assert (event.kind, event.actor) == (TicketEvent.Kind.TAG_ADDED, alice)
    body = html(response)
    assert body.lstrip().startswith('<section class="card rel-card" id="ticket-tags"')
    assert "Remove tag billing" in body
    assert "1 of 10" in body


@pytest.mark.spec("T5")
def test_adding_a_tag_the_ticket_has_changes_nothing(alice_client, alice, ticket):
    tag = TagFactory(name="billing")
    actions.add_tag(ticket, alice, tag)
    version = Ticket.objects.get(pk=ticket.pk).version

    response = csrf_post(alice_client, url("tag_add", ticket.pk), {"tag": tag.pk}, **HTMX)

    assert response.status_code == 200
    assert ticket.tags.count() == 1
    assert Ticket.objects.get(pk=ticket.pk).version == version


@pytest.mark.spec("T5", "X2")
def test_the_eleventh_tag_is_refused_with_the_limit_message_in_the_card(alice_client, alice, ticket):
    for number in range(10):
        actions.add_tag(ticket, alice, TagFactory(name=f"tag-{number:02d}"))
    extra = TagFactory(name="one-too-many")

    response = csrf_post(alice_client, url("tag_add", ticket.pk), {"tag": extra.pk}, **HTMX)

    assert response.status_code == 422
    body = html(response)
    assert 'role="alert"' in body
    assert f"{ticket.reference} already has 10 tags, the most a ticket can have." in body
    assert "Remove one before adding “one-too-many”." in body
    assert ticket.tags.count() == 10


@pytest.mark.spec("T5", "X2")
def test_the_eleventh_tag_without_htmx_comes_back_as_a_message_on_the_page(alice_client, alice, ticket):
    for number in range(10):
        actions.add_tag(ticket, alice, TagFactory(name=f"tag-{number:02d}"))
    extra = TagFactory(name="one-too-many")

    response = csrf_post(alice_client, url("tag_add", ticket.pk), {"tag": extra.pk}, follow=True)

    assert response.redirect_chain[-1][0] == ticket.get_absolute_url()
    assert "already has 10 tags" in html(response)
    assert ticket.tags.count() == 10


@pytest.mark.spec("T5", "X2")
@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_an_unknown_tag_gets_a_clear_message(alice_client, ticket, value):
    response = csrf_post(alice_client, url("tag_add", ticket.pk), {"tag": value}, **HTMX)

    assert response.status_code == 422
    assert "Pick a tag from the list." in html(response)


@pytest.mark.spec("T5")
def test_the_cross_removes_a_tag(alice_client, alice, ticket):
    tag = TagFactory(name="billing")
    actions.add_tag(ticket, alice, tag)

    response = csrf_post(alice_client, url("tag_remove", ticket.pk, tag.pk), **HTMX)

    assert response.status_code == 200
    assert ticket.tags.count() == 0
    assert ticket.events.first().kind == TicketEvent.Kind.TAG_REMOVED
    assert "No tags yet." in html(response)


@pytest.mark.spec("T4", "T5")
def test_an_archived_ticket_refuses_tag_changes(alice_client, alice, ticket):
    kept = TagFactory(name="kept")
    actions.add_tag(ticket, alice, kept)
    actions.archive(ticket, alice)

    added = csrf_post(alice_client, url("tag_add", ticket.pk), {"tag": TagFactory(name="new").pk}, **HTMX)
    removed = csrf_post(alice_client, url("tag_remove", ticket.pk, kept.pk), **HTMX)

    for response in (added, removed):
        assert response.status_code == 422
        assert "is archived and can't be changed. Unarchive it first." in html(response)
        assert "tag-picker-input" not in html(response)
    assert list(ticket.tags.values_list("name", flat=True)) == ["kept"]


# --- linked tickets (T6, D8) ------------------------------------------------------------------------

@pytest.mark.spec("T6")
def test_link_search_finds_a_ticket_by_reference_or_number(alice_client, alice, ticket):
    other = make_ticket(alice, title="Toner empty")

    for query in (other.reference, str(other.pk), f"#{other.pk}"):
        response = alice_client.get(url("link_search", ticket.pk), {"q": query}, **HTMX)
        body = html(response)
        assert response.status_code == 200
        assert f'data-value="{other.pk}"' in body, query
        assert "Toner empty" in body


@pytest.mark.spec("T6")
def test_link_search_matches_title_words_newest_first_archived_included(alice_client, alice, ticket):
    older = make_ticket(alice, title="Refund for order 1001")
    archived = make_ticket(alice, title="Order 1001 refund, second try")
    actions.archive(archived, alice)
    make_ticket(alice, title="Unrelated printer")

    response = alice_client.get(url("link_search", ticket.pk), {"q": "refund 1001"}, **HTMX)

    body = html(response)
    assert body.index(f'data-value="{archived.pk}"') < body.index(f'data-value="{older.pk}"')
    assert "Archived" in body
    assert "Unrelated printer" not in body


@pytest.mark.spec("T6")
def test_link_search_leaves_out_this_ticket_and_linked_ones_and_stops_at_ten(alice_client, alice, ticket):
    linked = make_ticket(alice, title="Printer jam")
    actions.link_tickets(ticket, alice, linked)
    for number in range(12):
        make_ticket(alice, title=f"Printer problem {number}")

    response = alice_client.get(url("link_search", ticket.pk), {"q": "printer"}, **HTMX)

    body = html(response)
    assert body.count('role="option"') == 10
    assert f'data-value="{ticket.pk}"' not in body
    assert f'data-value="{linked.pk}"' not in body
    own = html(alice_client.get(url("link_search", ticket.pk), {"q": ticket.reference}, **HTMX))
    assert 'role="option"' not in own
    assert "No ticket matches" in own


@pytest.mark.spec("T6")
def test_link_search_with_nothing_typed_returns_nothing(alice_client, ticket):
    response = alice_client.get(url("link_search", ticket.pk), {"q": " "}, **HTMX)

    assert response.status_code == 200
    assert html(response).strip() == ""


@pytest.mark.spec("T6", "D8")
def test_picking_a_result_links_both_tickets(alice_client, alice, ticket):
    other = make_ticket(alice, title="Toner empty")

    response = csrf_post(alice_client, url("link_add", ticket.pk), {"other": other.pk}, **HTMX)

    assert response.status_code == 200
    assert TicketLink.objects.filter(from_ticket=ticket, to_ticket=other).exists()
    assert TicketLink.objects.filter(from_ticket=other, to_ticket=ticket).exists()
    assert ticket.events.first().kind == other.events.first().kind == TicketEvent.Kind.LINKED
    body = html(response)
    assert body.lstrip().startswith('<section class="card rel-card" id="ticket-links"')
    assert "Toner empty" in body and f"Unlink {other.reference}" in body


@pytest.mark.spec("T6")
def test_a_typed_reference_links_too(alice_client, alice, ticket):
    other = make_ticket(alice, title="Toner empty")

    response = csrf_post(alice_client, url("link_add", ticket.pk), {"other": "", "q": other.reference}, **HTMX)

    assert response.status_code == 200
    assert list(Ticket.objects.filter(links=ticket)) == [other]


@pytest.mark.spec("T6")
def test_an_archived_ticket_can_be_the_target(alice_client, alice, ticket):
    archived = make_ticket(alice, title="Old case")
    actions.archive(archived, alice)

    response = csrf_post(alice_client, url("link_add", ticket.pk), {"other": archived.pk}, **HTMX)

    assert response.status_code == 200
    assert list(Ticket.objects.filter(links=ticket)) == [archived]
    assert "badge-archived" in html(response)


@pytest.mark.spec("T4", "T6", "X2")
def test_linking_from_an_archived_ticket_is_refused(alice_client, alice, ticket):
    other = make_ticket(alice, title="Toner empty")
    actions.archive(ticket, alice)

    response = csrf_post(alice_client, url("link_add", ticket.pk), {"other": other.pk}, **HTMX)

    assert response.status_code == 422
    assert "is archived and can't be changed" in html(response)
    assert not TicketLink.objects.exists()


@pytest.mark.spec("T6", "X2")
def test_a_ticket_cannot_be_linked_to_itself(alice_client, ticket):
    response = csrf_post(alice_client, url("link_add", ticket.pk), {"other": ticket.pk}, **HTMX)

    assert response.status_code == 422
    assert "A ticket can't be linked to itself." in html(response)
    assert not TicketLink.objects.exists()


@pytest.mark.spec("T6", "X2")
@pytest.mark.parametrize("typed, message", [("T-999999", "No ticket T-999999 exists."), ("hello", "Pick a ticket from the search results.")])
def test_an_unknown_ticket_gets_a_clear_message(alice_client, ticket, typed, message):
    response = csrf_post(alice_client, url("link_add", ticket.pk), {"other": typed}, **HTMX)

    assert response.status_code == 422
    body = html(response)
    assert message in body
    assert f'value="{typed}"' in body  # what was typed stays in the search box
    assert not TicketLink.objects.exists()


@pytest.mark.spec("T6")
def test_the_cross_unlinks_both_ways(alice_client, alice, ticket):
    other = make_ticket(alice, title="Toner empty")
    actions.link_tickets(ticket, alice, other)

    response = csrf_post(alice_client, url("link_remove", ticket.pk, other.pk), **HTMX)

    assert response.status_code == 200
    assert not TicketLink.objects.exists()
    assert ticket.events.first().kind == TicketEvent.Kind.UNLINKED
    assert "No linked tickets." in html(response)


@pytest.mark.spec("T4", "T6")
def test_unlinking_on_an_archived_ticket_is_refused(alice_client, alice, ticket):
    other = make_ticket(alice, title="Toner empty")
    actions.link_tickets(ticket, alice, other)
    actions.archive(ticket, alice)

    response = csrf_post(alice_client, url("link_remove", ticket.pk, other.pk), **HTMX)

    assert response.status_code == 422
    assert TicketLink.objects.count() == 2


# --- archiving (T4) ---------------------------------------------------------------------------------

@pytest.mark.spec("T4")
def test_archive_then_unarchive_keeps_the_status(alice_client, alice, ticket):
    actions.change_status(ticket, alice, Ticket.Status.ONGOING)

    archived = csrf_post(alice_client, url("ticket_archive", ticket.pk), follow=True)

    assert archived.redirect_chain[-1][0] == ticket.get_absolute_url()
    assert Ticket.objects.get(pk=ticket.pk).archived is True
    page = html(archived)
    assert "This ticket is archived and read-only. Unarchive it to make changes." in words(page)
    assert f"{ticket.reference} archived." in page  # the toast

    restored = csrf_post(alice_client, url("ticket_unarchive", ticket.pk), follow=True)

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.archived, fresh.status) == (False, Ticket.Status.ONGOING)
    assert "This ticket is archived" not in html(restored)
    assert [e.kind for e in fresh.events.all()[:2]] == [TicketEvent.Kind.UNARCHIVED, TicketEvent.Kind.ARCHIVED]


@pytest.mark.spec("T4")
def test_archiving_twice_is_harmless(alice_client, alice, ticket):
    actions.archive(ticket, alice)
    version = Ticket.objects.get(pk=ticket.pk).version

    response = csrf_post(alice_client, url("ticket_archive", ticket.pk))

    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).version == version


@pytest.mark.spec("T4")
def test_archive_only_takes_posts(alice_client, ticket):
    assert alice_client.get(url("ticket_archive", ticket.pk)).status_code == 405
    assert Ticket.objects.get(pk=ticket.pk).archived is False
