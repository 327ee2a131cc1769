"""The differential suite: each program runs on the real V1 firmware and in the simulator.

Every file in tests/fidelity/programs/ is built as klimakit builds a program
(`kit.build.assemble`), booted as main.py in QEMU (tests/fidelity/qemu_run.py: at most two
QEMUs at once, idle time skipped) and run on a simulated V1 (`SimBoard`); the test asserts that
both print the same lines, compared as text line by line. The simulator models the firmware
kit/sim/firmware_v1.py was read from (V1 1.1.1); a program whose first lines say
`# differs on <release>: <why>` is skipped on a board running that older release.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kit.build import assemble
from kit.sim import SimBoard
from kit.sim.firmware_v1 import FIRMWARE
from tests.conftest import require_qemu
from tests.fidelity.qemu_run import BoardRun, run_on_qemu

PROGRAMS = sorted((Path(__file__).parent / "programs").glob("*.py"))
MAX_QEMUS = 2
SIM_TIMEOUT_S = 20.0


def simulate(path: Path) -> list[str]:
    """Run a program on a simulated V1 until it ends; return its lines."""
    board = SimBoard(assemble(path), version="v1", name="fidelity")
    lines: list[str] = []
    try:
        while True:
            line = board.readline(SIM_TIMEOUT_S)
            if line is None:
                break
            lines.append(line.decode("utf-8"))
    finally:
        board.close()
    return lines


def _board_run(path: Path) -> BoardRun | Exception:
    try:
        return run_on_qemu(assemble(path))
    except Exception as err:  # noqa: BLE001 - reported by that program's test
        return err


@pytest.fixture(scope="module")
def board_runs() -> dict[str, BoardRun | Exception]:
    """Every program once on QEMU (two at a time); keyed by program name."""
    require_qemu()
    with ThreadPoolExecutor(MAX_QEMUS) as pool:
        return dict(zip((p.stem for p in PROGRAMS), pool.map(_board_run, PROGRAMS)))


def _skip_reason(path: Path, firmware: str) -> str | None:
    head = path.read_text(encoding="utf-8").splitlines()[:3]
    for line in head:
        match = re.match(r"# differs on (v[\d.]+): (.*)", line)
        if match and match.group(1) == firmware:
            return "{} on {}: {}".format(path.stem, firmware, match.group(2))
    return None


def test_there_are_enough_programs() -> None:
    assert len(PROGRAMS) >= 40


@pytest.mark.qemu
@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_simulator_prints_what_the_board_prints(path: Path,
                                                board_runs: dict[str, BoardRun | Exception]
                                                ) -> None:
    run = board_runs[path.stem]
    if isinstance(run, Exception):
        raise run
    reason = _skip_reason(path, run.firmware) if run.firmware != FIRMWARE else None
    if reason:
        pytest.skip(reason)
    assert simulate(path) == run.lines
