"""The list workspace's parts: the open tickets bar (SPEC L9), the views sidebar (L7) and filter schemes (L8).

Each costs a constant number of queries: the bar the preference row (none when the request read
it already) and the open tickets' titles; the sidebar team views and My views with their views;
the schemes menu one.
"""

from django.db.models.functions import Lower

from .. import open_tabs
from ..access import CREATE_VIEWS, has_right
from ..models import FilterScheme, TicketView
from ..models.saved_views import clean_list_query, list_url
from ..saved_views import marker, my_views_tree, visible_entries

OPEN_TABS_TEMPLATE = "tickets/workspace/open_tabs.html"
SIDEBAR_TEMPLATE = "tickets/workspace/sidebar.html"
SCHEMES_TEMPLATE = "tickets/workspace/filter_schemes.html"


def bar_context(request, active_id=None, home_active=None, back_url=None):
    """What the bar shows; `active_id` is the ticket whose page it sits on (None on the list).

    `back_url` is where a close without JavaScript returns to: the page the bar is on.
    """
    preference = open_tabs.preference_for(request)
    tickets = open_tabs.open_tickets(request.user, preference)
    return {
        "show": True,
        "tabs": [{"ticket": ticket, "active": ticket.pk == active_id} for ticket in tickets],
        "active_id": active_id,
        "home_active": active_id is None if home_active is None else home_active,
        "limit": open_tabs.MAX_OPEN_TICKETS,
        "is_full": len(tickets) >= open_tabs.MAX_OPEN_TICKETS,
        "back_url": back_url,
    }


def sidebar_context(user, back):
    """Team views and the user's My views tree: two queries, however many views there are."""
    fields = ("id", "name", "query", "is_folder", "is_team_view", "visibility", "owner_id")
    team_views = list(TicketView.objects.filter(is_team_view=True).only(*fields).order_by(Lower("name"), "id"))
    entries = list(
        visible_entries(user)
        .select_related("view")
        .only("id", "parent_id", "position", *(f"view__{name}" for name in fields))
        .order_by("position", "id")
    )
    return {
        "team_views": team_views,
        "my_views": my_views_tree(entries),
        "active_view": marker(back, "view"),
        "back": back,
        "back_url": list_url(back),
        "can_create": has_right(user, CREATE_VIEWS),
    }


def schemes_context(user, back, form=None, is_open=False):
    """The user's schemes for the toolbar dropdown: one query."""
    schemes = list(FilterScheme.objects.filter(owner=user).only("id", "name", "query").order_by(Lower("name"), "id"))
    active = marker(back, "scheme")
    return {
        "schemes": schemes,
        "active_scheme": next((scheme for scheme in schemes if scheme.pk == active), None),
        "back": back,
        "query": clean_list_query(back),
        "form": form,
        "is_open": is_open or bool(form and form.errors),
    }
