"""Run an unmodified micro:bit program on the PC (`klimakit run`).

The program is Python running on this PC with the user's rights, on a board and in the
simulator alike: `klimakit run` is no sandbox (README, `klimakit run --help`).

The program's `import microbit` / `from microbit import *`, `import radio`, `import music`
and `import utime` get module objects bound to one connected board (kit.microbit), put into
sys.modules only while the program runs and restored afterwards. The program itself is plain
CPython: its loops and arithmetic run on the PC, only the micro:bit calls go to the board.

A syntax error is reported as file:line with the line before any board is touched. Ctrl-C
stops the program, stops the agent and leaves the board at its REPL, ready for the next run.
"""
from __future__ import annotations

import builtins
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import CodeType, ModuleType

from kit.boards import Board, BoardInfo
from kit.errors import BoardNotFound, KitError, ProgramError, UnsupportedCall
from kit.i18n import gettext as _
from kit.i18n import os_reason

log = logging.getLogger(__name__)

MODULE_NAMES = ("microbit", "radio", "music", "utime")


@dataclass(frozen=True)
class RunResult:
    """How a run ended: normally, or stopped with Ctrl-C (the board was tidied up either way)."""

    path: Path
    board: str
    interrupted: bool = False
    exit_code: int = 0


def check_program(path: Path) -> CodeType:
    """Compile the program; a syntax error becomes ProgramError 'file:line: ...' with the line."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ProgramError(_("cannot read {path}: {reason}").format(
            path=path, reason=os_reason(err) if isinstance(err, OSError) else
            _("it is not UTF-8 text; save it as UTF-8"))) from err
    try:
        return compile(source, str(path), "exec")
    except SyntaxError as err:
        line = (err.text or "").rstrip("\n")
        code = line.lstrip()
        caret = ""
        if code and err.offset:
            caret = "\n    " + " " * max(err.offset - 1 - (len(line) - len(code)), 0) + "^"
        raise ProgramError(_("{file}:{line}: syntax error: {message}").format(
            file=path, line=err.lineno, message=err.msg) + "\n    {}{}".format(code, caret)
                           ) from None


def program_modules(microbit: object) -> dict[str, ModuleType]:
    """Build the modules a micro:bit program imports, bound to one MicroBit."""
    from kit.microbit import FUNCTIONS, PARTS, Image, MicroBit

    assert isinstance(microbit, MicroBit)
    module = ModuleType("microbit", "The micro:bit {} (klimakit host API)".format(microbit.name))
    names = ["Image", "sleep", *PARTS, *FUNCTIONS]
    for name in names:
        setattr(module, name, Image if name == "Image" else getattr(microbit, name))
    module.__all__ = names  # type: ignore[attr-defined]
    radio = ModuleType("radio")
    music = ModuleType("music")
    for target, source in ((radio, microbit.radio), (music, microbit.music)):
        for name in dir(source):
            if not name.startswith("_"):
                setattr(target, name, getattr(source, name))
    module.radio = radio  # type: ignore[attr-defined]  # bitio programs use microbit.radio
    return {"microbit": module, "radio": radio, "music": music, "utime": _utime(microbit)}


def _utime(microbit: object) -> ModuleType:
    sleep_ms: Callable[[float], None] = getattr(microbit, "sleep")
    started = time.monotonic()
    utime = ModuleType("utime")
    utime.sleep = lambda s: sleep_ms(s * 1000)  # type: ignore[attr-defined]
    utime.sleep_ms = sleep_ms  # type: ignore[attr-defined]
    utime.sleep_us = lambda us: sleep_ms(us / 1000)  # type: ignore[attr-defined]
    utime.ticks_ms = lambda: int((time.monotonic() - started) * 1000)  # type: ignore[attr-defined]
    utime.ticks_us = lambda: int((time.monotonic() - started) * 1e6)  # type: ignore[attr-defined]
    utime.ticks_add = lambda a, b: a + b  # type: ignore[attr-defined]
    utime.ticks_diff = lambda a, b: a - b  # type: ignore[attr-defined]
    return utime


def _where(err: BaseException, path: Path) -> tuple[str, str]:
    """The last frame of the pupil's program in a traceback: ('file:line', 'code')."""
    frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename == str(path)]
    if not frames:
        return str(path), ""
    return "{}:{}".format(path, frames[-1].lineno), (frames[-1].line or "").strip()


def exit_status(code: object) -> int:
    """The process exit status for a SystemExit code, as CPython's interpreter makes it."""
    if code is None:
        return 0
    if isinstance(code, int) and not isinstance(code, bool):
        return code
    return 1


def execute(code: CodeType, path: Path, microbit: object) -> tuple[bool, int]:
    """Run compiled program code against one board; return (stopped by Ctrl-C, exit status)."""
    modules = program_modules(microbit)
    saved = {name: sys.modules.get(name) for name in modules}
    sys.modules.update(modules)
    namespace = {"__name__": "__main__", "__file__": str(path), "__builtins__": builtins}
    try:
        exec(code, namespace)
    except KeyboardInterrupt:
        getattr(microbit, "interrupted")()
        return True, 0
    except SystemExit as err:  # sys.exit(3) in the program: `klimakit run` exits with 3
        return False, exit_status(err.code)
    except KitError as err:
        where, line = _where(err, path)
        raise ProgramError("{}: {}{}".format(where, err, "\n    " + line if line else "")) from err
    except Exception as err:  # the pupil's own mistake: show where, in their file only
        where, line = _where(err, path)
        raise ProgramError("{}: {}: {}{}".format(
            where, type(err).__name__, err, "\n    " + line if line else "")) from err
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    return False, 0


