"""Reading ticket imports from XLSX or CSV and checking them row by row (SPEC L12).

Two steps, so that nothing is half-imported:

1. `read_upload()` turns an uploaded file into a header and rows, or raises `ImportFileError`
   with one message for the person (not a spreadsheet, unreadable, empty, no Title column,
   unknown columns, too many rows). A refused file changes nothing.
2. `RowChecker` checks every row against the configuration, looked up once for the whole file
   (a few queries, then dictionaries), and gives each row either the data to create its ticket
   or the reasons it can't be imported. The result is plain JSON: it is stored on the
   `TicketImport` for the preview and for the task, which turns it into `create_ticket()`
   arguments with `ticket_arguments()` (tickets/tasks/imports.py).

Contacts are found by email (case-insensitive) or phone; a row that names a new email or phone
together with a Customer name creates that contact when its ticket is created. Accounts, agents,
teams, tags, types, categories and sub-statuses must already exist.
"""

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from configurations.models import Category, CustomField, Priority, Status, SubStatus, Tag, Team, TicketType

from .actions import TicketRuleError
from .models import Account, Contact
from .models.customers import phone_validator

# Column key, header as written in the template, other headers accepted, what the column takes.
COLUMNS = [
    ("title", "Title", [], "Required. At most 200 characters."),
    ("description", "Description", [], "Free text."),
    ("status", "Status", [], "Submitted, Pending, Ongoing or Resolved. Empty: Submitted."),
    ("sub_status", "Sub-status", [], "A sub-status of the row's status, by name."),
    ("priority", "Priority", [], "Low, Normal, High or Urgent. Empty: Normal."),
    ("ticket_type", "Type", ["Ticket type"], "A ticket type, by name."),
    ("category", "Category", [], "A category, by name."),
    ("assignee", "Assigned agent", ["Agent", "Assignee"], "An agent's username or email address."),
    ("team", "Assigned team", ["Team"], "A team, by name."),
    ("tags", "Tags", [], "Existing tag names separated by commas, at most {tags_per_ticket}."),
    ("customer_email", "Customer email", ["Email"], "Finds the contact; with a Customer name, creates a new one."),
    ("customer_phone", "Customer phone", ["Phone"], "Finds the contact when there is no email."),
    ("customer_name", "Customer name", [], "Name for a new contact."),
    ("account", "Account", [], "An existing account, by name."),
    ("deadline", "Deadline", [], "Date and time, e.g. 2025-03-31 17:00 or 31/03/2025 17:00. Empty: set by the SLA."),
    ("reopen_at", "Re-open date", ["Reopen date"], "Date and time; Pending or Resolved tickets only."),
]
HEADERS = {key: header for key, header, _aliases, _help in COLUMNS}
DATE_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d",
                "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y"]
TRUE_WORDS = {"yes", "y", "true", "1", "on"}
FALSE_WORDS = {"no", "n", "false", "0", "off"}
# Rows in a worksheet are formatted far below the data: this many empty rows in a row end the sheet.
EMPTY_ROWS_END = 1000
# An XLSX is a zip: its unpacked size may be this many times the upload limit (a zip bomb is refused).
UNPACKED_FACTOR = 20


class ImportFileError(Exception):
    """The file as a whole can't be imported. The message is written for the person who uploaded it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def normalise(header):
    """How headers are compared: case, spaces and punctuation do not matter ("Sub-status" = "substatus")."""
    return re.sub(r"[^0-9a-z]+", "", str(header or "").lower())


def column_help():
    """The built-in columns and custom fields with what each takes, for the upload page."""
    rows = [(header, text.format(tags_per_ticket=settings.HELPDESK_TAGS_PER_TICKET))
            for _key, header, _aliases, text in COLUMNS]
    for field in CustomField.objects.filter(active=True).select_related("category"):
        text = f"Custom field ({field.get_field_type_display().lower()})"
        if field.field_type == CustomField.FieldType.CHOICE:
            text += ": " + ", ".join(field.choices)
        if field.category_id:
            text += f"; category {field.category.name} only"
        rows.append((field.name, text + (". Required." if field.required else ".")))
    return rows


def cell_text(value):
    """A cell as text: numbers without a trailing .0 (phone numbers), dates as YYYY-MM-DD HH:MM."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


# --- reading files --------------------------------------------------------------------------------

