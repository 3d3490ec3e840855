"""Export of the ticket list to XLSX (SPEC L11): starting an export, and the work a Celery worker does.

- **Same rows as the list.** The rows come from `views.list.list_queryset`, the function the list
  itself pages through, called with the export's stored list query (tab, sort, completed toggle,
  filters, saved view), so the file always holds exactly what the list showed, in its order.
- **Flat memory.** Rows are streamed with `values_list(...).iterator()` (no model instances) in
  chunks of CHUNK_SIZE; each chunk's tags and custom field values are fetched with one query each,
  so the number of queries does not depend on the number of rows; the workbook is openpyxl's
  write-only mode, written to a temporary file and only then saved to storage.
- **Once.** A user has at most one queued or running export per query (the `export_one_running`
  constraint): a second click joins the first. The task is safe to run twice: a finished export is
  never redone, and only the run that moves an export to DONE (under a row lock) notifies and emails.
- **Safe cells.** Text a spreadsheet would run as a formula (starting with = + - @, a tab or a CR)
  is written with a leading apostrophe (DESIGN: Security); characters XLSX cannot hold are dropped.
"""

import datetime
import hashlib
import logging
import re
import tempfile
from functools import partial
from itertools import islice
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from configurations.models import CustomField, Priority, Status
from notifications.models import Notification
from notifications.services import absolute_url, email_user, notify

from .access import EXPORT, require_right
from .db import InList, seconds_since
from .listing import list_queryset
from .models import CustomFieldValue, Ticket, TicketExport, TicketView, UserPreference
from .models.transfers import ACTIVE_STATES
from .queries import TABS

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 2000  # rows per database round trip, and how often the progress is saved
SHEET_ROWS = 1_048_576 - 1  # Excel's rows per sheet, less the header
QUERY_MAX_LENGTH = 4000  # a list URL's query is far shorter; anything longer is not one
STALE_AFTER = datetime.timedelta(hours=1)  # a queued/running export this old has lost its worker
FILE_STEM_MAX_LENGTH = 100
HOUR = 3600

# The list's columns (SPEC L11), then one per active custom field: (header, width in characters).
COLUMNS = [
    ("Ticket ID", 11),
    ("Title", 48),
    ("Status", 11),
    ("Sub-status", 18),
    ("Priority", 9),
    ("Type", 18),
    ("Category", 18),
    ("Created", 17),
    ("Deadline", 17),
    ("Resolved", 17),
    ("Assigned agent", 20),
    ("Assigned team", 16),
    ("Time to complete (h)", 12),
    ("Total unassigned time (h)", 12),
    ("Time spent (h)", 11),
    ("Tags", 28),
    ("Customer name", 22),
    ("Customer email", 28),
    ("Customer phone", 18),
]
CUSTOM_FIELD_WIDTH = 18

# What one row reads from the database, in the order `_sheet_row` unpacks it.
ROW_FIELDS = [
    "id", "title", "status", "sub_status__name", "priority", "ticket_type__name", "category__name",
    "created_at", "deadline", "resolved_at",
    "assignee__first_name", "assignee__last_name", "assignee__username", "team__name",
    "completion_seconds", "export_unassigned_seconds", "time_spent_seconds",
    "contact__name", "contact__email", "contact__phone",
]

STATUS_LABELS = dict(Status.choices)
PRIORITY_LABELS = dict(Priority.choices)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
UNSAFE_FILE_CHARACTERS = re.compile(r"[^\w.-]+")


class ExportRefused(Exception):
    """A request for an export that cannot be made; `message` says why, for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- starting an export ---------------------------------------------------------------------------

def fingerprint(query):
    """The same list gives the same fingerprint, whatever the order of the query's parameters.

    The `scheme` marker only says which filter scheme the filters came from: it changes no row.
    """
    pairs = [(key, value) for key, value in parse_qsl(query, keep_blank_values=False) if key != "scheme"]
    normalised = urlencode(sorted(pairs))
    return hashlib.sha256(normalised.encode()).hexdigest()


def safe_file_stem(name):
    """A saved view's name as a file name: letters, digits, dot, dash and underscore only."""
    return UNSAFE_FILE_CHARACTERS.sub("-", name).strip("-.")[:FILE_STEM_MAX_LENGTH].strip("-.")


