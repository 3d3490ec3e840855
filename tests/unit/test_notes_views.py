"""The Activities tab and notes through HTTP: add, edit, delete, mentions, paging (SPEC D5, D6, T4, X2)."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tickets import actions
from tickets.models import Activity

from ..conftest import csrf_post
from ..factories import ContactFactory, UserFactory, make_ticket

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ticket(alice):
    return make_ticket(alice, title="Printer on fire")


@pytest.fixture
def bob_client(bob):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    return client


def add_url(ticket):
    return reverse("tickets:note_add", args=[ticket.pk])


def edit_url(note):
    return reverse("tickets:note_edit", args=[note.ticket_id, note.pk])


def delete_url(note):
    return reverse("tickets:note_delete", args=[note.ticket_id, note.pk])


def toasts(response):
    return json.loads(response.get("HX-Trigger") or "{}").get("messages", [])


def page_html(client, ticket):
    client.get(ticket.get_absolute_url())  # sets the CSRF cookie, like a browser's first visit
    response = client.get(ticket.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- adding -----------------------------------------------------------------------------------

@pytest.mark.spec("D5", "D6")
def test_adding_a_note_returns_the_list_with_the_note_on_top_and_a_toast(alice_client, alice, ticket):
    actions.add_note(ticket, alice, "An older note")

    response = csrf_post(alice_client, add_url(ticket), {"body": "Called the customer 📞"}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Called the customer 📞") < html.index("An older note")
    assert toasts(response) == [{"message": "Note added.", "level": "success"}]
    note = Activity.objects.get(body="Called the customer 📞")
    assert (note.author, note.kind, note.direction) == (alice, "note", "internal")


@pytest.mark.spec("D5", "D7", "X1")
def test_a_new_note_refreshes_the_history_out_of_band_as_it_is_shown(alice_client, alice, ticket):
    plain = csrf_post(alice_client, add_url(ticket), {"body": "First"}, **HTMX).content.decode()
    merged = csrf_post(alice_client, add_url(ticket), {"body": "Second", "activities": "1"}, **HTMX).content.decode()

    oob = plain[plain.index('id="history-list"'):]
    assert 'hx-swap-oob="innerHTML"' in oob and "note added" in oob and "history-activity-" not in oob
    oob = merged[merged.index('id="history-list"'):]
    assert "history-activity-" in oob


@pytest.mark.spec("D5")
def test_a_note_mentioning_an_agent_stores_the_mention_and_highlights_it(alice_client, ticket, bob):
    response = csrf_post(alice_client, add_url(ticket), {"body": "@bob can you call them?"}, **HTMX)

    note = Activity.objects.get()
    assert list(note.mentions.all()) == [bob]
    assert note.mentioned == ["bob"]
    assert '<span class="mention">@bob</span>' in response.content.decode()


@pytest.mark.spec("D5")
def test_editing_a_note_moves_its_highlight_to_the_agents_it_now_mentions(alice_client, alice, bob, carol, ticket):
    note = actions.add_note(ticket, alice, "@bob please call")
    actions.edit_note(note, alice, "@carol please call, not @bob's desk")

    note.refresh_from_db()
    assert note.mentioned == ["bob", "carol"] and set(note.mentions.all()) == {bob, carol}
    actions.edit_note(note, alice, "@carol please call")
    page = alice_client.get(ticket.get_absolute_url()).content.decode()
    assert '<span class="mention">@carol</span>' in page and '<span class="mention">@bob</span>' not in page


@pytest.mark.spec("D5")
def test_notes_written_before_mentions_were_kept_on_the_row_get_them_from_the_migration(ticket, alice, bob, carol):
    from importlib import import_module

    from django.apps import apps

    first = actions.add_note(ticket, alice, "@bob and @carol, see above")
    second = actions.add_note(ticket, alice, "nobody mentioned")
    Activity.objects.update(mentioned=[])

    import_module("tickets.migrations.0013_note_mentions_on_row").copy_mentions(apps, None)

    assert Activity.objects.get(pk=first.pk).mentioned == ["bob", "carol"]
    assert Activity.objects.get(pk=second.pk).mentioned == []


@pytest.mark.spec("D5")
def test_a_note_of_500_characters_is_accepted(alice_client, ticket):
    response = csrf_post(alice_client, add_url(ticket), {"body": "x" * 500}, **HTMX)
    assert response.status_code == 200
    assert Activity.objects.get().body == "x" * 500


@pytest.mark.spec("D5", "X2")
def test_a_note_of_501_characters_is_refused_in_the_form_and_nothing_is_saved(alice_client, ticket):
    response = csrf_post(alice_client, add_url(ticket), {"body": "y" * 501}, **HTMX)

    assert response.status_code == 422
    assert response["HX-Retarget"] == "#note-form"
    html = response.content.decode()
    assert "A note can be at most 500 characters; this one has 501." in html
    assert "y" * 501 in html  # the text is kept for the person to shorten
    assert not Activity.objects.exists()


@pytest.mark.spec("D5", "X2")
@pytest.mark.parametrize("body", ["", "   \n  "])
def test_an_empty_note_is_refused_with_a_message(alice_client, ticket, body):
    response = csrf_post(alice_client, add_url(ticket), {"body": body}, **HTMX)
    assert response.status_code == 422
    assert "A note can&#x27;t be empty." in response.content.decode()
    assert not Activity.objects.exists()


@pytest.mark.spec("D5", "X2")
def test_without_htmx_a_refused_note_redirects_back_with_the_message(alice_client, ticket):
    response = csrf_post(alice_client, add_url(ticket), {"body": ""})
    assert response.status_code == 302
    assert response["Location"] == ticket.get_absolute_url()
    page = alice_client.get(response["Location"]).content.decode()
    assert "A note can&#x27;t be empty." in page


@pytest.mark.spec("D5")
def test_posting_a_note_needs_the_csrf_token(alice_client, ticket):
    response = alice_client.post(add_url(ticket), {"body": "Hello"}, **HTMX)
    assert response.status_code == 403
    assert not Activity.objects.exists()


# --- archived tickets (T4) ----------------------------------------------------------------------

@pytest.fixture
def archived(ticket, alice):
    note = actions.add_note(ticket, alice, "Written before archiving")
    actions.archive(ticket, alice)
    return note


@pytest.mark.spec("T4", "D5")
def test_an_archived_ticket_shows_its_notes_but_no_note_form_or_controls(alice_client, ticket, archived):
    html = page_html(alice_client, ticket)
    assert "Written before archiving" in html
    assert 'id="note-body"' not in html
    assert "is archived: notes can't be added" in html
    assert edit_url(archived) not in html
    assert delete_url(archived) not in html


@pytest.mark.spec("T4", "D5", "X2")
def test_an_archived_ticket_refuses_a_new_note_with_the_actions_message(alice_client, ticket, archived):
    response = csrf_post(alice_client, add_url(ticket), {"body": "One more"}, **HTMX)

    assert response.status_code == 422
    assert response["HX-Reswap"] == "none"
    assert toasts(response) == [
        {"message": f"{ticket.reference} is archived and can't be changed. Unarchive it first.", "level": "error"}
    ]
    assert Activity.objects.count() == 1


@pytest.mark.spec("T4", "D5", "X2")
def test_an_archived_ticket_refuses_editing_and_deleting_notes(alice_client, ticket, archived):
    edited = csrf_post(alice_client, edit_url(archived), {"body": "Changed"}, **HTMX)
    deleted = csrf_post(alice_client, delete_url(archived), **HTMX)
    form = alice_client.get(edit_url(archived), **HTMX)

    assert (edited.status_code, deleted.status_code, form.status_code) == (422, 422, 422)
    assert "is archived" in toasts(edited)[0]["message"]
    assert "is archived" in toasts(deleted)[0]["message"]
    assert Activity.objects.get().body == "Written before archiving"


# --- editing and deleting ---------------------------------------------------------------------

@pytest.mark.spec("D5")
def test_the_author_edits_a_note_inline_and_it_shows_edited_with_the_original_time(clock, alice_client, alice, ticket):
    note = actions.add_note(ticket, alice, "First words")
    created = note.created_at
    clock.advance(minutes=7)

    form = alice_client.get(edit_url(note), **HTMX)
    assert form.status_code == 200
    assert "First words</textarea>" in form.content.decode()

    response = csrf_post(alice_client, edit_url(note), {"body": "Better words"}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Better words" in html
    assert "· edited" in html
    assert 'title="Edited 3 Jun 2024, 09:07"' in html
    assert f'datetime="{created.isoformat()}"' in html
    note.refresh_from_db()
    assert (note.body, note.created_at, note.edited_at) == ("Better words", created, clock.now)
    assert toasts(response) == [{"message": "Note updated.", "level": "success"}]


@pytest.mark.spec("D5", "X2")
def test_an_edit_past_the_limit_keeps_the_form_with_the_message(alice_client, alice, ticket):
    note = actions.add_note(ticket, alice, "Short")
    response = csrf_post(alice_client, edit_url(note), {"body": "z" * 501}, **HTMX)
    assert response.status_code == 422
    assert "at most 500 characters" in response.content.decode()
    assert Activity.objects.get().body == "Short"


@pytest.mark.spec("D5")
def test_cancel_returns_the_note_as_it_is(alice_client, alice, ticket):
    note = actions.add_note(ticket, alice, "Unchanged")
    response = alice_client.get(reverse("tickets:note_detail", args=[ticket.pk, note.pk]), **HTMX)
    assert response.status_code == 200
    assert "Unchanged" in response.content.decode()
    assert "<textarea" not in response.content.decode()


@pytest.mark.spec("D5")
def test_the_author_deletes_a_note_and_its_row_goes(alice_client, alice, ticket):
    note = actions.add_note(ticket, alice, "Oops")
    response = csrf_post(alice_client, delete_url(note), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<ol class="history-list" id="history-list"')  # nothing but the history, out of band
    assert "note deleted" in html
    assert not Activity.objects.exists()
    assert toasts(response) == [{"message": "Note deleted.", "level": "success"}]


@pytest.mark.spec("D5")
def test_other_agents_see_no_edit_or_delete_controls_on_someone_elses_note(bob_client, alice_client, alice, ticket):
    note = actions.add_note(ticket, alice, "Alice's note")
    assert edit_url(note) not in page_html(bob_client, ticket)
    assert edit_url(note) in page_html(alice_client, ticket)


@pytest.mark.spec("D5", "X2")
def test_the_server_refuses_a_non_author_with_403_and_the_message(bob_client, alice, ticket):
    note = actions.add_note(ticket, alice, "Alice's note")
    bob_client.get(ticket.get_absolute_url())

    form = bob_client.get(edit_url(note), **HTMX)
    edited = csrf_post(bob_client, edit_url(note), {"body": "Bob was here"}, **HTMX)
    deleted = csrf_post(bob_client, delete_url(note), **HTMX)

    assert (form.status_code, edited.status_code, deleted.status_code) == (403, 403, 403)
    assert toasts(edited) == [{"message": "Only the author of a note can edit it.", "level": "error"}]
    assert toasts(deleted) == [{"message": "Only the author of a note can delete it.", "level": "error"}]
    assert Activity.objects.get().body == "Alice's note"


@pytest.mark.spec("D5")
def test_a_note_is_only_found_through_its_own_ticket(alice_client, alice, ticket):
    other = make_ticket(alice, title="Another ticket")
    note = actions.add_note(other, alice, "Elsewhere")
    url = reverse("tickets:note_edit", args=[ticket.pk, note.pk])
    assert alice_client.get(url, **HTMX).status_code == 404
    assert csrf_post(alice_client, reverse("tickets:note_delete", args=[ticket.pk, note.pk]), **HTMX).status_code == 404
    assert Activity.objects.filter(pk=note.pk).exists()


@pytest.mark.spec("D5")
def test_a_communication_is_not_editable_as_a_note(alice_client, alice, ticket):
    email = Activity.objects.create(
        ticket=ticket, kind="email", direction="inbound", author=alice, body="Hi", created_at=ticket.created_at
    )
    assert alice_client.get(edit_url(email), **HTMX).status_code == 404


# --- mentions autocomplete -------------------------------------------------------------------

@pytest.mark.spec("D5")
def test_mention_suggestions_list_only_active_matching_agents(alice_client, alice, bob, carol):
    UserFactory(username="bobby", first_name="Robert", last_name="Old", is_active=False)
    UserFactory(username="zed", first_name="Bonnie", last_name="Zed")

    data = alice_client.get(reverse("tickets:mention_suggestions"), {"q": "bo"}).json()

    assert [user["username"] for user in data["results"]] == ["bob", "zed"]
    assert data["results"][0]["name"] == "Bob Baker"


@pytest.mark.spec("D5")
def test_mention_suggestions_match_last_names_and_ignore_an_empty_query(alice_client, alice, carol):
    url = reverse("tickets:mention_suggestions")
    assert [u["username"] for u in alice_client.get(url, {"q": "col"}).json()["results"]] == ["carol"]
    assert alice_client.get(url, {"q": ""}).json() == {"results": []}
    assert alice_client.get(url, {"q": "nobody"}).json() == {"results": []}


@pytest.mark.spec("D5")
def test_mention_suggestions_need_a_signed_in_user(client, alice):
    response = client.get(reverse("tickets:mention_suggestions"), {"q": "al"})
    assert response.status_code == 302


# --- the Activities tab (D6) ---------------------------------------------------------------------

def make_activities(ticket, count, *, start, step=dt.timedelta(minutes=-37), label="", **fields):
    """Activities written straight to the table, newest first from `start` (only the listing is tested)."""
    rows = [
        Activity(ticket=ticket, kind="sms", direction="outbound", delivery_state="sent", body=f"Message {label}{n}",
                 created_at=start + step * n, **fields)
        for n in range(count)
    ]
    return Activity.objects.bulk_create(rows)


def next_url(html):
    marker = 'hx-get="'
    start = html.rindex(marker, 0, html.rindex("Show older")) + len(marker)
    return html[start: html.index('"', start)].replace("&amp;", "&")


@pytest.mark.spec("D6")
def test_show_older_pages_30_at_a_time_without_gaps_or_duplicates(clock, alice_client, alice, ticket):
    make_activities(ticket, 65, start=clock.now)
    # Two activities at the very same instant must both be shown once.
    make_activities(ticket, 2, start=clock.now - dt.timedelta(minutes=37 * 30), step=dt.timedelta(0), label="tie-")

    html = page_html(alice_client, ticket)
    seen = html.split("Message ")[1:]
    pages = [len(seen)]
    url = next_url(html)
    while url:
        response = alice_client.get(url, **HTMX)
        assert response.status_code == 200
        chunk = response.content.decode()
        found = chunk.split("Message ")[1:]
        pages.append(len(found))
        seen += found
        url = next_url(chunk) if "Show older" in chunk else None

    bodies = [part.split("<", 1)[0] for part in seen]
    assert pages == [30, 30, 7]
    assert len(bodies) == len(set(bodies)) == Activity.objects.count()
    newest_first = Activity.objects.order_by("-created_at", "-id").values_list("body", flat=True)
    expected = [body.split(" ", 1)[1] for body in newest_first]
    assert bodies == expected


@pytest.mark.spec("D6")
def test_activities_are_grouped_by_day_newest_first(clock, alice_client, alice, ticket):
    contact = ContactFactory(name="Sam Client")
    Activity.objects.create(ticket=ticket, kind="email", direction="inbound", contact=contact, subject="Refund?",
                            body="Where is my refund?", created_at=clock.now - dt.timedelta(days=2))
    Activity.objects.create(ticket=ticket, kind="call", direction="outbound", author=alice, body="Left a voicemail",
                            created_at=clock.now - dt.timedelta(days=1))
    actions.add_note(ticket, alice, "Waiting for finance")

    html = page_html(alice_client, ticket)

    today, yesterday, older = html.index(">Today<"), html.index(">Yesterday<"), html.index(">Sat 1 Jun 2024<")
    assert today < html.index("Waiting for finance") < yesterday < html.index("Left a voicemail") < older
    assert older < html.index("Where is my refund?")
    assert "Sam Client" in html and "Inbound" in html and "Outbound" in html
    assert html.count(">Today<") == 1


@pytest.mark.spec("D6")
def test_a_day_group_continues_on_the_next_page_without_a_second_heading(clock, alice_client, alice, ticket):
    make_activities(ticket, 40, start=clock.now, step=dt.timedelta(minutes=-1))

    html = page_html(alice_client, ticket)
    assert html.count(">Today<") == 1
    more = alice_client.get(next_url(html), **HTMX).content.decode()
    assert "Message 30" in more
    assert ">Today<" not in more


@pytest.mark.spec("D6")
def test_communications_show_kind_direction_and_delivery_state(alice_client, alice, ticket):
    Activity.objects.create(ticket=ticket, kind="email", direction="outbound", author=alice, delivery_state="failed",
                            subject="Your order", body="Sorry", created_at=ticket.created_at)
    html = page_html(alice_client, ticket)
    assert "badge delivery-failed" in html and ">Failed<" in html
    assert ">Email<" in html and "Your order" in html


@pytest.mark.spec("D5", "D6")
def test_note_text_is_escaped(alice_client, alice, ticket):
    actions.add_note(ticket, alice, "<script>alert(1)</script> @alice")
    html = page_html(alice_client, ticket)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- query counts -------------------------------------------------------------------------------

def count_queries(call):
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code == 200
    return len(queries)


def fill(ticket, alice, bob, count):
    for n in range(count):
        note = actions.add_note(ticket, alice if n % 2 else bob, f"Note {n} for @bob and @alice")
        assert note.pk


@pytest.mark.spec("D6")
def test_the_activities_page_costs_the_same_queries_for_5_or_60_notes(clock, alice_client, alice, bob):
    small, large = make_ticket(alice, title="Small"), make_ticket(alice, title="Large")
    fill(small, alice, bob, 5)
    fill(large, alice, bob, 60)
    alice_client.get(small.get_absolute_url())

    def page(ticket):
        return lambda: alice_client.get(reverse("tickets:ticket_activities", args=[ticket.pk]), **HTMX)

    # session, user (preference joined), the user's rights and roles, ticket, activities (author and
    # contact joined, mentions on the row)
    assert count_queries(page(small)) == count_queries(page(large)) == 5


@pytest.mark.spec("D2", "D6", "D7")
def test_the_left_panel_costs_the_same_queries_for_5_or_60_notes_and_events(alice_client, alice, bob):
    small, large = make_ticket(alice, title="Small"), make_ticket(alice, title="Large")
    fill(small, alice, bob, 5)
    fill(large, alice, bob, 60)
    alice_client.get(small.get_absolute_url())
    alice_client.get(large.get_absolute_url())

    from django.template import Context, Template
    from django.test import RequestFactory

    def render(ticket, query=""):
        request = RequestFactory().get(ticket.get_absolute_url() + query)
        request.user = alice
        template = Template("{% load ticket_activity %}{% ticket_left_panel ticket %}")

        class Ok:
            status_code = 200

        def call():
            template.render(Context({"request": request, "ticket": ticket}))
            return Ok

        return call

    # activities (mentions on the row); the hidden History tab is read when it is first shown
    assert count_queries(render(small)) == count_queries(render(large)) == 1
    # opened on History: its events (actors joined) too
    assert count_queries(render(small, "?panel=history")) == count_queries(render(large, "?panel=history")) == 2
