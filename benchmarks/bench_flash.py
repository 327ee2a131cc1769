"""Flashing a class set on virtual DAPLink drives, measured side by side in one run.

Run: python3 benchmarks/bench_flash.py [--quick] [--repeat R] [-n N] [--v1 A --v2 B]
1. Parallel: N = 8 boards at once versus 1. Goal: ratio <= 1.5.
2. A mixed class, 15 V1 + 15 V2 boards: each board gets the hex of its version (what
   `klimakit flash` does: ~0.64 MB for a V1, ~1.24 MB for a V2) versus every board getting
   the ~1.88 MB universal hex (what it did before). Goal: ratio <= 0.75.
3. The check that the program started (kit/flash/verify.py: the serial port, a restart, the
   header), as `klimakit flash` does it: N boards at once versus 1, and what it adds to one
   board's flash. The boards run afkoeling in the simulator behind their TCP serial ports
   (kit/flash/bridge.py; QEMU for 8 boards would measure 8 emulators on this PC's 2 cores).
   Goal: ratio N / 1 <= 1.5 (the checks run in parallel, as the copies do).

Model of a real micro:bit's USB drive (kit.flash.virtual):
- DAPLink flashes while the PC copies, so the copy runs at flashing pace. Measured figures:
  ~13.5 s for a micro:bit V2 MicroPython Intel hex with DAPLink 0255 (ARMmbed/DAPLink#856),
  ~15 s to flash a V1's whole memory (balena-io/etcher#2224). The virtual drive reads the hex
  through a pipe at DAPLINK_BYTES_PER_S = 138 KB/s for both versions (as before this
  benchmark compared hex sizes), which makes the universal hex take ~13.6 s: the fastest
  measured figure, the cautious choice here, because a slower drive would hide more of the
  PC's own overhead in the ratio. Whether a real V1's DAPLink skips the V2 part of a universal
  hex faster than it flashes is not modelled (not measured): if it does, the real gain on V1
  boards is smaller than here; on V2 boards the hex to copy is what it is.
- Each board reads its own pipe in its own thread, as separate USB devices are independent.
  (Many boards on one USB 2.0 full-speed hub share 12 Mbit/s, ~1.5 MB/s: 30 boards at
  138 KB/s would not fit, and then the bytes copied decide, 28 MB instead of 56 MB.)
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
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kit.boards import BoardInfo, find_boards  # noqa: E402
from kit.build import BuiltHex, build_target  # noqa: E402
from kit.flash import (  # noqa: E402
    DAPLINK_BYTES_PER_S, VERIFY_TIMEOUT_S, VirtualFleet, flash_boards,
)
from kit.flash.virtual import REMOUNT_S  # noqa: E402


def _timed(built: BuiltHex, boards: list[BoardInfo], verify_s: float = 0.0) -> float:
    start = time.monotonic()
    results = flash_boards(built, boards, timeout_s=120, verify_s=verify_s)
    seconds = time.monotonic() - start
    bad = [r.message + " " + r.check for r in results
           if not r.ok or verify_s and r.running is not True]
    if bad:
        raise SystemExit("flash failed: {}".format(bad))
    return seconds


def _runs(label: str, times: list[float]) -> str:
    return "{}: {:.2f} s (runs: {})".format(label, statistics.median(times),
                                            ", ".join("%.2f" % t for t in times))


def _fleet(tmp: str, versions: list[str], speed: float, remount: float,
           body: Callable[[list[BoardInfo]], None], engine: str = "") -> None:
    os.environ["KLIMAKIT_DRIVE_ROOTS"] = tmp
    with VirtualFleet(Path(tmp), len(versions), bytes_per_s=speed, remount_s=remount,
                      boot=bool(engine), engine=engine or "auto", versions=versions) as fleet:
        body(find_boards([fleet.root], lambda: [], names=False))


def parallel(built: BuiltHex, n: int, repeat: int, speed: float, remount: float) -> None:
    times: dict[int, list[float]] = {1: [], n: []}

    def run(boards: list[BoardInfo]) -> None:
        for _ in range(repeat):
            for count in (1, n):  # alternate, so drift hits both sizes alike
                times[count].append(_timed(built, boards[:count]))

    with tempfile.TemporaryDirectory(prefix="klimakit-bench-") as tmp:
        _fleet(tmp, ["v1"] * n, speed, remount, run)
    one, many = statistics.median(times[1]), statistics.median(times[n])
    print("\n1. parallel, {} V1 boards vs 1 (each gets the V1 hex)".format(n))
    print(_runs("   1 board ", times[1]))
    print(_runs("   {} boards".format(n), times[n]))
    print("   ratio {} / 1 = {:.3f} (goal <= 1.5): {}".format(
        n, many / one, "OK" if many / one <= 1.5 else "MISSED"))


def mixed(built: BuiltHex, v1: int, v2: int, repeat: int, speed: float, remount: float) -> None:
    universal = BuiltHex(built.name, built.text, built.info)  # no parts: every board gets it
    times: dict[str, list[float]] = {"per-version": [], "universal": []}

    def run(boards: list[BoardInfo]) -> None:
        for _ in range(repeat):
            for kind, hexes in (("universal", universal), ("per-version", built)):
                times[kind].append(_timed(hexes, boards))

    with tempfile.TemporaryDirectory(prefix="klimakit-bench-") as tmp:
        _fleet(tmp, ["v1"] * v1 + ["v2"] * v2, speed, remount, run)
    per, uni = statistics.median(times["per-version"]), statistics.median(times["universal"])
    sent_per = v1 * len(built.data_for("v1")) + v2 * len(built.data_for("v2"))
    print("\n2. mixed class, {} V1 + {} V2 boards at once".format(v1, v2))
    print(_runs("   universal hex to every board ", times["universal"]))
    print(_runs("   each board its version's hex ", times["per-version"]))
    print("   bytes copied: {:,} vs {:,} ({:.2f})".format(
        sent_per, (v1 + v2) * len(built.data), sent_per / ((v1 + v2) * len(built.data))))
    print("   ratio per-version / universal = {:.3f} (goal <= 0.75): {}".format(
        per / uni, "OK" if per / uni <= 0.75 else "MISSED"))


def checked(n: int, repeat: int, speed: float, remount: float) -> None:
    built = build_target("afkoeling")
    times: dict[str, list[float]] = {"1 flash": [], "1 checked": [], "n checked": []}

    def run(boards: list[BoardInfo]) -> None:
        for _ in range(repeat):
            times["1 flash"].append(_timed(built, boards[:1]))
            times["1 checked"].append(_timed(built, boards[:1], VERIFY_TIMEOUT_S))
            times["n checked"].append(_timed(built, boards, VERIFY_TIMEOUT_S))

    with tempfile.TemporaryDirectory(prefix="klimakit-bench-") as tmp:
        _fleet(tmp, ["v1"] * n, speed, remount, run, engine="sim")
    flash, one, many = (statistics.median(times[k]) for k in ("1 flash", "1 checked",
                                                              "n checked"))
    print("\n3. the check that the program started (simulated boards running afkoeling)")
    print(_runs("   1 board, flash only       ", times["1 flash"]))
    print(_runs("   1 board, flash + check    ", times["1 checked"]))
    print(_runs("   {} boards, flash + check   ".format(n), times["n checked"]))
    print("   the check adds {:.2f} s to a board's flash".format(one - flash))
    print("   ratio {} / 1 = {:.3f} (goal <= 1.5): {}".format(
        n, many / one, "OK" if many / one <= 1.5 else "MISSED"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=8, help="boards in the parallel run (default 8)")
    parser.add_argument("--v1", type=int, default=15, help="V1 boards in the mixed class")
    parser.add_argument("--v2", type=int, default=15, help="V2 boards in the mixed class")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each kind (median)")
    parser.add_argument("--quick", action="store_true", help="drives 10x faster (smoke test)")
    args = parser.parse_args()
    speed = DAPLINK_BYTES_PER_S * (10 if args.quick else 1)
    remount = REMOUNT_S / (10 if args.quick else 1)
    built = build_target("sensortjek")
    print("hex: {}: universal {:,} bytes, V1 {:,}, V2 {:,}".format(
        built.name, len(built.data), len(built.data_for("v1")), len(built.data_for("v2"))))
    print("model: {:,} B/s per board, independent; remount {:.1f} s; universal copy alone "
          "{:.1f} s".format(speed, remount, len(built.data) / speed))
    parallel(built, args.n, args.repeat, speed, remount)
    mixed(built, args.v1, args.v2, args.repeat, speed, remount)
    checked(args.n, args.repeat, speed, remount)


if __name__ == "__main__":
    main()
