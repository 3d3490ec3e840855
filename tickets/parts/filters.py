"""The list's filter panel (SPEC L4) as plain data: one entry per filter, its options marked chosen.

Django renders every widget, and every checkbox of a multiple choice, through a template of its
own: about eighty template renders for the panel, a fifth of the whole list page's time. The panel
shows the same controls from this data in one loop of the list's template instead. The form (a
TicketFilterSet's) still parses and validates what is sent; only the drawing moves here.
"""

from django import forms


def filter_controls(bound_fields):
    """[{kind, name, id, label, errors, ...}] for the bound fields of a filter form, in order.

    kind "choices": checkboxes, with options [(value, label, checked)];
    kind "select": a single choice, with options [(value, label, selected)];
    kind "input": a text, number or date input, with type, value and attrs (min, step).
    """
    return [_control(field) for field in bound_fields]


def _control(field):
    widget = field.field.widget
    control = {"name": field.html_name, "id": field.auto_id, "label": field.label, "errors": field.errors}
    if isinstance(widget, forms.CheckboxSelectMultiple):
        chosen = {str(value) for value in field.value() or ()}
        return control | {"kind": "choices", "options": _options(field, chosen)}
    if isinstance(widget, forms.Select):
        value = field.value()
        return control | {"kind": "select", "options": _options(field, {"" if value is None else str(value)})}
    value = widget.format_value(field.value())
    attrs = {key: value for key, value in widget.attrs.items() if key in ("min", "max", "step")}
    return control | {"kind": "input", "type": widget.input_type, "value": value, "attrs": attrs}


def _options(field, chosen):
    return [(str(value), label, str(value) in chosen) for value, label in _choices(field.field)]


def _choices(formfield):
    """The field's (value, label) pairs; a model choice reads its queryset in one plain query
    (Django's ModelChoiceIterator opens a server-side cursor for it: three round trips)."""
    queryset = getattr(formfield, "queryset", None)
    if queryset is None:
        return formfield.choices
    key = formfield.to_field_name or "pk"
    empty = [("", formfield.empty_label)] if formfield.empty_label is not None else []
    return empty + [(getattr(item, key), formfield.label_from_instance(item)) for item in queryset]