def read_upload(upload):
    """(headers, [(row number, [cells])]) from an uploaded .xlsx or .csv file, or ImportFileError."""
    name = PurePath(upload.name or "").name
    suffix = PurePath(name).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ImportFileError("Choose an Excel workbook (.xlsx) or a CSV file (.csv).")
    limit = settings.HELPDESK_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ImportFileError(f"“{name}” is {upload.size / 1048576:.1f} MB; an import can be at most "
                              f"{limit / 1048576:.0f} MB. Split it into smaller files.")
    if upload.size == 0:
        raise ImportFileError(f"“{name}” is empty.")
    upload.seek(0)
    rows = _xlsx_rows(upload, name) if suffix == ".xlsx" else _csv_rows(upload, name)
    headers, data = _split_header(rows, name)
    upload.seek(0)
    return headers, data


def _xlsx_rows(upload, name):
    """The rows of the "Tickets" sheet, or of the first sheet; cells as openpyxl gives them."""
    from openpyxl import load_workbook

    unreadable = (f"“{name}” can't be read as an Excel workbook (.xlsx). "
                  "Save it from your spreadsheet as .xlsx or CSV and try again.")
    try:
        with zipfile.ZipFile(upload) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError(unreadable) from None
    if unpacked > UNPACKED_FACTOR * settings.HELPDESK_IMPORT_MAX_BYTES:
        raise ImportFileError(f"“{name}” is too large once unpacked; split it into smaller files.")
    upload.seek(0)
    # Any failure inside openpyxl means a file it can't read: the person gets a message, never a 500.
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001
        raise ImportFileError(unreadable) from error
    try:
        sheet = book["Tickets"] if "Tickets" in book.sheetnames else book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001
        raise ImportFileError(f"“{name}” is damaged and can't be read.") from error
    finally:
        book.close()


def _csv_rows(upload, name):
    raw = upload.read()
    if b"\x00" in raw[:4096]:
        raise ImportFileError(f"“{name}” is not a text file. Save it as CSV (UTF-8) and try again.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(f"“{name}” is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”.") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        raise ImportFileError(f"“{name}” is not valid CSV: {error}.") from None


def _split_header(rows, name):
    """The first non-empty row is the header; blank rows below it are skipped, rows are counted."""
    headers, header_width, unnamed, data, empty_run = None, 0, [], [], 0
    max_rows = settings.HELPDESK_IMPORT_MAX_ROWS
    for number, values in enumerate(rows, start=1):
        cells = [cell_text(value) for value in values]
        if not any(cells):
            empty_run += 1
            if empty_run >= EMPTY_ROWS_END and headers is not None:
                break
            continue
        empty_run = 0
        if headers is None:
            headers = cells
            while headers and not headers[-1]:
                headers.pop()
            header_width = len(headers)
            unnamed = [position for position, header in enumerate(headers) if not header]
            continue
        if any(cells[header_width:]) or any(cells[position] for position in unnamed if position < len(cells)):
            raise ImportFileError(f"Row {number} has values in a column without a header. "
                                  "Give every column a header in the first row.")
        data.append((number, values[:header_width]))
        if len(data) > max_rows:
            raise ImportFileError(f"“{name}” has more than {max_rows:,} rows; import at most {max_rows:,} at a time.")
    if headers is None:
        raise ImportFileError(f"“{name}” is empty: the first row should name the columns, starting with Title.")
    if not data:
        raise ImportFileError(f"“{name}” has a header row but no tickets below it.")
    return headers, data


# --- checking rows --------------------------------------------------------------------------------

def match_columns(headers):
    """{position: column key or ("custom", field)}, or ImportFileError naming the unknown headers."""
    known = {}
    for key, header, aliases, _help in COLUMNS:
        for text in [header, *aliases]:
            known[normalise(text)] = key
    for field in CustomField.objects.filter(active=True):
        known.setdefault(normalise(field.name), ("custom", field))
        known.setdefault(normalise(field.key), ("custom", field))
    columns, unknown, seen = {}, [], {}
    for position, header in enumerate(headers):
        if not header:
            continue
        key = known.get(normalise(header))
        if key is None:
            unknown.append(header)
            continue
        ident = key if isinstance(key, str) else key[1].key
        if ident in seen:
            raise ImportFileError(f"The columns “{seen[ident]}” and “{header}” are the same column; keep one.")
        seen[ident] = header
        columns[position] = key
    if unknown:
        names = ", ".join(f"“{header}”" for header in unknown)
        raise ImportFileError(f"Unknown column{'s' if len(unknown) > 1 else ''}: {names}. "
                              "Use the headers of the template (custom fields by their name).")
    if "title" not in columns.values():
        raise ImportFileError("The file has no Title column. The first row should name the columns, "
                              "starting with Title.")
    return columns


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
        row = {"row": number, "title": title, "show": show}
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


# --- from checked rows to tickets -----------------------------------------------------------------

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
