"""The ticket list's views sidebar and filter schemes menu (SPEC L7, L8), as inclusion tags.

    {% load ticket_views %}{% views_sidebar %} ... {% filter_schemes_menu %}

Both read the list's query from `request` in the context and cost a constant number of queries:
the sidebar two (team views, the user's My views with their views), the menu one.
"""

from django import template

from ..parts.workspace import SCHEMES_TEMPLATE, SIDEBAR_TEMPLATE, schemes_context, sidebar_context
from ..saved_views import list_back

register = template.Library()


@register.inclusion_tag(SIDEBAR_TEMPLATE, takes_context=True)
def views_sidebar(context):
    request = context["request"]
    return sidebar_context(request.user, list_back(request.GET))


@register.inclusion_tag(SCHEMES_TEMPLATE, takes_context=True)
def filter_schemes_menu(context):
    request = context["request"]
    return schemes_context(request.user, list_back(request.GET))
