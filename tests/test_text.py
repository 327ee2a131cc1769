"""kit/text.py: control characters, length bounds and CSV formula cells."""
from __future__ import annotations

import pytest

from kit.text import csv_cell, one_line, printable


def test_printable_strips_terminal_escapes_and_keeps_tabs_and_newlines():
    assert printable("a\x1b[2Jb\x00c\td\ne\x9b") == "a[2Jbc\td\ne"


def test_printable_bounds_the_length_and_says_so():
    assert printable("x" * 50, max_chars=10) == "x" * 9 + "…"
    assert printable("kort", max_chars=10) == "kort"


def test_one_line_joins_lines():
    assert one_line("error: a\r\ntype: user\n") == "error: a type: user"


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"x\")", "+cmd|'/Ccalc'!A0", "@SUM(A1)",
                                  "-1+2", "\tx", "\rx"])
def test_formula_cells_become_text(cell: str):
    assert csv_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["21.5", "-3", "-3,5", "+4", "1e+10", "-.5", "temp", "",
                                  "gruppe-1"])
def test_numbers_and_plain_text_are_unchanged(cell: str):
    assert csv_cell(cell) == cell
