"""The files of one recording: CSV data, raw log, JSON sidecar; written line by line, read back.

A run is three files sharing a stem, e.g. ``afkoeling-20261125-101500``:

- ``.csv``  columns ``time, seconds, board, <field…>``: the host's receive time (ISO 8601 local
  time with milliseconds), seconds since the start, the board (or radio sender) name, then one
  column per field. Flushed as soon as lines arrive (the lines that arrived together are
  written, then flushed), so a crash or a pulled plug loses nothing already received.
  The Danish-Excel style (``--excel-da``) uses ``;``, a decimal comma, a space instead of ``T`` in
  the time and a UTF-8 BOM so Excel shows æøå.
- ``.raw.log`` every line that is not data (REPL banners, tracebacks, noise, wrong field counts),
  with time, board and reason: kept and counted, never in the CSV.
- ``.json`` the sidecar: lesson, fields with units, boards, firmware hash, start/end, counts and
  the event list (unplugged / replugged / wrong program). Written at the start and on every event.
"""
from __future__ import annotations

import csv
import json
import logging
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from kit.errors import RecordingError

log = logging.getLogger(__name__)

SIDECAR_FORMAT = "klimakit-run/1"
PREFIX_COLUMNS = ("time", "seconds", "board")
MIN_FREE_BYTES = 20 * 1024 * 1024  # a 20-minute class recording is ~2 MB; keep a margin


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


def format_number(value: float | str, style: CsvStyle = STANDARD) -> str:
    """Write a value as read (ints stay ints), with the style's decimal mark."""
    return str(value).replace(".", style.decimal)


def _printable(text: str) -> str:
    return text if text.isprintable() else repr(text)[1:-1]


class RunWriter:
    """Create a run's files at once (so an unwritable folder fails at the start) and append."""

    def __init__(self, paths: RunPaths, style: CsvStyle = STANDARD) -> None:
        self.paths, self.style = paths, style
        self.fields: tuple[str, ...] = ()
        folder = paths.csv.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            free = shutil.disk_usage(folder).free
        except OSError as err:
            raise RecordingError("cannot create the folder {} ({}). Choose another with "
                                 "--out.".format(folder, err.strerror or err)) from err
        if free < MIN_FREE_BYTES:
            raise RecordingError("only {:.1f} MB free in {}: not enough for a recording. Free "
                                 "some space or choose another folder with --out.".format(
                                     free / 1e6, folder))
        try:
            self._csv: TextIO = open(paths.csv, "x", newline="", encoding=style.encoding)
            self._raw: TextIO = open(paths.raw, "x", encoding="utf-8")
        except OSError as err:
            raise RecordingError("cannot write in {} ({}). Choose another folder with "
                                 "--out.".format(folder, err.strerror or err)) from err
        self._writer = csv.writer(self._csv, delimiter=style.delimiter)
        self._time_cache: tuple[float | None, str] = (None, "")

    def set_fields(self, fields: Sequence[str]) -> None:
        """Write the CSV header row (once: the columns of a run never change)."""
        if not self.fields:
            self.fields = tuple(fields)
            self._writer.writerow(PREFIX_COLUMNS + self.fields)
            self._csv.flush()

    def write_row(self, when: float | None, seconds: float, board: str,
                  values: Sequence[float | str], *, flush: bool = True) -> None:
        """Append one reading (`when` None: time unknown, left empty) and flush it to disk.

        flush=False lets a caller write the lines that arrived together and then call flush().
        """
        if when != self._time_cache[0]:  # lines that arrived together share one timestamp
            self._time_cache = (when, "" if when is None else format_time(when, self.style))
        if self.style.decimal == ".":  # csv writes numbers with str(), as format_number does
            self._writer.writerow([self._time_cache[1], round(seconds, 3), board, *values])
        else:
            self._writer.writerow([self._time_cache[1],
                                   format_number(round(seconds, 3), self.style), board,
                                   *(format_number(v, self.style) for v in values)])
        if flush:
            self._csv.flush()

    def flush(self) -> None:
        """Push written rows to disk."""
        self._csv.flush()

    def write_raw(self, when: float, board: str, reason: str, text: str) -> None:
        """Append a non-data line (or an event) to the raw log."""
        self._raw.write("{}\t{}\t{}\t{}\n".format(format_time(when), board, reason,
                                                 _printable(text)))
        self._raw.flush()

    def close(self) -> None:
        for handle in (self._csv, self._raw):
            try:
                handle.close()
            except OSError as err:  # disk full on the last flush: what was written stays
                log.warning("closing %s: %s", handle.name, err)


def write_sidecar(path: Path, meta: dict[str, Any]) -> None:
    """Write the sidecar JSON atomically (a crash leaves the old or the new one, never half)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_sidecar(csv_path: Path) -> dict[str, Any]:
    """Return the sidecar of a CSV file, or {} if it has none or it is unreadable."""
    path = csv_path.with_suffix(".json")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


@dataclass
class Series:
    """One board's readings from a CSV: seconds since start and one list per field."""

    seconds: list[float]
    values: dict[str, list[float]]


@dataclass
class RunData:
    """A recording read back: fields and per-board series, plus the sidecar."""

    fields: tuple[str, ...]
    boards: dict[str, Series]
    meta: dict[str, Any]
    skipped_rows: int


def _float(text: str) -> float:
    return float(text.strip().replace(",", "."))


def _seconds_from_time(text: str) -> float:
    return datetime.fromisoformat(text.strip().replace(",", ".")).timestamp()


def read_run(csv_path: Path) -> RunData:
    """Read a run CSV in either style (',' or ';' with decimal comma). Bad rows are skipped."""
    try:
        text = csv_path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise RecordingError("cannot read {}: {}".format(csv_path, err)) from err
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    if not rows or [c.strip() for c in rows[0][:1]] != ["time"] or "board" not in rows[0]:
        raise RecordingError("{} is not a klimakit recording: its first row must be "
                             "'time, seconds, board, …'".format(csv_path))
    header = [c.strip() for c in rows[0]]
    board_at = header.index("board")
    seconds_at = header.index("seconds") if "seconds" in header else None
    fields = tuple(header[board_at + 1:])
    boards: dict[str, Series] = {}
    skipped, t0 = 0, None
    for row in rows[1:]:
        try:
            if seconds_at is not None and row[seconds_at].strip():
                seconds = _float(row[seconds_at])
            else:
                stamp = _seconds_from_time(row[0])
                t0 = stamp if t0 is None else t0
                seconds = stamp - t0
            values = [_float(v) if v.strip() else float("nan") for v in row[board_at + 1:]]
            if len(values) != len(fields):
                raise ValueError("wrong number of columns")
        except (ValueError, IndexError):
            skipped += 1
            continue
        series = boards.setdefault(row[board_at], Series([], {f: [] for f in fields}))
        series.seconds.append(seconds)
        for name, value in zip(fields, values):
            series.values[name].append(value)
    return RunData(fields, boards, read_sidecar(csv_path), skipped)
