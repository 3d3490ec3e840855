"""From checked import rows to tickets: the `create_ticket()` arguments of one row (SPEC L12).

The task (tickets/tasks/imports.py) loads what a batch of rows points to with `References` and turns
each row into `create_ticket()` arguments with `ticket_arguments()`. A row that names a new email or
phone together with a Customer name creates that contact here, inside the row's transaction.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q

from configurations.models import Category, SubStatus, Tag, Team, TicketType

from ..actions import TicketRuleError
from ..models import Account, Contact
from .reading import HEADERS


class References:
    """The objects a batch of checked rows points to, loaded with one query per kind."""

    KINDS = {
        "ticket_type": TicketType, "category": Category, "team": Team, "sub_status": SubStatus, "account": Account,
    }

    def __init__(self, rows):
        datas = [row["data"] for row in rows if "data" in row]
        self.objects = {}
        for key, model in self.KINDS.items():
            ids = {data[key] for data in datas if key in data}
            self.objects[key] = model.objects.in_bulk(ids) if ids else {}
        users = {data["assignee"] for data in datas if "assignee" in data}
        self.objects["assignee"] = get_user_model().objects.in_bulk(users) if users else {}
        tags = {pk for data in datas for pk in data.get("tags", ())}
        self.tags = Tag.objects.in_bulk(tags) if tags else {}
        contacts = {data["contact"]["id"] for data in datas if "id" in data.get("contact", {})}
        self.contacts = Contact.objects.in_bulk(contacts) if contacts else {}

    def get(self, key, pk):
        obj = self.objects[key].get(pk)
        if obj is None:
            raise TicketRuleError(f"The {HEADERS.get(key, key).lower()} of this row was deleted after the preview.")
        return obj


def ticket_arguments(data, refs):
    """`create_ticket()` keyword arguments for one checked row; a new contact is created here.

    Call it inside the row's transaction: a contact it creates is rolled back with a refused ticket.
    """
    fields = {key: data[key] for key in ("description", "status", "priority") if key in data}
    for key in References.KINDS:
        if key in data:
            fields[key] = refs.get(key, data[key])
    if "assignee" in data:
        fields["assignee"] = refs.get("assignee", data["assignee"])
    for key in ("deadline", "reopen_at"):
        if key in data:
            fields[key] = datetime.datetime.fromisoformat(data[key])
    tags = []
    for pk in data.get("tags", ()):
        if pk not in refs.tags:
            raise TicketRuleError("A tag of this row was deleted after the preview.")
        tags.append(refs.tags[pk])
    contact = data.get("contact")
    if contact and "id" in contact:
        if contact["id"] not in refs.contacts:
            raise TicketRuleError("The contact of this row was deleted after the preview.")
        fields["contact"] = refs.contacts[contact["id"]]
    elif contact:
        fields["contact"] = _find_or_create_contact(contact["new"], fields.get("account"))
    return {"title": data["title"], "tags": tags, "custom_values": data.get("custom_values", {}), **fields}


def _find_or_create_contact(new, account):
    """The contact an earlier row (or someone meanwhile) created with this email or phone, else a new one."""
    email, phone = new.get("email", ""), new.get("phone", "")
    lookup = Q(email__iexact=email) if email else Q(phone=phone)
    contact = Contact.objects.filter(lookup).order_by("pk").first()
    if contact is None:
        contact = Contact.objects.create(name=new["name"], email=email, phone=phone, account=account)
    return contact
