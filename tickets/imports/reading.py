"""Reading a ticket import: an uploaded XLSX or CSV file as a header and rows (SPEC L12).

`read_upload()` turns an uploaded file into a header and rows, or raises `ImportFileError` with one
message for the person (not a spreadsheet, unreadable, empty, no Title column, unknown columns, too
many rows). A refused file changes nothing. The columns a file may have (`COLUMNS`) and how its
headers are matched to them (`match_columns()`) live here too.
"""

import csv
import datetime
import io
import re
import zipfile

from django.conf import settings

from configurations.models import CustomField

from ..display import filesize
from ..uploads import UploadRefused, check_uploads, import_limits

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
# Rows in a worksheet are formatted far below the data: this many empty rows in a row end the sheet.
EMPTY_ROWS_END = 1000


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
    try:
        (checked,) = check_uploads([upload], import_limits())
    except UploadRefused as refused:
        raise ImportFileError(refused.message) from None
    name, suffix = checked.name, checked.suffix
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
    # An XLSX is a zip: what counts is what it holds once unpacked (a zip bomb is refused unread).
    limit = settings.HELPDESK_IMPORT_MAX_UNPACKED_BYTES
    if unpacked > limit:
        raise ImportFileError(f"“{name}” holds {filesize(unpacked)} once unpacked; an import can hold at most "
                              f"{filesize(limit)}. Split it into smaller files.")
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


def _check_size(number, cells):
    """Refuse the file at the first cell or row too long to be a ticket's (nothing is stored)."""
    cell_limit, row_limit = settings.HELPDESK_IMPORT_MAX_CELL_CHARS, settings.HELPDESK_IMPORT_MAX_ROW_CHARS
    for position, cell in enumerate(cells, start=1):
        if len(cell) > cell_limit:
            raise ImportFileError(f"Row {number}, column {position} holds {len(cell):,} characters; a cell can hold "
                                  f"at most {cell_limit:,}. Shorten it and try again.")
    total = sum(len(cell) for cell in cells)
    if total > row_limit:
        raise ImportFileError(f"Row {number} holds {total:,} characters; a row can hold at most {row_limit:,}. "
                              "Shorten it and try again.")


def _split_header(rows, name):
    """The first non-empty row is the header; blank rows below it are skipped, rows are counted."""
    headers, header_width, unnamed, data, empty_run = None, 0, [], [], 0
    max_rows = settings.HELPDESK_IMPORT_MAX_ROWS
    for number, values in enumerate(rows, start=1):
        cells = [cell_text(value) for value in values]
        _check_size(number, cells)
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


# --- matching headers to columns ------------------------------------------------------------------

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


