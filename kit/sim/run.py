"""`klimakit run --sim`: run a pupil's program on a simulated board and show what it does.

The program runs in scaled real time (speed 1 = as fast as a real board), its printed lines and
its 5×5 display go to callbacks, so the CLI decides how to show them.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Callable
from pathlib import Path

from kit.build import file_program
from kit.errors import FirmwareError
from kit.sim.board import SimBoard
from kit.sim.hardware import Display

log = logging.getLogger(__name__)

SHADES = " .:-=+*#%@"  # LED brightness 0-9
MAX_LOCAL_MODULE_BYTES = 50_000


def render_display(display: Display) -> str:
    """The 5×5 display as five lines of text (brightness as shades), or the text it shows."""
    if display.text:
        return "[ {} ]".format(display.text)
    return "\n".join("".join(SHADES[v] * 2 for v in row) for row in display.rows())


def _sibling_modules(path: Path) -> dict[str, str]:
    """Other .py files beside the program: a pupil may split a program into modules."""
    modules = {}
    for other in sorted(path.parent.glob("*.py")):
        if other != path and other.stat().st_size < MAX_LOCAL_MODULE_BYTES:
            try:
                modules[other.stem] = other.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
    return modules


def run_program(
    path: Path,
    *,
    version: str = "v2",
    scenario: str = "calm",
    speed: float = 1.0,
    on_output: Callable[[str], None] = lambda line: None,
    on_display: Callable[[str], None] = lambda text: None,
) -> None:
    """Run the micro:bit program at `path` on a simulated board until it ends.

    `speed` scales time (10 = ten times faster; math.inf = as fast as possible). Lines the
    program prints go to on_output, each display change to on_display (see render_display).
    firmware/lib modules (klima) are inlined as for flashing. Raises FirmwareError for a file
    that cannot be read or has a syntax error (naming the line). Ctrl-C (KeyboardInterrupt)
    stops the program and is re-raised for the caller.
    """
    path = Path(path)
    if not path.is_file():
        raise FirmwareError("{}: no such program file".format(path))
    program = file_program(path)
    last: list[str] = [""]

    def show(display: Display) -> None:
        text = render_display(display)
        if text != last[0]:
            last[0] = text
            on_display(text)

    board = SimBoard(program, name=path.stem[:16] or "sim", version=version, scenario=scenario,
                     speed=None if math.isinf(speed) else speed,
                     local_modules=_sibling_modules(path), on_display=show)
    try:
        while True:
            line = board.readline(0.2)
            if line is not None:
                on_output(line.decode("utf-8", "replace"))
            elif not board.running:
                break
    finally:
        board.close()
