"""`{% ticket_left_panel ticket %}`: the Activities and History tabs of the ticket page (SPEC D2, D6, D7).

The panel renders the first page of each tab in a fixed number of queries, whatever the number
of notes and events: activities (authors and contacts joined), their mentions, history events
(actors joined), and custom field names when the page shows a custom field change.
"""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from ..actions.notes import MENTION
from ..parts.activities import activities_context
from ..parts.history import history_context

register = template.Library()

TABS = ("activities", "history")


@register.inclusion_tag("tickets/detail/left_panel.html", takes_context=True)
def ticket_left_panel(context, ticket):
    request = context["request"]
    selected = request.GET.get("panel")
    selected = selected if selected in TABS else "activities"
    # The hidden History tab loads its first page when it is first shown (a ticket with a long
    # history costs the page nothing until then).
    history = (
        history_context(request, ticket) if selected == "history" else {"history_deferred": True, "user": request.user}
    )
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "selected_tab": selected,
        **activities_context(request, ticket),
        **history,
    }


@register.filter
def note_text(activity):
    """The activity's body, escaped, line breaks kept, and the people it mentions highlighted."""
    body = escape(activity.body)
    usernames = set(activity.mentioned) if activity.is_note else set()
    if usernames:

        def highlight(match):
            name = match.group(1).rstrip(".")
            if name not in usernames:
                return match.group(0)
            rest = match.group(1)[len(name):]
            return format_html('<span class="mention">@{}</span>{}', name, rest)

        body = MENTION.sub(highlight, str(body))
    # Every part was escaped above (escape, format_html); only the <br>s are markup.
    return mark_safe(re.sub(r"\r\n|\r|\n", "<br>", str(body)))  # nosec B308 B703


@register.filter
def activity_icon(activity):
    """A small glyph name per kind and direction for the timeline marker."""
    if activity.kind == "note":
        return "note"
    return f"{activity.kind}-{activity.direction}"


@register.filter
def call_duration(seconds):
    """A call's duration as 4:05 or 1:02:03 (SPEC D14)."""
    from ..actions.conversations import duration_display

    return duration_display(seconds)
