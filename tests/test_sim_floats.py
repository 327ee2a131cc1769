"""V1 floats, dict order and random without QEMU: values the real V1 1.1.1 printed.

Each expected string below was printed by MicroPython V1 1.1.1 in QEMU (the same programs run
live in tests/fidelity); these tests keep the simulator honest on a laptop without QEMU.
"""
from __future__ import annotations

import pytest

from kit.sim import SimBoard
from kit.sim.mpfloat import MPFloat, box, float_repr, format_float


@pytest.mark.parametrize("value, printed", [
    (0.1 + 0.2, "0.3"), (1 / 3, "0.333333"), (1e10, "1e+10"), (1e-5, "1e-05"),
    (123456789.0, "1.23457e+08"), (-0.0, "-0.0"), (1e16, "1e+16"), (100.0, "100.0"),
    (99999.95, "99999.9"), (9.999999, "10.0"), (0.99999999, "1.0"), (16777217.0, "1.67772e+07"),
    (float("inf"), "inf"), (float("nan"), "nan"),
])
def test_repr_is_the_boards(value: float, printed: str) -> None:
    assert float_repr(MPFloat(value)) == printed


def test_arithmetic_is_single_precision_with_two_bits_cut() -> None:
    assert str(MPFloat(21.5) * MPFloat(1.1)) == "23.65"
    assert box(0.1).hex() == "0x1.9999980000000p-4"  # 0x3dcccccc, as struct.pack shows
    assert str(MPFloat(2) ** MPFloat(0.5) * MPFloat(2) ** MPFloat(0.5)) == "2.0"


@pytest.mark.parametrize("fmt, prec, sign, printed", [
    ("f", 2, "", "2.67"), ("g", 6, "", "0.0001234"), ("e", 6, "", "1.234568e+04"),
    ("f", 6, "", "0.333333"), ("f", 1, "+", "+21.4"), ("f", 0, "", "3"),
])
def test_format_float_digits(fmt: str, prec: int, sign: str, printed: str) -> None:
    value = {"2.67": 2.675, "0.0001234": 0.0001234, "1.234568e+04": 12345.678,
             "0.333333": 1 / 3, "+21.4": 21.45, "3": 2.5}[printed]
    assert format_float(MPFloat(value), fmt, prec, sign, 32) == printed


def _printed(source: str) -> list[str]:
    board = SimBoard(source, version="v1")
    try:
        return [line.decode() for line in board.lines(5)]
    finally:
        board.close()


def test_format_and_percent_as_the_board() -> None:
    assert _printed("print('{:+.1f} {:08.3f} {:<8.2f}| {:^9.1f}| {:.0f}'.format("
                    "21.45, -3.5, 1.25, 7.0, 2.5))\n"
                    "print('%5.1f|%-7.2f|%+d|%05d|%x|%s' % (3.14159, 2.5, 7, 42, 255, 1.5))\n") \
        == ["+21.4 -003.500 1.25    |    7.0   | 3", "  3.1|2.50   |+7|00042|ff|1.5"]


def test_dict_order_and_random_as_the_board() -> None:
    assert _printed("print({'b': 1, 'a': 2, 'c': 3}, dict(name='x', age=3, city='y'))\n"
                    "print({1: 'a', 2: 'b', 10: 'c', 3: 'd', 100: 'e'})\n"
                    "import random\nrandom.seed(1)\n"
                    "print([random.randint(0, 100) for i in range(8)])\n") == [
        "{'c': 3, 'b': 1, 'a': 2} {'city': 'y', 'name': 'x', 'age': 3}",
        "{10: 'c', 1: 'a', 2: 'b', 3: 'd', 100: 'e'}",
        "[0, 0, 0, 0, 15, 92, 85, 42]"]
