"""`klimakit collect` for a micro:bit V2: MY_DATA.HTM from its MICROBIT drive into run files.

The file is read as kit/record/datalog.py reads it (CODAL v0.2.43's layout). A field lesson
built with --log-on-board (firmware/lib/feltv2.py) labels its columns `Time (seconds)`,
`name (unit)` per field and `markering`, and writes a row `markering = start <lesson>` each
time the program starts: every start becomes a run of its own (CSV, raw log, sidecar, graph),
as on V1 (kit/record/collect.py). A number in `markering` is the count of event presses: an
event `marked` in the sidecar. The log's times are CODAL's time since the board started
(system_timer_current_time(), the clock MicroPython's running_time() reads). If the board's
serial port answers, its running_time() is asked (the program is stopped and started again,
as on V1): the last start in the log is the board's current run, so its rows get PC times
(PC time then − running_time() then + each row's time); earlier starts keep seconds only.
Checked: the board's clock must be at least the last row's time, else (it was reset after the
drive was read) no session gets clock times. A log without start rows (MakeCode, another
program) is one run with its columns as the log names them.
"""
from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit import __version__
from kit.boards import Board
from kit.errors import KitError
from kit.i18n import gettext as _
from kit.i18n import ngettext
from kit.record.collect import Clock, Collected, session_run
from kit.record.datalog import DataLog, log_notes, number_of, read_my_data, table_of
from kit.record.files import (
    SIDECAR_FORMAT, RunPaths, write_sidecar,
)
from kit.record.plot import draw_graph

log = logging.getLogger(__name__)

EVENT = "markering"  # firmware/lib/feltv2.py
_START = re.compile(r"^start ([A-Za-z0-9_-]{1,60})$")  # a lesson id: it names the files
_UNIT = re.compile(r"^(.*?)\s*\(([^()]{1,16})\)$")
_HOW_NONE = ("none: MY_DATA.HTM holds CODAL's time since the board started, and the board's "
             "clock could not be read (no serial port, no answer, or the board was restarted "
             "since this start)")
_HOW = ("PC time when the board was asked, minus the board's running_time() then ({} ms), "
        "plus each row's time (CODAL's time since the board started)")
CLOCK_CODE = "from microbit import running_time\nprint(running_time())\n"


@dataclass
class V2Session:
    """One start of the program in the log (or the whole log if it has no start rows)."""

    number: int
    lesson: str = ""
    rows: list[tuple[float, dict[str, str]]] = field(default_factory=list)


def split_sessions(rows: list[tuple[float, dict[str, str]]]) -> list[V2Session]:
    """A new session at each `start <lesson>` row; rows before the first one are session 0."""
    sessions: list[V2Session] = []
    for seconds, row in rows:
        start = _START.match(row.get(EVENT, "").strip())
        if start:
            sessions.append(V2Session(len(sessions) + 1, start.group(1)))
            continue
        if not sessions:
            sessions.append(V2Session(0))
        sessions[-1].rows.append((seconds, row))
    return [s for s in sessions if s.rows or s.lesson]


def _fields(columns: list[str], ours: bool) -> list[tuple[str, str, str]]:
    """(column in the log, field name, unit): klimakit's own `name (unit)` labels are split."""
    out = []
    for column in columns:
        if column == EVENT and ours:
            continue
        match = _UNIT.match(column) if ours else None
        out.append((column, match.group(1), match.group(2)) if match else (column, column, ""))
    return out


