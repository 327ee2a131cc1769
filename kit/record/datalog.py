"""Import a micro:bit V2 data log (MY_DATA.HTM, from MicroPython's `log` or MakeCode's
datalogger) into a klimakit run: the same CSV + sidecar as a recording, so `plot` draws it.

MY_DATA.HTM is not a normal file: DAPLink shows the V2's 128 KB log store as it is. Its
layout, from CODAL's MicroBitLog at tag v0.2.43, the CODAL of MicroPython 2.1.2
(lancaster-university/codal-microbit-v2 inc/MicroBitLog.h and source/MicroBitLog.cpp, _clear()
and logString()); docs/fieldlog.md has the figures::

    0      a 2048-byte HTML page (viewer script), ending in the marker  <!--FS_START
    2048   metadata: "UBIT_LOG_FS_V_002\\n", logEnd "0x%08X\\0", dataStart "0x%08X\\0",
           the DAPLink version "0255\\0"; then the column labels as CSV ending in "\\n" (an
           older label row zeroed before it), then 0xFF (unused flash)
    4096   journal: 8-hex-digit lengths of the data, a superseded entry zeroed
    8192   (dataStart) the log as CSV text: a label row, then one row per log.add(); a new
           label row whenever a column was added later. Unused flash after it reads 0xFF.
    131069 (logEnd + 1) "FUL" when the log filled the store; the file is 131,072 bytes.

Addresses are offsets in the file. Older CODAL (UBIT_LOG_FS_V_001) ended the metadata lines in
"\\n"; both are read. The viewer script also contains the text "<!--FS_START", so the metadata
is found as the marker directly followed by "UBIT_LOG_FS_V_". Timestamps are the board's time
since it started (column "Time (seconds)" etc.), so the CSV's `time` column is empty and
`seconds` comes from that column. A file cut off (shorter than logEnd + 4, no unused flash
after the data) keeps its whole rows and says so; a row cut off mid-write (no "\\n") goes to
the raw log. A CSV saved with the page's Download button is accepted too.
"""
from __future__ import annotations

import csv
import logging
import math
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kit import __version__
from kit.i18n import N_, os_reason
from kit.i18n import gettext as _
from kit.errors import RecordingError
from kit.record.files import (
    EXCEL_DA, SIDECAR_FORMAT, STANDARD, RunPaths, RunWriter, new_stem, write_sidecar,
)
from kit.record.readback import read_file_bytes, unique_names
from kit.text import one_line

log = logging.getLogger(__name__)

_META = re.compile(rb"<!--FS_START(UBIT_LOG_FS_V_\d{3})\n(0x[0-9A-Fa-f]{8})[\0\n]"
                   rb"(0x[0-9A-Fa-f]{8})[\0\n](?:(\d{4})[\0\n])?")
HEADER_BYTES = 2048  # the HTML page before the metadata; addresses count from the file start
_TIME_COLUMN = re.compile(r"^Time \((milliseconds|seconds|minutes|hours|days)\)$")
_TIME_SCALE = {"milliseconds": 0.001, "seconds": 1.0, "minutes": 60.0, "hours": 3600.0,
               "days": 86400.0}
_UNIT_IN_LABEL = re.compile(r"^(.*?)\s*\(([^()]{1,16})\)$")
MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class DataLog:
    """The log found in a MY_DATA.HTM: its CSV text and what the metadata says."""

    csv_text: str
    version: str = ""
    daplink: str = ""
    full: bool = False
    cut_off: bool = False  # the file ends inside the data: it was not copied whole
    partial_row: str = ""  # a last row without its end (the board stopped while writing it)


