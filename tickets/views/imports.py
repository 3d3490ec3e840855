"""Importing tickets from XLSX or CSV (SPEC L12): upload, preview, confirm, report.

- Only people with the import right (`tickets.import_tickets`, R3) reach these views (the rights
  table, 403 otherwise), and tickets/imports/running.py checks it again where an import is
  started, confirmed or cancelled; an import is only ever shown to the person who uploaded it (404
  for anyone else).
- Upload reads and checks the whole file at once (tickets/imports/). A file that can't be
  imported as a whole gets a message at the file field and nothing is stored; otherwise the checked
  rows are kept on a `TicketImport` in the PREVIEW state and the preview shows every row's problems.
- Confirm queues `tickets.tasks.run_import` after the commit; the same page then shows progress
  (polled by HTMX every second) and, when done, the report. Cancel deletes a preview and its file.
"""

import csv
import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from configurations.models import Category, CustomField, Priority, Status, SubStatus, Tag, Team, TicketType

from ..imports import COLUMNS, ImportFileError, check_upload, column_help, running
from ..models import TicketImport

PAGE = "tickets/transfers/import_page.html"
State = TicketImport.State
PREVIEW_ROWS_SHOWN = 200
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="An Excel workbook (.xlsx) or a CSV file (UTF-8, separated by commas or semicolons).",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": "Choose a file to import.", "empty": "The file is empty."},
    )

    def clean_file(self):
        """Read and check the whole file now, so a file that can't be imported is refused here."""
        upload = self.cleaned_data["file"]
        try:
            self.rows = check_upload(upload)
        except ImportFileError as error:
            raise forms.ValidationError(error.message) from None
        return upload


def _own_import(request, pk, queryset=TicketImport.objects):
    """The import with this id if the user uploaded it; 404 for anyone else's."""
    return get_object_or_404(queryset, pk=pk, user=request.user)


@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = running.start_import(request.user, form.cleaned_data["file"], form.rows)
        return HttpResponseRedirect(reverse("tickets:import_detail", args=[job.pk]))
    context = {
        "form": form,
        "columns": column_help(),
        "max_rows": settings.HELPDESK_IMPORT_MAX_ROWS,
        "max_mb": settings.HELPDESK_IMPORT_MAX_BYTES / 1048576,
        "recent": TicketImport.objects.filter(user=request.user).defer("rows", "report")[:5],
    }
    return render(request, "tickets/transfers/import_upload.html", context, status=422 if form.errors else 200)


def _detail_context(job):
    context = {"job": job, "State": State}
    if job.state == State.PREVIEW:
        problems = [row for row in job.rows if "errors" in row]
        ready = [row for row in job.rows if "data" in row]
        context.update(problems=problems, ready=ready[:PREVIEW_ROWS_SHOWN], ready_count=len(ready),
                       ready_hidden=max(0, len(ready) - PREVIEW_ROWS_SHOWN))
    elif job.state in (State.DONE, State.FAILED):
        failed = [entry for entry in job.report if "errors" in entry]
        created = [entry for entry in job.report if "ticket" in entry]
        context.update(failed=failed, created=created[:PREVIEW_ROWS_SHOWN],
                       created_hidden=max(0, len(created) - PREVIEW_ROWS_SHOWN))
    else:
        context["percent"] = int(100 * job.rows_done / job.rows_total) if job.rows_total else 0
    return context


@require_GET
@vary_on_headers("HX-Request")
def import_detail(request, pk):
    """The preview, the progress while the task runs, or the report: one page, by the import's state."""
    # Polled every second while running: the rows and the report are read only when shown.
    job = _own_import(request, pk, TicketImport.objects.defer("rows", "report"))
    context = _detail_context(job)
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, f"{PAGE}#import-body", context)
    return render(request, PAGE, context)


@require_POST
def import_confirm(request, pk):
    _own_import(request, pk)
    level, text = running.confirm_import(request.user, pk)
    messages.add_message(request, getattr(messages, level.upper()), text)
    return HttpResponseRedirect(reverse("tickets:import_detail", args=[pk]))


