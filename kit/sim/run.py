"""`klimakit run --sim`: run a pupil's program on a simulated board and show what it does.

Two kinds of program (README, "klimakit run"):
- a *board program* (the file you flash) runs with the board's semantics: V1 floats, dict
  order, messages, builtins and modules (kit/sim/transform.py, tests/fidelity);
- a *host program* (bitio style: CPython on the PC, `import microbit` driving a board) keeps
  CPython's semantics, with the simulator standing in for the board.

Either way the program is Python running on this PC with the user's rights: the simulator is
not a sandbox. The program runs in scaled real time (speed 1 = as fast as a real board); its
printed lines and its 5×5 display go to callbacks, so the CLI decides how to show them.
"""
from __future__ import annotations

import ast
import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kit.i18n import gettext as _
from kit.i18n import os_reason
from kit.build import check_v1_syntax, file_program
from kit.errors import FirmwareError, LessonError
from kit.hardware import V1, V2
from kit.sim.board import SimBoard
from kit.sim.errors import SimulatorError
from kit.sim.hardware import Display
from kit.sim.modules import NO_SUCH_ON_V1, V2_ONLY
from kit.sim.scenarios import SCENARIOS
from kit.build import parse_python

log = logging.getLogger(__name__)

SHADES = " .:-=+*#%@"  # LED brightness 0-9
MAX_LOCAL_MODULE_BYTES = 50_000
DEFAULT_SCENARIO = "calm"


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


def _lesson_for(path: Path) -> Any:
    """The lesson whose firmware is this file, if any (its boards and scenario are defaults)."""
    from kit.build import firmware_file
    from kit.lessons import load_library

    try:
        lessons = load_library()
    except (LessonError, OSError):
        return None
    for lesson in lessons:
        firmware = firmware_file(lesson.firmware)
        if firmware is not None and firmware.resolve() == path.resolve():
            return lesson
    return None


def choose_version(path: Path, source: str) -> str:
    """V1 or V2 for a program: its lesson's boards, else V2 only if it needs a V2.

    A program that V1 can run (V1 syntax, no V2-only names or modules) is simulated as a V1,
    the stricter board, so a pupil meets V1's limits before flashing a class set.
    """
    lesson = _lesson_for(path)
    if lesson is not None:
        return V1 if lesson.runs_on(V1) else V2
    try:
        check_v1_syntax(source, str(path))
        tree = parse_python(source)
    except (FirmwareError, SyntaxError):
        return V2
    v2_names = set(V2_ONLY) | set(NO_SUCH_ON_V1)
    for node in ast.walk(tree):
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(
            node, ast.Attribute) else None
        names = [a.name for a in node.names] if isinstance(node, (ast.Import, ast.ImportFrom)) \
            else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        if name in v2_names or v2_names.intersection(names):
            return V2
    return V1


def choose_scenario(path: Path) -> str:
    """The sensor scenario: the program's lesson's, else 'calm'."""
    lesson = _lesson_for(path)
    scenario = lesson.experiment.scenario if lesson is not None else None
    return scenario if scenario in SCENARIOS else DEFAULT_SCENARIO


def run_program(
    path: Path,
    *,
    version: str | None = None,
    scenario: str | None = None,
    speed: float = 1.0,
    host_names: dict[str, Any] | None = None,
    max_seconds: float | None = None,
    on_output: Callable[[str], None] = lambda line: None,
    on_display: Callable[[str], None] = lambda text: None,
) -> object:
    """Run the micro:bit program at `path` on a simulated board until it ends.

    A board program by default; with `host_names` (the host API's names for `microbit`,
    kit.runner) a host program. `version`/`scenario` default from the program's lesson or
    the program (choose_version, choose_scenario). `speed` scales time (10 = ten times
    faster; math.inf = as fast as possible); `max_seconds` stops after that much simulated
    time. Lines go to on_output, display changes to on_display (see render_display).
    Returns the program's exit code (its SystemExit code, else None). Raises FirmwareError for
    a file that cannot be read or has a syntax error (naming the line). Ctrl-C
    (KeyboardInterrupt) stops the program and is re-raised for the caller.
    """
    path = Path(path)
    if not path.is_file():
        raise FirmwareError(_("no such program file: {path}").format(path=path))
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise FirmwareError(_("cannot read {path}: {reason}").format(
            path=path, reason=os_reason(err) if isinstance(err, OSError) else
            _("it is not UTF-8 text; save it as UTF-8"))) from err
    version = version or choose_version(path, source)
    scenario = scenario or choose_scenario(path)
    if scenario not in SCENARIOS:
        raise SimulatorError(_("unknown scenario {name!r}; known: {known}").format(
            name=scenario, known=", ".join(sorted(SCENARIOS))))
    program = file_program(path, v1=version == V1 and host_names is None)
    last: list[str] = [""]

    def show(display: Display) -> None:
        text = render_display(display)
        if text != last[0]:
            last[0] = text
            on_display(text)

    board = SimBoard(program, name=path.stem[:16] or "sim", version=version, scenario=scenario,
                     speed=None if math.isinf(speed) else speed,
                     local_modules=_sibling_modules(path), on_display=show,
                     host_names=host_names)
    try:
        if max_seconds is not None and math.isinf(speed):
            board.run_for(max_seconds, timeout=max(10.0, max_seconds))
            for printed in board.collect():
                on_output(printed.decode("utf-8", "replace"))
            return board.exit_code
        while True:
            line = board.readline(0.2)
            if line is not None:
                on_output(line.decode("utf-8", "replace"))
            elif not board.running:
                break
            if max_seconds is not None and board.sim.time_s >= max_seconds:
                break
    finally:
        board.close()
    return board.exit_code
