"""Contacts and accounts are records of their own; losing one never loses a ticket (SPEC T11)."""

import datetime as dt

import pytest

from tickets import actions
from tickets.models import Activity, Ticket

from ..factories import AccountFactory, CategoryFactory, ContactFactory, SLAPolicyFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.mark.spec("T11")
def test_deleting_a_contact_keeps_its_tickets_and_their_notes(alice):
    contact = ContactFactory(name="Dana Doe")
    ticket = make_ticket(alice, contact=contact)
    note = actions.add_note(ticket, alice, "Dana called")

    contact.delete()

    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.contact is None
    assert Activity.objects.filter(pk=note.pk).exists()
    assert saved.events.count() == 2


@pytest.mark.spec("T11")
def test_deleting_an_account_keeps_its_contacts_and_tickets(alice):
    account = AccountFactory(name="Acme")
    contact = ContactFactory(account=account)
    ticket = make_ticket(alice, contact=contact, account=account)

    account.delete()

    assert Ticket.objects.get(pk=ticket.pk).account is None
    assert Ticket.objects.get(pk=ticket.pk).contact == contact


@pytest.mark.spec("T11", "D3")
def test_choosing_a_contact_fills_in_their_account(alice):
    account = AccountFactory(name="Acme")
    ticket = make_ticket(alice)

    actions.update_ticket(ticket, alice, version=1, contact=ContactFactory(name="Dana Doe", account=account))

    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.account == account
    assert saved.events.first().changes == {"contact": [None, "Dana Doe"], "account": [None, "Acme"]}


@pytest.mark.spec("T11", "D3")
def test_choosing_a_contact_keeps_an_account_chosen_by_hand(alice):
    chosen, theirs = AccountFactory(name="Chosen"), AccountFactory(name="Theirs")
    ticket = make_ticket(alice, account=chosen)

    actions.update_ticket(ticket, alice, version=1, contact=ContactFactory(account=theirs))

    assert Ticket.objects.get(pk=ticket.pk).account == chosen


@pytest.mark.spec("T11", "T8")
def test_an_accounts_own_sla_sets_the_deadline_over_the_categorys(alice):
    created_at = dt.datetime(2024, 6, 3, 9, tzinfo=dt.UTC)
    category = CategoryFactory(sla_policy=SLAPolicyFactory(normal_minutes=8 * 60))
    gold = AccountFactory(name="Gold customer", sla_policy=SLAPolicyFactory(normal_minutes=60))
    ticket = make_ticket(alice, category=category, created_at=created_at)
    assert ticket.deadline == created_at + dt.timedelta(hours=8)

    actions.update_ticket(ticket, alice, version=1, account=gold)

    assert Ticket.objects.get(pk=ticket.pk).deadline == created_at + dt.timedelta(hours=1)
