"""The ticket list's views sidebar (SPEC L7) and filter schemes (SPEC L8).

A view or a scheme is a name plus the list's query string; following one is navigating to the list
with it. The list passes its own query to these views as `from` ("back": the list's query without
paging cursors), so every response can lead back to the list the user came from.

Rights: creating or editing views needs `tickets.create_own_views` (R3), checked by the rights
table for these routes and again by tickets/saved_views.py where a view is saved; team views are
changed by staff only; a view the user may not see is a 404, one they may see but not change a 403.
"""

import json
from urllib.parse import parse_qsl, urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from ..models import FilterScheme, TicketView
from ..models.saved_views import clean_list_query, list_url
from ..parts import render_parts
from ..parts.workspace import SCHEMES_TEMPLATE, SIDEBAR_TEMPLATE, schemes_context, sidebar_context
from ..saved_views import (
    PANEL_FILTERS,
    LayoutError,
    Node,
    add_to_my_views,
    create_folder,
    delete_view,
    list_back,
    marker,
    panel_rows,
    save_layout,
    save_view,
)
from .sidebar_forms import FilterSchemeForm, FolderForm, TicketViewForm

PANEL_TEMPLATE = "tickets/views/panel.html"
FORM_TEMPLATE = "tickets/views/view_form.html"


# --- the list's state ---------------------------------------------------------------------------


def _back_from(request):
    return list_back(request.POST.get("from") if request.method == "POST" else request.GET.get("from"))


# --- the sidebar ----------------------------------------------------------------------------------


def render_sidebar(request, back, status=200):
    return render(request, SIDEBAR_TEMPLATE + "#views-nav", sidebar_context(request.user, back), status=status)


@require_POST
def views_layout(request):
    """Save the edit-mode arrangement of My views in one go; entries left out are removed (not deleted)."""
    back = _back_from(request)
    try:
        layout = json.loads(request.POST.get("layout", ""))
        with transaction.atomic():
            save_layout(request.user, layout)
    except ValueError:
        return _refused(request, back, "My views were not changed: that arrangement could not be read.")
    except LayoutError as error:
        return _refused(request, back, f"My views were not changed: {error}")
    if request.htmx:
        return trigger_client_event(render_sidebar(request, back), "messages", [_message("My views saved.")])
    messages.success(request, "My views saved.")
    return HttpResponseRedirect(list_url(back))


# --- the "Add view to my views" panel -------------------------------------------------------------

def view_panel(request):
    """The "Add view to my views" panel: the dialog's body for htmx, a page of its own otherwise."""
    back = list_back(request.GET.get("from"))
    checked = {name for name in PANEL_FILTERS if request.GET.get(name)}
    context = {
        "rows": panel_rows(request.user, checked),
        "checked": checked,
        "back": back,
        "back_url": list_url(back),
        "in_dialog": bool(request.htmx),
    }
    if request.htmx and request.htmx.target == "view-panel-list":
        return render(request, PANEL_TEMPLATE + "#panel-list", context)
    if request.htmx:
        return render(request, PANEL_TEMPLATE + "#panel", context)
    return render(request, PANEL_TEMPLATE, context)


@require_POST
def view_add(request, pk):
    """Add a visible view to the end of My views (adding it twice changes nothing)."""
    view = get_object_or_404(TicketView.objects.visible_to(request.user), pk=pk)
    add_to_my_views(request.user, view)
    back = _back_from(request)
    if request.htmx:
        row = {"view": view, "added": True, "can_edit": view.can_edit(request.user)}
        return render(request, PANEL_TEMPLATE + "#panel-row", {"row": row, "back": back, "in_dialog": True})
    messages.success(request, f"“{view.name}” added to My views.")
    return HttpResponseRedirect(reverse("tickets:view_panel") + "?" + urlencode({"from": back}))


# --- creating and editing views -------------------------------------------------------------------


def _render_form(request, context, status=200):
    context["in_dialog"] = bool(request.htmx)
    template = FORM_TEMPLATE + "#view-form" if request.htmx else FORM_TEMPLATE
    return render(request, template, context, status=status)


def view_create(request):
    """Create a view (or folder) from the current list's filters; it joins My views at the end."""
    back = _back_from(request)
    query = clean_list_query(back)
    data = request.POST if request.method == "POST" else None
    form = TicketViewForm(data, user=request.user, query=query)
    context = {"form": form, "back": back, "back_url": list_url(back), "query_chips": _query_chips(query)}
    if request.method == "POST":
        if form.is_valid() and (view := save_view(request.user, form)):
            target = list_url(back) if view.is_folder else view.url
            return _redirect(request, target, f"“{view.name}” created.")
        return _render_form(request, context, status=422)
    return _render_form(request, context)


