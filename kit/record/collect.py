"""`klimakit collect`: a board's own field log into the usual recording files.

A micro:bit V1 is read over its serial port (kit/record/fieldlog.py has the format). First the
running program is stopped with Ctrl-C and asked, in the raw REPL *without* a soft reset (its
state is still there), to write the readings it still holds in RAM and to say its clock
(`running_time()`) and session: that session's readings then get PC times, counted back from
the moment of asking. Then every log file is read as microfs reads files (the raw REPL,
`open(name, 'rb').read()`), each with its length and Adler-32 computed on the board and
checked against the bytes that arrived (a file that does not match is read once more). Each
session becomes a run: CSV (time, seconds, board, fields), raw log (every line of the
files, and why a line is not data), sidecar (source: the board's own log, how times were
found) and graph. `clear` removes the files that were read, and only once the run files are
on disk.
"""
from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit import __version__
from kit.boards import Board
from kit.build import literal
from kit.errors import BoardCodeError, KitError, RecordingError, TransportError
from kit.i18n import gettext as _
from kit.i18n import ngettext
from kit.record.fieldlog import Session, parse_files
from kit.record.files import (
    EXCEL_DA, SIDECAR_FORMAT, STANDARD, RunPaths, RunWriter, new_stem, write_sidecar,
)
from kit.record.plot import draw_graph

log = logging.getLogger(__name__)

RAW_PROMPT = b"raw REPL; CTRL-B to exit\r\n>"
READ_TIMEOUT_S = 120.0  # a full V1 filesystem is ~28 KB; at 115200 baud about 6 s as repr
# Run in the stopped program's state: flush what feltlog holds in RAM, say clock and session.
LIVE_CODE = """try:
 import klima
 from microbit import running_time as r
 s = klima._kk_felt.store
 if s.text and not s.full: s.flush()
 print(repr((r(), s.s)))
except Exception:
 print('(-1, 0)')
"""
LIST_CODE = """import os
def _a(d):
 a = 1
 b = 0
 for c in d:
  a = (a + c) % 65521
  b = (b + a) % 65521
 return (a, b)
m = [n for n in sorted(os.listdir()) if len(n) == 7 and n[0] == 'k' and n[1:].isdigit()]
for n in m:
 f = open(n, 'rb')
 d = f.read()
 f.close()
 print(repr((n, len(d), _a(d), d)))
print(repr(('files', len(m))))
"""


@dataclass(frozen=True)
class Clock:
    """What the board's clock said when it was asked, and the PC's time then."""

    board_ms: int
    pc_time: float
    session: int


@dataclass
class Collected:
    """What one board's log became: a run per session, and what the teacher must know."""

    board: str
    runs: list[RunPaths] = field(default_factory=list)
    readings: int = 0
    notes: list[str] = field(default_factory=list)
    cleared: bool = False


def _live_clock(board: Board) -> Clock | None:
    """Stop the program, flush feltlog's RAM, read the clock: None if the board cannot say.

    A Ctrl-C that lands while the program prints can leave a KeyboardInterrupt pending, which
    then stops the first code sent (docs/qemu.md §4), and a paste can lose bytes (§11); the
    code is sent again then, up to five times. No soft reset here: it would clear the
    program's state.
    """
    try:
        getattr(board, "interrupt")()
        board.write(b"\r\x01")
        board.wait_for(b"raw REPL", 5.0)
    except (KitError, AttributeError) as err:
        log.info("%s: no raw REPL for the live clock: %s", board.name, err)
        return None
    for _attempt in range(5):
        time.sleep(0.1)
        board.write(b"\x03" if _attempt else b"")  # clear a half-pasted line first
        board.write(LIVE_CODE.encode() + b"\x04")
        answer = _live_answer(board)
        if answer is not None:
            board_ms, session = answer
            return Clock(board_ms, time.time(), session) if board_ms >= 0 and session else None
    return None


def _live_answer(board: Board) -> tuple[int, int] | None:
    """(running_time, session) from LIVE_CODE's reply, None if it was interrupted."""
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        line = board.readline(0.5) or b""
        text = line.strip(b"\x00\x04>OK \r\n").split(b"\x04")[0]
        if text.startswith(b"("):
            try:
                board_ms, session = literal(text.decode("ascii", "replace"))
                return int(board_ms), int(session)
            except (ValueError, TypeError, SyntaxError):
                return None
        if b"Error" in line or b"KeyboardInterrupt" in line:
            return None
    return None