def read_my_data(path: Path) -> DataLog:
    """Find the CSV inside MY_DATA.HTM (or accept a downloaded CSV). Raises RecordingError."""
    blob = read_file_bytes(path, MAX_FILE_BYTES, N_("micro:bit data log (MY_DATA.HTM)"))
    match = _META.search(blob)
    if match is None:
        if b"FS_START" in blob or b"UBIT_LOG_FS" in blob:
            raise RecordingError(_("{path}: the data log's header is damaged or cut off. Copy "
                                   "MY_DATA.HTM from the MICROBIT drive again.").format(
                                       path=path))
        return DataLog(_plain_csv(blob, path))
    base = match.start(1) - HEADER_BYTES  # file offset of address 0
    log_end = int(match.group(2), 16) + base
    data_start = int(match.group(3), 16) + base
    labels_end = blob.find(b"\xff", match.end())  # metadata and labels end in unused flash
    labels_end = len(blob) if labels_end < 0 else labels_end
    if not labels_end <= data_start < log_end or data_start > len(blob):
        raise _damaged(path, _("data should start at byte {start}, after the labels at "
                               "{labels}, and before the end of the file ({end})").format(
                                   start=data_start, labels=labels_end, end=len(blob)))
    end = blob.find(b"\xff", data_start, log_end)
    cut_off = end < 0 and len(blob) < log_end
    data = blob[data_start: end if end >= 0 else min(log_end, len(blob))]
    full = blob[log_end + 1: log_end + 4] == b"FUL"
    text = data.decode("utf-8", "replace")
    _check_first_row(path, text, blob[match.end():labels_end].decode("utf-8", "replace"))
    text, _nl, partial = text.rpartition("\n") if "\n" in text else ("", "", text)
    return DataLog(text + _nl, match.group(1).decode(), (match.group(4) or b"").decode(), full,
                   cut_off, partial)


def log_notes(datalog: DataLog) -> list[str]:
    """What the teacher must know about a log that was read: full, cut off."""
    notes = []
    if datalog.full:
        notes.append(_("the log is full: readings after it filled were not kept. "
                       "Clear it before the next field trip."))
    if datalog.cut_off:
        notes.append(_("MY_DATA.HTM ends inside the data (not copied whole): its whole "
                       "rows are kept. Plug the board in again and collect once more."))
    if datalog.partial_row:
        notes.append(_("the last row was cut off while being written (the board was "
                       "switched off or reset): it is in the raw log only"))
    return notes


def _damaged(path: Path, detail: str) -> RecordingError:
    return RecordingError(_("{path}: the data log is cut off or damaged ({problem}). Copy "
                            "MY_DATA.HTM from the MICROBIT drive again.").format(
                                path=path, problem=detail))


def _check_first_row(path: Path, text: str, labels_text: str) -> None:
    """The log starts with a label row made of the labels the metadata lists (CODAL writes
    both); anything else means the addresses point at the wrong place."""
    labels = {c.strip() for c in next(csv.reader([labels_text.strip("\x00\r\n ")]), [])}
    first = next(csv.reader([text.split("\n", 1)[0]]), [])
    if text and labels - {""} and not {c.strip() for c in first} <= labels:
        raise _damaged(path, _("its first row {row!r} is not the labels {labels!r}").format(
            row=one_line(",".join(first), 60), labels=one_line(",".join(sorted(labels)), 60)))


def _plain_csv(blob: bytes, path: Path) -> str:
    text = blob.decode("utf-8-sig", "replace")
    first = text.split("\n", 1)[0]
    if "\x00" in text or "," not in first or "<" in first:
        raise RecordingError(_("{path} is not a micro:bit data log: no MY_DATA.HTM log inside "
                               "and not a CSV file. Copy MY_DATA.HTM from the MICROBIT drive of "
                               "a V2 whose program uses the log module.").format(path=path))
    return text


def number_of(cell: str) -> float | str:
    """A cell's number, or '' (an empty cell) for text, nan and inf (no graph can draw them)."""
    try:
        value = float(cell)
    except ValueError:
        return ""
    if not math.isfinite(value):
        return ""
    return int(cell) if cell.strip().lstrip("+-").isdigit() else value


@dataclass
class _Table:
    columns: list[str]
    rows: list[tuple[float, dict[str, str]]]
    untimed: bool


