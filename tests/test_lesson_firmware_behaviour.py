"""Lesson firmware behaves as its lesson says: QEMU (real V1 MicroPython) and the simulator.

`klimakit lessons check` only waits for each program's header. These tests go further for the
programs of the sensortjek, afkoeling, varmekort, lysjagt, planter, oversvoemmelse and skridt
lessons: the header names exactly the lesson's experiment fields, the data lines parse, the
buttons do what the lesson text tells pupils, and (in the simulator, where sensors move) the
numbers follow the lesson's scenario.
"""
from __future__ import annotations

from collections.abc import Callable

import pytest
from lessonhelpers import data_rows, field_names, read_header

from kit.boards import QemuBoard

# QEMU hangs on temperature(); these programs use only light, accelerometer, buttons and pins.
QEMU_READY = ("lysjagt", "planter", "oversvoemmelse", "skridt")


def _boot_and_check_header(qemu_boot: Callable[..., QemuBoard], lesson_id: str) -> QemuBoard:
    board = qemu_boot(lesson_id, fast_time=True)
    header = read_header(board, lesson_id)
    assert all(unit.isascii() for unit in header.units)
    return board


@pytest.mark.parametrize("lesson_id", QEMU_READY)
def test_firmware_prints_the_lesson_fields_in_qemu(qemu_boot, lesson_id):
    board = _boot_and_check_header(qemu_boot, lesson_id)
    rows = data_rows(board, 3)
    assert all(len(row) == len(field_names(lesson_id)) for row in rows)


def test_oversvoemmelse_reports_level_0_when_every_pin_is_dry(qemu_boot):
    """QEMU's read_analog() is 0: no pin is wet, so the level must be 0."""
    board = _boot_and_check_header(qemu_boot, "oversvoemmelse")
    rows = data_rows(board, 3)
    assert {row[0] for row in rows} == {0}
    assert all(row[1:] == (0, 0, 0) for row in rows)


def test_lysjagt_button_a_moves_to_the_next_room(qemu_boot):
    board = _boot_and_check_header(qemu_boot, "lysjagt")
    assert {row[1] for row in data_rows(board, 2)} == {1}
    board.press("A")
    assert data_rows(board, 4)[-1][1] == 2


def test_skridt_buttons_tag_the_trip_type(qemu_boot):
    board = _boot_and_check_header(qemu_boot, "skridt")
    assert data_rows(board, 2)[-1][1] == 1, "walking is the default trip"
    board.press("B")
    assert data_rows(board, 3)[-1][1] == 2
    board.press("A")
    assert data_rows(board, 3)[-1][1] == 1


# --- simulator: sensors that move -------------------------------------------------------------


@pytest.fixture
def sim_board():
    sim = pytest.importorskip("kit.sim")
    started = []

    def boot(lesson_id: str):
        board = sim.SimBoard.from_lesson(lesson_id, version="v1")
        started.append(board)
        return board

    yield boot
    for board in started:
        board.close()


def test_afkoeling_cup_cools_down(sim_board):
    temps = [row[0] for row in data_rows(sim_board("afkoeling"), 60)]
    assert temps[0] - temps[-1] >= 5, temps


def test_oversvoemmelse_level_counts_wet_pins_from_the_bottom(sim_board):
    rows = data_rows(sim_board("oversvoemmelse"), 2400)
    for level, *raw in rows:
        wet = 0
        while wet < 3 and raw[wet] > 300:
            wet += 1
        assert level == wet, (level, raw)
    assert rows[-1][0] == 3, "the flood scenario fills the tray within 40 minutes"


def test_skridt_counts_steps_and_converts_to_metres_and_co2(sim_board):
    rows = data_rows(sim_board("skridt"), 30)
    assert rows[-1][0] > 0, "no steps counted while walking"
    for steps, trip, metres, co2 in rows:
        assert metres == steps * (60 if trip == 1 else 400) // 100
        assert co2 == metres * 130 // 1000


@pytest.mark.parametrize(
    ("lesson_id", "low", "high"),
    [("planter", 0, 1023), ("lysjagt", 0, 255), ("varmekort", -20, 60)],
)
def test_readings_stay_in_the_sensor_range(sim_board, lesson_id, low, high):
    rows = data_rows(sim_board(lesson_id), 40)
    assert all(low <= row[0] <= high for row in rows)
    assert len({row[0] for row in rows}) > 1, "the scenario should move the first field"
