"""Virtual boards: DAPLink-like drives, FAIL.TXT, remount, and flash → QEMU → data end to end."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import child_pids, require_qemu

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


CLI = Path(__file__).resolve().parent.parent / "cli.py"


def _state_folders(pid: int) -> list[Path]:
    """The state folders (klimakit-virtual-*) owned by process `pid`."""
    import tempfile

    found = []
    for folder in Path(tempfile.gettempdir()).glob("klimakit-virtual-*"):
        try:
            if int((folder / "owner").read_text()) == pid:
                found.append(folder)
        except (OSError, ValueError):
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        return Path("/proc/{}/stat".format(pid)).read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_refused_start_leaves_nothing_behind(tmp_path: Path):
    """A second fleet on a folder in use is refused, and leaves no state folder or drive."""
    with VirtualFleet(tmp_path, 1, boot=False):
        before = _state_folders(os.getpid())
        (tmp_path / VIRTUAL_REGISTRY).write_text(json.dumps({"pid": 1, "ports": {}}))
        second = VirtualFleet(tmp_path, 1, boot=False)
        with pytest.raises(KitError, match="already use"):
            second.start()
        assert _state_folders(os.getpid()) == before
    assert _state_folders(os.getpid()) == []


def test_each_fleet_has_its_own_ids_and_names_and_the_school_never_hears_of_them(tmp_path):
    from kit.inventory import list_boards

    with VirtualFleet(tmp_path / "a", 2, boot=False) as one, \
            VirtualFleet(tmp_path / "b", 2, boot=False) as two:
        ids = [b.unique_id for b in one.boards + two.boards]
        assert len(set(ids)) == 4, "two fleets never share a unique id"
        found = find_boards([one.root, two.root], lambda: [])
        assert sorted(b.name for b in found) == ["gruppe-1", "gruppe-1", "gruppe-2", "gruppe-2"]
        assert all(b.virtual and b.store for b in found)
        assert list_boards() == [], "virtual boards are not in the school's inventory"
        assert [r.name for r in list_boards(store=str(one.store))] == ["gruppe-1", "gruppe-2"]
    assert not one.store and not two.store


def _start_virtual_up(drives: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, str(CLI), "virtual", "up", "-n", "1", "--fast",
                             "--dir", str(drives), *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def _registry_of(drives: Path, pid: int, timeout: float = 30.0) -> dict:
    def ours() -> bool:
        try:
            return json.loads((drives / VIRTUAL_REGISTRY).read_text())["pid"] == pid
        except (OSError, ValueError, KeyError):
            return False

    _wait(ours, timeout)
    return json.loads((drives / VIRTUAL_REGISTRY).read_text())


def _flash_and_find_qemu(drives: Path, pid: int, monkeypatch) -> list[int]:
    """Flash sensortjek onto the fleet of process `pid`; return the QEMU it started."""
    _registry_of(drives, pid)
    monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(drives))
    results = flash_boards(build_target("sensortjek"), find_boards(list_ports=lambda: []),
                           timeout_s=30)
    assert [r.status for r in results] == [OK], [r.message for r in results]
    _wait(lambda: bool(_registry_of(drives, pid)["ports"]), 20)
    qemus = child_pids(pid)
    assert len(qemus) == 1, "one QEMU runs the flashed board"
    return qemus


@pytest.mark.qemu
@pytest.mark.parametrize("sig", ["SIGTERM", "SIGHUP", "SIGKILL"])
def test_virtual_up_leaves_no_qemu_after_a_signal(tmp_path: Path, monkeypatch, sig: str):
    """SIGTERM and SIGHUP (closing the terminal) stop every QEMU and remove every folder;
    after SIGKILL the QEMU still dies (with the thread that started it), and the next fleet
    removes the state folder nobody could."""
    require_qemu()
    drives = tmp_path / "drives"
    proc = _start_virtual_up(drives)
    try:
        qemus = _flash_and_find_qemu(drives, proc.pid, monkeypatch)
        state = _state_folders(proc.pid)
        assert len(state) == 1
        proc.send_signal(getattr(signal, sig))
        proc.wait(timeout=30)
        _wait(lambda: not any(_alive(q) for q in qemus), 10)
        if sig == "SIGKILL":
            assert state[0].exists(), "nobody could clean up after SIGKILL"
            from kit.flash import remove_stale_state

            assert remove_stale_state() == state
            return
        assert proc.returncode == 0, proc.stderr.read().decode() if proc.stderr else ""
        assert not state[0].exists() and not list(drives.glob("MICROBIT*"))
        assert not (drives / VIRTUAL_REGISTRY).exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.qemu
def test_virtual_up_stops_when_the_process_that_started_it_dies(tmp_path: Path, monkeypatch):
    require_qemu()
    drives = tmp_path / "drives"
    shell = subprocess.Popen(["sh", "-c", '"$0" "$1" virtual up -n 1 --fast --dir "$2" '
                              '>/dev/null 2>&1 & wait', sys.executable, str(CLI), str(drives)])
    fleet_pid = 0
    try:
        _wait(lambda: bool(child_pids(shell.pid, b"virtual")), 20)
        [fleet_pid] = child_pids(shell.pid, b"virtual")
        qemus = _flash_and_find_qemu(drives, fleet_pid, monkeypatch)
        state = _state_folders(fleet_pid)
        shell.kill()  # the terminal (or script) that started `virtual up` is gone
        shell.wait()
        _wait(lambda: not _alive(fleet_pid), 30)
        assert not any(_alive(q) for q in qemus)
        assert state and not state[0].exists() and not list(drives.glob("MICROBIT*"))
    finally:
        if shell.poll() is None:
            shell.kill()
            shell.wait()
        if fleet_pid and _alive(fleet_pid):
            os.kill(fleet_pid, signal.SIGKILL)
