"""micro:bit V1's heap on MicroPython V1 1.1.1, measured in QEMU: modules as files vs inlined.

Run: python3 benchmarks/measure_v1_memory.py [--quick]
Prints, side by side for the two ways of putting firmware/lib's klima onto a board (a file of
its own, as klimakit builds now, or pasted into main.py, as uflash forced before):
- free heap (gc.mem_free() after gc.collect()) after the imports, for a tiny program and for
  every V1 lesson (measured just before its main loop);
- the largest program that still runs: N six-line functions (and, without --quick, N
  straight-line print lines) in main.py, alone, with klima.py beside it, with klima inlined,
  and with the functions split over main.py and a module. Each size is booted once; the table
  shows the largest N that ran and the first N that failed above it (the edge can be fuzzy).
The hex is the one klimakit flashes onto a V1 (kit.build); QEMU runs with -icount.
Figures go into docs/firmware.md and the V1 limits in kit/build/limits.py.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kit.boards import QemuBoard, qemu_binary, qemu_version  # noqa: E402
from kit.build import (  # noqa: E402
    Program, ProgramFile, inline_source, lesson_program, v1_code_bytes,
)
from kit.errors import KitError  # noqa: E402
from kit.lessons import load_library  # noqa: E402
from kit.resources import firmware_dir  # noqa: E402

PROBE = "import gc\ngc.collect()\nprint('FREE', gc.mem_free())\n"
KLIMA = (firmware_dir() / "lib" / "klima.py").read_text(encoding="utf-8")
KLIMA_FILE = ProgramFile("klima.py", KLIMA)


def functions(n: int, start: int = 0) -> str:
    return "".join("def f{0}(x):\n    y = x + {0}\n    if y > 10:\n        y = y - 1\n"
                   "    return y * 2\n\n".format(i) for i in range(start, start + n))


def prints(n: int, start: int = 0) -> str:
    return "".join('print("value", {0}, {0} * 2)\n'.format(i) for i in range(start, start + n))


def free_heap(program: Program, timeout_s: float = 20.0) -> int | None:
    """Boot the program in QEMU; the FREE figure it prints, or None (MemoryError, no output)."""
    try:
        board = QemuBoard.from_program(program, fast_time=True)
    except KitError as err:
        print("  cannot boot {}: {}".format(program.name, err))
        return None
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            raw = board.readline(0.5)
            text = (raw or b"").decode("utf-8", "replace").replace("\x00", "")
            if text.startswith("FREE"):
                return int(text.split()[1])
            if "Error" in text:
                return None
        return None
    finally:
        board.close()


def layout(kind: str, body: Callable[[int, int], str], n: int) -> Program:
    """The program of `kind` with n units of `body` (functions or print lines)."""
    if kind == "alone":
        return Program("alone", body(n, 0) + PROBE)
    if kind == "klima.py as file":
        return Program("files", "from klima import begin, send\n" + body(n, 0) + PROBE,
                       modules=(KLIMA_FILE,))
    if kind == "klima inlined":
        return Program("inlined", KLIMA + "\n" + body(n, 0) + PROBE)
    half = n // 2  # "split": half the code in a module of its own, klima.py beside
    return Program("split", "from klima import begin, send\nfrom mine import *\n"
                   + body(n - half, half) + PROBE,
                   modules=(KLIMA_FILE, ProgramFile("mine.py", body(half, 0))))


KINDS = ("alone", "klima.py as file", "klima inlined", "split")


def edge(kind: str, body: Callable[[int, int], str], low: int, high: int) -> tuple[int, int]:
    """(largest n that ran, first n above it that failed), scanning n = low..high."""
    best, first_fail = 0, 0
    failures = 0
    for n in range(low, high + 1):
        if free_heap(layout(kind, body, n)) is not None:
            best, first_fail, failures = n, 0, 0
        else:
            first_fail = first_fail or n
            failures += 1
            if failures >= 3:
                break
    return best, first_fail


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only functions, no lessons")
    args = parser.parse_args()
    if qemu_binary() is None:
        sys.exit("qemu-system-arm is not installed (apt-get install qemu-system-arm)")
    print("QEMU: {}".format(qemu_version()))
    tiny = [("tiny program", Program("tiny", PROBE)),
            ("klima.py as file", layout("klima.py as file", functions, 0)),
            ("klima inlined", layout("klima inlined", functions, 0))]
    print("\nfree heap after the imports (gc.mem_free() after gc.collect()):")
    for name, program in tiny:
        print("  {:<18} {:>6}".format(name, free_heap(program) or "-"))
    if not args.quick:
        print("\nper V1 lesson, just before its main loop:  as files | inlined | difference")
        for lesson in load_library():
            if lesson.runs_on("v1"):
                _lesson_row(lesson_program(lesson))
    rows = [("six-line functions", functions, 24, 40)]
    if not args.quick:
        rows.append(("print lines", prints, 140, 175))
    for title, body, low, high in rows:
        print("\nlargest program that runs, {} (code bytes of all files):".format(title))
        for kind in KINDS:
            best, fail = edge(kind, body, low, high)
            program = layout(kind, body, best)
            code = sum(v1_code_bytes(f.text) for f in program.board_files)
            print("  {:<18} n = {:>3} ran ({:,} code bytes), {}".format(
                kind, best, code, "n = {} failed".format(fail) if fail else "no failure seen"))


def _lesson_row(program: Program) -> None:
    loop = re.search(r"^while True:", program.source, re.M)
    if loop is None:
        print("  {:<16} (no top-level main loop)".format(program.name))
        return
    at = loop.start()
    as_files = Program(program.name, program.source[:at] + PROBE + program.source[at:],
                       modules=program.modules)
    one = inline_source(as_files)
    inlined = Program(program.name, one)
    a, b = free_heap(as_files), free_heap(inlined)
    print("  {:<16} {:>6} | {:>6} | {}".format(program.name, a or "-", b or "-",
                                             "{:+d}".format(a - b) if a and b else "-"))


if __name__ == "__main__":
    main()