def read_log_files(board: Board) -> dict[str, bytes]:
    """Every log file on a V1, each verified by its length and Adler-32 (read again if not).

    The board also says how many log files it has: a paste that lost a byte on the way (V1's
    receive buffer, docs/qemu.md §11) may still be valid Python that lists fewer files.
    """
    problem = ""
    for _attempt in range(3):
        files: dict[str, bytes] = {}
        count, bad = -1, []
        try:  # a paste that lost bytes can fail as any error, e.g. a NameError
            reply = board.exec(LIST_CODE, timeout=READ_TIMEOUT_S)
        except BoardCodeError as err:
            problem = _("the board could not list its files ({error})").format(error=err)
            log.warning("%s: %s; asking again", board.name, problem)
            continue
        for line in reply.splitlines():
            try:
                item = literal(line)
                if item[0] == "files":
                    count = int(item[1])
                    continue
                name, size, (a, b), data = item
            except (ValueError, TypeError, SyntaxError, IndexError):
                log.info("%s: not a log file line: %r", board.name, line[:80])
                continue
            if len(data) == size and zlib.adler32(data) == (b << 16) | a:
                files[name] = data
            else:
                bad.append(name)
        if not bad and count == len(files):
            return files
        problem = (_("the log files {files} arrived damaged (checksum)").format(
            files=", ".join(bad)) if bad else _("the board named {named} files, {got} "
                                                 "arrived").format(named=count, got=len(files)))
        log.warning("%s: %s; reading again", board.name, problem)
    raise TransportError(_("{board}: {problem}, three times. Plug the board in directly, "
                           "without a hub, and collect again; nothing was removed from it.")
                         .format(board=board.name, problem=problem))


def _sidecar(session: Session, paths: RunPaths, board: Board, clock: Clock | None,
             writer: RunWriter, events: list[dict[str, Any]]) -> dict[str, Any]:
    anchored = clock is not None and clock.session == session.number
    how = ("PC time when the board was asked, minus the board's running_time() then "
           "({} ms), plus each reading's running_time()".format(clock.board_ms)
           if anchored and clock else
           "none: the board was restarted since (or could not be asked), so only its "
           "running_time() since this session started is known")
    return {
        "format": SIDECAR_FORMAT, "klimakit_version": __version__, "lesson": session.lesson,
        "title": "{} (board log, {})".format(session.lesson, board.name),
        "fields": [{"name": n, "unit": u, "label": n}
                   for n, u in zip(session.fields, session.units + ("",) * 32)],
        "csv": {"file": paths.csv.name, "delimiter": writer.style.delimiter,
                "decimal": writer.style.decimal},
        "raw_log": paths.raw.name,
        "source": {"kind": "board log", "log_format": "klimakit-log 1 (V1 files)",
                   "files": session.files, "cut_off_files": session.cut_files,
                   "session": session.number, "event": session.event,
                   "clock": {"method": "anchored" if anchored else "none", "how": how,
                             "board_ms_at_collect": clock.board_ms if anchored and clock
                             else None}},
        "boards": [{"name": board.name, "unique_id": board.unique_id, "version": "v1",
                    "port": board.port or ""}],
        "started": None, "ended": None, "ended_by": "collect",
        "counts": {"accepted": len(session.rows), "rejected": len(session.rejected),
                   "lost": 0},
        "events": events,
    }


@contextmanager
def session_run(out_dir: Path, lesson: str, board: str, number: int, *,
                excel_da: bool = False) -> Iterator[RunWriter]:
    """The files of one collected session (V1 here, V2 in collect_v2.py): a new stem, a
    RunWriter flushed and closed whatever happens, and a write error raised as a sentence
    (the board's log is only cleared after this returns, so nothing is lost)."""
    stem = new_stem(out_dir, "{}-{}-s{:03d}".format(lesson or "log", board, number), time.time())
    writer = RunWriter(RunPaths.for_stem(out_dir, stem), EXCEL_DA if excel_da else STANDARD)
    try:
        yield writer
        writer.flush()
    finally:
        writer.close()
    if writer.error is not None:
        raise RecordingError(_("cannot write {file} ({reason}). Free some space or choose "
                               "another folder with --out; nothing was removed from the "
                               "board.").format(file=writer.paths.csv,
                                                reason=writer.error.strerror))