def _editable_view(request, pk):
    view = get_object_or_404(TicketView.objects.visible_to(request.user), pk=pk)
    if not view.can_edit(request.user):
        raise PermissionDenied
    return view


def view_edit(request, pk):
    """Rename a view, change who sees it, or give it the current list's filters (own views only)."""
    view = _editable_view(request, pk)
    back = _back_from(request)
    query = clean_list_query(back)
    data = request.POST if request.method == "POST" else None
    form = TicketViewForm(data, instance=view, user=request.user, query=query)
    context = {
        "form": form,
        "view": view,
        "back": back,
        "back_url": list_url(back),
        "query_chips": _query_chips(view.query),
        "new_query_chips": _query_chips(query),
    }
    if request.method == "POST":
        if form.is_valid() and (view := save_view(request.user, form)):
            return _redirect(request, list_url(back), f"“{view.name}” saved.")
        return _render_form(request, context, status=422)
    return _render_form(request, context)


@require_POST
def view_delete(request, pk):
    """Delete one's own view for everyone who added it (removing it from My views is the Edit mode's bin)."""
    view = _editable_view(request, pk)
    back = _back_from(request)
    name = view.name
    delete_view(request.user, view)
    if marker(back, "view") == pk:
        back = urlencode([(key, value) for key, value in parse_qsl(back) if key != "view"])
    return _redirect(request, list_url(back), f"“{name}” deleted.")


@require_POST
def folder_create(request):
    """A new, empty folder at the end of My views (from the sidebar's edit mode)."""
    back = _back_from(request)
    form = FolderForm(request.POST, user=request.user)
    folder = None
    if form.is_valid():
        folder = create_folder(request.user, form)
    context = {"folder_form": form if folder is None else FolderForm(user=request.user), "back": back}
    if not request.htmx:
        if folder is None:
            messages.error(request, " ".join(form.errors.get("name", ["The folder could not be created."])))
        return HttpResponseRedirect(list_url(back))
    if folder is None:
        return render_parts(request, (SIDEBAR_TEMPLATE + "#folder-form", context), status=422)
    return render_parts(
        request,
        (SIDEBAR_TEMPLATE + "#folder-form", context),
        (SIDEBAR_TEMPLATE + "#new-item-oob", {"node": Node(folder), "back": back}),
    )


# --- filter schemes --------------------------------------------------------------------------------


@require_POST
def scheme_save(request):
    """Save the current filters under a name ("Save as", SPEC L8)."""
    back = _back_from(request)
    query = clean_list_query(request.POST.get("query", back))
    form = FilterSchemeForm(request.POST, user=request.user, query=query)
    scheme = None
    if form.is_valid():
        try:
            with transaction.atomic():
                scheme = FilterScheme.objects.create(owner=request.user, name=form.cleaned_data["name"], query=query)
        except IntegrityError:
            form.add_error("name", "You already have a filter scheme with this name.")
    if scheme is None:
        if request.htmx:
            context = schemes_context(request.user, back, form=form)
            return render(request, SCHEMES_TEMPLATE, context, status=422)
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return HttpResponseRedirect(list_url(back))
    text = f"Filter scheme “{scheme.name}” saved."
    if request.htmx:
        response = render(request, SCHEMES_TEMPLATE, schemes_context(request.user, back))
        return trigger_client_event(response, "messages", [_message(text)])
    messages.success(request, text)
    return HttpResponseRedirect(list_url(back))


@require_POST
def scheme_delete(request, pk):
    scheme = get_object_or_404(FilterScheme, pk=pk, owner=request.user)
    back = _back_from(request)
    name = scheme.name
    scheme.delete()
    if marker(back, "scheme") == pk:
        back = urlencode([(key, value) for key, value in parse_qsl(back) if key != "scheme"])
    text = f"Filter scheme “{name}” deleted."
    if request.htmx:
        response = render(request, SCHEMES_TEMPLATE, schemes_context(request.user, back, is_open=True))
        return trigger_client_event(response, "messages", [_message(text)])
    messages.success(request, text)
    return HttpResponseRedirect(list_url(back))


# --- helpers ---------------------------------------------------------------------------------------


def _message(text, level="success"):
    return {"message": text, "level": level}


def _redirect(request, url, text):
    messages.success(request, text)
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)


def _refused(request, back, text):
    """The sidebar as it is saved, with the reason as an error toast (nothing was changed)."""
    if request.htmx:
        return trigger_client_event(render_sidebar(request, back, status=422), "messages", [_message(text, "error")])
    messages.error(request, text)
    return HttpResponseRedirect(list_url(back))


def _query_chips(query):
    """The stored query as readable "key: value" pairs for the form (what the view will show)."""
    return [(key.replace("_", " ").capitalize(), value) for key, value in parse_qsl(query)]
