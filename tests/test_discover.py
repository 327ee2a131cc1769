"""Board discovery with fake MICROBIT drive folders and fake serial port listings."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import DATA, fake_port

from kit.boards import VIRTUAL_REGISTRY, find_boards, parse_details, read_drive, select_boards
from kit.boards.discover import board_version, find_virtual_ports
from kit.errors import BoardNotFound

V1_ID = "9900000037024e450073201100000021000000009796990b"
V2_ID = "9904360259434e450030900d0000005c0000000097969901"


def test_parse_details_reads_the_real_file_format():
    details = parse_details((DATA / "MICROBIT" / "DETAILS.TXT").read_text())
    assert details["Unique ID"] == V2_ID
    assert details["Interface Version"] == "0255"
    assert details["URL"].startswith("https://")


def test_version_from_board_id():
    assert board_version("9900") == board_version("9901") == "v1"
    assert all(board_version(b) == "v2" for b in ("9903", "9904", "9905", "9906"))
    assert board_version("1234") == "?"


def test_drive_and_port_are_paired_by_unique_id(fake_drive):
    one = fake_drive("MICROBIT", V2_ID)
    two = fake_drive("MICROBIT1", V1_ID)
    ports = [fake_port("/dev/ttyACM1", V1_ID.upper()), fake_port("/dev/ttyACM0", V2_ID),
             fake_port("/dev/ttyUSB0", "x", vid=0x10C4, pid=0xEA60)]
    boards = find_boards([one.parent], lambda: ports)
    by_drive = {b.drive: b for b in boards}
    assert by_drive[one].port == "/dev/ttyACM0" and by_drive[one].version == "v2"
    assert by_drive[two].port == "/dev/ttyACM1" and by_drive[two].version == "v1"
    assert by_drive[one].daplink_version == "0255"
    assert len(boards) == 2, "the CP210x port is not a micro:bit"


def test_port_without_drive_and_drive_without_details(fake_drive):
    fake_drive("MICROBIT", details=False)
    boards = find_boards([fake_drive("OTHER", V1_ID).parent], lambda: [fake_port("COM7", V1_ID)])
    assert len(boards) == 2
    broken = [b for b in boards if b.problem]
    assert broken and "DETAILS.TXT" in broken[0].problem
    port_only = [b for b in boards if b.port == "COM7"][0]
    assert port_only.drive is None and port_only.version == "v1"


def test_unreadable_or_garbage_details_is_not_a_board(tmp_path: Path):
    drive = tmp_path / "MICROBIT"
    drive.mkdir()
    (drive / "DETAILS.TXT").write_bytes(b"\x00\xff garbage \x89PNG")
    assert read_drive(drive) is None
    assert read_drive(tmp_path / "missing") is None


def test_missing_mount_roots_are_ignored(tmp_path: Path):
    assert find_boards([tmp_path / "nope"], lambda: []) == []


# --- stable names, virtual ports, choosing boards -------------------------------------------


def test_boards_get_stable_names_that_survive_a_new_run(fake_drive):
    """A board keeps its name on the next discovery; a new board gets the next free number."""
    one = fake_drive("MICROBIT", V2_ID)
    first = find_boards([one.parent], lambda: [])
    assert [b.name for b in first] == ["gruppe-1"]
    fake_drive("MICROBIT1", V1_ID)
    again = {b.unique_id: b.name for b in find_boards([one.parent], lambda: [])}
    assert again == {V2_ID: "gruppe-1", V1_ID: "gruppe-2"}
    assert {b.label for b in find_boards([one.parent], lambda: [])} == {"gruppe-1", "gruppe-2"}


def test_names_can_be_left_out(fake_drive):
    drive = fake_drive("MICROBIT", V2_ID)
    assert [b.name for b in find_boards([drive.parent], lambda: [], names=False)] == [""]


def test_unwritable_name_store_still_finds_boards(fake_drive, tmp_path, monkeypatch):
    """Discovery never fails because of the name store: boards come back without names."""
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    monkeypatch.setenv("KLIMAKIT_DATA_DIR", str(blocker / "sub"))
    drive = fake_drive("MICROBIT", V2_ID)
    [board] = find_boards([drive.parent], lambda: [])
    assert board.unique_id == V2_ID and board.name == ""


def test_remount_count_is_read(tmp_path: Path):
    drive = tmp_path / "MICROBIT"
    drive.mkdir()
    (drive / "DETAILS.TXT").write_text("Unique ID: {}\nRemount count: 7\n".format(V1_ID))
    assert read_drive(drive).remount_count == 7
    (drive / "DETAILS.TXT").write_text("Unique ID: {}\nRemount count: lots\n".format(V1_ID))
    assert read_drive(drive).remount_count == -1


def test_virtual_registry_gives_ports_while_its_process_lives(fake_drive):
    drive = fake_drive("MICROBIT", V1_ID)
    registry = drive.parent / VIRTUAL_REGISTRY
    registry.write_text(json.dumps({"pid": os.getpid(),
                                    "ports": {V1_ID: "socket://127.0.0.1:4242"}}))
    [board] = find_boards([drive.parent], lambda: [])
    assert board.port == "socket://127.0.0.1:4242" and board.drive == drive
    dead = 2**22 + 12345  # above Linux's default pid_max: no such process
    registry.write_text(json.dumps({"pid": dead, "ports": {V1_ID: "socket://127.0.0.1:4242"}}))
    assert find_boards([drive.parent], lambda: [])[0].port is None


@pytest.mark.parametrize("garbage", [b"", b"{not json", b"[1, 2]", b'{"pid": "x"}',
                                     b'{"ports": 5}', b"\xff\xfe\x00"])
def test_garbage_registry_is_ignored(tmp_path: Path, garbage: bytes):
    (tmp_path / VIRTUAL_REGISTRY).write_bytes(garbage)
    assert find_virtual_ports([tmp_path]) == []


def _boards(fake_drive):
    fake_drive("MICROBIT", V2_ID)
    root = fake_drive("MICROBIT1", V1_ID).parent
    fake_drive("MICROBIT2", details=False)
    return find_boards([root], lambda: [])


def test_select_boards_by_name_all_or_the_only_one(fake_drive):
    boards = _boards(fake_drive)
    assert [b.name for b in select_boards(boards, ["gruppe-2"])] == ["gruppe-2"]
    assert len(select_boards(boards, [], all_boards=True)) == 2, "the non-micro:bit is not chosen"
    assert select_boards(boards, [V1_ID.upper()])[0].unique_id == V1_ID
    with pytest.raises(BoardNotFound, match="Choose with --board"):
        select_boards(boards, [])
    with pytest.raises(BoardNotFound, match=r"no board named 'gruppe-9'.*gruppe-1, gruppe-2"):
        select_boards(boards, ["gruppe-9"])
    assert len(select_boards(boards[:1], [])) == 1
    with pytest.raises(BoardNotFound, match="no micro:bit found"):
        select_boards([], [], all_boards=True)
