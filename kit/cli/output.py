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
from rich import box
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


MAX_WORD_WIDTH = 20  # a column is made wide enough for its longest word, up to this


def _cell(value: str | Sequence[str]) -> str:
    lines = [value] if isinstance(value, str) else list(value)
    return "\n".join(plain(line, MAX_CELL_CHARS) for line in lines)


def _min_widths(columns: Sequence[str], rows: list[list[str]], keep: Sequence[int],
                width: int) -> list[int]:
    """Columns in `keep` at full width; every other column as wide as its header's longest
    word and its cells' longest word, that one at most MAX_WORD_WIDTH letters, or fewer when
    the terminal is narrow (then rich wraps the cells as it can)."""
    def longest(texts: list[str]) -> int:
        return max((len(word) for text in texts for word in text.split()), default=1)

    kept = {n: max(len(line) for text in [columns[n]] + [row[n] for row in rows if n < len(row)]
                   for line in text.split("\n")) for n in keep if n < len(columns)}
    headers = [longest([column]) for column in columns]
    cells = [longest([row[n] for row in rows if n < len(row)]) for n in range(len(columns))]
    for cap in (MAX_WORD_WIDTH, 12, 8, 0):
        widths = [kept[n] if n in kept else max(headers[n], min(cap, cells[n]))
                  for n in range(len(columns))]
        if sum(widths) + 3 * len(columns) + 1 <= width:
            return widths
    return [kept.get(n, 0) for n in range(len(columns))]


def make_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
               keep: Sequence[int] = (0,), width: int = 80) -> Table:
    """A rich table with one header per column and text cells (what list commands show).

    Cells are plain text, made safe here: one line, at most MAX_CELL_CHARS, no control
    characters, and a lesson title or board name with '[bold]' or '[/]' in it is shown as
    written instead of being taken as rich markup (or crashing on it). A cell given as a list
    of texts shows one per line.

    Nothing is cut off on a narrow terminal: the columns in `keep` (ids a teacher types, such
    as a lesson id or a board name) stay on one line at full width, the other columns wrap
    first, between words, and only a word longer than its column is folded.
    """
    cells = [[_cell(value) for value in row] for row in rows]
    table = Table(title=title, box=box.SIMPLE_HEAD)
    for number, (column, least) in enumerate(zip(columns, _min_widths(columns, cells, keep,
                                                                      width))):
        table.add_column(column, no_wrap=number in keep, overflow="fold", min_width=least)
    for row in cells:
        table.add_row(*row)
    return table


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
                keep: Sequence[int] = (0,)) -> None:
    """Print a listing as a table titled "<title> (<number of rows>)"."""
    rows = list(rows)
    out_console.print(make_table("{} ({})".format(title, len(rows)), columns, rows, keep,
                                 out_console.width))


def print_to_copy(text: str, err: bool = True) -> None:
    """Print a line meant to be copied (a command, a udev rule) whole, on its own line.

    It is never wrapped or cut at the terminal's width, so selecting it copies it exactly.
    """
    click.echo(printable(text), err=err)
