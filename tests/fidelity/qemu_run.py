"""Run a program as main.py on the real V1 firmware in QEMU and collect what it prints.

The board boots from the hex klimakit builds (`QemuBoard.from_program`), so the program runs
exactly as flashed. Its output ends with MicroPython's REPL banner ("MicroPython v1.9.2-... ;
micro:bit v1.1.1 with nRF51822"), printed when main.py returns or fails; after a traceback a
Ctrl-C skips the scrolled error message (docs/qemu.md §4).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass

from kit.boards import QemuBoard
from kit.build import Program

BANNER = re.compile(r"^MicroPython v\S+ on \S+; micro:bit (v\S+) with")
RUN_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class BoardRun:
    """What one boot printed (lines without the banner) and the firmware that printed it."""

    lines: list[str]
    firmware: str


def run_on_qemu(program: Program, timeout: float = RUN_TIMEOUT_S) -> BoardRun:
    """Boot `program` as main.py in QEMU (idle time skipped) and return its output lines."""
    board = QemuBoard.from_program(program, fast_time=True)
    try:
        return _collect(board, timeout)
    finally:
        board.close()


def _collect(board: QemuBoard, timeout: float) -> BoardRun:
    deadline = time.monotonic() + timeout
    lines: list[str] = []
    in_traceback = False
    while True:
        left = deadline - time.monotonic()
        raw = board.readline(left) if left > 0 else None
        if raw is None:
            raise AssertionError("no REPL banner within {:.0f} s; got {!r}".format(
                timeout, lines[-5:]))
        line = raw.decode("utf-8", "replace").lstrip("\x00")
        match = BANNER.match(line)
        if match:
            return BoardRun(lines, match.group(1))
        lines.append(line)
        if line.startswith("Traceback (most recent call last)"):
            in_traceback = True
        elif in_traceback and not line.startswith("  "):
            board.write(b"\x03")  # skip the error scrolling across the LEDs
            in_traceback = False
