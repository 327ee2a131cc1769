"""The files of one recording: CSV data, raw log, JSON sidecar, written in batches, never torn.

A run is three files sharing a stem, e.g. ``afkoeling-20261125-101500``:

- ``.csv``  columns ``time, seconds, board, <field…>``: the host's receive time (ISO 8601 local
  time with milliseconds), seconds since the start, the board (or radio sender) name, then one
  column per field. The Danish-Excel style (``--excel-da``) uses ``;``, a decimal comma, a
  space instead of ``T`` in the time and a UTF-8 BOM so Excel shows æøå. Text cells (field
  names, board names) go through kit.text.csv_cell, so a spreadsheet never runs one as a formula.
- ``.raw.log`` every line that is not data (REPL banners, tracebacks, noise, wrong field counts),
  with time, board and reason: kept and counted, never in the CSV.
- ``.json`` the sidecar: lesson, fields with units, boards, firmware hash, start/end, counts and
  the event list. Replaced atomically (never half written); kit/record/recorder.py writes it at
  the start, on events, every few seconds and at the end.

RunWriter collects rows and raw lines and writes them with one os.write per batch (the recorder
flushes after each round of lines it takes from the boards, so a line is on disk milliseconds
after it arrived). Only whole rows reach the file: when a write fails part-way (disk full), the
CSV is cut back to its last complete row and `flush` returns which rows were not written, so the
recorder counts them as lost. While a recording runs, the CSV holds an exclusive lock (POSIX
flock, released by the kernel even after SIGKILL: `is_recording` tells a live run from a dead
one) and a small reserve file keeps room for the final sidecar and graph on a filling disk.
"""
from __future__ import annotations

import csv
import io
import json
import logging
import math
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kit.i18n import gettext as _
from kit.i18n import number, os_reason
from kit.errors import RecordingError
from kit.record.appender import Appender, FlushError, lock, make_reserve
from kit.text import csv_cell, printable

log = logging.getLogger(__name__)

SIDECAR_FORMAT = "klimakit-run/1"
PREFIX_COLUMNS = ("time", "seconds", "board")
MIN_FREE_BYTES = 20 * 1024 * 1024  # a 20-minute class recording is ~2 MB; keep a margin
RESERVE_BYTES = 1024 * 1024  # room for the final sidecar, raw-log note and graph
RAW_TEXT_CHARS = 1000  # what the raw log keeps of one line


@dataclass(frozen=True)
class CsvStyle:
    """How numbers and times are written: international or Danish Excel."""

    delimiter: str = ","
    decimal: str = "."
    encoding: str = "utf-8"
    time_sep: str = "T"


STANDARD = CsvStyle()
EXCEL_DA = CsvStyle(";", ",", "utf-8-sig", " ")


@dataclass(frozen=True)
class RunPaths:
    """Where the files of one run go."""

    csv: Path
    raw: Path
    sidecar: Path
    plot: Path

    @classmethod
    def for_stem(cls, out_dir: Path, stem: str) -> RunPaths:
        return cls(out_dir / (stem + ".csv"), out_dir / (stem + ".raw.log"),
                   out_dir / (stem + ".json"), out_dir / (stem + ".png"))

    @property
    def reserve(self) -> Path:
        """The space reserve kept while recording (removed at the end)."""
        return self.csv.with_name("." + self.csv.stem + ".reserve")


def new_stem(out_dir: Path, base: str, when: float) -> str:
    """Return '<base>-YYYYMMDD-HHMMSS', with a suffix if such files already exist."""
    stem = "{}-{}".format(base, datetime.fromtimestamp(when).strftime("%Y%m%d-%H%M%S"))
    candidate, n = stem, 2
    while any((out_dir / (candidate + ext)).exists() for ext in (".csv", ".json", ".raw.log")):
        candidate, n = "{}-{}".format(stem, n), n + 1
    return candidate


def format_time(when: float, style: CsvStyle = STANDARD) -> str:
    """ISO 8601 local time with milliseconds (Danish Excel: space and decimal comma)."""
    text = datetime.fromtimestamp(when).isoformat(sep=style.time_sep, timespec="milliseconds")
    return text.replace(".", style.decimal)


class _Clock:
    """format_time for many stamps: the date and time of day are worked out once a second."""

    def __init__(self, style: CsvStyle) -> None:
        self.style = style
        self._second: tuple[int, str] = (-1, "")

    def text(self, when: float) -> str:
        fraction, whole = math.modf(when)  # rounded to µs as datetime.fromtimestamp does
        micro, second = round(fraction * 1e6), int(whole)
        if micro >= 1_000_000:
            micro, second = micro - 1_000_000, second + 1
        elif micro < 0:
            micro, second = micro + 1_000_000, second - 1
        ms = micro // 1000  # cut, as isoformat's milliseconds are
        if second != self._second[0]:
            self._second = (second, datetime.fromtimestamp(second).isoformat(
                sep=self.style.time_sep, timespec="seconds"))
        return "{}{}{:03d}".format(self._second[1], self.style.decimal, ms)


def format_number(value: float | str, style: CsvStyle = STANDARD) -> str:
    """Write a value as read (ints stay ints), with the style's decimal mark."""
    return str(value).replace(".", style.decimal)


