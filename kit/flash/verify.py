"""Prove a flashed program started: open the board's serial port and wait for its header.

DAPLink's "flashed" only says the hex reached the chip. Whether the program runs is seen on the
serial port: every lesson program prints its `# klimakit` header when it starts (firmware/lib/
klima.py). The header repeats only every 10 s, and what a board prints before the port is
opened is lost (README), so after listening LISTEN_S the check restarts the program the way a
serial terminal does (Ctrl-C, then Ctrl-D: a soft reboot runs main.py from its start) and
listens again. Until `timeout_s` has passed:
- a header → running, and which lesson it names;
- a traceback → not running, with the error at file:line (kit.record.BoardText);
- the REPL prompt and no header → the program ended without sending;
- not a byte, even after the restart → the board does not answer on its port.
The port is found again by unique id (a real board's USB port comes back with the drive,
perhaps under a new name; a virtual board's engine registers its port: kit/flash/fleet.py).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kit.i18n import N_
from kit.i18n import gettext as _
from kit.boards import Board, BoardInfo, SerialBoard, find_boards
from kit.errors import KitError
from kit.record import BoardText, Header, Silence, parse_line

log = logging.getLogger(__name__)

VERIFY_TIMEOUT_S = 6.0
LISTEN_S = 0.5  # before restarting the program: a board that prints often is seen at once
PORT_POLL_S = 0.2


@dataclass(frozen=True)
class Verification:
    """What the serial port showed after flashing."""

    running: bool | None  # True: header seen; False: not running; None: cannot tell
    message: str  # Danish, for the teacher
    advice: str = ""
    lesson: str = ""  # the lesson the header names
    board: BoardInfo | None = None  # as found after the restart (port, engine)


def verify_board(board: BoardInfo, *, expect_header: bool = True,
                 timeout_s: float = VERIFY_TIMEOUT_S, roots: list[Path] | None = None,
                 find: Callable[[], Iterable[BoardInfo]] | None = None,
                 open_port: Callable[[str, str], Board] | None = None) -> Verification:
    """Check that `board` runs its new program (never raises for the board's trouble).

    `expect_header` is False for a program that prints no klimakit header (one that does not
    use klima.py): then only a crash or a dead port is a failure.
    """
    deadline = time.monotonic() + timeout_s
    finder = find or (lambda: find_boards(roots, names=False))
    opener = open_port or (lambda url, name: SerialBoard(url, name=name))
    found = _port_of(board, finder, deadline)
    if found is None or not found.port:
        return _no_port(board, found)
    try:
        serial = opener(found.port, board.label)
    except KitError as err:
        return Verification(None, _("Could not open the serial port {}: {}").format(
            found.port, err), _("Run `klimakit boards` to see the ports."), board=found)
    try:
        return _watch(serial, found, expect_header, deadline, timeout_s)
    finally:
        try:
            serial.close()
        except (KitError, OSError):
            pass


def _port_of(board: BoardInfo, find: Callable[[], Iterable[BoardInfo]], deadline: float
             ) -> BoardInfo | None:
    """The board as found again, once it has a serial port (or as last seen at the deadline)."""
    seen: BoardInfo | None = None
    while True:
        try:
            for info in find():
                if info.unique_id == board.unique_id:
                    seen = info
        except KitError as err:
            log.info("%s: looking for its port: %s", board.label, err)
        if seen is not None and (seen.port or seen.virtual and seen.engine in ("none", "off")):
            return seen
        if time.monotonic() >= deadline:
            return seen
        time.sleep(PORT_POLL_S)


def _no_port(board: BoardInfo, found: BoardInfo | None) -> Verification:
    if found is not None and found.virtual and found.engine == "off":
        return Verification(None, _("A virtual micro:bit without an engine (a drive only): "
                                    "nothing to check."), board=found)
    if found is not None and found.virtual:
        return Verification(False, _("The virtual micro:bit runs no program: {}.").format(
            found.engine_reason or _("no engine")), _("See the window of `klimakit virtual up`."),
            board=found)
    return Verification(None, _("No serial port found, so klimakit cannot see whether the "
                                "program runs."),
                        _("On Linux you must be in the group 'dialout'; see `klimakit boards`."),
                        board=found or board)


def _watch(serial: Board, board: BoardInfo, expect_header: bool, deadline: float,
           timeout_s: float) -> Verification:
    text = BoardText()
    got_bytes = rebooted = False
    restart_at: float | None = time.monotonic() + LISTEN_S
    while time.monotonic() < deadline:
        if restart_at is not None and time.monotonic() >= restart_at:
            _restart(serial)
            restart_at, text = None, BoardText()  # our own Ctrl-C is not the program's error
        try:
            lines = serial.read_lines(min(0.2, max(0.0, deadline - time.monotonic())))
            partial = serial.peek_partial_line()
        except KitError as err:
            return Verification(False, _("The connection to the micro:bit was lost during the "
                                         "check ({}).").format(err), _(_DEAD_ADVICE), board=board)
        got_bytes = got_bytes or bool(lines) or bool(partial)
        for raw in lines:
            parsed = parse_line(raw)
            if isinstance(parsed, Header):
                return _running(parsed, board)
            if restart_at is None and not rebooted and b"soft reboot" in raw:
                rebooted, text = True, BoardText()  # what follows is the program's own
                continue
            text.see(raw.decode("utf-8", "replace"))
        if partial.rstrip().endswith(b">>>"):  # a prompt never gets a line end; else wait
            text.see(partial.decode("utf-8", "replace"))
        found = text.explain()
        if found.reason is Silence.TRACEBACK:
            return Verification(False, _("Not sending: the program stopped with an error: "
                                         "{}.").format(found.detail),
                                _("Fix the error and flash again (first try `klimakit run "
                                  "PROGRAM --as-flashed`)."), board=board)
        if rebooted and found.reason is Silence.REPL:
            break  # it started again and ended at its prompt: nothing more will come
    return _silent(board, text, got_bytes, expect_header, timeout_s)


def _restart(serial: Board) -> None:
    """Stop whatever runs and soft-reboot, so main.py starts (and prints its header) anew."""
    try:
        for _attempt in range(2):  # the second Ctrl-C also skips V1's scrolling of an error
            serial.write(b"\r\x03")
            time.sleep(0.1)
        serial.write(b"\x04")
    except KitError as err:
        log.info("%s: restart: %s", serial.name, err)


def _running(header: Header, board: BoardInfo) -> Verification:
    lesson = header.lesson
    return Verification(True, _("Running {}.").format(lesson) if lesson else
                        _("Running (header without a lesson: {}).").format(",".join(header.fields)),
                        lesson=lesson, board=board)


_DEAD_ADVICE = (N_("Press the reset button on the back and flash it again; check that the cable "
                   "is a data cable."))


def _silent(board: BoardInfo, text: BoardText, got_bytes: bool, expect_header: bool,
            timeout_s: float) -> Verification:
    if not got_bytes:
        advice = _("Is `klimakit virtual up` still running?") if board.virtual \
            else _(_DEAD_ADVICE)
        return Verification(False, _("Not sending: the micro:bit does not answer on its serial "
                                     "port (nothing in {:.0f} s, not even after a "
                                     "restart).").format(timeout_s), advice, board=board)
    if not expect_header:
        return Verification(None, _("Started (the program sends no klimakit header, so klimakit "
                                    "cannot see more)."), board=board)
    if text.explain().reason is Silence.REPL:
        return Verification(False, _("Not sending: the program ended without sending a klimakit "
                                     "header."), _("Does the program call begin(...) from "
                                                      "klima? Try it with `klimakit run PROGRAM "
                                                      "--as-flashed`."), board=board)
    return Verification(False, _("Not sending: no klimakit header within {:.0f} s (last: "
                                 "“{}”).").format(timeout_s, text.last),
                        _("Does the program call begin(...) from klima before it measures? "
                          "Flash again, or press reset."), board=board)
