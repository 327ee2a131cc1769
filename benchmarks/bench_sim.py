"""Simulator speed: simulated seconds per wall second for hour-long lesson experiments.

Run: python3 benchmarks/bench_sim.py [hours]
Prints, side by side in one run, the ratio for a sleeping program (afkoeling: a reading every
30 s, sleep(100) between checks), a busy-polling one (vindmaaler: counts reed-switch pulses in a
tight loop), a display-heavy one (drivhus) and a class radio network (6 vejrstation boards and a
gateway sharing one clock). Goal: >= 1000x for a lesson's hour-long experiment.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kit.build import assemble
from kit.record import Data, GatewayData, parse_line
from kit.resources import firmware_path  # noqa: E402
from kit.sim import SimBoard, Simulation  # noqa: E402

GOAL = 1000.0


def timed(run_for: Callable[[float], object], seconds: float) -> tuple[float, float]:
    """Wall and CPU seconds one simulated run of `seconds` takes."""
    started, cpu = time.perf_counter(), time.process_time()
    run_for(seconds)
    return time.perf_counter() - started, time.process_time() - cpu


def one_board(firmware: str, scenario: str, seconds: float) -> tuple[float, float, int]:
    board = SimBoard(assemble(firmware_path(firmware)), version="v1", scenario=scenario)
    wall, cpu = timed(board.run_for, seconds)
    rows = sum(isinstance(parse_line(line), Data) for line in board.collect())
    board.close()
    return wall, cpu, rows


def class_network(seconds: float, senders: int = 6) -> tuple[float, float, int]:
    sim = Simulation(seed=1)
    program = assemble(firmware_path("vejrstation"))  # main.py, with klima.py beside it
    for i in range(senders):
        SimBoard(replace(program, source=program.source.replace(
            'NAME = "gruppe1"', 'NAME = "gruppe{}"'.format(i + 1))),
                 sim=sim, version="v1", scenario="weather")
    gateway = SimBoard(assemble(firmware_path("gateway")), sim=sim, version="v1")
    wall, cpu = timed(sim.run_for, seconds)
    rows = sum(isinstance(parse_line(line), GatewayData) for line in gateway.collect())
    sim.close()
    return wall, cpu, rows


def main() -> None:
    hours = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    seconds = hours * 3600
    print("simulated time per run: {:.0f} s ({} h); goal >= {:.0f}x; load average {:.1f} "
          "on {} cores".format(seconds, hours, GOAL, os.getloadavg()[0], os.cpu_count()))
    print("(wall ratios drop on a busy machine; the CPU ratio is what one free core achieves)")
    print("{:<34} {:>7} {:>7} {:>6} {:>10} {:>10}".format(
        "program", "wall s", "cpu s", "lines", "sim/wall", "sim/cpu"))
    cases = [
        ("afkoeling (sleep loop, 30 s)", lambda: one_board("afkoeling", "cooling", seconds)),
        ("drivhus (display every 200 ms)", lambda: one_board("drivhus", "greenhouse", seconds)),
        ("vindmaaler (busy polling pin0)", lambda: one_board("vindmaaler", "wind", seconds)),
        ("vejrstation x6 + gateway (radio)", lambda: class_network(seconds)),
    ]
    for label, run in cases:
        wall, cpu, rows = run()
        print("{:<34} {:>7.3f} {:>7.3f} {:>6} {:>9.0f}x {:>9.0f}x {}".format(
            label, wall, cpu, rows, seconds / wall, seconds / cpu,
            "ok" if seconds / wall >= GOAL else "below goal (wall)"))

if __name__ == "__main__":
    main()