class RunWriter:
    """Create a run's files at once (so an unwritable folder fails at the start) and append."""

    def __init__(self, paths: RunPaths, style: CsvStyle = STANDARD, *,
                 reserve_bytes: int = 0) -> None:
        self.paths, self.style = paths, style
        self.fields: tuple[str, ...] = ()
        self.error: OSError | None = None  # the first write error; nothing is written after it
        folder = paths.csv.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            free = shutil.disk_usage(folder).free
        except OSError as err:
            raise RecordingError(_("cannot create the folder {folder} ({reason}). Choose "
                                   "another with --out.").format(folder=folder,
                                                                 reason=os_reason(err))) from err
        if free < MIN_FREE_BYTES:
            raise RecordingError(_("only {mb} MB free in {folder}: not enough for a recording. "
                                   "Free some space or choose another folder with --out.")
                                 .format(mb=number(free / 1e6, 1), folder=folder))
        try:
            self._csv = Appender(paths.csv)
            self._raw = Appender(paths.raw)
        except OSError as err:
            raise RecordingError(_("cannot write in {folder} ({reason}). Choose another folder "
                                   "with --out.").format(folder=folder, reason=os_reason(err))
                                 ) from err
        lock(self._csv.fd)
        self._reserve = make_reserve(paths.reserve, reserve_bytes)
        self._time_cache: tuple[float | None, str] = (None, "")
        self._clock = _Clock(style)
        self._cells: dict[str, str] = {}
        self._values = io.StringIO()  # one writer for all rows: making one costs as much
        self._values_writer = csv.writer(self._values, delimiter=style.delimiter,
                                         lineterminator="\n")

    def set_fields(self, fields: Sequence[str]) -> None:
        """Add the CSV header row (once: the columns of a run never change); flush() writes it
        before any row."""
        if not self.fields:
            self.fields = tuple(fields)
            bom = "\ufeff" if self.style.encoding == "utf-8-sig" else ""  # Excel: UTF-8, not ANSI
            self._csv.add(bom + self._csv_line(PREFIX_COLUMNS + tuple(csv_cell(f)
                                                                     for f in fields)))

    def _csv_line(self, cells: Sequence[object]) -> str:
        out = io.StringIO()
        csv.writer(out, delimiter=self.style.delimiter, lineterminator="\r\n").writerow(cells)
        return out.getvalue()

    def _prefix(self, when: float | None, seconds: float, board: str) -> str:
        if when != self._time_cache[0]:  # lines that arrived together share one timestamp
            self._time_cache = (when, "" if when is None else self._clock.text(when))
        cell = self._cells.get(board)
        if cell is None:
            cell = self._cells[board] = self._csv_line([csv_cell(board)])[:-2]
        stamp = str(round(seconds, 3)).replace(".", self.style.decimal)
        sep = self.style.delimiter
        return self._time_cache[1] + sep + stamp + sep + cell + sep

    def add_rows(self, when: float | None, seconds: float, board: str,
                 rows: Sequence[Sequence[float | str]], owner: object = None) -> None:
        """Add readings that arrived together (one time, one board); flush() writes them.

        `owner` is handed back by flush() with the number of these rows that were not written.
        """
        self._values.seek(0)
        self._values.truncate()
        self._values_writer.writerows(rows)
        values = self._values.getvalue()  # numbers only (and empty cells): '.' is a decimal point
        if values.startswith('""\n') or '\n""\n' in values:  # csv's way to write [""] alone
            values = "\n".join("" if v == '""' else v for v in values.split("\n"))
        if self.style.decimal != ".":
            values = values.replace(".", self.style.decimal)
        prefix = self._prefix(when, seconds, board)
        self._csv.add((prefix + values.replace("\n", "\r\n" + prefix))[:-len(prefix)], owner,
                      len(rows))

    def write_row(self, when: float | None, seconds: float, board: str,
                  values: Sequence[float | str], *, flush: bool = True) -> None:
        """Append one reading (`when` None: time unknown, left empty), written at once unless
        flush=False."""
        self.add_rows(when, seconds, board, [values])
        if flush:
            self.flush()

    def write_raw(self, when: float, board: str, reason: str, text: str,
                  owner: object = None) -> None:
        """Add a non-data line (or an event) to the raw log; flush() writes it."""
        # Escaped, not stripped: the raw log is where a teacher or we look for what went wrong.
        clean = printable(text if text.isprintable() else repr(text)[1:-1], RAW_TEXT_CHARS)
        self._raw.add("{}\t{}\t{}\t{}\n".format(format_time(when), printable(board), reason,
                                               clean), owner, 1)

    def flush(self) -> list[tuple[object, int]]:
        """Write what was added. Returns (owner, count) for rows and raw lines that could not be
        written (after the first write error nothing more is written; see `error`)."""
        lost: list[tuple[object, int]] = []
        for appender in (self._csv, self._raw):
            if self.error is not None:
                lost += [(o, n) for o, n, _length in appender.segments]
                appender.parts, appender.segments = [], []
                continue
            try:
                appender.flush()
            except FlushError as err:
                self.error = err
                lost += err.lost
                self.release_reserve()  # room for the final sidecar and graph
        return lost

    def release_reserve(self) -> None:
        """Remove the space reserve (at the end of a run, or when the disk is full)."""
        if self._reserve:
            self._reserve = False
            try:
                self.paths.reserve.unlink()
            except OSError as err:
                log.warning("cannot remove %s: %s", self.paths.reserve, err)

    def close(self) -> None:
        """Write what is left, close the files and remove the reserve."""
        self.flush()
        for appender in (self._csv, self._raw):
            try:
                appender.close()
            except OSError as err:
                log.warning("closing %s: %s", appender.path, err)
        self.release_reserve()


def write_sidecar(path: Path, meta: dict[str, Any]) -> None:
    """Write the sidecar JSON atomically (a crash leaves the old or the new one, never half)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def read_sidecar(csv_path: Path) -> dict[str, Any]:
    """Return the sidecar of a CSV file, or {} if it has none or it is unreadable."""
    path = csv_path.with_suffix(".json")
    try:
        if not path.is_file() or path.stat().st_size > 64 * 1024 * 1024:
            return {}
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}
