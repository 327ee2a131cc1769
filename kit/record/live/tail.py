"""Follow a recording's CSV while it is written: the live page shows what is on disk.

The live page takes its readings from the CSV file (kit/record/files.py writes each round of
lines within milliseconds of their arrival), not from the recorder's writer thread: that thread
only drains readings and writes them (kit/record/recorder.py), and nothing the page does can
make it wait. What the page draws is then exactly what the CSV holds.

Only whole lines are taken (the writer writes whole rows; a row still being written waits for
the next read), at most MAX_READ_BYTES per read, so a very fast run is followed in steps and
never in one huge read. Both CSV styles are read (',' and '.'; Danish Excel ';' and ',').
"""
from __future__ import annotations

import csv
import logging
import math
import os
from dataclasses import dataclass
from pathlib import Path

from kit.record.files import PREFIX_COLUMNS, CsvStyle

log = logging.getLogger(__name__)

MAX_READ_BYTES = 1 << 18  # per read (10 a second): ~6,500 rows of sensortjek, 7x what 30 boards at
# full baud send; a faster flood is followed in steps and costs the recorder less


@dataclass(frozen=True)
class Row:
    """One reading of the CSV: the board's cell, seconds since the start, the values."""

    board: str
    seconds: float
    values: tuple[float | None, ...]


class CsvTail:
    """New whole rows of a CSV file that another thread is appending to."""

    def __init__(self, path: Path, style: CsvStyle) -> None:
        self.path, self.style = path, style
        self.fields: tuple[str, ...] = ()  # the field cells of the header row, once read
        self.skipped = 0  # rows that were not readings (never expected; counted, not raised)
        self._offset = 0
        self._started = False

    def read(self, max_bytes: int = MAX_READ_BYTES) -> list[Row]:
        """The rows appended since the last call (none if the file is not there yet)."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self._offset)
                blob = handle.read(max_bytes)
        except OSError as err:
            log.debug("live: cannot read %s: %s", self.path, err)
            return []
        end = blob.rfind(b"\n")
        if end < 0:
            return []
        self._offset += end + 1
        text = blob[:end + 1].decode(self.style.encoding if not self._started else "utf-8",
                                     errors="replace")
        self._started = True
        return self._rows(text.splitlines())

    def at_end(self) -> bool:
        """True when every byte of the file has been read (up to its last whole line)."""
        try:
            return os.path.getsize(self.path) <= self._offset
        except OSError:
            return True

    def _rows(self, lines: list[str]) -> list[Row]:
        rows = []
        decimal = self.style.decimal
        for cells in csv.reader(lines, delimiter=self.style.delimiter):
            if not self.fields:
                if tuple(cells[:3]) == PREFIX_COLUMNS:
                    self.fields = tuple(cells[3:])
                continue
            if len(cells) != 3 + len(self.fields):
                self.skipped += 1
                continue
            try:
                seconds = float(cells[1].replace(decimal, "."))
                values = tuple(_number(c, decimal) for c in cells[3:])
            except ValueError:
                self.skipped += 1
                continue
            rows.append(Row(cells[2], seconds, values))
        return rows


def _number(cell: str, decimal: str) -> float | None:
    if not cell:
        return None
    value = float(cell.replace(decimal, "."))
    return value if math.isfinite(value) else None
