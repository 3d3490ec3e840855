"""`{% open_tabs_bar %}`: the open ticket tabs above the workspace (SPEC L9).

It costs at most two queries: the user's preference row (none when the request already read it)
and the open tickets' titles, in one query whatever the number of tabs.
"""

from django import template

from .. import open_tabs

register = template.Library()


def _page(request):
    match = getattr(request, "resolver_match", None)
    if match and match.namespace == "tickets":
        return match.url_name, match.kwargs
    return None, {}


def current_ticket_id(request):
    """The ticket whose page this is (/tickets/<pk>/), or None."""
    name, kwargs = _page(request)
    return kwargs.get("pk") if name == "ticket_detail" else None


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


@register.inclusion_tag("tickets/workspace/open_tabs.html", takes_context=True)
def open_tabs_bar(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    name, _ = _page(request)
    return bar_context(
        request,
        active_id=current_ticket_id(request),
        home_active=name == "ticket_list",
        back_url=request.get_full_path(),
    )
