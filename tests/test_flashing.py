"""Flashing: parallel copies onto (virtual) DAPLink drives, every failure told per board."""
from __future__ import annotations

import errno
import io
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import fake_port

from kit import cli
from kit.boards import BoardInfo, find_boards
from kit.build import BuiltHex, Program, build_program, inspect_hex
from kit.cli.output import err_console
from kit.flash import (
    FAILED, FLASH_FILE_NAME, OK, SKIPPED, VirtualFleet, flash_board, flash_boards, format_fail_txt,
    parse_fail_txt, record_in_inventory,
)
from kit.inventory import list_boards

V1_ID = "9900000037024e450073201100000021000000009796990b"


@pytest.fixture(scope="module")
def built() -> BuiltHex:
    return build_program(Program("hej", "print('hej')\n", ()), use_cache=False)


@pytest.fixture
def fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Two virtual drives (no QEMU) that remount after a flash, found through the env var."""
    with VirtualFleet(tmp_path / "drives", 2, remount_s=0.2, boot=False) as fleet:
        monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(fleet.root))
        monkeypatch.setattr("kit.boards.discover.comports", lambda: [])
        yield fleet


def _unchecked(built: BuiltHex, text: str) -> BuiltHex:
    """A hex that skips our own checks, to see what the (virtual) board says about it."""
    return BuiltHex("kaputt", text, built.info)


@pytest.mark.parametrize("fail, code, words", [
    ("The hex file cannot be decoded. Checksum calculation failure occurred.", 521, "damaged"),
    ("The application image is not compatible with the target.", 529, "another micro:bit version"),
    ("The transfer timed out.", 504, "too slowly"),
    ("File sent out of order by PC. Target might not be programmed correctly.", 506, "WebUSB"),
])
def test_fail_txt_becomes_a_teacher_sentence(fail, code, words):
    report = parse_fail_txt(format_fail_txt(fail, ("transient", "user")))
    assert report.code == code and words in report.sentence and report.advice
    assert report.kinds == ("transient", "user")


@pytest.mark.parametrize("garbage", ["", "\x00\x00", "error:", "something odd happened\n"])
def test_unknown_or_garbled_fail_txt_still_says_something(garbage):
    report = parse_fail_txt(garbage)
    assert report.code == 0 and report.sentence and report.advice


def test_parallel_flash_remounts_and_records_the_inventory(fleet, built):
    boards = find_boards()
    assert len(boards) == 2
    seen: dict[str, set[str]] = {}
    results = flash_boards(built, boards, on_progress=lambda b, phase, done, total:
                           seen.setdefault(b.name, set()).add(phase), timeout_s=20)
    assert [r.status for r in results] == [OK, OK], [r.message for r in results]
    assert all(seen[b.name] == {"copy", "wait", "done"} for b in boards)
    assert [b.remount_count for b in fleet.boards] == [1, 1]
    assert [b.flashes for b in fleet.boards] == [1, 1]
    record_in_inventory(built, results)
    # Each board records the hash of the hex it got (its version's own part), in the fleet's
    # own store: the school's inventory never hears of virtual boards.
    assert {(r.firmware, r.firmware_hash) for r in list_boards(store=str(fleet.store))} == {
        ("hej", built.sha256_for(b.version)) for b in boards}
    assert list_boards() == []


def test_broken_hex_gets_fail_txt_and_a_sentence(fleet, built):
    lines = built.text.splitlines()
    lines[9] = lines[9][:-2] + ("00" if lines[9][-2:] != "00" else "01")
    [board] = [b for b in find_boards() if b.name == "gruppe-1"]
    result = flash_board(_unchecked(built, "\n".join(lines) + "\n"), board, timeout_s=20)
    assert result.status == FAILED and "(error 521)" in result.message
    assert "Checksum" in result.fail_txt and result.written


def test_v2_only_hex_is_refused_before_copying_to_a_v1(fleet, built):
    v2_only = built.hex_for("v2")
    hex_v2 = BuiltHex("v2", v2_only, inspect_hex(v2_only))
    [board] = [b for b in find_boards() if b.name == "gruppe-1"]
    result = flash_board(hex_v2, board, timeout_s=5)
    assert result.status == FAILED and "only for micro:bit V2" in result.message
    assert not result.written and fleet.boards[0].remount_count == 0, "nothing was copied"
    forced = flash_board(_unchecked(built, v2_only), board, timeout_s=20)
    assert "(error 529)" in forced.message, "the board itself refuses it too"


def test_each_board_gets_the_hex_of_its_version(tmp_path, monkeypatch, built):
    """A V1 and a V2 drive (DETAILS.TXT board ids 9900 and 9904) in one class set."""
    with VirtualFleet(tmp_path / "d", 2, remount_s=0.2, boot=False,
                      versions=("v1", "v2")) as fleet:
        monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(fleet.root))
        boards = find_boards(list_ports=lambda: [])
        assert sorted(b.version for b in boards) == ["v1", "v2"]
        results = flash_boards(built, boards, timeout_s=20)
        assert [r.status for r in results] == [OK, OK], [r.message for r in results]
        sizes = {b.version: b.last_size for b in fleet.boards}
        assert sizes == {"v1": len(built.data_for("v1")), "v2": len(built.data_for("v2"))}
        assert sizes["v1"] < 700_000 < sizes["v2"] < 1_300_000 < len(built.data)
        v1_only = build_program(Program("v1", "print(1)\n"), versions=("v1",), use_cache=False)
        [v2_board] = [b for b in boards if b.version == "v2"]
        refused = flash_board(_unchecked(built, v1_only.text), v2_board, timeout_s=20)
        assert "(error 529)" in refused.message, "a V2 drive refuses a V1-only hex itself"
    unknown = BoardInfo(V1_ID, "?", tmp_path)
    assert built.data_for(unknown.version) == built.data, "unknown version: the universal hex"


def test_board_unplugged_mid_copy_is_reported_and_others_finish(tmp_path, monkeypatch, built):
    """One drive vanishes while the hex is being copied; the other board still flashes."""
    with VirtualFleet(tmp_path / "d", 2, bytes_per_s=400_000, remount_s=0.2, boot=False) as fleet:
        monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(fleet.root))
        boards = find_boards(list_ports=lambda: [])
        victim = fleet.boards[0]
        threading.Timer(0.5, victim.close).start()  # pull the USB cable
        results = flash_boards(built, boards, timeout_s=15)
    by_name = {r.board.name: r for r in results}
    assert by_name["gruppe-1"].status == FAILED and by_name["gruppe-1"].written
    assert "disappeared" in by_name["gruppe-1"].message
    assert by_name["gruppe-2"].status == OK


def test_read_only_drive(fake_drive, built, monkeypatch):
    drive = fake_drive("MICROBIT", V1_ID)
    board = BoardInfo(V1_ID, "v1", drive)

    def refuse(path, *args):
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr("kit.flash.flasher.os.open", refuse)
    result = flash_board(built, board, timeout_s=1)
    assert result.status == FAILED and "read-only" in result.message and not result.written
    monkeypatch.setattr("kit.flash.flasher.os.open",
                        lambda *a: (_ for _ in ()).throw(PermissionError(13, "nope")))
    assert "read-only" in flash_board(built, board, timeout_s=1).message


def test_drive_that_is_not_a_folder_any_more(fake_drive, built):
    drive = fake_drive("MICROBIT", V1_ID)
    shutil.rmtree(drive)
    result = flash_board(built, BoardInfo(V1_ID, "v1", drive), timeout_s=1)
    assert result.status == FAILED and "klimakit boards" in result.advice


def test_board_that_never_restarts_or_never_comes_back(fake_drive, built):
    drive = fake_drive("MICROBIT", V1_ID)
    stuck = flash_board(built, BoardInfo(V1_ID, "v1", drive), timeout_s=0.5)
    assert stuck.status == FAILED and "did not restart" in stuck.message
    assert (drive / FLASH_FILE_NAME).stat().st_size == len(built.data_for("v1")), \
        "the whole V1 hex was written"
    threading.Timer(0.2, shutil.rmtree, (drive,)).start()
    gone = flash_board(built, BoardInfo(V1_ID, "v1", drive), timeout_s=1.0)
    assert gone.status == FAILED and "did not come back" in gone.message


def test_not_a_microbit_and_no_drive(fake_drive, built):
    stranger = BoardInfo("", "?", fake_drive("MICROBIT", details=False))
    assert flash_board(built, stranger).status == SKIPPED
    assert not any(stranger.drive.iterdir()), "nothing written onto a stranger's USB stick"
    no_drive = flash_board(built, BoardInfo(V1_ID, "v1", None, "/dev/ttyACM0"))
    assert no_drive.status == FAILED and "not mounted" in no_drive.message


def test_cli_flash_all_shows_a_table_and_exit_code(fleet, built, tmp_path, monkeypatch):
    monkeypatch.setattr(err_console, "width", 250)  # so table cells are not wrapped
    prog = tmp_path / "prog.py"
    prog.write_text("print('hej')\n")
    runner = CliRunner()
    ok = runner.invoke(cli.cli, ["flash", str(prog), "--all", "--timeout", "20", "--no-verify"],
                       terminal_width=200)
    assert ok.exit_code == 0, ok.output
    assert "2 of 2 flashed" in ok.output and "gruppe-1" in ok.output and "Flashed" in ok.output
    (fleet.root / "MICROBIT9").mkdir()  # a USB stick that happens to be called MICROBIT
    stick = runner.invoke(cli.cli, ["flash", str(prog), "--all", "--timeout", "20",
                                    "--no-verify"], terminal_width=200)
    assert stick.exit_code == 0, stick.output
    assert "skipped" in stick.output and "not a micro:bit" in stick.output
    assert not any((fleet.root / "MICROBIT9").iterdir())
    bad_hex = tmp_path / "bad.hex"
    lines = built.text.splitlines()
    bad_hex.write_text("\n".join(lines[:100]) + "\n")
    refused = runner.invoke(cli.cli, ["flash", str(bad_hex), "--all"])
    assert refused.exit_code == 1 and "cut short" in refused.output
    assert [b.remount_count for b in fleet.boards] == [2, 2], "a bad hex never reaches a board"


def test_cli_flash_one_board_by_name_and_errors(fleet, tmp_path):
    runner = CliRunner()
    one = runner.invoke(cli.cli, ["flash", "sensortjek", "--board", "gruppe-2", "--timeout", "20",
                                  "--no-verify"], terminal_width=200)
    assert one.exit_code == 0, one.output
    assert [b.flashes for b in fleet.boards] == [0, 1]
    several = runner.invoke(cli.cli, ["flash", "sensortjek"])
    assert several.exit_code == 1 and "--all" in several.output
    unknown = runner.invoke(cli.cli, ["flash", "sensortjek", "-b", "gruppe-7"])
    assert unknown.exit_code == 1 and "gruppe-7" in unknown.output and "gruppe-1" in unknown.output
    prog = tmp_path / "fejl.py"
    prog.write_text("from microbit import *\nprint(f'{1}')\n")
    syntax = runner.invoke(cli.cli, ["flash", str(prog), "--all"])
    assert syntax.exit_code == 1 and "fejl.py:2: f-strings" in syntax.output
    assert [b.flashes for b in fleet.boards] == [0, 1], "nothing flashed after a syntax error"


def test_cli_flash_without_boards(tmp_path, monkeypatch):
    monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(tmp_path))
    monkeypatch.setattr("kit.boards.discover.comports",
                        lambda: [fake_port("/dev/x", "1234", vid=1, pid=2)])
    result = CliRunner().invoke(cli.cli, ["flash", "sensortjek", "--all"])
    assert result.exit_code == 1 and "no micro:bit found" in result.output


def test_inventory_learns_boards_flashed_without_names(fake_drive, built):
    """A board found without the name store (names=False) still lands in the inventory."""
    from kit.flash import FlashResult

    board = BoardInfo(V1_ID, "v1", fake_drive("MICROBIT", V1_ID), daplink_version="0255")
    record_in_inventory(built, [FlashResult(board, OK, "Flashet og genstartet.")])
    [row] = list_boards()
    assert (row.unique_id, row.name, row.firmware) == (V1_ID, "gruppe-1", "hej")


def test_result_table_shows_brackets_in_messages_as_written(tmp_path):
    """A FAIL.TXT sentence or a path with '[/]' in it is text in the table, not rich markup."""
    from rich.console import Console

    from kit.cli.flash import _table
    from kit.flash import FlashResult

    drive = tmp_path / "[bold]MICROBIT"
    result = FlashResult(BoardInfo(V1_ID, "v1", drive), FAILED, "FAIL.TXT: x [/] y",
                         advice="[red]tag ud[/red]")
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(_table([result]))
    shown = console.export_text()
    assert "FAIL.TXT: x [/] y" in shown and "[red]tag ud[/red]" in shown
    assert "[bold]MICROBIT" in shown


def test_a_module_named_like_a_builtin_is_said_before_flashing(fleet, tmp_path):
    (tmp_path / "prog.py").write_text("import radio\nradio.config(group=3)\n")
    (tmp_path / "radio.py").write_text("def config(group):\n    pass\n")
    result = CliRunner().invoke(cli.cli, ["flash", str(tmp_path / "prog.py"), "--all",
                                          "--timeout", "20", "--no-verify"])
    assert result.exit_code == 0, result.output
    warning = result.output.index("built-in module 'radio'")
    assert "Warning" in result.output[:warning] and warning < result.output.index("gruppe-1")
    assert [b.flashes for b in fleet.boards] == [1, 1]


@pytest.mark.parametrize("files, words", [
    ({"prog.py": "x = {}\ny = {**x}\n"}, "prog.py:2: '{**x}' does not work on micro:bit"),
    ({"prog.py": "s = 'bl\u00e5'\n".encode("cp1252")}, "prog.py:1: the file is not saved as UTF-8"),
    ({"prog.py": "import hj\n", "hj.py": "x = 'a' * 3\n" + "# fyld\n" * 3000},
     "bytes too large"),
])
def test_bad_programs_never_reach_a_board(fleet, tmp_path, files, words):
    """Each is a clear message from `klimakit flash`, before any byte is copied."""
    for name, text in files.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (tmp_path / name).write_bytes(data)
    result = CliRunner().invoke(cli.cli, ["flash", str(tmp_path / "prog.py"), "--all"])
    assert result.exit_code == 1 and words in result.output, result.output
    assert "Traceback" not in result.output
    assert [b.flashes for b in fleet.boards] == [0, 0]
    assert [b.remount_count for b in fleet.boards] == [0, 0]
