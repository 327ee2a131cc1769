"""Hostile input on its way into the inventory: huge or escape-laden FAIL.TXT, formula cells.

A FAIL.TXT is read only up to FAIL_TXT_MAX_BYTES and stripped of control characters
(kit.text) before it is shown or stored, so a 20 MB file costs nothing and `\\x1b[2J` never
reaches a teacher's terminal; the inventory's fields are bounded as well.
"""
from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from kit import cli
from kit.boards import BoardInfo, find_boards
from kit.build import BuiltHex, Program, build_program
from kit.flash import FAILED, VirtualFleet, flash_board, parse_fail_txt, record_in_inventory
from kit.flash.daplink import ERROR_MAX_CHARS, FAIL_TXT_MAX_BYTES, read_fail_txt
from kit.inventory import board_history, list_boards
from kit.inventory.schema import RESULT_CHARS

ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b[31m"
HUGE = "error: The hex file cannot be decoded. " + ESCAPES + "A" * (20 * 1024 * 1024)


@pytest.fixture(scope="module")
def built() -> BuiltHex:
    return build_program(Program("hej", "print('hej')\n", ()), use_cache=False)


def test_a_20_mb_fail_txt_is_read_bounded_and_printable(tmp_path: Path):
    (tmp_path / "FAIL.TXT").write_text(HUGE + "\r\ntype: user\r\n", encoding="ascii")
    start = time.perf_counter()
    text = read_fail_txt(tmp_path)
    assert time.perf_counter() - start < 0.5
    assert text is not None and len(text) <= FAIL_TXT_MAX_BYTES and "\x1b" not in text
    report = parse_fail_txt(text)
    assert report.code == 522 and len(report.error) <= ERROR_MAX_CHARS
    assert read_fail_txt(tmp_path / "nowhere") is None


@pytest.mark.parametrize("garbage", [HUGE, ESCAPES * 1000, "\x00" * 5000 + "error: x\x1b[2J",
                                     "type: " + "user," * 10_000])
def test_parse_fail_txt_bounds_whatever_it_is_given(garbage: str):
    report = parse_fail_txt(garbage)
    for text in (report.error, report.sentence, *report.kinds):
        assert "\x1b" not in text and "\x07" not in text and "\x00" not in text
    assert len(report.error) <= ERROR_MAX_CHARS and len(report.sentence) < 400
    assert len(report.kinds) <= 8


def test_a_hostile_fail_txt_from_the_board_is_bounded_in_flash_and_inventory(
        tmp_path, monkeypatch, built, store):
    """A virtual board writes the 20 MB FAIL.TXT; flash, the inventory and its CLI stay small."""
    monkeypatch.setattr("kit.flash.virtual.format_fail_txt", lambda *a, **k: HUGE)
    with VirtualFleet(tmp_path / "drives", 1, remount_s=0.2, boot=False) as fleet:
        monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(fleet.root))
        monkeypatch.setattr("kit.boards.discover.comports", lambda: [])
        [board] = find_boards()
        broken = BuiltHex("kaputt", built.text.replace(":10", ":1G", 1), built.info)
        result = flash_board(broken, board, timeout_s=20)
    assert result.status == FAILED and result.written
    assert len(result.fail_txt) <= FAIL_TXT_MAX_BYTES and "\x1b" not in result.fail_txt
    assert len(result.message) < 400 and "\x1b" not in result.message
    # A virtual board's flashes go into its fleet's own store; this one stands for a real
    # board, so the hostile text goes into the school's inventory (SQLite or PostgreSQL).
    record_in_inventory(built, [replace(result, board=replace(result.board, virtual=False,
                                                              store=""))])
    [row] = list_boards()
    assert len(row.last_result) <= RESULT_CHARS and "\x1b" not in row.last_result
    [event] = [e for e in board_history(row.name) if e.kind.value == "flash_failed"]
    assert event.daplink_code == 522 and len(event.detail) <= RESULT_CHARS
    start = time.perf_counter()
    shown = CliRunner().invoke(cli.cli, ["inventory", "history", row.name])
    assert shown.exit_code == 0 and "\x1b" not in shown.output
    assert time.perf_counter() - start < 2.0


def test_text_from_a_board_is_printable_in_the_store(store, built, fake_drive):
    """A DETAILS.TXT or program name with escapes and a huge length is stored bounded."""
    uid = "9904" + "d" * 44
    board = BoardInfo(uid, "v2\x1b[2J", fake_drive("MICROBIT", uid),
                      daplink_version="0255" + ESCAPES * 100)
    record_in_inventory(BuiltHex("x\x1b[2J" + "y" * 500, built.text, built.info),
                        [result_ok(board)])
    [row] = list_boards()
    for text in (row.version, row.daplink_version, row.firmware):
        assert "\x1b" not in text and len(text) <= 64


def result_ok(board: BoardInfo):
    from kit.flash import OK, FlashResult

    return FlashResult(board, OK, "Flashed and restarted.")
