"""Shared terminal output for commands: a rich console on stderr for messages and tables."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

# Messages and tables go to stderr so stdout stays clean for data (`klimakit ... > file`).
err_console = Console(stderr=True, highlight=False)
out_console = Console(highlight=False)


def make_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> Table:
    """A rich table with one header per column and text cells (what list commands show).

    Cells are plain text, escaped here: a lesson title or board name with '[bold]' or '[/]'
    in it is shown as written instead of being taken as rich markup (or crashing on it).
    """
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    return table


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Print a listing as a table titled "<title> (<number of rows>)"."""
    rows = list(rows)
    out_console.print(make_table("{} ({})".format(title, len(rows)), columns, rows))