def table_of(text: str) -> _Table:
    """Rows as {label: cell}; label rows (the first, and after new columns) switch labels."""
    labels: list[str] = []
    columns: list[str] = []
    rows: list[tuple[float, dict[str, str]]] = []
    untimed = True
    for cells in csv.reader(line for line in text.replace("\r", "").split("\n") if line):
        if not labels or (cells != labels and _is_label_row(cells, labels)):
            labels = list(unique_names([c.strip() for c in cells]))  # two "a" → "a", "a (2)"
            columns += [c for c in labels if c not in columns and not _TIME_COLUMN.match(c)]
            continue
        row = dict(zip(labels, cells))
        seconds = float(len(rows))
        for label, cell in row.items():
            unit = _TIME_COLUMN.match(label)
            if unit and cell.strip():
                try:
                    seconds = float(cell) * _TIME_SCALE[unit.group(1)]
                    untimed = False
                except ValueError:
                    pass
        rows.append((seconds, row))
    return _Table(columns, rows, untimed)


def _is_label_row(cells: list[str], labels: list[str]) -> bool:
    """A later label row holds all the old labels and more (CODAL writes one per new column)."""
    return set(labels) < {c.strip() for c in cells}


def _field(label: str) -> dict[str, str]:
    match = _UNIT_IN_LABEL.match(label)
    if match:
        return {"name": label, "unit": match.group(2), "label": match.group(1)}
    return {"name": label, "unit": "", "label": label}


def import_my_data(path: Path, out_dir: Path, *, board: str = "v2-log",
                   excel_da: bool = False) -> RunPaths:
    """Convert MY_DATA.HTM into <out_dir>/<stem>.csv + .json (+ empty .raw.log). Returns paths."""
    datalog = read_my_data(path)
    table = table_of(datalog.csv_text)
    if not table.columns or not table.rows:
        raise RecordingError(_("{path}: the data log is empty (no rows). Did the program call "
                               "log.add() or log.add_row()?").format(path=path))
    stem = new_stem(out_dir, re.sub(r"[^A-Za-z0-9_-]+", "_", path.stem.lower()) or "log",
                    time.time())
    paths = RunPaths.for_stem(out_dir, stem)
    writer = RunWriter(paths, EXCEL_DA if excel_da else STANDARD)
    accepted = non_numeric = 0
    try:
        writer.set_fields(table.columns)
        for seconds, row in table.rows:
            values = [number_of(row.get(c, "")) for c in table.columns]
            non_numeric += sum(1 for c, v in zip(table.columns, values)
                               if v == "" and row.get(c, "").strip())
            writer.write_row(None, seconds, board, values, flush=False)
            accepted += 1
        if datalog.partial_row:
            writer.write_raw(time.time(), board, "cut off", datalog.partial_row)
    finally:
        writer.close()
    if writer.error is not None:
        raise RecordingError(_("cannot write {path} ({reason}). Free some space or choose "
                               "another folder with --out.").format(
                                   path=paths.csv, reason=os_reason(writer.error)))
    write_sidecar(paths.sidecar, _sidecar(path, paths, table, datalog, board, writer,
                                          accepted, non_numeric))
    return paths


def _sidecar(path: Path, paths: RunPaths, table: _Table, datalog: DataLog, board: str,
             writer: RunWriter, accepted: int, non_numeric: int) -> dict[str, Any]:
    return {
        "format": SIDECAR_FORMAT, "klimakit_version": __version__, "lesson": None,
        "title": "micro:bit V2 datalog ({})".format(path.name),
        "fields": [_field(c) for c in table.columns],
        "csv": {"file": paths.csv.name, "delimiter": writer.style.delimiter,
                "decimal": writer.style.decimal},
        "raw_log": paths.raw.name,
        "source": {"file": path.name, "log_format": datalog.version or "csv",
                   "daplink": datalog.daplink, "log_full": datalog.full,
                   "file_cut_off": datalog.cut_off, "row_cut_off": bool(datalog.partial_row),
                   "timestamps": "row number" if table.untimed else "board time since start"},
        "boards": [{"name": board, "unique_id": "", "version": "v2", "port": ""}],
        "started": None, "ended": None, "ended_by": "import",
        "counts": {"accepted": accepted, "rejected": 0, "lost": 0,
                   "non_numeric_cells": non_numeric},
        "events": [],
    }
