"""Board figures for the foundation: QEMU boot time and raw-REPL round trips.

Run: python3 benchmarks/bench_board.py
Prints: process start → first line of main.py (median of 5 boots), the first exec (includes
entering the raw REPL with its soft reset), and the median/max round trip of a small exec and
eval, plus the ratio of a round trip to the 44 ms QEMU would cost without nodelay=on.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kit.boards import QemuBoard, qemu_version  # noqa: E402
from kit.build import Program

WITHOUT_NODELAY_MS = 44.0  # measured in docs/qemu.md §3


def main() -> None:
    print("QEMU:", qemu_version())
    program = Program("boot", 'print("boot")\n', ())
    boots = []
    for _ in range(5):
        with QemuBoard.from_program(program) as board:
            board.wait_for("boot", timeout=20)
            boots.append(time.monotonic() - board.started_at)
    print("boot → first line: median {:.3f} s, max {:.3f} s".format(
        statistics.median(boots), max(boots)))
    with QemuBoard.from_program(program) as board:
        board.wait_for("boot", timeout=20)
        t = time.monotonic()
        board.exec("pass")
        print("first exec (enter raw REPL + soft reset): {:.0f} ms".format(
            (time.monotonic() - t) * 1000))
        trips = []
        for i in range(100):
            t = time.monotonic()
            assert board.eval(str(i)) == i
            trips.append((time.monotonic() - t) * 1000)
        median = statistics.median(trips)
        print("eval round trip: median {:.2f} ms, max {:.2f} ms ({:.0f}x faster than 44 ms)".format(
            median, max(trips), WITHOUT_NODELAY_MS / median))


if __name__ == "__main__":
    main()