def export_file_name(user, state):
    """Named after the tab (`Unassigned-Tickets.xlsx`), or after the saved view the list shows."""
    view_id = state.params.get("view", "")
    if view_id.isdigit():
        name = (
            TicketView.objects.visible_to(user)
            .filter(pk=int(view_id), is_folder=False)
            .values_list("name", flat=True)
            .first()
        )
        stem = safe_file_stem(name or "")
        if stem:
            return f"{stem}.xlsx"
    stem = next(stem for key, _, stem in TABS if key == state.tab)
    return f"{stem}.xlsx"


def parse_list_query(text):
    """The list's URL query sent with the Export button, or ExportRefused when it is not one."""
    text = (text or "").strip().lstrip("?")
    if len(text) > QUERY_MAX_LENGTH:
        raise ExportRefused("This list's filters are too long to export; use fewer filters.")
    return QueryDict(text)


def start_export(user, params, preference):
    """Queue an export of what the list shows at `params`; returns (export, created).

    While an export of the same query is queued or running for this user, that one is returned
    instead of starting another (the partial unique constraint decides, so two quick clicks
    cannot both win). One that has run for longer than STALE_AFTER is taken to have lost its worker:
    it is marked failed, and a new one starts.
    """
    require_right(user, EXPORT)
    state, filterset, _ = list_queryset(user, params, preference)
    if not filterset.is_valid():
        raise ExportRefused("Some filters are not valid; fix them before exporting.")
    query = state.query(after=None, before=None)
    key = fingerprint(query)
    file_name = export_file_name(user, state)
    TicketExport.objects.filter(
        user=user, fingerprint=key, state__in=ACTIVE_STATES, created_at__lt=timezone.now() - STALE_AFTER
    ).update(state=TicketExport.State.FAILED, error="The export stopped responding.", finished_at=timezone.now())
    for _attempt in range(2):
        try:
            with transaction.atomic():
                export = TicketExport.objects.create(user=user, query=query, fingerprint=key, file_name=file_name)
                transaction.on_commit(partial(_enqueue, export.pk))
            return export, True
        except IntegrityError:
            running = TicketExport.objects.filter(user=user, fingerprint=key, state__in=ACTIVE_STATES).first()
            if running is not None:
                return running, False
            # It finished between our insert and this look-up: the next insert succeeds.
    raise ExportRefused("The export could not be started; try again.")


def _enqueue(export_id):
    # Imported here: the task module imports this one.
    from .tasks.exports import run_export

    run_export.delay(export_id)


# --- running an export (the Celery task) ----------------------------------------------------------

def run_export(export_id):
    """Write the export's file, save it, then notify and email its owner once. Safe to run twice."""
    export = _claim(export_id)
    if export is None:
        return
    try:
        with tempfile.TemporaryDirectory(prefix="export-") as folder:
            path = Path(folder) / "export.xlsx"
            count = write_export(export, path)
            with path.open("rb") as handle:
                export.file.save(export.file_name, File(handle), save=False)
    except Exception as error:  # noqa: BLE001 - any failure becomes a failed export the user is told about
        logger.exception("Export %s failed", export_id)
        _fail(export, error)
        return
    _finish(export, export.file.name, count)


def _claim(export_id):
    """Take the export to write it, or None when there is nothing to do: finished, failed, deleted,
    or being written by a live worker (an orphaned one is taken over, and starts again)."""
    if not TicketExport.objects.claim(export_id):
        return None
    TicketExport.objects.beat(export_id, rows_done=0)
    return TicketExport.objects.filter(pk=export_id).first()


def write_export(export, path):
    """Write the export's rows to an XLSX file at `path`; returns the number of tickets written."""
    user = export.user
    _, filterset, queryset = list_queryset(user, QueryDict(export.query), UserPreference.for_user(user))
    if not filterset.is_valid():
        # E.g. a tag or team in the filters was deleted since the export was asked for.
        raise ExportRefused("The list's filters are no longer valid; export the list again.")
    total = queryset.count()
    TicketExport.objects.filter(pk=export.pk).update(rows_total=total)

    written = 0

    def progress(done):
        nonlocal written
        written = done
        TicketExport.objects.beat(export.pk, rows_done=done)

    custom_fields = filterset.custom_fields  # the active ones, in their order: what the list filters on
    headers = [header for header, _ in COLUMNS] + [field.name for field in custom_fields]
    widths = [width for _, width in COLUMNS] + [CUSTOM_FIELD_WIDTH] * len(custom_fields)
    write_workbook(path, headers, widths, sheet_rows(queryset, custom_fields, progress))
    return written


