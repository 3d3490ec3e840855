"""The ticket list's views sidebar (SPEC L7) and filter schemes (SPEC L8).

A view or a scheme is a name plus the list's query string; following one is navigating to the list
with it. The list passes its own query to these views as `from` ("back": the list's query without
paging cursors), so every response can lead back to the list the user came from.

Rights: creating or editing views needs `tickets.create_own_views` (R3); team views are changed by
staff only; a view the user may not see is a 404, one they may see but not change a 403.
"""

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Case, Max, Q, When
from django.db.models.functions import Lower
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from ..access import require_perm
from ..models import FilterScheme, MyViewEntry, TicketView
from ..models.saved_views import clean_list_query, list_url
from .sidebar_forms import FilterSchemeForm, FolderForm, TicketViewForm

CREATE_VIEWS = "tickets.create_own_views"
CURSOR_KEYS = frozenset({"after", "before", "page"})
SIDEBAR_TEMPLATE = "tickets/workspace/sidebar.html"
SCHEMES_TEMPLATE = "tickets/workspace/filter_schemes.html"
PANEL_TEMPLATE = "tickets/views/panel.html"
FORM_TEMPLATE = "tickets/views/view_form.html"


# --- the list's state ---------------------------------------------------------------------------


def list_back(source):
    """The list's query without paging cursors, from the list's QueryDict or a `from` query string."""
    if hasattr(source, "lists"):
        pairs = [(key, value) for key, values in source.lists() for value in values]
    else:
        pairs = parse_qsl((source or "").lstrip("?"))
    return urlencode([(key, value) for key, value in pairs if key not in CURSOR_KEYS and value])


def _marker(back, key):
    """The pk in `view=`/`scheme=` of the list's query, or None."""
    value = dict(parse_qsl(back)).get(key, "")
    return int(value) if value.isdigit() else None


def _back_from(request):
    return list_back(request.POST.get("from") if request.method == "POST" else request.GET.get("from"))


def _visible_entries(user):
    return MyViewEntry.objects.filter(user=user).filter(
        Q(view__owner=user) | Q(view__is_team_view=True) | Q(view__visibility=TicketView.Visibility.SHARED)
    )


# --- the sidebar ----------------------------------------------------------------------------------


@dataclass
class Node:
    view: TicketView
    children: list = field(default_factory=list)


def my_views_tree(entries):
    """Entries in position order → top-level nodes with their sub-views (one level of nesting)."""
    by_id = {entry.pk: entry for entry in entries}
    nodes, children = [], {}
    for entry in entries:
        parent = by_id.get(entry.parent_id)
        if parent is not None and parent.parent_id is None and not entry.view.is_folder:
            children.setdefault(parent.pk, []).append(entry.view)
        else:
            nodes.append(entry)
    return [Node(entry.view, children.get(entry.pk, [])) for entry in nodes]


def sidebar_context(user, back):
    """Team views and the user's My views tree: two queries, however many views there are."""
    fields = ("id", "name", "query", "is_folder", "is_team_view", "visibility", "owner_id")
    team_views = list(TicketView.objects.filter(is_team_view=True).only(*fields).order_by(Lower("name"), "id"))
    entries = list(
        _visible_entries(user)
        .select_related("view")
        .only("id", "parent_id", "position", *(f"view__{name}" for name in fields))
        .order_by("position", "id")
    )
    return {
        "team_views": team_views,
        "my_views": my_views_tree(entries),
        "active_view": _marker(back, "view"),
        "back": back,
        "back_url": list_url(back),
        "can_create": user.has_perm(CREATE_VIEWS),
    }


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


class LayoutError(Exception):
    """An arrangement that cannot be saved; its message finishes "My views were not changed: ..."."""


def save_layout(user, layout):
    """Apply `[{"id": view_id, "children": [view_id, ...]}, ...]` to the user's My views."""
    if not isinstance(layout, list):
        raise LayoutError("the arrangement is not a list.")
    entries = {entry.view_id: entry for entry in MyViewEntry.objects.filter(user=user).select_related("view")}
    placed, changed = set(), []

    def place(view_id, parent, position):
        if not isinstance(view_id, int) or isinstance(view_id, bool):
            raise LayoutError("the arrangement names a view that is not a number.")
        if view_id in placed:
            raise LayoutError("a view appears twice.")
        placed.add(view_id)
        entry = entries.get(view_id)
        if entry is None:  # removed meanwhile (another tab): nothing to place
            return None
        if parent is not None and entry.view.is_folder:
            raise LayoutError("folders cannot go inside other views or folders.")
        if (entry.parent_id, entry.position) != (parent and parent.pk, position):
            entry.parent, entry.position = parent, position
            changed.append(entry)
        return entry

    position = 0
    for item in layout:
        if not isinstance(item, dict) or not isinstance(item.get("children", []), list):
            raise LayoutError("the arrangement is not in the expected shape.")
        entry = place(item.get("id"), None, position)
        position += 1
        for child in item.get("children", []):
            if entry is None:
                raise LayoutError("a sub-view's parent is no longer in My views.")
            place(child, entry, position)
            position += 1
    MyViewEntry.objects.bulk_update(changed, ["parent", "position"])
    MyViewEntry.objects.filter(user=user).exclude(view_id__in=placed).delete()


# --- the "Add view to my views" panel -------------------------------------------------------------

PANEL_FILTERS = ("private", "shared", "folders")


