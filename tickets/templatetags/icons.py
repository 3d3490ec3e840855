"""{% icon "name" %}: an icon from the one SVG sprite, static/icons/sprite.svg.

Icons are drawn only in the sprite; templates name them, so one glyph means one thing everywhere.
Every icon is decorative (aria-hidden): the link or button around it carries the accessible name.
The svg.icon rules in base.css give the size and stroke; extra classes adjust them where needed:

    {% icon "chevron-down" class="chevron" %}
"""

from functools import cache

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()

SPRITE = "icons/sprite.svg"


@register.simple_tag
def icon(name, **attrs):
    extra = attrs.pop("class", "")
    if attrs:
        raise template.TemplateSyntaxError(f"{{% icon %}} takes only class=, not {', '.join(attrs)}")
    return _icon(name, extra)


@cache
def _icon(name, extra):
    # A list page draws a hundred icons: each name is built once per process (static() looks the
    # sprite's hashed name up in the manifest).
    return format_html(
        '<svg class="{}" aria-hidden="true"><use href="{}#icon-{}"></use></svg>',
        f"icon {extra}".strip(),
        static(SPRITE),
        name,
    )


@register.simple_tag
def icon_sprite():
    """The sprite's URL, for scripts that draw icons (body[data-icon-sprite])."""
    return static(SPRITE)