@require_POST
def import_cancel(request, pk):
    name = _own_import(request, pk).original_name
    if not running.cancel_import(request.user, pk):
        messages.error(request, "This import has already started and can't be cancelled.")
        return HttpResponseRedirect(reverse("tickets:import_detail", args=[pk]))
    messages.success(request, f"Import of {name} cancelled; nothing was imported.")
    return HttpResponseRedirect(reverse("tickets:ticket_list"))


# --- the template ---------------------------------------------------------------------------------

def _safe(value):
    """Text a spreadsheet would run as a formula is written with a leading apostrophe (DESIGN Security)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def template_rows(user):
    """The header row and one example row that imports cleanly with the current configuration."""
    example_type = TicketType.objects.order_by("name").first()
    example_category = Category.objects.order_by("name").first()
    header = [header for _key, header, _aliases, _help in COLUMNS]
    example = {
        "Title": "Printer on the 2nd floor prints blank pages",
        "Description": "Reported by phone. Toner was replaced yesterday.",
        "Status": Status.SUBMITTED.label,
        "Priority": Priority.NORMAL.label,
        "Type": example_type.name if example_type else "",
        "Category": example_category.name if example_category else "",
        "Assigned agent": user.get_username(),
        "Customer email": "jane.doe@example.com",
        "Customer name": "Jane Doe",
    }
    samples = {
        CustomField.FieldType.TEXT: "Example",
        CustomField.FieldType.NUMBER: "1",
        CustomField.FieldType.DATE: timezone.localdate().isoformat(),
        CustomField.FieldType.BOOLEAN: "No",
    }
    for field in CustomField.objects.filter(active=True):
        header.append(field.name)
        if field.required and field.applies_to(example_category.pk if example_category else None):
            sample = field.choices[0] if field.field_type == CustomField.FieldType.CHOICE and field.choices else None
            example[field.name] = sample or samples.get(field.field_type, "")
    return header, [example.get(name, "") for name in header]


def _allowed_values():
    """Columns of the "Allowed values" sheet: what each choice column accepts."""
    sub_statuses = list(SubStatus.objects.order_by("status", "position", "id"))
    return {
        "Status": Status.labels,
        "Sub-status": [sub.name for sub in sub_statuses],
        "Sub-status of": [sub.get_status_display() for sub in sub_statuses],
        "Priority": Priority.labels,
        "Type": list(TicketType.objects.values_list("name", flat=True)),
        "Category": list(Category.objects.values_list("name", flat=True)),
        "Assigned team": list(Team.objects.values_list("name", flat=True)),
        "Tags": list(Tag.objects.values_list("name", flat=True)),
        **{
            field.name: field.choices
            for field in CustomField.objects.filter(active=True, field_type=CustomField.FieldType.CHOICE)
        },
    }


@require_GET
def import_template(request, fmt):
    """The import template: header and an example row; the XLSX also lists the allowed values."""
    header, example = template_rows(request.user)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerow(example)
        response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        sheet = book.active
        sheet.title = "Tickets"
        sheet.append([_safe(value) for value in header])
        sheet.append([_safe(value) for value in example])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            sheet.column_dimensions[cell.column_letter].width = max(14, len(str(cell.value)) + 4)
        sheet.column_dimensions["A"].width = 44
        sheet.freeze_panes = "A2"
        allowed = book.create_sheet("Allowed values")
        columns = _allowed_values()
        allowed.append(list(columns))
        for cell in allowed[1]:
            cell.font = Font(bold=True)
            allowed.column_dimensions[cell.column_letter].width = max(16, len(str(cell.value)) + 4)
        for index in range(max(map(len, columns.values()), default=0)):
            allowed.append([_safe(values[index]) if index < len(values) else None for values in columns.values()])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="ticket-import-template.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("import/", import_upload, name="import_upload"),
    path("import/template.xlsx", import_template, {"fmt": "xlsx"}, name="import_template"),
    path("import/template.csv", import_template, {"fmt": "csv"}, name="import_template_csv"),
    path("import/<int:pk>/", import_detail, name="import_detail"),
    path("import/<int:pk>/confirm/", import_confirm, name="import_confirm"),
    path("import/<int:pk>/cancel/", import_cancel, name="import_cancel"),
]