def panel_rows(user, checked):
    """Views the user may add, team views first, then their own, then those shared by others."""
    views = TicketView.objects.visible_to(user).select_related("owner")
    if "private" in checked and "shared" not in checked:
        views = views.filter(visibility=TicketView.Visibility.PRIVATE)
    elif "shared" in checked and "private" not in checked:
        views = views.filter(visibility=TicketView.Visibility.SHARED)
    if "folders" in checked:
        views = views.filter(is_folder=True)
    views = views.order_by(
        Case(When(is_team_view=True, then=0), When(owner=user, then=1), default=2), Lower("name"), "id"
    )
    added = set(MyViewEntry.objects.filter(user=user).values_list("view_id", flat=True))
    return [{"view": view, "added": view.pk in added, "can_edit": view.can_edit(user)} for view in views]


def view_panel(request):
    """The "Add view to my views" panel: the dialog's body for htmx, a page of its own otherwise."""
    require_perm(request.user, CREATE_VIEWS)
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
    require_perm(request.user, CREATE_VIEWS)
    view = get_object_or_404(TicketView.objects.visible_to(request.user), pk=pk)
    add_to_my_views(request.user, view)
    back = _back_from(request)
    if request.htmx:
        row = {"view": view, "added": True, "can_edit": view.can_edit(request.user)}
        return render(request, PANEL_TEMPLATE + "#panel-row", {"row": row, "back": back, "in_dialog": True})
    messages.success(request, f"“{view.name}” added to My views.")
    return HttpResponseRedirect(reverse("tickets:view_panel") + "?" + urlencode({"from": back}))


def add_to_my_views(user, view):
    if MyViewEntry.objects.filter(user=user, view=view).exists():
        return
    last = MyViewEntry.objects.filter(user=user).aggregate(last=Max("position"))["last"]
    try:
        with transaction.atomic():
            MyViewEntry.objects.create(user=user, view=view, position=0 if last is None else last + 1)
    except IntegrityError:
        pass  # added meanwhile by a concurrent request: already there, which is what was asked


# --- creating and editing views -------------------------------------------------------------------


def _save_view(form):
    """Save, turning a concurrent duplicate into the same message as a detected one."""
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        form.add_error("name", "You already have a view with this name. Choose another name.")
        return None


def _render_form(request, context, status=200):
    context["in_dialog"] = bool(request.htmx)
    template = FORM_TEMPLATE + "#view-form" if request.htmx else FORM_TEMPLATE
    return render(request, template, context, status=status)


def view_create(request):
    """Create a view (or folder) from the current list's filters; it joins My views at the end."""
    require_perm(request.user, CREATE_VIEWS)
    back = _back_from(request)
    query = clean_list_query(back)
    data = request.POST if request.method == "POST" else None
    form = TicketViewForm(data, user=request.user, query=query)
    context = {"form": form, "back": back, "back_url": list_url(back), "query_chips": _query_chips(query)}
    if request.method == "POST":
        if form.is_valid() and (view := _save_view(form)):
            if not view.is_team_view:
                add_to_my_views(request.user, view)
            target = list_url(back) if view.is_folder else view.url
            return _redirect(request, target, f"“{view.name}” created.")
        return _render_form(request, context, status=422)
    return _render_form(request, context)


def _editable_view(request, pk):
    require_perm(request.user, CREATE_VIEWS)
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
        if form.is_valid() and (view := _save_view(form)):
            return _redirect(request, list_url(back), f"“{view.name}” saved.")
        return _render_form(request, context, status=422)
    return _render_form(request, context)


@require_POST
def view_delete(request, pk):
    """Delete one's own view for everyone who added it (removing it from My views is the Edit mode's bin)."""
    view = _editable_view(request, pk)
    back = _back_from(request)
    name = view.name
    view.delete()
    if _marker(back, "view") == pk:
        back = urlencode([(key, value) for key, value in parse_qsl(back) if key != "view"])
    return _redirect(request, list_url(back), f"“{name}” deleted.")


@require_POST
def folder_create(request):
    """A new, empty folder at the end of My views (from the sidebar's edit mode)."""
    require_perm(request.user, CREATE_VIEWS)
    back = _back_from(request)
    form = FolderForm(request.POST, user=request.user)
    folder = None
    if form.is_valid():
        try:
            with transaction.atomic():
                folder = TicketView.objects.create(owner=request.user, name=form.cleaned_data["name"], is_folder=True)
                add_to_my_views(request.user, folder)
        except IntegrityError:
            form.add_error("name", "You already have a view or folder with this name.")
    context = {"folder_form": form if folder is None else FolderForm(user=request.user), "back": back}
    if not request.htmx:
        if folder is None:
            messages.error(request, " ".join(form.errors.get("name", ["The folder could not be created."])))
        return HttpResponseRedirect(list_url(back))
    html = render_to_string(SIDEBAR_TEMPLATE + "#folder-form", context, request)
    if folder is not None:
        html += render_to_string(SIDEBAR_TEMPLATE + "#new-item-oob", {"node": Node(folder), "back": back}, request)
    return HttpResponse(html, status=200 if folder is not None else 422)


# --- filter schemes --------------------------------------------------------------------------------


def schemes_context(user, back, form=None, is_open=False):
    """The user's schemes for the toolbar dropdown: one query."""
    schemes = list(FilterScheme.objects.filter(owner=user).only("id", "name", "query").order_by(Lower("name"), "id"))
    active = _marker(back, "scheme")
    return {
        "schemes": schemes,
        "active_scheme": next((scheme for scheme in schemes if scheme.pk == active), None),
        "back": back,
        "query": clean_list_query(back),
        "form": form,
        "is_open": is_open or bool(form and form.errors),
    }


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
    if _marker(back, "scheme") == pk:
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
