"""One reader per board: lines in bursts, stamped with their arrival time; unplug and re-attach.

Runs in its own thread (kit.record.recorder starts one per board). It hands everything to `deliver`
(time, burst of lines) or (time, BoardEvent) and never parses or writes, so a slow or broken
board cannot hold up the others and a slow disk cannot make a board's readings late: each burst
is what one read returned (Board.read_lines), stamped right after the read (a board on a virtual
clock, the simulator, is stamped with its own time instead: `origin` + Board.printed_at_s, so a
simulated 40 minutes are 40 minutes in the CSV however fast they ran). When the connection
fails it hands over the half line that was cut off (the recorder logs and counts it), reports
UNPLUGGED, closes the board and asks `reopen(unique_id)` every REOPEN_EVERY_S for the same board,
possibly on a new port. When `halt` is set it reads once more what has already arrived
(FINAL_READ_S at most), so readings that reached the PC before the stop are recorded, and hands
over a line the stop cut in half.

A board that has sent nothing for PROBE_AFTER_S gets one Enter (CR): a running program ignores
it, but a board whose program has stopped answers from its REPL with the prompt `>>> `, which
has no line end; a prompt left waiting like that is handed over as a line of its own, so the
recorder can say the program has stopped (kit/record/silence.py).
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from kit.boards import Board
from kit.errors import KitError

log = logging.getLogger(__name__)

READ_TIMEOUT_S = 0.2
REOPEN_EVERY_S = 1.0
FINAL_READ_S = 0.5  # what already arrived takes milliseconds; a simulated board never runs dry
PROBE_AFTER_S = 10.0  # before the recorder explains a silence (kit.record.SILENT_AFTER_S)
PROMPTS = (b">>> ", b">>>")
# Event kinds, as written to the sidecar (English: read by tools, shown translated).
UNPLUGGED, REPLUGGED, READER_FAILED = "unplugged", "replugged", "reader failed"
STOPPED_MID_LINE = "stopped mid-line"  # not an event: the half line the stop cut off

Reopen = Callable[[str], "Board | None"]


class BoardEvent:
    """Something that happened to the connection, not a line: unplugged, replugged, failed.

    `partial` is the start of a line the connection lost in the middle (UNPLUGGED only).
    """

    def __init__(self, kind: str, detail: str = "", board: Board | None = None,
                 partial: bytes = b"") -> None:
        self.kind, self.detail, self.board, self.partial = kind, detail, board, partial


Deliver = Callable[[float, "list[bytes] | BoardEvent"], None]


def read_board(board: Board, deliver: Deliver, halt: threading.Event,
               reopen: Reopen | None = None, origin: float | None = None) -> None:
    """Read `board` until `halt` is set (or it is gone and cannot be re-opened).

    `origin` is the PC time (time.time()) at which a board on a virtual clock started.
    """
    try:
        quiet = _Quiet()
        while not halt.is_set():
            try:
                lines = board.read_lines(READ_TIMEOUT_S)
                if lines:
                    deliver(_stamp(board, origin), lines)
                quiet.after_read(board, lines, deliver)
            except (KitError, OSError) as err:
                new = _unplugged(board, deliver, halt, reopen, err)
                if new is None:
                    return
                board, quiet = new, _Quiet()
        _final_read(board, deliver, origin)
    except Exception as err:  # a bug must not stop the recording of the other boards
        log.exception("reader for %s failed", board.name)
        deliver(time.time(), BoardEvent(READER_FAILED, repr(err)))


class _Quiet:
    """Probe a silent board once per silence, and hand over a REPL prompt left waiting."""

    def __init__(self) -> None:
        self.since = time.monotonic()
        self.probed = False

    def after_read(self, board: Board, lines: list[bytes], deliver: Deliver) -> None:
        if any(line.strip(b"\x00 \t") for line in lines):
            self.since, self.probed = time.monotonic(), False
            return
        if not self.probed and time.monotonic() - self.since >= PROBE_AFTER_S:
            self.probed = True
            board.write(b"\r")
        if self.probed and board.peek_partial_line().lstrip(b"\x00").endswith(PROMPTS):
            deliver(time.time(), [board.take_partial_line()])


def _unplugged(board: Board, deliver: Deliver, halt: threading.Event, reopen: Reopen | None,
               err: Exception) -> Board | None:
    deliver(time.time(), BoardEvent(UNPLUGGED, str(err), partial=board.take_partial_line()))
    new = _wait_for_board(board, halt, reopen)
    if new is not None:
        deliver(time.time(), BoardEvent(REPLUGGED, "", new))
    return new


def _stamp(board: Board, origin: float | None) -> float:
    """When the lines just read arrived: the PC's clock, or the board's own virtual one."""
    printed = board.printed_at_s()
    return time.time() if printed is None or origin is None else origin + printed


def _final_read(board: Board, deliver: Deliver, origin: float | None) -> None:
    deadline = time.monotonic() + FINAL_READ_S
    try:
        while time.monotonic() < deadline:
            lines = board.read_lines(0)
            if not lines:
                break
            deliver(_stamp(board, origin), lines)
        partial = board.take_partial_line()
        if partial.strip(b"\x00 \t"):
            deliver(time.time(), BoardEvent(STOPPED_MID_LINE, partial=partial))
    except (KitError, OSError) as err:
        log.debug("final read of %s: %s", board.name, err)


def _wait_for_board(old: Board, halt: threading.Event, reopen: Reopen | None) -> Board | None:
    try:
        old.close()
    except (KitError, OSError):
        pass
    while reopen is not None and not halt.wait(REOPEN_EVERY_S):
        try:
            board = reopen(old.unique_id)
        except (KitError, OSError) as err:
            log.debug("reopen %s: %s", old.unique_id, err)
            continue
        if board is not None:
            return board
    return None
