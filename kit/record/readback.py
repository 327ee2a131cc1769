"""A recording read back: per-board series for the graph, what was skipped and why; repair.

Any CSV may be handed to `klimakit plot`, so nothing here trusts the file: it must be a regular
file (not a FIFO or a device, which would block or never end) of at most MAX_CSV_BYTES; rows
that cannot be read are skipped and counted by reason (the CLI says how many and why); a number
that is not finite (inf, nan) is a gap in the line, counted too; repeated column names get a
suffix so each has its own line. The sidecar is read defensively (kit/record/files.py).

A recorder that was killed (SIGKILL, power cut) leaves its sidecar with `ended: null`. Once no
recorder holds the CSV's lock (kit/record/appender.py), `repair_sidecar` completes it from
the CSV: end time and per-board counts from the rows, `ended_by: "unfinished"` and a `repaired`
note. The CSV itself is never changed; an unfinished last row (the process died mid-write) is
skipped.
"""
from __future__ import annotations

import csv
import logging
import math
import os
import stat
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kit.i18n import N_, number, os_reason
from kit.i18n import gettext as _
from kit.errors import RecordingError
from kit.record.appender import is_recording
from kit.record.files import SIDECAR_FORMAT, read_sidecar, write_sidecar
from kit.text import csv_cell, one_line

log = logging.getLogger(__name__)

MAX_CSV_BYTES = 256 * 1024 * 1024  # a class's 20-minute recording is a few MB
MAX_COLUMNS = 64  # the protocol allows 32 fields; a CSV with more is not a recording to draw
# Why rows or cells were skipped (English keys, for tools; the CLI says them in Danish).
WRONG_COLUMNS, BAD_NUMBER, BAD_TIME, UNFINISHED_ROW = (
    "wrong number of columns", "unreadable number", "unreadable time", "unfinished last row")
NOT_FINITE = "not a finite number"


@dataclass
class Series:
    """One board's readings from a CSV: seconds since start and one list per field."""

    seconds: list[float]
    values: dict[str, list[float]]


@dataclass
class RunData:
    """A recording read back: fields and per-board series, plus the sidecar and what was skipped.

    `fields` are the names to show: the sidecar's originals where the CSV has them as
    spreadsheet-safe cells, each unique.
    """

    fields: tuple[str, ...]
    boards: dict[str, Series]
    meta: dict[str, Any]
    skipped_rows: int
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> rows
    blank_cells: dict[str, int] = field(default_factory=dict)  # reason -> cells drawn as gaps


def read_text_file(path: Path, max_bytes: int, what: str) -> str:
    """Read a regular file of at most max_bytes as UTF-8 (BOM dropped). Raises RecordingError."""
    blob = read_file_bytes(path, max_bytes, what)
    try:
        return blob.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise RecordingError(_("{path} is not a klimakit recording: it is not UTF-8 text (byte "
                               "{position})").format(path=path, position=err.start)) from err


def read_file_bytes(path: Path, max_bytes: int, what: str) -> bytes:
    """Read a regular file of at most max_bytes. Raises RecordingError.

    A FIFO would block and /dev/zero or /dev/urandom never end (their size reads as 0), so
    only regular files are opened, without blocking, and never more than max_bytes are read.
    """
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise RecordingError(_("{path} is not a regular file (a device, FIFO or folder?). "
                                   "Give the path of a {what}.").format(path=path, what=_(what)))
        if info.st_size > max_bytes:
            raise RecordingError(_("{path} is {size} MB: too large for a {what} (at most {most} "
                                   "MB).").format(path=path, size=number(info.st_size / 1e6),
                                                  what=_(what), most=number(max_bytes / 1e6)))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            blob = handle.read(max_bytes + 1)
    except OSError as err:
        raise RecordingError(_("cannot read {path}: {reason}").format(
            path=path, reason=os_reason(err))) from err
    if len(blob) > max_bytes:
        raise RecordingError(_("{path} grew past {most} MB while it was read").format(
            path=path, most=number(max_bytes / 1e6)))
    return blob


def _float(text: str) -> float:
    return float(text.strip().replace(",", "."))


def _seconds_from_time(text: str) -> float:
    return datetime.fromisoformat(text.strip().replace(",", ".")).timestamp()


def unique_names(names: list[str]) -> tuple[str, ...]:
    """The names with a repeated one suffixed: a, a → a, a (2); each column gets a line."""
    seen: Counter[str] = Counter()
    out = []
    for name in names:
        seen[name] += 1
        out.append(name if seen[name] == 1 else "{} ({})".format(name, seen[name]))
    return tuple(out)


def _field_names(header: list[str], meta: dict[str, Any]) -> tuple[str, ...]:
    """The CSV's field columns, as the sidecar names them where they match."""
    originals = {csv_cell(n): n for n in sidecar_field_names(meta)}
    return unique_names([originals.get(cell, cell) for cell in header])


def sidecar_field_names(meta: dict[str, Any]) -> list[str]:
    """The field names a sidecar lists (empty when it lists none or is malformed)."""
    fields = meta.get("fields")
    if not isinstance(fields, list):
        return []
    return [str(f["name"]) for f in fields if isinstance(f, dict) and "name" in f]


