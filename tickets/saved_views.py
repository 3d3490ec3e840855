"""Saved views and their sidebar arrangement (SPEC L7): the rules, apart from the views that show them.

A view or a filter scheme is a name plus the list's query string. `MyViewEntry` rows are one
user's sidebar: order, one level of nesting, folders. `save_layout` applies an edit-mode
arrangement in one go; entries left out are removed from My views, never deleted as views.
"""

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Case, Max, Q, When
from django.db.models.functions import Lower

from .access import CREATE_VIEWS, require_right
from .models import MyViewEntry, TicketView

CURSOR_KEYS = frozenset({"after", "before", "page"})


def list_back(source):
    """The list's query without paging cursors, from the list's QueryDict or a `from` query string."""
    if hasattr(source, "lists"):
        pairs = [(key, value) for key, values in source.lists() for value in values]
    else:
        pairs = parse_qsl((source or "").lstrip("?"))
    return urlencode([(key, value) for key, value in pairs if key not in CURSOR_KEYS and value])


def marker(back, key):
    """The pk in `view=`/`scheme=` of the list's query, or None."""
    value = dict(parse_qsl(back)).get(key, "")
    return int(value) if value.isdigit() else None


def visible_entries(user):
    return MyViewEntry.objects.filter(user=user).filter(
        Q(view__owner=user) | Q(view__is_team_view=True) | Q(view__visibility=TicketView.Visibility.SHARED)
    )


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


def add_to_my_views(user, view):
    """Add a visible view to the end of My views (adding it twice changes nothing)."""
    require_right(user, CREATE_VIEWS)
    if MyViewEntry.objects.filter(user=user, view=view).exists():
        return
    last = MyViewEntry.objects.filter(user=user).aggregate(last=Max("position"))["last"]
    try:
        with transaction.atomic():
            MyViewEntry.objects.create(user=user, view=view, position=0 if last is None else last + 1)
    except IntegrityError:
        pass  # added meanwhile by a concurrent request: already there, which is what was asked


def save_view(user, form):
    """Save a view from its (valid) form; a concurrent duplicate name becomes the form's message.

    Needs the right to create views (SPEC R3, L7). A new view of one's own joins My views at the end.
    """
    require_right(user, CREATE_VIEWS)
    creating = form.instance.pk is None
    try:
        with transaction.atomic():
            view = form.save()
            if creating and not view.is_team_view:
                add_to_my_views(user, view)
    except IntegrityError:
        form.add_error("name", "You already have a view with this name. Choose another name.")
        return None
    return view


def create_folder(user, form):
    """A new, empty folder at the end of My views, from a valid FolderForm; None if the name is taken."""
    require_right(user, CREATE_VIEWS)
    try:
        with transaction.atomic():
            folder = TicketView.objects.create(owner=user, name=form.cleaned_data["name"], is_folder=True)
            add_to_my_views(user, folder)
    except IntegrityError:
        form.add_error("name", "You already have a view or folder with this name.")
        return None
    return folder


def delete_view(user, view):
    """Delete one's own view for everyone who added it (SPEC L7); needs the right to create views."""
    require_right(user, CREATE_VIEWS)
    if not view.can_edit(user):
        raise PermissionDenied("Only the view's owner can delete it.")
    view.delete()
