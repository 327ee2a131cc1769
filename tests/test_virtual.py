"""Virtual boards: DAPLink-like drives, FAIL.TXT, remount, and flash → QEMU → data end to end."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import require_qemu

from kit import cli
from kit.boards import VIRTUAL_REGISTRY, SerialBoard, find_boards, read_drive
from kit.build import build_target
from kit.errors import KitError
from kit.flash import OK, VirtualFleet, flash_boards
from kit.record import Data, parse_line


def _wait(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_drives_look_like_microbit_v1_drives(tmp_path: Path):
    with VirtualFleet(tmp_path, 3, boot=False) as fleet:
        drives = [read_drive(b.drive) for b in fleet.boards]
        assert [d.version for d in drives] == ["v1"] * 3
        assert len({d.unique_id for d in drives}) == 3
        assert [d.remount_count for d in drives] == [0, 0, 0]
        assert [p.name for p in sorted(tmp_path.glob("MICROBIT*"))] == [
            "MICROBIT", "MICROBIT1", "MICROBIT2"]
        registry = json.loads((tmp_path / VIRTUAL_REGISTRY).read_text())
        assert registry["pid"] == os.getpid()
        assert registry["ports"] == {}, "no port before a program runs"
        assert [b["name"] for b in registry["boards"].values()] == ["gruppe-1", "gruppe-2",
                                                                    "gruppe-3"]
        assert {b["engine"] for b in registry["boards"].values()} == {"none"}
    assert not list(tmp_path.glob("MICROBIT*")) and not (tmp_path / VIRTUAL_REGISTRY).exists()


def test_a_file_dropped_by_a_file_manager_is_flashed_too(tmp_path: Path):
    """A .hex copied as a plain file (not through our pipe) is taken, then the drive remounts."""
    with VirtualFleet(tmp_path, 1, remount_s=0.1, boot=False) as fleet:
        board = fleet.boards[0]
        (board.drive / "min.hex").write_text(":0400000A9900C0DEBB\n:00000001FF\n")
        _wait(lambda: board.remount_count == 1 and (board.drive / "DETAILS.TXT").exists())
        fail = (board.drive / "FAIL.TXT").read_bytes().decode("ascii")
        assert fail.startswith("error: The hex file cannot be decoded. Parser logic failure")
        assert fail.endswith("\r\n") and "type: transient, user" in fail
        assert read_drive(board.drive).remount_count == 1
        assert not (board.drive / "min.hex").exists(), "DAPLink does not keep the file"


def test_a_second_fleet_on_the_same_folder_is_refused(tmp_path: Path):
    with VirtualFleet(tmp_path, 1, boot=False):
        (tmp_path / VIRTUAL_REGISTRY).write_text(json.dumps({"pid": 1, "ports": {}}))
        with pytest.raises(KitError, match="already use"):
            VirtualFleet(tmp_path, 1, boot=False).start()


def test_fleet_size_is_checked():
    with pytest.raises(KitError, match="1 to 32"):
        VirtualFleet(None, 0)


def test_cli_virtual_up_prints_the_export_line_and_cleans_up(tmp_path: Path):
    result = CliRunner().invoke(cli.cli, ["virtual", "up", "-n", "2", "--fast", "--seconds", "0.3",
                                          "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "export KLIMAKIT_DRIVE_ROOTS={}".format(tmp_path) in result.output
    assert "2 virtual micro:bits" in result.output
    assert not list(tmp_path.glob("MICROBIT*")), "drives removed on exit"


@pytest.mark.qemu
def test_flash_then_read_data_end_to_end_on_real_firmware(tmp_path: Path, monkeypatch):
    """Two virtual boards: flash the sensortjek lesson, each boots it in QEMU, data arrives."""
    require_qemu()
    with VirtualFleet(tmp_path / "drives", 2, remount_s=0.3) as fleet:
        monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(fleet.root))
        monkeypatch.setattr("kit.boards.discover.comports", lambda: [])
        boards = find_boards()
        assert [b.port for b in boards] == [None, None]
        results = flash_boards(build_target("sensortjek"), boards, timeout_s=30)
        assert [r.status for r in results] == [OK, OK], [r.message for r in results]
        found = find_boards()
        assert all(b.port and b.port.startswith("socket://") for b in found)
        for info in found:
            board = SerialBoard(info.port, name=info.name)
            try:
                data = []
                deadline = time.monotonic() + 20
                while len(data) < 3 and time.monotonic() < deadline:
                    line = board.readline(timeout=2)
                    if line is not None and isinstance(parse_line(line), Data):
                        data.append(parse_line(line))
            finally:
                board.close()
            assert len(data) >= 3, "board {} sent {} data lines".format(info.name, len(data))
            assert all(len(d.values) == 7 for d in data), "tid,lys,x,y,z,a,b"