def sheet_rows(queryset, custom_fields, progress=None):
    """The sheet's rows for `queryset`, in its order: one query for the rows, two per chunk for the rest."""
    timezone_ = timezone.get_default_timezone()
    now = timezone.now()
    rows = (
        queryset.annotate(
            export_unassigned_seconds=seconds_since("unassigned_since", now, plus="unassigned_seconds")
        )
        .values_list(*ROW_FIELDS)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    done = 0
    while chunk := list(islice(rows, CHUNK_SIZE)):
        ids = [row[0] for row in chunk]
        tags = _tags_by_ticket(ids)
        values = _custom_values_by_ticket(ids, custom_fields)
        for row in chunk:
            yield _sheet_row(row, tags.get(row[0], ""), values.get(row[0]), custom_fields, timezone_)
        done += len(chunk)
        if progress is not None:
            progress(done)


def _tags_by_ticket(ids):
    """{ticket id: "billing, vip"} for the tickets, tags in alphabetical order (one query)."""
    found = {}
    links = Ticket.tags.through.objects.filter(InList("ticket_id", ids)).order_by("tag__name")
    for ticket_id, name in links.values_list("ticket_id", "tag__name"):
        found[ticket_id] = f"{found[ticket_id]}, {name}" if ticket_id in found else name
    return found


def _custom_values_by_ticket(ids, custom_fields):
    """{ticket id: {field id: cell value}} for the tickets and the active custom fields (one query)."""
    if not custom_fields:
        return {}
    kinds = {field.pk: field.field_type for field in custom_fields}
    found = {}
    values = CustomFieldValue.objects.filter(InList("ticket_id", ids), field_id__in=list(kinds)).values_list(
        "ticket_id", "field_id", "text_value", "number_value", "date_value", "bool_value"
    )
    for ticket_id, field_id, text, number, date, flag in values:
        kind = kinds[field_id]
        if kind == CustomField.FieldType.NUMBER:
            value = number
        elif kind == CustomField.FieldType.DATE:
            value = date
        elif kind == CustomField.FieldType.BOOLEAN:
            value = None if flag is None else ("Yes" if flag else "No")
        else:
            value = safe_text(text)
        found.setdefault(ticket_id, {})[field_id] = value
    return found


def _sheet_row(row, tags, custom_values, custom_fields, timezone_):
    """One ticket's cells, in the order of COLUMNS, then its custom field values."""
    (
        pk, title, status, sub_status, priority, ticket_type, category,
        created, deadline, resolved,
        first_name, last_name, username, team,
        completion_seconds, unassigned_seconds, time_spent_seconds,
        customer, email, phone,
    ) = row
    agent = (f"{first_name} {last_name}".strip() or username) if username else None
    cells = [
        f"T-{pk:06d}",  # as Ticket.reference shows it
        safe_text(title),
        STATUS_LABELS.get(status, status),
        safe_text(sub_status),
        PRIORITY_LABELS.get(priority, priority),
        safe_text(ticket_type),
        safe_text(category),
        _local(created, timezone_),
        _local(deadline, timezone_),
        _local(resolved, timezone_),
        safe_text(agent),
        safe_text(team),
        None if completion_seconds is None else round(completion_seconds / HOUR, 2),
        round(unassigned_seconds / HOUR, 2) if unassigned_seconds else 0,
        round(time_spent_seconds / HOUR, 2),
        safe_text(tags),
        safe_text(customer),
        safe_text(email),
        safe_phone(phone),
    ]
    if custom_fields:
        custom_values = custom_values or {}
        cells.extend(custom_values.get(field.pk) for field in custom_fields)
    return cells


def safe_text(value):
    """Text for a cell: never run as a formula, without characters XLSX cannot hold; None when empty."""
    if not value:
        return None
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


PHONE_SHAPE = re.compile(r"^\+?[0-9 ()\-]+$")


def safe_phone(value):
    """A phone number made only of digits, spaces, brackets, dashes and a leading + cannot carry a
    formula payload, so "+44 20 7946 0001" is written as it is; anything else is neutralised."""
    if value and PHONE_SHAPE.match(value):
        return value
    return safe_text(value)


def _local(moment, timezone_):
    """An Excel datetime: local wall-clock time (TIME_ZONE), naive, as spreadsheets have no time zones."""
    if moment is None:
        return None
    return moment.astimezone(timezone_).replace(tzinfo=None)


def write_workbook(path, headers, widths, rows):
    """Stream the rows into a write-only workbook at `path`: bold frozen header, set column widths.

    A sheet holds at most SHEET_ROWS tickets under its header (Excel's limit is 1,048,576 rows);
    past that the rows go on into "Tickets 2", "Tickets 3", … with the same header, in order.
    """
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def new_sheet(number):
        sheet = workbook.create_sheet("Tickets" if number == 1 else f"Tickets {number}")
        sheet.freeze_panes = "A2"
        for index, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=safe_text(header))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        return sheet

    sheets, sheet, on_sheet = 1, new_sheet(1), 0
    for row in rows:
        if on_sheet == SHEET_ROWS:
            sheets += 1
            sheet, on_sheet = new_sheet(sheets), 0
        sheet.append(row)
        on_sheet += 1
    workbook.save(path)


