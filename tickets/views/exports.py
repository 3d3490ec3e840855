"""Export of the ticket list (SPEC L11): start, follow the progress, download.

The Export button posts the list's current URL query. An HTMX request gets the progress pill, which
polls its own URL about once a second until the export is done or failed; without HTMX the user
goes back to the list, which shows the same pill. The session remembers the export being followed,
so the list page picks the pill up again after a reload without an extra query per list view.
Exports belong to the user who asked: anyone else gets a 404, as if it did not exist.
"""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from ..exports import XLSX_CONTENT_TYPE, ExportRefused, parse_list_query, start_export
from ..models import TicketExport
from ..open_tabs import preference_for

PROGRESS = "tickets/transfers/export_progress.html"
FOLLOWED = "followed_export"  # session key: the export whose progress the list page shows


def _list_url(query=""):
    return reverse("tickets:ticket_list") + (f"?{query}" if query else "")


def _get_own_export(request, pk):
    """The user's own export, or 404 for anyone else's (never a hint that it exists)."""
    return get_object_or_404(TicketExport, pk=pk, user=request.user)


def _pill(request, export):
    """The progress pill; once the export has finished, the list stops following it."""
    finished = export.state in (TicketExport.State.DONE, TicketExport.State.FAILED)
    if finished and request.session.get(FOLLOWED) == export.pk:
        # Shown once finished; the next list page load starts without it.
        del request.session[FOLLOWED]
    return render(request, PROGRESS, {"export": export})


@require_POST
def export_start(request):
    """Start exporting what the list shows (the posted `query`), or join the same export if running."""
    try:
        params = parse_list_query(request.POST.get("query", ""))
        export, created = start_export(request.user, params, preference_for(request))
    except ExportRefused as refused:
        messages.error(request, refused.message)
        if request.htmx:
            return HttpResponse(status=422)
        return HttpResponseRedirect(_list_url(QueryDict(request.POST.get("query", "")[:2000]).urlencode()))
    if not created:
        messages.info(request, "This export is already running.")
    export.refresh_from_db()  # a worker (or an eager test run) may be further along already
    request.session[FOLLOWED] = export.pk
    if request.htmx:
        return _pill(request, export)
    return HttpResponseRedirect(_list_url(export.query))


@require_GET
@vary_on_headers("HX-Request")
def export_progress(request, pk):
    """The progress pill of one of the user's exports; the list page when asked for without HTMX."""
    export = _get_own_export(request, pk)
    if not request.htmx:
        request.session[FOLLOWED] = export.pk
        return HttpResponseRedirect(_list_url(export.query))
    return _pill(request, export)


@require_GET
def export_download(request, pk):
    """The finished file, as an attachment, to its owner only."""
    export = _get_own_export(request, pk)
    if export.state != TicketExport.State.DONE or not export.file:
        raise Http404("This export has no file.")
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404("This export's file is no longer available.") from None
    response = FileResponse(handle, as_attachment=True, filename=export.file_name, content_type=XLSX_CONTENT_TYPE)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("export/", export_start, name="export_start"),
    path("exports/<int:pk>/", export_progress, name="export_progress"),
    path("exports/<int:pk>/download/", export_download, name="export_download"),
]
