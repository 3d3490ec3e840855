"""`{% open_tabs_bar %}`: the open ticket tabs above the workspace (SPEC L9).

It costs at most two queries: the user's preference row (none when the request already read it)
and the open tickets' titles, in one query whatever the number of tabs.
"""

from django import template

from ..parts.workspace import OPEN_TABS_TEMPLATE, bar_context

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


@register.inclusion_tag(OPEN_TABS_TEMPLATE, takes_context=True)
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