def download_path(export):
    return reverse("tickets:export_download", args=[export.pk])


def _finish(export, stored_name, count):
    """Mark the export done and tell its owner, unless another run of the task did so first."""
    storage = export.file.storage
    user = export.user
    with transaction.atomic():
        locked = TicketExport.objects.select_for_update().filter(pk=export.pk).first()
        if locked is None or locked.state == TicketExport.State.DONE:
            storage.delete(stored_name)
            return
        locked.file.name = stored_name
        locked.state = TicketExport.State.DONE
        locked.rows_done = locked.rows_total = count
        locked.finished_at = timezone.now()
        locked.error = ""
        locked.save(update_fields=["file", "state", "rows_done", "rows_total", "finished_at", "error"])
        notify(
            user,
            Notification.Kind.EXPORT,
            f"{locked.file_name} is ready",
            body=tickets_and_sheets(count),
            url=download_path(locked),
            dedupe_key=f"export-{locked.pk}",
        )
    _email_file(locked, user, count)


def tickets_and_sheets(count):
    """"1,234 tickets", and past one sheet's rows how many sheets they fill."""
    tickets = f"{count:,} ticket{'' if count == 1 else 's'}"
    sheets = -(-count // SHEET_ROWS)
    if sheets > 1:
        tickets += f" in {sheets} sheets (a spreadsheet holds {SHEET_ROWS:,} rows a sheet)"
    return tickets


def _email_file(export, user, count):
    """Email the file when it is small enough to attach, else a link to it. Failures are logged:
    the file is kept and listed in the Notification Center either way."""
    link = absolute_url(download_path(export))
    tickets = tickets_and_sheets(count)
    subject = f"{export.file_name} is ready"
    try:
        size = export.file.size
        if size <= settings.HELPDESK_EXPORT_ATTACH_MAX_BYTES:
            with export.file.open("rb") as handle:
                content = handle.read()
            body = (
                f"Your export of {tickets} is attached.\n\n"
                f"It is also in your Notification Center: {link}\n"
            )
            email_user(user, subject, body, attachments=[(export.file_name, content, XLSX_CONTENT_TYPE)])
        else:
            body = (
                f"Your export of {tickets} is ready. It is too large to attach; download it here:\n\n{link}\n"
            )
            email_user(user, subject, body)
    except Exception:  # noqa: BLE001 - the export itself succeeded
        logger.exception("Could not email export %s", export.pk)


def _fail(export, error):
    """Mark the export failed with a short reason, and tell its owner in the Notification Center."""
    reason = error.message if isinstance(error, ExportRefused) else "Something went wrong while writing the file."
    with transaction.atomic():
        changed = (
            TicketExport.objects.filter(pk=export.pk)
            .exclude(state=TicketExport.State.DONE)
            .update(state=TicketExport.State.FAILED, error=reason, finished_at=timezone.now())
        )
        if changed:
            notify(
                export.user,
                Notification.Kind.SYSTEM,
                f"{export.file_name} could not be exported",
                body=reason,
                url=f"{reverse('tickets:ticket_list')}?{export.query}",
                dedupe_key=f"export-{export.pk}-failed",
            )
    if export.file.name:
        export.file.storage.delete(export.file.name)
