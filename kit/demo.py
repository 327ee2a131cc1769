"""`klimakit demo`: the afkoeling class experiment, with no hardware, in a few seconds.

Six groups wrap a cup of warm water each in something else (nothing, a wool sock, bubble wrap,
newspaper, foil, a second cup: the lesson's materials list) and their micro:bits measure for
the lesson's 40 minutes. Here each group's micro:bit is a simulated board (kit.sim) running
the lesson's own program, with the sensor scenario of its wrapping (kit/sim/scenarios.py,
WrappedCup), each on its own virtual clock that stops at 40 minutes. The real recorder
records all six (kit.record.Recorder: the same readers, writer and files as `klimakit record`),
stamping each line with the board's own time, so the CSV says 40 minutes although the run
took seconds. The end is the graph a teacher shows: six cooling curves that separate.

The hardware path is proved beside it in one line: the same program, built into the V1 hex a
real board gets, boots on the real micro:bit V1 MicroPython in QEMU and prints its header
(kit.check.boot_lesson). QEMU has no temperature sensor (docs/qemu.md §10), so the readings
come from the simulator.

With a LiveView (`klimakit demo --live`) the boards run in scaled real time instead, so the
whole 40 minutes play in the browser in about `live_seconds`.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kit.i18n import gettext as _
from kit.boards import Board, qemu_binary
from kit.build import lesson_program
from kit.check import BootResult, boot_lesson
from kit.hardware import V1, V2
from kit.lessons import Lesson, get_lesson
from kit.record import (
    BoardStatus, EndReason, LiveAddress, LiveView, Recorder, plan_recording, plot_run,
)
from kit.sim import SimBoard, Simulation

log = logging.getLogger(__name__)

DEMO_LESSON = "afkoeling"
DEMO_STEM = "demo"
# (board name, scenario): the six groups, in the order of the lesson's materials list.
GROUPS = (("kop uden noget", "cooling-cup"), ("uldsok", "cooling-wool-sock"),
          ("bobleplast", "cooling-bubble-wrap"), ("avispapir", "cooling-newspaper"),
          ("sølvpapir", "cooling-foil"), ("kop i kop", "cooling-cup-in-cup"))
LIVE_SECONDS = 30.0
END_SLACK_S = 0.5  # the reading at exactly 40:00 is part of the run
MAX_WALL_S = 600.0  # a guard: the virtual 40 minutes take seconds


@dataclass(frozen=True)
class DemoResult:
    """What the demo produced: files, counts, and the proof on real firmware."""

    out_dir: Path
    csv_path: Path
    png_path: Path
    rows: int
    rejected: int
    lost: int
    boards: tuple[str, ...]
    fields: tuple[str, ...]
    minutes: float  # on the boards' clocks
    wall_s: float
    program_sha256: str
    boot: BootResult | None  # None: QEMU is not installed


def _boot_in_qemu(lesson: Lesson, found: list[BootResult]) -> threading.Thread | None:
    """Boot the lesson's V1 hex in QEMU beside the simulation (QEMU takes the other core)."""
    if qemu_binary() is None:
        return None
    thread = threading.Thread(target=lambda: found.append(boot_lesson(lesson)), daemon=True,
                              name="demo-qemu")
    thread.start()
    return thread


def _boards(lesson: Lesson, minutes: float, speed: float | None) -> list[SimBoard]:
    """One simulated micro:bit per group, each on its own clock (virtual boards on one shared
    clock would take turns; apart they run as fast as the CPU allows)."""
    program = lesson_program(lesson)
    version = V1 if lesson.runs_on(V1) else V2
    return [SimBoard(program, name=name, version=version, scenario=scenario, seed=index + 1,
                     sim=Simulation(speed=speed, seed=index + 1,
                                    end_s=minutes * 60 + END_SLACK_S))
            for index, (name, scenario) in enumerate(GROUPS)]


def _clean(out_dir: Path) -> None:
    if out_dir.is_dir():
        for old in out_dir.glob(DEMO_STEM + ".*"):  # the demo's own files from an earlier run
            old.unlink()


def run_demo(
    out_dir: Path,
    *,
    live: bool = False,
    live_seconds: float = LIVE_SECONDS,
    on_status: Callable[[str], None] = lambda message: None,
    on_live: Callable[[LiveAddress], None] = lambda address: None,
) -> DemoResult:
    """Run the class experiment; write demo.csv, .json, .raw.log and .png in `out_dir`.

    With live=True the page is served while the boards run (`on_live` gets its address)."""
    _clean(out_dir)
    lesson = get_lesson(DEMO_LESSON)
    minutes = float(lesson.experiment.duration_min)
    plan = plan_recording(out_dir, lesson.id, stem=DEMO_STEM)
    recorder = Recorder(plan)  # files first: an unwritable folder fails before any board runs
    booted: list[BootResult] = []
    qemu = _boot_in_qemu(lesson, booted)
    speed = minutes * 60 / live_seconds if live else None
    boards = _boards(lesson, minutes, speed)
    view = LiveView(plan, duration_s=minutes * 60) if live else None
    if view is not None:
        on_live(view.start())
    on_status(_("Six groups measure for {minutes:.0f} minutes on simulated micro:bits "
                "({groups}) …").format(minutes=minutes,
                                       groups=", ".join(name for name, _sensor in GROUPS)))
    started = time.monotonic()
    result = None
    try:
        as_boards: list[Board] = list(boards)
        _end_at_the_end(boards, recorder, started)
        result = recorder.run(as_boards,
                              on_update=_watch(boards, recorder, view),
                              on_event=view.event if view is not None else None)
    finally:
        if view is not None:
            view.finish(result, elapsed_s=_board_seconds(boards))
    wall = time.monotonic() - started
    if qemu is not None:
        on_status(_("Starting the same program on real micro:bit V1 firmware in QEMU …"))
        qemu.join()
    png = plot_run(plan.paths.csv, plan.paths.plot) if result.accepted else plan.paths.plot
    return DemoResult(out_dir, plan.paths.csv, png, result.accepted, result.rejected,
                      result.lost, tuple(name for name, _sensor in GROUPS), result.fields,
                      _board_seconds(boards) / 60, wall, lesson_program(lesson).sha256,
                      booted[0] if booted else None)


def _board_seconds(boards: list[SimBoard]) -> float:
    return min(b.sim.time_s for b in boards)


def _end_at_the_end(boards: list[SimBoard], recorder: Recorder, started: float) -> None:
    """End the recording (its duration is over) once every board's clock has reached the end."""
    def watch() -> None:
        while not all(b.sim.finished for b in boards) and time.monotonic() - started < MAX_WALL_S:
            time.sleep(0.02)
        recorder.request_stop(EndReason.DURATION)

    threading.Thread(target=watch, daemon=True, name="demo-end").start()


def _watch(boards: list[SimBoard], recorder: Recorder, view: LiveView | None
           ) -> Callable[[list[BoardStatus]], None] | None:
    if view is None:
        return None

    def update(statuses: list[BoardStatus]) -> None:
        view.update(statuses, recorder.fields, recorder.intake.units,
                    elapsed_s=_board_seconds(boards))

    return update
