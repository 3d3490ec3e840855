"""Reading ticket imports from XLSX or CSV and checking them row by row (SPEC L12).

Two steps, so that nothing is half-imported:

1. `read_upload()` (reading.py) turns an uploaded file into a header and rows, or raises
   `ImportFileError` with one message for the person (not a spreadsheet, unreadable, empty, no
   Title column, unknown columns, too many rows). A refused file changes nothing.
2. `RowChecker` (checking.py) checks every row against the configuration, looked up once for the
   whole file (a few queries, then dictionaries), and gives each row either the data to create its
   ticket or the reasons it can't be imported. The result is plain JSON: it is stored on the
   `TicketImport` for the preview and for the task, which turns it into `create_ticket()`
   arguments with `ticket_arguments()` (creating.py); running.py starts, confirms and runs imports.

Contacts are found by email (case-insensitive) or phone; a row that names a new email or phone
together with a Customer name creates that contact when its ticket is created. Accounts, agents,
teams, tags, types, categories and sub-statuses must already exist.

The names other modules use are re-exported here: import them from `tickets.imports`.
"""

from . import running
from .checking import check_upload
from .creating import References, ticket_arguments
from .reading import COLUMNS, ImportFileError, column_help

__all__ = ["COLUMNS", "ImportFileError", "References", "check_upload", "column_help", "running", "ticket_arguments"]
