"""CSV cells: a spreadsheet must show every cell as text, whatever whitespace comes first."""

from __future__ import annotations

import pytest

from bot.views.export import FORMULA_TRIGGERS, cell

LEADING = {
    "nothing": "",
    "space": " ",
    "spaces and line breaks": " \n \r\n",
    "no-break space U+00A0": "\u00a0",
    "ideographic space U+3000": "\u3000",
    **{f"U+{code:04X}": chr(code) for code in range(0x2000, 0x200B)},  # en quad … hair space
    "narrow no-break space U+202F": "\u202f",
    "medium mathematical space U+205F": "\u205f",
    "ogham space mark U+1680": "\u1680",
    "next line U+0085": "\u0085",
    "line separator U+2028": "\u2028",
    "paragraph separator U+2029": "\u2029",
    "vertical tab and form feed": "\v\f",
    "zero-width space U+200B": "\u200b",
    "zero-width no-break space U+FEFF": "\ufeff",
    "zero-width joiner U+200D": "\u200d",
    "word joiner U+2060": "\u2060",
    "left-to-right mark U+200E": "\u200e",
    "soft hyphen U+00AD": "\u00ad",
    "a mix": "\ufeff\u00a0 \u200b\u3000\n",
}


@pytest.mark.parametrize("lead", LEADING.values(), ids=LEADING.keys())
@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS, ids=repr)
def test_formula_after_any_leading_whitespace_is_neutralised(lead, trigger):
    text = f'{lead}{trigger}HYPERLINK("http://evil.example")'
    assert cell(text) == "'" + text


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"])
def test_every_trigger_is_listed(trigger):
    assert trigger in FORMULA_TRIGGERS


@pytest.mark.parametrize(
    "text", ["plain text", "\u00a0plain", "\u3000BR-1", "a = b", "x+1", "\u200b#ad", "1-2", "", " ", "\u00a0"]
)
def test_text_that_is_no_formula_is_left_alone(text):
    assert cell(text) == text


def test_values_that_are_not_text():
    from datetime import date

    assert cell(None) == ""
    assert cell(3) == "3"
    assert cell(-3) == "'-3"  # a negative number reads as a formula too: shown as text
    assert cell(date(2027, 3, 1)) == "2027-03-01"
