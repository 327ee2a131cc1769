"""The whole flow with no hardware: build a lesson's firmware, run it on a virtual board,
record its data lines with the real recorder and draw the graph.

QEMU runs the real micro:bit V1 MicroPython, so the demo proves the same path a classroom uses
(hex build → board → serial lines → parser → CSV + sidecar → graph). QEMU's sensors are
constant (light 255, acceleration (-736, -736, 736)), so the default firmware is sensortjek and
the demo presses A three times and B twice, like a pupil marking events: the graph then shows
the button counters climbing in steps. Another backend (the simulator) joins in `_open_board`.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kit.boards import Board, QemuBoard, qemu_binary
from kit.build import Program, assemble
from kit.errors import LessonError
from kit.record import BoardStatus, Recorder, plan_recording, plot_run
from kit.resources import firmware_path

log = logging.getLogger(__name__)

DEFAULT_FIRMWARE = "sensortjek"
DEMO_STEM = "demo"
# Fractions of the run at which buttons are pressed: A A B A B gives two staircases.
PRESSES = ((1 / 7, "A"), (2 / 7, "A"), (3 / 7, "B"), (4 / 7, "A"), (5 / 7, "B"))


@dataclass(frozen=True)
class DemoResult:
    """What the demo produced and on what."""

    out_dir: Path
    csv_path: Path
    png_path: Path
    rows: int
    rejected: int
    backend: str
    fields: tuple[str, ...]


def _open_board(
    program: Program, seconds: float, on_status: Callable[[str], None]
) -> tuple[Board, dict[float, Callable[[], None]]]:
    """Start the virtual board the demo runs on, and the button presses to make during it."""
    if qemu_binary() is None:  # no QEMU: the simulator runs the same program (kit.sim)
        from kit.sim import open_sim_board

        on_status("QEMU er ikke installeret – bruger simulatoren")
        return open_sim_board(program, seconds, PRESSES)
    on_status("Bygger {} ({} bytes) og starter en virtuel micro:bit i QEMU…".format(
        program.name, program.size_bytes))
    qemu = QemuBoard.from_program(program, name="virtuel-1")

    def press(button: str) -> Callable[[], None]:
        return lambda: qemu.press(button)

    return qemu, {seconds * at: press(button) for at, button in PRESSES}


def _lesson_for(firmware: str) -> str:
    """The lesson whose program this is (same id), or '' to take the fields from the board."""
    from kit.lessons import get_lesson

    try:
        return firmware if get_lesson(firmware).firmware == firmware else ""
    except LessonError:
        return ""


def run_demo(
    out_dir: Path,
    *,
    seconds: float = 6.0,
    firmware: str = DEFAULT_FIRMWARE,
    on_status: Callable[[str], None] = lambda message: None,
) -> DemoResult:
    """Run `firmware` on a virtual board; write demo.csv, demo.json and demo.png in `out_dir`."""
    if out_dir.is_dir():
        for old in out_dir.glob(DEMO_STEM + ".*"):  # the demo's own files from an earlier run
            old.unlink()
    lesson = _lesson_for(firmware)
    plan = plan_recording(out_dir, lesson, duration_s=seconds, stem=DEMO_STEM,
                          firmware=firmware, title="" if lesson else "klimakit demo: " + firmware)
    recorder = Recorder(plan)  # files first: an unwritable folder fails before QEMU starts
    program = assemble(firmware_path(firmware))
    try:
        board, actions = _open_board(program, seconds, on_status)
    except BaseException:
        recorder.abandon()
        raise
    pending = sorted(actions.items())
    started = time.monotonic()

    def act(statuses: list[BoardStatus]) -> None:
        while pending and time.monotonic() - started >= pending[0][0]:
            pending.pop(0)[1]()

    on_status("Optager i {:.0f} sekunder (trykker på A og B undervejs)…".format(seconds))
    result = recorder.run([board], on_update=act)
    png = plot_run(plan.paths.csv, plan.paths.plot) if result.accepted else plan.paths.plot
    return DemoResult(out_dir, plan.paths.csv, png, result.accepted, result.rejected,
                      "qemu" if isinstance(board, QemuBoard) else type(board).__name__.lower(),
                      result.fields)
