"""Text from boards and files, made safe to show and to store: one owner for these rules.

A board, a FAIL.TXT, a CSV or a lesson file may contain anything: terminal escape sequences
(`\\x1b[2J` clears a teacher's terminal), NUL bytes, megabytes without a line break, or a cell
that a spreadsheet runs as a formula (`=HYPERLINK(...)`, `+cmd|'/Ccalc'!A0`). Every room that
prints or writes such text asks here instead of keeping its own filter.
"""
from __future__ import annotations

import re

# C0 and C1 control characters except tab and newline, and DEL: what a terminal interprets.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# OWASP "CSV injection": a cell starting with one of these is run as a formula by Excel,
# LibreOffice and Google Sheets. Tab and CR are on the list because Excel skips them first.
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def printable(text: str, max_chars: int | None = None) -> str:
    """Return `text` without control characters (tabs and newlines kept), at most max_chars.

    A cut text ends with '…' so a reader sees that something was left out.
    """
    clean = _CONTROL.sub("", text)
    if max_chars is not None and len(clean) > max_chars:
        return clean[: max(0, max_chars - 1)] + "…"
    return clean


def one_line(text: str, max_chars: int | None = None) -> str:
    """Return printable text on one line: line breaks and tabs become spaces."""
    return printable(" ".join(text.split()), max_chars)


def csv_cell(value: str) -> str:
    """Return a CSV cell that a spreadsheet shows as text, never runs as a formula.

    Numbers (also negative ones and Danish decimal commas) are left alone; any other cell that
    starts with = + - @ tab or CR gets a leading apostrophe, as OWASP recommends.
    """
    if value.startswith(CSV_FORMULA_STARTS) and not _NUMBER.match(value):
        return "'" + value
    return value
