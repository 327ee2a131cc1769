"""One reader per board: lines in bursts, with the host's receive time; unplug and re-attach.

Runs in its own thread (kit.record.recorder starts one per board). It hands everything to `deliver`
(time, burst of lines) or (time, BoardEvent) and never parses, so a slow or broken board cannot
hold up the others. When the connection fails it reports UNPLUGGED, closes the board and asks
`reopen(unique_id)` every REOPEN_EVERY_S for the same board, possibly on a new port.
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
MAX_BURST_LINES = 1000  # lines already received are handed over together (parsed in one go)
# Event kinds, as written to the sidecar (English: read by tools, shown translated).
UNPLUGGED, REPLUGGED, READER_FAILED = "unplugged", "replugged", "reader failed"

Reopen = Callable[[str], "Board | None"]


class BoardEvent:
    """Something that happened to the connection, not a line: unplugged, replugged, failed."""

    def __init__(self, kind: str, detail: str = "", board: Board | None = None) -> None:
        self.kind, self.detail, self.board = kind, detail, board


Deliver = Callable[[float, "list[bytes] | BoardEvent"], None]


def read_board(board: Board, deliver: Deliver, halt: threading.Event,
               reopen: Reopen | None = None) -> None:
    """Read `board` until `halt` is set (or it is gone and cannot be re-opened)."""
    try:
        while not halt.is_set():
            burst: list[bytes] = []
            when = 0.0
            try:
                line = board.readline(READ_TIMEOUT_S)
                if line is not None:
                    when, burst = time.time(), [line]
                    while len(burst) < MAX_BURST_LINES:  # complete lines already buffered
                        more = board.readline(0)
                        if more is None:
                            break
                        burst.append(more)
            except (KitError, OSError) as err:
                if burst:
                    deliver(when, burst)
                deliver(time.time(), BoardEvent(UNPLUGGED, str(err)))
                new = _wait_for_board(board, halt, reopen)
                if new is None:
                    return
                board = new
                deliver(time.time(), BoardEvent(REPLUGGED, "", new))
                continue
            if burst:
                deliver(when, burst)
    except Exception as err:  # a bug must not stop the recording of the other boards
        log.exception("reader for %s failed", board.name)
        deliver(time.time(), BoardEvent(READER_FAILED, repr(err)))


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
