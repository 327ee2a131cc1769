"""How big a program micro:bit V1's ~9.5 KB heap takes: the one rule, from measured figures.

V1 compiles each file when it is run or imported, into the same small heap that then holds the
compiled code of every file already imported. Measured on V1 1.1.1 in QEMU with
benchmarks/measure_v1_memory.py (docs/firmware.md), a program of six-line functions runs with
34 of them in main.py (2,650 bytes of code) and fails with 35, whether or not klima.py is
imported beside it as a file (3,542 bytes in all); with klima pasted into main.py only 28 run
(3,050 bytes). Half the functions moved into a module of their own: 39 run (3,946 bytes in
all), 40 fail. So two limits: the largest file, and all files together. Straight-line code
compiles smaller and fails later (about 4.4 KB): the rule warns, it does not refuse.
"""
from __future__ import annotations

import io
import tokenize
from typing import TYPE_CHECKING

from kit.i18n import gettext as _

if TYPE_CHECKING:
    from kit.build.program import Program

# Warn above these many bytes of code (comments and blank lines not counted). Failures were
# measured from about 2,730 bytes in one file and about 4,050 bytes in all files together.
V1_FILE_WARN_BYTES = 2500
V1_CODE_WARN_BYTES = 3800


def v1_code_bytes(source: str) -> int:
    """Bytes of real code: comments and blank lines removed (V1 skips them while compiling).

    Docstrings count: V1's parser holds every string of a file in its heap while compiling it.
    This is the one measure of program size held to the V1 limits (build, lesson check,
    simulator).
    """
    lines = source.splitlines()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                row, col = token.start
                lines[row - 1] = lines[row - 1][:col]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return sum(len(line.rstrip().encode("utf-8")) + 1 for line in lines if line.strip())


def v1_memory_warning(program: Program) -> str:
    """Return a warning if the program is likely too big for a micro:bit V1's heap, else ''."""
    sizes = {file.name: v1_code_bytes(file.text) for file in program.board_files
             if file.name not in program.v1_uncounted}
    total = sum(sizes.values())
    largest = max(sizes, key=lambda name: sizes[name])
    if sizes[largest] > V1_FILE_WARN_BYTES:
        size, files, limit = sizes[largest], largest, V1_FILE_WARN_BYTES
    elif total > V1_CODE_WARN_BYTES:
        size, files, limit = total, " + ".join(sizes), V1_CODE_WARN_BYTES
    else:
        return ""
    return _("{size} bytes of code in {files} ({program}) (comments not counted); micro:bit V1 "
             "runs out of memory near {limit} bytes. Make it smaller, move code into a module "
             "of its own, or mark the lesson 'boards: [v2]'.").format(
                 size=size, files=files, program=program.name, limit=limit)
