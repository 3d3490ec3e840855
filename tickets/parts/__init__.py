"""Page parts: what each region of a page needs to render, built in one place.

A ticket page, the list workspace and their HTMX updates are made of parts (the header, the
Activities and History tabs, the tags, links and attachments cards, the open tabs bar, the views
sidebar). Each part has a context builder here and a template (or a named partial); the page's
template tags and the views that re-render a part after a change both call the same builder, so
the page and a swap always agree, and views and template tags never import each other.

`render_parts` makes one HTMX response out of several parts: the one the request targets first,
then the parts that swap themselves out of band (`hx-swap-oob` in their template).
"""

from django.http import HttpResponse
from django.template.loader import render_to_string


def render_parts(request, *parts, status=200):
    """An HttpResponse of the parts, each a (template name, context) pair, in order."""
    html = "".join(render_to_string(template, context, request) for template, context in parts)
    return HttpResponse(html, status=status)
