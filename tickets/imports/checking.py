"""Checking the rows of a ticket import against the configuration (SPEC L12).

`RowChecker` checks every row against the configuration, looked up once for the whole file (a few
queries, then dictionaries), and gives each row either the data to create its ticket or the reasons
it can't be imported. The result is plain JSON: it is stored on the `TicketImport` for the preview
and for the task (tickets/tasks/imports.py).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from configurations.models import Category, CustomField, Priority, Status, SubStatus, Tag, Team, TicketType

from ..actions import TicketRuleError
from ..models import Account, Contact
from ..models.customers import phone_validator
from ..validators import CONTROL_CHARACTERS
from .reading import cell_text, match_columns, read_upload

DATE_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d",
                "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y"]
TRUE_WORDS = {"yes", "y", "true", "1", "on"}
FALSE_WORDS = {"no", "n", "false", "0", "off"}


def _one_of(values):
    return ", ".join(values) if len(values) <= 12 else ", ".join(values[:12]) + " …"


def parse_datetime_cell(value):
    """An aware datetime from an XLSX date cell or text in DATE_FORMATS (in TIME_ZONE), else ValueError."""
    if isinstance(value, datetime.datetime):
        parsed = value
    elif isinstance(value, datetime.date):
        parsed = datetime.datetime.combine(value, datetime.time())
    else:
        text = cell_text(value)
        for fmt in DATE_FORMATS:
            try:
                parsed = datetime.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(text)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed.replace(second=0, microsecond=0)


class RowChecker:
    """Checks the rows of one file with the configuration looked up once, up front."""

    def __init__(self, headers, rows):
        self.columns = match_columns(headers)
        self.rows = [(number, self._by_key(values)) for number, values in rows]
        self._load()

    def _by_key(self, values):
        cells = {}
        for position, key in self.columns.items():
            value = values[position] if position < len(values) else None
            cells[key if isinstance(key, str) else ("custom", key[1].key)] = value
        return cells

    def _texts(self, key):
        return {cell_text(cells.get(key)) for _number, cells in self.rows} - {""}

    def _load(self):
        named = lambda model: {obj.name.lower(): obj for obj in model.objects.all()}  # noqa: E731
        self.types, self.categories, self.teams, self.tags = (
            named(TicketType), named(Category), named(Team), named(Tag)
        )
        self.categories_by_pk = {category.pk: category for category in self.categories.values()}
        self.sub_statuses = {}
        for sub in SubStatus.objects.all():
            self.sub_statuses.setdefault(sub.name.lower(), []).append(sub)
        self.custom_fields = list(CustomField.objects.filter(active=True).select_related("category"))

        wanted = {text.lower() for text in self._texts("assignee")}
        self.agents_by_username, self.agents_by_email = {}, {}
        if wanted:
            users = get_user_model().objects.filter(is_active=True).annotate(
                username_lower=Lower("username"), email_lower=Lower("email")
            ).filter(Q(username_lower__in=wanted) | Q(email_lower__in=wanted)).order_by("pk")
            for user in users:
                self.agents_by_username[user.username_lower] = user
                if user.email_lower:
                    self.agents_by_email.setdefault(user.email_lower, []).append(user)

        self.accounts = {}
        names = {text.lower() for text in self._texts("account")}
        if names:
            for account in Account.objects.annotate(lower=Lower("name")).filter(lower__in=names).order_by("pk"):
                self.accounts.setdefault(account.lower, []).append(account)

        self.contacts_by_email, self.contacts_by_phone = {}, {}
        emails = {text.lower() for text in self._texts("customer_email")}
        phones = self._texts("customer_phone")
        if emails or phones:
            found = Contact.objects.annotate(email_lower=Lower("email")).filter(
                Q(email_lower__in=emails) | Q(phone__in=phones)
            ).order_by("pk")
            for contact in found:
                if contact.email:
                    self.contacts_by_email.setdefault(contact.email_lower, contact)
                if contact.phone:
                    self.contacts_by_phone.setdefault(contact.phone, contact)

    def check_all(self):
        """One JSON-ready dict per row: number, title, display values, then `data` or `errors`."""
        return [self.check(number, cells) for number, cells in self.rows]

    def check(self, number, cells):
        errors, data, show = [], {}, {}
        text = lambda key: cell_text(cells.get(key))  # noqa: E731

        title = text("title")
        if not title:
            errors.append("Title is empty; every ticket needs a title.")
        elif len(title) > 200:
            errors.append(f"Title is {len(title)} characters long; at most 200 are allowed.")
        elif CONTROL_CHARACTERS.search(title):
            errors.append("Title has a line break or tab; a title is a single line of text.")
        data["title"] = title
        if text("description"):
            data["description"] = text("description")

        status = self._choice(text("status"), Status, "Status", errors) or Status.SUBMITTED
        data["status"] = status
        show["Status"] = Status(status).label
        priority = self._choice(text("priority"), Priority, "Priority", errors)
        if priority:
            data["priority"] = priority
        show["Priority"] = Priority(priority or Priority.NORMAL).label

        for key, lookup, label in [("ticket_type", self.types, "Type"), ("category", self.categories, "Category"),
                                   ("team", self.teams, "Assigned team")]:
            name = text(key)
            if not name:
                continue
            obj = lookup.get(name.lower())
            if obj is None:
                choices = [item.name for item in lookup.values()]
                errors.append(f"{label} “{name}” does not exist" +
                              (f"; choose one of {_one_of(choices)}." if choices else "."))
            else:
                data[key] = obj.pk
                show[label] = obj.name

        self._check_sub_status(text("sub_status"), text("status"), data, show, errors)
        self._check_agent(text("assignee"), data, show, errors)
        self._check_tags(text("tags"), data, show, errors)
        self._check_customer(text("customer_email"), text("customer_phone"), text("customer_name"),
                             text("account"), data, show, errors)
        for key, label in [("deadline", "Deadline"), ("reopen_at", "Re-open date")]:
            if text(key):
                try:
                    data[key] = parse_datetime_cell(cells[key]).isoformat()
                except ValueError:
                    errors.append(f"{label} “{text(key)}” is not a date and time; write e.g. 2025-03-31 17:00 "
                                  "or 31/03/2025 17:00.")
        self._check_custom(cells, data, errors)
        self._check_status_rules(data, errors)

        assigned = [show.pop(key) for key in ("Assigned agent", "Assigned team") if key in show]
        show["Assigned"] = " · ".join(assigned) or "—"
        # What the preview shows of the row stays short, whatever the file held.
        row = {"row": number, "title": title if len(title) <= 200 else title[:199] + "…", "show": show}
        if errors:
            row["errors"] = errors
        else:
            row["data"] = data
        return row

    def _choice(self, value, choices, label, errors):
        if not value:
            return None
        for choice in choices:
            if value.lower() in (choice.value, choice.label.lower()):
                return choice.value
        errors.append(f"{label} “{value}” is not one of {', '.join(choices.labels)}.")
        return None

    def _check_sub_status(self, name, status_given, data, show, errors):
        if not name:
            return
        candidates = self.sub_statuses.get(name.lower(), [])
        if not candidates:
            errors.append(f"Sub-status “{name}” does not exist.")
            return
        if status_given:
            match = [sub for sub in candidates if sub.status == data["status"]]
            if not match:
                errors.append(f"Sub-status “{name}” is not a sub-status of {Status(data['status']).label}.")
                return
        elif len(candidates) > 1:
            errors.append(f"Sub-status “{name}” exists under several statuses; fill in the Status column too.")
            return
        else:
            match = candidates
            data["status"] = match[0].status
        data["sub_status"] = match[0].pk
        show["Status"] = f"{Status(data['status']).label} · {match[0].name}"

    def _check_status_rules(self, data, errors):
        """The category's status rules (T7), told in the preview; the action checks them again on creation."""
        status = data["status"]
        if "reopen_at" in data and status not in (Status.PENDING, Status.RESOLVED):
            errors.append("A re-open date can only be set on Pending or Resolved tickets.")
        category = self.categories_by_pk.get(data.get("category"))
        if category is None:
            return
        if status == Status.RESOLVED and category.require_substatus_to_resolve and "sub_status" not in data:
            errors.append(f"The category “{category.name}” needs a sub-status before the ticket can be resolved.")
        if status == Status.PENDING and category.require_reopen_date_for_pending and "reopen_at" not in data:
            errors.append(f"The category “{category.name}” needs a re-open date before the ticket can be set to "
                          "Pending.")

    def _check_agent(self, value, data, show, errors):
        if not value:
            return
        by_username = self.agents_by_username.get(value.lower())
        users = [by_username] if by_username else self.agents_by_email.get(value.lower(), [])
        if not users:
            errors.append(f"Assigned agent “{value}” is not an active user's username or email address.")
        elif len(users) > 1:
            errors.append(f"Several agents have the email address “{value}”; use the username instead.")
        else:
            data["assignee"] = users[0].pk
            show["Assigned agent"] = users[0].get_full_name() or users[0].get_username()

    def _check_tags(self, value, data, show, errors):
        names = list(dict.fromkeys(name.strip() for name in value.split(",") if name.strip()))
        if not names:
            return
        missing = [name for name in names if name.lower() not in self.tags]
        limit = settings.HELPDESK_TAGS_PER_TICKET
        if missing:
            errors.append(f"Tag{'s' if len(missing) > 1 else ''} {', '.join(f'“{n}”' for n in missing)} "
                          f"{'do' if len(missing) > 1 else 'does'} not exist; a team leader creates tags.")
        elif len(names) > limit:
            errors.append(f"{len(names)} tags given; a ticket can have at most {limit}.")
        else:
            tags = [self.tags[name.lower()] for name in names]
            data["tags"] = [tag.pk for tag in tags]
            show["Tags"] = ", ".join(tag.name for tag in tags)

    def _check_customer(self, email, phone, name, account_name, data, show, errors):
        account = None
        if account_name:
            accounts = self.accounts.get(account_name.lower(), [])
            if not accounts:
                errors.append(f"Account “{account_name}” does not exist.")
            elif len(accounts) > 1:
                errors.append(f"Several accounts are named “{account_name}”; it is not clear which one.")
            else:
                account = accounts[0]
                data["account"] = account.pk
                show["Account"] = account.name
        if email:
            try:
                validate_email(email)
                if len(email) > 254:
                    raise ValidationError("too long")
            except ValidationError:
                errors.append(f"Customer email “{email}” is not an email address.")
                return
        if phone:
            try:
                phone_validator(phone)
            except ValidationError:
                errors.append(f"Customer phone “{phone}” is not a phone number: 6 to 20 digits, "
                              "optionally starting with +.")
                return
        if not (email or phone):
            if name:
                errors.append("Customer name is given without a Customer email or phone to find or create "
                              "the contact.")
            return
        contact = self.contacts_by_email.get(email.lower()) if email else None
        if contact is None and phone:
            contact = self.contacts_by_phone.get(phone)
        if contact is not None:
            data["contact"] = {"id": contact.pk}
            show["Customer"] = contact.name or email or phone
        elif name:
            if len(name) > 200:
                errors.append("Customer name can be at most 200 characters.")
                return
            data["contact"] = {"new": {"name": name, "email": email, "phone": phone}}
            show["Customer"] = f"{name} (new contact)"
        else:
            errors.append(f"No contact has the {'email address' if email else 'phone number'} “{email or phone}”; "
                          "add a Customer name to create one.")

    def _check_custom(self, cells, data, errors):
        category = data.get("category")
        values = {}
        for field in self.custom_fields:
            key = ("custom", field.key)
            raw = cells.get(key)
            given = cell_text(raw) != ""
            if not field.applies_to(category):
                if given:
                    errors.append(f"{field.name} only applies to the category {field.category.name}.")
                continue
            if not given:
                if field.required:
                    errors.append(f"{field.name} is required.")
                continue
            try:
                values[field.key] = custom_value(field, raw)
            except TicketRuleError as error:
                errors.append(error.message)
        if values:
            data["custom_values"] = values


