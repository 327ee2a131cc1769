"""Run an unmodified micro:bit program on the PC (`klimakit run`).

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
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import CodeType, ModuleType

from kit.boards import Board
from kit.errors import KitError, ProgramError

log = logging.getLogger(__name__)

MODULE_NAMES = ("microbit", "radio", "music", "utime")


@dataclass(frozen=True)
class RunResult:
    """How a run ended: normally, or stopped with Ctrl-C (the board was tidied up either way)."""

    path: Path
    board: str
    interrupted: bool = False


def check_program(path: Path) -> CodeType:
    """Compile the program; a syntax error becomes ProgramError 'file:line: ...' with the line."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ProgramError("cannot read {}: {}".format(path, err)) from err
    try:
        return compile(source, str(path), "exec")
    except SyntaxError as err:
        line = (err.text or "").rstrip("\n")
        code = line.lstrip()
        caret = ""
        if code and err.offset:
            caret = "\n    " + " " * max(err.offset - 1 - (len(line) - len(code)), 0) + "^"
        raise ProgramError("{}:{}: syntax error: {}\n    {}{}".format(
            path, err.lineno, err.msg, code, caret)) from None


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


def execute(code: CodeType, path: Path, microbit: object) -> bool:
    """Run compiled program code against one board; return True if Ctrl-C stopped it."""
    modules = program_modules(microbit)
    saved = {name: sys.modules.get(name) for name in modules}
    sys.modules.update(modules)
    namespace = {"__name__": "__main__", "__file__": str(path), "__builtins__": builtins}
    try:
        exec(code, namespace)
    except KeyboardInterrupt:
        getattr(microbit, "interrupted")()
        return True
    except SystemExit:
        return False
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
    return False


def run(path: Path, *, board: str | Board | None = None, sim: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        on_output: Callable[[str], None] | None = None,
        on_display: Callable[[str], None] | None = None) -> RunResult:
    """Check, connect, run and tidy up: the whole of `klimakit run`.

    On a board the program's print() goes to sys.stdout as usual; in the simulator its lines
    and display pictures go to on_output / on_display (kit.sim.run_program).
    """
    code = check_program(path)
    if sim:
        return _run_in_simulator(path, on_output, on_display)
    from kit.microbit import connect

    microbit = connect(board, sleep=sleep)
    interrupted = False
    try:
        interrupted = execute(code, path, microbit)
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
    return RunResult(path, microbit.name, interrupted)


def _ignore_line(text: str) -> None:
    """The simulator's callback when the caller passed none (as kit.sim's own default)."""


def _run_in_simulator(path: Path, on_output: Callable[[str], None] | None,
                      on_display: Callable[[str], None] | None) -> RunResult:
    try:
        from kit.sim import run_program
    except (ImportError, AttributeError):
        raise KitError("the simulator is not available in this installation (kit.sim has no "
                       "run_program). Run on a board with --board or --port.") from None
    try:
        run_program(path, on_output=on_output or _ignore_line,
                    on_display=on_display or _ignore_line)
    except KeyboardInterrupt:
        return RunResult(path, "simulator", interrupted=True)
    return RunResult(path, "simulator")
