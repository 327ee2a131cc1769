"""Shared terminal output for commands: consoles, tables, messages and JSON, all made safe.

Whatever a command prints may come from a lesson file, a board or a user's folder, and such
text can hold terminal escape sequences (`\\x1b[2J` clears the screen, `\\x1b]0;…\\x07` retitles
the window) or other control characters. Everything printed through this module goes through
kit.text first (kit/text.py owns the rule): the consoles strip control characters from every
string they render (rich's own colours are added afterwards), table cells are one line and
bounded, messages printed with `echo` are stripped, and JSON escapes what JSON itself leaves
raw.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from kit.text import one_line, printable

MAX_CELL_CHARS = 200  # a table cell; the whole text is in --json or the file itself
# JSON escapes C0 controls itself; DEL and C1 controls (\x9b is an 8-bit CSI) stay raw with
# ensure_ascii=False, so they are written as \\u escapes (the same string for a JSON reader).
_RAW_IN_JSON = re.compile("[\x7f-\x9f]")


class SafeConsole(Console):
    """A rich console that strips control characters from every string it renders.

    render_str is where rich turns each str (a printed message, a table cell, a title) into
    styled text, before it adds its own escape sequences for colour, so those still work.
    """

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(printable(text), **kwargs)


# Messages and tables go to stderr so stdout stays clean for data (`klimakit ... > file`).
err_console = SafeConsole(stderr=True, highlight=False)
out_console = SafeConsole(highlight=False)


def echo(message: str, err: bool = False) -> None:
    """Print one message (plain text, no markup) without control characters."""
    click.echo(printable(message), err=err)


def plain(text: str, max_chars: int | None = None) -> str:
    """Text from a file or a board, safe inside a rich markup string: one line, no markup."""
    return escape(one_line(text, max_chars))


def json_text(data: object) -> str:
    """JSON for stdout: readable Danish letters, and no raw control character anywhere."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return _RAW_IN_JSON.sub(lambda match: "\\u{:04x}".format(ord(match.group())), text)


def make_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> Table:
    """A rich table with one header per column and text cells (what list commands show).

    Cells are plain text, made safe here: one line, at most MAX_CELL_CHARS, no control
    characters, and a lesson title or board name with '[bold]' or '[/]' in it is shown as
    written instead of being taken as rich markup (or crashing on it).
    """
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(plain(cell, MAX_CELL_CHARS) for cell in row))
    return table


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Print a listing as a table titled "<title> (<number of rows>)"."""
    rows = list(rows)
    out_console.print(make_table("{} ({})".format(title, len(rows)), columns, rows))
