"""The simulator as `klimakit demo`'s board when QEMU is not installed."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from kit.boards import Board
from kit.build import Program
from kit.errors import LessonError
from kit.hardware import V1, V2
from kit.sim.board import SimBoard

DEMO_BOARD_NAME = "simuleret-1"


def lesson_setup(firmware: str) -> tuple[str, str]:
    """(scenario, version) of the lesson named like `firmware`; ('calm', 'v1') if none is."""
    from kit.lessons import get_lesson

    try:
        lesson = get_lesson(firmware)  # lessons and their firmware share the id
    except LessonError:
        return "calm", V1
    if lesson.firmware != firmware:
        return "calm", V1
    version = V1 if lesson.runs_on(V1) else V2
    return lesson.experiment.scenario or "calm", version


def open_sim_board(
    program: Program, seconds: float, presses: Iterable[tuple[float, str]]
) -> tuple[Board, dict[float, Callable[[], None]]]:
    """A SimBoard running `program` in real time, and presses at fractions of `seconds`."""
    scenario, version = lesson_setup(program.name)
    board = SimBoard(program, name=DEMO_BOARD_NAME, version=version, scenario=scenario,
                     speed=1.0)
    return board, {seconds * at: board.press_action(button) for at, button in presses}
