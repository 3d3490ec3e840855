"""Single-line text: names and titles never carry line breaks, tabs or other control characters.

A title or a name ends up in email subjects and headers, where a line break would break the message
(or inject headers); it is refused where it is typed (forms, the actions, Django admin).
"""

import re

from django.core.exceptions import ValidationError

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
MESSAGE = "Use a single line of text, without line breaks or tabs."


def validate_single_line(value):
    if CONTROL_CHARACTERS.search(value or ""):
        raise ValidationError(MESSAGE, code="control_characters")


def one_line(text):
    """`text` made safe for a single-line header, for text stored before the rule: spaces instead."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", text or "").split())
