"""MicroPython's own micro:bit examples run unmodified in the simulator.

tests/data/micropython_examples/ holds bbcmicrobit/micropython's examples/ (MIT licence, see
LICENSE and COMMIT there). Each runs for 3 simulated seconds as flashed (board semantics) and
as a host program (`klimakit run --sim`) and must not fail, except where the board fails too
or the simulator says plainly what it cannot do.
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from kit.microbit import Image
from kit.sim import run_program

EXAMPLES = sorted((Path(__file__).parent / "data" / "micropython_examples").glob("*.py"))
# What these examples end with, and why:
EXPECTED_ENDINGS = {
    # Thumb assembler cannot run on a PC; the simulator names the function.
    "asmleds": "NotSimulatedError: @micropython.asm_thumb (function led_cycle) is not "
               "simulated; it runs only on a micro:bit",
    # The example never calls radio.on(); micro:bit MicroPython raises this when the radio is
    # off (modradio.c ensure_enabled, docs "radio.on() ... needs to be explicitly called").
    # QEMU cannot run the radio (docs/qemu.md §10), so this is documented behaviour.
    "radio": "ValueError: radio is not enabled",
}


def _run(path: Path, host: bool) -> list[str]:
    lines: list[str] = []
    run_program(path, speed=math.inf, max_seconds=3, on_output=lines.append,
                host_names={"Image": Image} if host else None)
    return [line for line in lines if not line.startswith("# sim:")]


def test_all_examples_are_here() -> None:
    assert len(EXAMPLES) >= 30


@pytest.mark.parametrize("host", [False, True], ids=["as-flashed", "host"])
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs_unmodified(path: Path, host: bool) -> None:
    lines = _run(path, host)
    expected = EXPECTED_ENDINGS.get(path.stem)
    if expected:
        assert lines and lines[-1] == expected, lines[-5:]
    else:
        assert not any(line.startswith("Traceback") for line in lines), "\n".join(lines[-6:])
