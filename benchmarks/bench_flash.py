"""Flashing a class set: N = 8 virtual boards at once versus 1, measured side by side.

Run: python3 benchmarks/bench_flash.py [--quick] [--repeat R] [-n N]
Goal: flashing 8 boards takes at most 1.5 x the time of flashing 1 (ratio <= 1.5).

Model of a real micro:bit's USB drive (kit.flash.virtual):
- DAPLink flashes while the PC copies, so the copy runs at flashing pace. Measured figures:
  ~13.5 s for a micro:bit V2 MicroPython Intel hex with DAPLink 0255 (ARMmbed/DAPLink#856),
  ~15 s to flash a V1's whole memory (balena-io/etcher#2224). The virtual drive reads the hex
  through a pipe at DAPLINK_BYTES_PER_S = 138 KB/s, which makes our ~1.86 MB universal hex
  take ~13.5 s: the fastest measured figure, the cautious choice here, because a slower drive
  would hide more of the PC's own overhead in the ratio.
- Each board reads its own pipe in its own thread, as separate USB devices are independent.
  (Many boards on one USB 2.0 full-speed hub share 12 Mbit/s; 8 x 138 KB/s = 8.8 Mbit/s fits.)
- After the copy the drive disappears for REMOUNT_S = 1.0 s (an assumption) and comes back.
What is measured: the whole `kit.flash.flash_boards` call - hex check, chunked copy with
progress callbacks, fsync, waiting for each drive to go and come back (found by unique id),
reading FAIL.TXT. QEMU booting after the flash is left out (it is not part of flashing; the
end-to-end test in tests/test_virtual.py covers it). --quick runs the drives 10 x faster.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kit.boards import find_boards
from kit.build import build_target
from kit.flash import DAPLINK_BYTES_PER_S, VirtualFleet, flash_boards
from kit.flash.virtual import REMOUNT_S


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=8, help="boards in the big run (default 8)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each size (median)")
    parser.add_argument("--quick", action="store_true", help="drives 10x faster (smoke test)")
    args = parser.parse_args()
    speed = DAPLINK_BYTES_PER_S * (10 if args.quick else 1)
    remount = REMOUNT_S / (10 if args.quick else 1)
    built = build_target("sensortjek")
    print("hex: {} ({:,} bytes, universal V1+V2)".format(built.name, len(built.data)))
    print("model: {:,} B/s per board, independent; remount {:.1f} s; copy alone {:.1f} s".format(
        speed, remount, len(built.data) / speed))
    with tempfile.TemporaryDirectory(prefix="klimakit-bench-") as tmp:
        os.environ["KLIMAKIT_DRIVE_ROOTS"] = tmp
        with VirtualFleet(Path(tmp), args.n, bytes_per_s=speed, remount_s=remount,
                          boot=False) as fleet:
            boards = find_boards([fleet.root], lambda: [], names=False)
            times: dict[int, list[float]] = {1: [], args.n: []}
            for _ in range(args.repeat):
                for count in (1, args.n):  # alternate, so drift hits both sizes alike
                    start = time.monotonic()
                    results = flash_boards(built, boards[:count], timeout_s=120)
                    times[count].append(time.monotonic() - start)
                    bad = [r.message for r in results if not r.ok]
                    if bad:
                        raise SystemExit("flash failed: {}".format(bad))
    one, many = statistics.median(times[1]), statistics.median(times[args.n])
    print("1 board:  {:.2f} s (runs: {})".format(one, ", ".join("%.2f" % t for t in times[1])))
    print("{} boards: {:.2f} s (runs: {})".format(args.n, many, ", ".join(
        "%.2f" % t for t in times[args.n])))
    print("ratio {} / 1 = {:.3f} (goal <= 1.5): {}".format(
        args.n, many / one, "OK" if many / one <= 1.5 else "MISSED"))
    print("one after another would take ~{:.1f} s; in parallel {:.1f} s".format(one * args.n, many))


if __name__ == "__main__":
    main()
