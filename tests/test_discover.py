"""Board discovery with fake MICROBIT drive folders and fake serial port listings."""
from __future__ import annotations

from pathlib import Path

from kit.discover import board_version, find_boards, parse_details, read_drive

from conftest import DATA, fake_port

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