def write_v2_session(session: V2Session, datalog: DataLog, columns: list[str], board: str,
                     unique_id: str, out_dir: Path, *, clock: Clock | None = None,
                     excel_da: bool = False) -> RunPaths:
    """One session as a run: CSV (time empty, seconds, board, fields), raw log, sidecar."""
    ours = bool(session.lesson)
    fields = _fields(columns, ours)
    events: list[dict[str, Any]] = []
    now = time.time()
    with session_run(out_dir, session.lesson, board, session.number,
                     excel_da=excel_da) as writer:
        writer.set_fields([name for _column, name, _unit in fields])
        for seconds, row in session.rows:
            when = clock.pc_time - (clock.board_ms / 1000 - seconds) if clock else None
            writer.add_rows(when, seconds, board,
                            [[number_of(row.get(column, "")) for column, _n, _u in fields]])
            mark = row.get(EVENT, "").strip() if ours else ""
            if mark.isdigit():  # presses of the event button (other text: in the raw log)
                events.append({"event": "marked", "seconds": seconds, "presses": mark,
                               "board": board})
        for line in datalog.csv_text.splitlines():
            writer.write_raw(now, board, "board log MY_DATA.HTM", line)
        if datalog.partial_row:
            writer.write_raw(now, board, "cut off", datalog.partial_row)
    paths = writer.paths
    write_sidecar(paths.sidecar, {
        "format": SIDECAR_FORMAT, "klimakit_version": __version__,
        "lesson": session.lesson or None,
        "title": "{} (board log, {})".format(session.lesson or "MY_DATA.HTM", board),
        "fields": [{"name": n, "unit": u, "label": c} for c, n, u in fields],
        "csv": {"file": paths.csv.name, "delimiter": writer.style.delimiter,
                "decimal": writer.style.decimal},
        "raw_log": paths.raw.name,
        "source": {"kind": "board log", "file": "MY_DATA.HTM",
                   "log_format": datalog.version or "csv", "daplink": datalog.daplink,
                   "log_full": datalog.full, "file_cut_off": datalog.cut_off,
                   "row_cut_off": bool(datalog.partial_row), "session": session.number,
                   "event": EVENT if ours else "",
                   "clock": {"method": "anchored" if clock else "none",
                             "how": _HOW.format(clock.board_ms) if clock else _HOW_NONE,
                             "board_ms_at_collect": clock.board_ms if clock else None}},
        "boards": [{"name": board, "unique_id": unique_id, "version": "v2", "port": ""}],
        "started": None, "ended": None, "ended_by": "collect",
        "counts": {"accepted": len(session.rows), "rejected": 0, "lost": 0},
        "events": events,
    })
    if session.rows:
        draw_graph(paths.csv)
    return paths


def read_v2_clock(board: Board) -> Clock | None:
    """The board's running_time() and the PC's time then, or None if it cannot be asked.
    Stops the program (the raw REPL) and starts it again (a new start in the log)."""
    try:
        try:
            answer = board.exec(CLOCK_CODE, timeout=10.0).strip()
        finally:
            board.run_main()
        return Clock(int(answer), time.time(), 0)
    except (KitError, ValueError) as err:
        log.info("%s: running_time() not read: %s", board.name, err)
        return None


def collect_my_data(path: Path, board: str, out_dir: Path, *, unique_id: str = "",
                    lesson: str = "", excel_da: bool = False,
                    clock: Clock | None = None, datalog: DataLog | None = None) -> Collected:
    """Read a V2's MY_DATA.HTM into run files, one per start of the program.

    `lesson` is the lesson the teacher expects (if known): sessions of another lesson are
    named in the notes. `clock` (read_v2_clock, asked after the file was read) gives the last
    start PC times; `datalog` is the file already read (before the clock was asked). Raises
    RecordingError for a file that is not a log.
    """
    datalog = datalog if datalog is not None else read_my_data(path)
    table = table_of(datalog.csv_text)
    result = Collected(board)
    sessions = split_sessions(table.rows)
    if not any(s.rows for s in sessions):
        result.notes.append(_("no readings kept on the board (MY_DATA.HTM holds no rows)"))
    lessons = sorted({s.lesson for s in sessions if s.lesson})
    if sessions and not lessons:
        result.notes.append(_("this log is not from a klimakit field lesson (no 'start' "
                              "row): its columns are kept as the log names them"))
    others = [name for name in lessons if lesson and name != lesson]
    if others:
        result.notes.append(_("the log holds readings of another lesson: {lessons} (not "
                              "{lesson})").format(lessons=", ".join(others), lesson=lesson))
    elif len(lessons) > 1:
        result.notes.append(_("the log holds readings of several lessons: {lessons}").format(
            lessons=", ".join(lessons)))
    result.notes += log_notes(datalog)
    last = sessions[-1] if sessions and sessions[-1].lesson else None
    if clock is not None and last is not None and last.rows and \
            clock.board_ms < last.rows[-1][0] * 1000:
        clock = None  # the board restarted after the drive was read: its clock is another run
    if clock is None and last is not None:
        result.notes.append(_("no clock times: the board's clock could not be read over USB "
                              "(or it was restarted since), so the readings have seconds "
                              "since the board started only"))
    for session in sessions:
        columns = table.columns if len(lessons) < 2 else [  # not the other lessons' columns
            c for c in table.columns if any(row.get(c, "").strip() for _s, row in session.rows)]
        result.runs.append(write_v2_session(
            session, datalog, columns, board, unique_id, out_dir, excel_da=excel_da,
            clock=clock if session is last else None))
        result.readings += len(session.rows)
    if len(sessions) > 1:
        result.notes.append(ngettext("{count} session: the program was started {count} "
                                     "time", "{count} sessions: the program was started "
                                     "{count} times, each start has its own files",
                                     len(sessions)).format(count=len(sessions)))
    return result
