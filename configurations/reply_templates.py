"""Reply templates and the one placeholder engine (SPEC D14, B2, D4).

Team leaders write reply templates (configurations.models.ReplyTemplate) and sub-status messages
with placeholders that are filled in from the ticket when the text is used:

    {customer}    the contact's name ("customer" when the ticket has none)
    {reference}   the ticket's ID, e.g. T-000123
    {title}       the ticket's title
    {agent}       the agent writing (for automatic messages: the assigned agent, else "the support team")
    {status}      the sub-status's name, else the main status
    {cf:<key>}    a custom field's value, by the field's key (e.g. {cf:order}); empty when the
                  ticket has no value for it
    {{ and }}     a literal { and }

The rules are strict where a person writes the text and forgiving where it is sent:
- `validate(text)` refuses, when the text is saved, any placeholder it does not know (a custom field
  key that does not exist included) and any brace that is not part of one, naming each problem, so a
  customer never receives "Dear {custmer}".
- `render(text, ticket, agent)` fills a text in. What `validate` accepts renders completely; a
  custom field deleted after the text was saved renders empty (as a field with no value does).
  With `strict=False` (texts saved before these rules, e.g. an old sub-status message) anything
  else is left as written instead of refused.
- `templates_for(ticket, channel)` lists the active templates an agent may pick for a ticket:
  global ones and those of its category, for email or SMS.

Template bodies are plain text; `render` returns plain text. A caller that puts the result in
HTML escapes it first (the values are customers' and agents' text).
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F, Q

# One scan over the text: an escaped brace, a placeholder, or a stray brace.
TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]{0,60})\}|[{}]")
CUSTOM_PREFIX = "cf:"

PLACEHOLDERS = {
    "customer": "the contact's name",
    "reference": "the ticket's ID",
    "title": "the ticket's title",
    "agent": "your name",
    "status": "the sub-status, else the status",
}


class PlaceholderError(ValidationError):
    """A text with placeholders that cannot be filled in; the messages say which and why."""


@dataclass(frozen=True)
class Placeholder:
    token: str  # as written, with its braces
    help: str


def available(custom_fields=None):
    """The placeholders a text may use, for the help beside a template's body."""
    from .models import CustomField

    fields = custom_fields if custom_fields is not None else CustomField.objects.filter(active=True).order_by("name")
    built_in = [Placeholder("{" + name + "}", help) for name, help in PLACEHOLDERS.items()]
    return built_in + [Placeholder("{" + CUSTOM_PREFIX + field.key + "}", field.name) for field in fields]


def _known_field_keys(keys):
    from .models import CustomField

    return set(CustomField.objects.filter(key__in=keys).values_list("key", flat=True)) if keys else set()


def _problems(text, *, check_fields=True):
    """Every problem of `text` as a sentence for the person who wrote it, in the order they appear."""
    problems, custom = [], []
    for match in TOKEN.finditer(text or ""):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        name = match.group(1)
        if name is None:
            problems.append(
                f"A “{token}” at character {match.start() + 1} is not part of a placeholder: "
                f"write {token * 2} for the brace itself."
            )
        elif name.startswith(CUSTOM_PREFIX):
            custom.append((name[len(CUSTOM_PREFIX):], token))
        elif name not in PLACEHOLDERS:
            problems.append(f"{token} is not a placeholder. Use one of {', '.join('{' + n + '}' for n in PLACEHOLDERS)}"
                            ", or {cf:<field key>}.")
    if check_fields:
        known = _known_field_keys({key for key, _ in custom})
        for key, token in custom:
            if key not in known:
                problems.append(f"{token} names no custom field: use a field's key, e.g. {{cf:order}}.")
    return problems


def validate(text):
    """Refuse a text with an unknown or malformed placeholder (raises PlaceholderError, a ValidationError)."""
    problems = _problems(text)
    if problems:
        raise PlaceholderError(problems, code="placeholder")


def _customer(ticket):
    contact = ticket.contact if ticket.contact_id else None
    return (contact.name if contact else "") or "customer"


def _agent(ticket, agent):
    from tickets.display import user_display

    if agent is not None:
        return user_display(agent)
    if ticket.assignee_id:
        return user_display(ticket.assignee)
    return "the support team"


def _status(ticket):
    return ticket.sub_status.name if ticket.sub_status_id else ticket.get_status_display()


def _custom_values(ticket, keys):
    from tickets.models import CustomFieldValue

    if not keys:
        return {}
    rows = CustomFieldValue.objects.filter(ticket=ticket, field__key__in=keys).select_related("field")
    return {row.field.key: row.display for row in rows}


def render(text, ticket, agent, *, strict=True):
    """`text` with its placeholders filled in from `ticket` (and `agent`, the person sending it).

    Raises PlaceholderError for a malformed or unknown placeholder, unless `strict` is False: then
    such parts stay as written. A custom field placeholder renders the ticket's value, or nothing
    when it has none or the field was deleted since the text was saved. One query for the custom
    fields the text names, none otherwise.
    """
    text = text or ""
    if strict:
        problems = _problems(text, check_fields=False)
        if problems:
            raise PlaceholderError(problems, code="placeholder")
    built_in = {
        "customer": lambda: _customer(ticket),
        "reference": lambda: ticket.reference,
        "title": lambda: ticket.title,
        "agent": lambda: _agent(ticket, agent),
        "status": lambda: _status(ticket),
    }
    names = [match.group(1) for match in TOKEN.finditer(text) if match.group(1) is not None]
    custom = _custom_values(ticket, {name[len(CUSTOM_PREFIX):] for name in names if name.startswith(CUSTOM_PREFIX)})

    def fill(match):
        token, name = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            return token[0]
        if name in built_in:
            return str(built_in[name]())
        if name is not None and name.startswith(CUSTOM_PREFIX):
            return str(custom.get(name[len(CUSTOM_PREFIX):], ""))
        return token  # only reached when not strict

    return TOKEN.sub(fill, text)


def templates_for(ticket, channel):
    """The active templates an agent may use on `ticket` for `channel` ("email" or "sms").

    Global templates and those of the ticket's category, the category's first, then by name.
    """
    from .models import ReplyTemplate

    channels = [channel, ReplyTemplate.Channel.BOTH]
    scope = Q(category__isnull=True)
    if ticket.category_id:
        scope |= Q(category_id=ticket.category_id)
    return (
        ReplyTemplate.objects.filter(scope, active=True, channel__in=channels)
        .select_related("category")
        .order_by(F("category_id").asc(nulls_last=True), "name", "pk")
    )