def read_run(csv_path: Path) -> RunData:
    """Read a run CSV in either style (',' or ';' with decimal comma). Bad rows are counted."""
    text = read_text_file(csv_path, MAX_CSV_BYTES, N_("klimakit recording (.csv)"))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    lines = text.splitlines()
    rows = list(csv.reader(lines, delimiter=delimiter))
    if not rows or [c.strip() for c in rows[0][:1]] != ["time"] or "board" not in rows[0]:
        raise RecordingError(_("{path} is not a klimakit recording: its first row must be "
                               "'time, seconds, board, …'").format(path=csv_path))
    meta = read_sidecar(csv_path)
    header = [c.strip() for c in rows[0]]
    board_at = header.index("board")
    if board_at + 1 >= len(header):
        raise RecordingError(_("{path} has no measurement columns after 'board': nothing to "
                               "draw.").format(path=csv_path))
    if len(header) - board_at - 1 > MAX_COLUMNS:
        raise RecordingError(_("{path} has {count} measurement columns; klimakit draws at most "
                               "{most}.").format(path=csv_path, count=len(header) - board_at - 1,
                                                 most=MAX_COLUMNS))
    seconds_at = header.index("seconds") if "seconds" in header else None
    fields = _field_names(header[board_at + 1:], meta)
    body = rows[1:]
    skipped: Counter[str] = Counter()
    if body and not text.endswith(("\n", "\r")) and _unfinished(meta):
        body.pop()  # the recorder died in the middle of writing this row
        skipped[UNFINISHED_ROW] += 1
    boards, blanks = _series(body, board_at, seconds_at, fields, skipped)
    return RunData(fields, boards, meta, sum(skipped.values()), dict(skipped), dict(blanks))


def _series(body: list[list[str]], board_at: int, seconds_at: int | None,
            fields: tuple[str, ...], skipped: Counter[str]
            ) -> tuple[dict[str, Series], Counter[str]]:
    boards: dict[str, Series] = {}
    blanks: Counter[str] = Counter()
    t0: float | None = None
    for row in body:
        if len(row) != board_at + 1 + len(fields):
            if any(c.strip() for c in row):
                skipped[WRONG_COLUMNS] += 1
            continue
        try:
            if seconds_at is not None and row[seconds_at].strip():
                seconds = _float(row[seconds_at])
            else:
                stamp = _seconds_from_time(row[0])
                t0 = stamp if t0 is None else t0
                seconds = stamp - t0
        except (ValueError, OverflowError, OSError):
            skipped[BAD_TIME] += 1
            continue
        try:
            values = [_float(v) if v.strip() else math.nan for v in row[board_at + 1:]]
        except ValueError:
            skipped[BAD_NUMBER] += 1
            continue
        if not math.isfinite(seconds):
            skipped[BAD_TIME] += 1
            continue
        for i, value in enumerate(values):
            if not math.isfinite(value) and row[board_at + 1 + i].strip():
                blanks[NOT_FINITE] += 1
                values[i] = math.nan
        series = boards.setdefault(one_line(row[board_at], 40) or "?",
                                   Series([], {f: [] for f in fields}))
        series.seconds.append(seconds)
        for name, value in zip(fields, values):
            series.values[name].append(value)
    return boards, blanks


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _unfinished(meta: dict[str, Any]) -> bool:
    """A recorder's sidecar that it never finished (not an import's, not a hand-made one)."""
    return (meta.get("format") == SIDECAR_FORMAT and "ended" in meta and not meta["ended"]
            and not meta.get("ended_by") and bool(meta.get("started")))


def repair_sidecar(csv_path: Path) -> bool:
    """Finish the sidecar of a recording whose recorder died; True if it was repaired."""
    meta = read_sidecar(csv_path)
    if not _unfinished(meta) or is_recording(csv_path):
        return False
    run = read_run(csv_path)
    counts = _dict(meta.get("counts"))
    per_board = {name: {"accepted": len(series.seconds)} for name, series in run.boards.items()}
    old_per_board = _dict(meta.get("per_board"))
    for name, item in per_board.items():
        old = _dict(old_per_board.get(name))
        item.update({"rejected": old.get("rejected", 0), "lost": old.get("lost", 0)})
    last = max((max(s.seconds, default=0.0) for s in run.boards.values()), default=0.0)
    started = meta.get("started")
    try:
        ended = datetime.fromisoformat(str(started)).timestamp() + last
    except ValueError:
        ended = os.stat(csv_path).st_mtime
    now = datetime.now().isoformat(timespec="milliseconds")
    meta.update({
        "ended": datetime.fromtimestamp(ended).isoformat(timespec="milliseconds"),
        "ended_by": "unfinished",
        "counts": {**counts, "accepted": sum(len(s.seconds) for s in run.boards.values())},
        "per_board": per_board,
        "repaired": {"at": now, "from": "csv", "note": "the recorder stopped without finishing "
                     "its files (killed or a power cut); end and counts taken from the CSV"},
    })
    events = meta.get("events")
    meta["events"] = (events if isinstance(events, list) else []) + [
        {"time": meta["ended"], "seconds": round(last, 3), "event": "end", "board": "",
         "detail": "unfinished"}]
    try:
        write_sidecar(csv_path.with_suffix(".json"), meta)
    except OSError as err:
        raise RecordingError(_("cannot repair {path}: {reason}").format(
            path=csv_path.with_suffix(".json"), reason=os_reason(err))) from err
    csv_path.with_name("." + csv_path.stem + ".reserve").unlink(missing_ok=True)
    log.info("repaired the sidecar of %s at %s", csv_path, time.strftime("%H:%M:%S"))
    return True
