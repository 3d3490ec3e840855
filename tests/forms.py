"""Forms as a browser submits them: every value the page rendered, hidden inputs included."""

import lxml.html


def submitted(html, *, form_id=None, action=None):
    """{name: [values]} of the form with `form_id` (or whose action ends with `action`) in `html`."""
    page = lxml.html.fromstring(html)
    form = next(
        form for form in page.forms
        if (form_id is not None and form.get("id") == form_id)
        or (action is not None and (form.get("action") or "").endswith(action))
    )
    data = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return data


def with_changes(data, **changes):
    """The submitted data with some fields set as a person would (lists for multiple choices)."""
    data = dict(data)
    for name, value in changes.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        data[name] = ["" if item is None else str(item) for item in values]
    return data