def write_session(session: Session, board: Board, out_dir: Path, clock: Clock | None,
                  files: dict[str, bytes], *, excel_da: bool = False) -> RunPaths:
    """One session as a run: CSV, raw log (every line of its files), sidecar, graph."""
    anchored = clock is not None and clock.session == session.number
    events: list[dict[str, Any]] = []
    now = time.time()
    with session_run(out_dir, session.lesson, board.name, session.number,
                     excel_da=excel_da) as writer:
        writer.set_fields(session.fields)
        for at_ms, values, mark in session.rows:
            when = clock.pc_time - (clock.board_ms - at_ms) / 1000 if anchored and clock else None
            writer.add_rows(when, at_ms / 1000, board.name, [values])
            if mark:
                events.append({"event": "marked", "seconds": at_ms / 1000, "presses": mark,
                               "board": board.name})
        for name in session.files:
            for line in files[name].split(b"\xff", 1)[0].decode("utf-8", "replace").splitlines():
                writer.write_raw(now, board.name, "board log " + name, line)
        for line, why in session.rejected:
            writer.write_raw(now, board.name, "not data: " + why, line)
    paths = writer.paths
    write_sidecar(paths.sidecar, _sidecar(session, paths, board, clock, writer, events))
    if session.rows:
        draw_graph(paths.csv)
    return paths


def clear_log_files(board: Board, names: list[str]) -> None:
    """Remove exactly these log files (those read and saved), then check they are gone.

    Checked by listing again, up to three times: a byte lost from the paste can turn a name
    into another valid name, which would leave a file behind (never remove another one:
    only names of the form k<session><number> that were saved are ever sent).
    """
    left = list(names)
    for _attempt in range(3):
        code = ("import os\nfor n in {!r}:\n try:\n  os.remove(n)\n except OSError:\n  pass\n"
                "print(repr(sorted(n for n in os.listdir() if n in {!r})))").format(left, left)
        try:
            answer = literal(board.exec(code, timeout=READ_TIMEOUT_S).strip() or "None")
        except (ValueError, SyntaxError, BoardCodeError):
            answer = None
        if isinstance(answer, list):
            left = [n for n in left if n in answer]
            if not left:
                return
    raise TransportError(_("{board}: {files} could not be removed from the board; the data "
                           "is saved on the PC. Collect again to try once more.").format(
                             board=board.name, files=", ".join(left)))


def collect_board(board: Board, out_dir: Path, *, clear: bool = False,
                  excel_da: bool = False) -> Collected:
    """Read a V1's field log into run files (one per session); clear it only once saved."""
    result = Collected(board.name)
    clock = _live_clock(board)
    if clock is None:
        result.notes.append(_("the running program could not be asked: readings it still held "
                              "in memory (at most the last few) are not saved, and no "
                              "session gets clock times"))
    files = read_log_files(board)
    sessions = parse_files(files)
    if not sessions:
        result.notes.append(_("no readings kept on the board"))
    for session in sessions:
        if not session.has_header:
            result.notes.append(_("session {session}: its first file is missing; {lines} "
                                  "lines are in the raw log only").format(
                                      session=session.number, lines=len(session.rejected)))
        if session.cut_files:
            result.notes.append(_("session {session}: {files} was cut off while being "
                                  "written; its whole lines are kept").format(
                                      session=session.number, files=", ".join(session.cut_files)))
        result.runs.append(write_session(session, board, out_dir, clock, files,
                                         excel_da=excel_da))
        result.readings += len(session.rows)
    if len(sessions) > 1:
        result.notes.append(ngettext("{count} session: the program was started {count} "
                                     "time", "{count} sessions: the program was started "
                                     "{count} times, each start has its own files",
                                     len(sessions)).format(count=len(sessions)))
    if clear and files:
        clear_log_files(board, sorted(files))
        result.cleared = True
    board.run_main()
    return result