@dataclass(frozen=True)
class SimOptions:
    """How to simulate: as flashed (board semantics) or as a host program; version, scenario."""

    as_flashed: bool = False
    version: str | None = None
    scenario: str | None = None
    max_seconds: float | None = None
    speed: float = 1.0


def run(path: Path, *, board: str | Board | None = None, sim: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        on_output: Callable[[str], None] | None = None,
        on_display: Callable[[str], None] | None = None,
        options: SimOptions | None = None) -> RunResult:
    """Check, connect, run and tidy up: the whole of `klimakit run`.

    On a board the program's print() goes to sys.stdout as usual; in the simulator its lines
    and display pictures go to on_output / on_display (kit.sim.run_program). With
    options.as_flashed the program is simulated as the board runs it once flashed.
    """
    code = check_program(path)
    if sim or (options is not None and options.as_flashed):
        return _run_in_simulator(path, on_output, on_display, options or SimOptions())
    from kit.microbit import connect

    if not isinstance(board, Board):
        refuse_virtual_board(path, board)
    microbit = connect(board, sleep=sleep)
    interrupted, status = False, 0
    try:
        interrupted, status = execute(code, path, microbit)
    except KeyboardInterrupt:  # Ctrl-C outside the program's own frames (e.g. while closing)
        microbit.interrupted()
        interrupted = True
    finally:
        try:
            microbit.close()
        except KitError as err:
            if not interrupted:
                raise
            log.info("closing after Ctrl-C: %s", err)
    return RunResult(path, microbit.name, interrupted, status)


def _board_info(target: str | None, path: Path) -> BoardInfo | None:
    """The board `klimakit run` will use, as discovery lists it (None for a port we do not
    know); BoardNotFound with a hint at --sim when there is none."""
    from kit.boards import find_boards, looks_like_port, select_boards

    target = target or os.environ.get("KLIMAKIT_PORT") or None
    found = find_boards()
    if target and looks_like_port(target):
        return next((b for b in found if b.port == target), None)
    try:
        return select_boards(found, [target] if target else [])[0]
    except BoardNotFound as err:
        if target or any(b.unique_id for b in found):
            raise
        raise BoardNotFound(_("{error} No micro:bit at hand? Run the program in the simulator: "
                              "`klimakit run {program} --sim`.").format(
                                  error=err, program=path.name)) from None


def refuse_virtual_board(path: Path, target: str | None) -> None:
    """Say the real cause before a virtual board is asked for what it cannot do.

    A virtual board on QEMU runs the real V1 firmware, which never answers temperature(),
    the compass, radio or music.play() there (kit/flash/engine.py); one on the simulator runs
    its program in another process, which `klimakit run` cannot drive. Raises UnsupportedCall.
    """
    info = _board_info(target, path)
    if info is None or not info.virtual:
        return
    advice = _("Run the program in the simulator instead: `klimakit run {program} --sim`."
               ).format(program=path.name)
    if info.engine == "sim":
        raise UnsupportedCall(_("{board} is a virtual micro:bit whose program runs in the "
                                "simulator ({reason}), which `klimakit run` cannot drive. "
                                "{advice}").format(board=info.label, reason=info.engine_reason,
                                                   advice=advice))
    from kit.build import Program
    from kit.flash import qemu_cannot

    cannot = qemu_cannot(Program(path.stem, path.read_text(encoding="utf-8")))
    if info.engine == "qemu" and cannot:
        raise UnsupportedCall(_("{board} is a virtual micro:bit with real V1 firmware in QEMU, "
                                "where these never answer: {parts} (QEMU lacks those parts of "
                                "the micro:bit). {advice}").format(
                                    board=info.label, parts=", ".join(cannot), advice=advice))


def _ignore_line(text: str) -> None:
    """The simulator's callback when the caller passed none (as kit.sim's own default)."""


def _run_in_simulator(path: Path, on_output: Callable[[str], None] | None,
                      on_display: Callable[[str], None] | None,
                      options: SimOptions) -> RunResult:
    try:
        from kit.sim import run_program
    except (ImportError, AttributeError):
        raise KitError(_("the simulator is not available in this installation (kit.sim has "
                         "no run_program). Run on a board with --board or --port.")) from None
    host_names = None
    if not options.as_flashed:
        from kit.microbit import Image

        host_names = {"Image": Image}  # bitio's Image.STD_IMAGES and STD_IMAGE_NAMES too
    try:
        code = run_program(path, version=options.version, scenario=options.scenario,
                           speed=options.speed, host_names=host_names,
                           max_seconds=options.max_seconds,
                           on_output=on_output or _ignore_line,
                           on_display=on_display or _ignore_line)
    except KeyboardInterrupt:
        return RunResult(path, "simulator", interrupted=True)
    return RunResult(path, "simulator", exit_code=exit_status(code))