def custom_value(field, raw):
    """A custom field cell as the value `create_ticket` accepts, or TicketRuleError with a clear reason."""
    kinds = CustomField.FieldType
    text = cell_text(raw)
    if field.field_type == kinds.NUMBER:
        try:
            number = Decimal(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise TicketRuleError(f"{field.name} “{text}” is not a number.") from None
        return str(number)
    if field.field_type == kinds.DATE:
        try:
            return parse_datetime_cell(raw).date().isoformat()
        except ValueError:
            raise TicketRuleError(
                f"{field.name} “{text}” is not a date; write e.g. 2025-03-31 or 31/03/2025."
            ) from None
    if field.field_type == kinds.BOOLEAN:
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
        raise TicketRuleError(f"{field.name} “{text}” is not Yes or No.")
    if field.field_type == kinds.CHOICE:
        for choice in field.choices:
            if text.lower() == str(choice).lower():
                return choice
        raise TicketRuleError(f"{field.name} “{text}” is not one of {_one_of([str(c) for c in field.choices])}.")
    if len(text) > 500:
        raise TicketRuleError(f"{field.name} can be at most 500 characters.")
    return text


def check_upload(upload):
    """Read and check an uploaded file: the checked rows, or ImportFileError for the whole file."""
    headers, rows = read_upload(upload)
    return RowChecker(headers, rows).check_all()
