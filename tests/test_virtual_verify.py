"""The check after flashing: the serial port shows whether the program started.

Real USB boards are imitated by a drive folder that "remounts" once the hex is written and a
pseudo-terminal (what pyserial opens for /dev/ttyACM0) whose other end answers like micro:bit
MicroPython: what a program prints at start, a traceback, a REPL prompt, or nothing at all,
and a soft reboot on Ctrl-D. Virtual boards run the real V1 firmware in QEMU and the simulator.
"""
from __future__ import annotations

import json
import os
import threading
import time
import tty
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, fake_port, require_qemu

from kit import cli
from kit.boards import BoardInfo, find_boards
from kit.build import Program, build_program, build_target
from kit.flash import FLASH_FILE_NAME, OK, VirtualFleet, flash_board, verify_board

UID = "9900000037024e450073201100000021000000009796990b"
HEADER = b"# klimakit 1 lesson=afkoeling fields=temp units=C\r\n"
TRACEBACK = (b"Traceback (most recent call last):\r\n  File \"__main__\", line 7, in <module>\r\n"
             b"  File \"klima.py\", line 12, in begin\r\nNameError: name 'x' isn't defined\r\n"
             b"MicroPython v1.9.2-34-gd64154c73 on 2017-09-01; micro:bit v1.1.1 with nRF51822"
             b"\r\nType \"help()\" for more information.\r\n>>> ")
ENDED = (b"hej\r\nMicroPython v1.9.2-34-gd64154c73 on 2017-09-01; micro:bit v1.1.1 with "
         b"nRF51822\r\nType \"help()\" for more information.\r\n>>> ")


class FakeUsbBoard:
    """A micro:bit on USB: a MICROBIT drive that remounts after a copy, and a serial port.

    `on_start` is what its program prints each time it starts (after the flash, and after a
    soft reboot: Ctrl-D). `dead` boards never send a byte.
    """

    def __init__(self, root: Path, on_start: bytes, dead: bool = False) -> None:
        self.drive = root / "MICROBIT"
        self.drive.mkdir(parents=True)
        text = (DATA / "MICROBIT" / "DETAILS.TXT").read_text()
        self.details = text.replace("9904360259434e450030900d0000005c0000000097969901", UID)
        (self.drive / "DETAILS.TXT").write_text(self.details)
        self.on_start, self.dead = on_start, dead
        self.master, slave = os.openpty()
        tty.setraw(slave)
        self._slave = slave
        self.port = os.ttyname(slave)
        self.received = bytearray()
        self.remounts = 0
        self._stop = threading.Event()
        for target in (self._remount, self._answer):
            threading.Thread(target=target, daemon=True).start()

    def info(self) -> BoardInfo:
        return BoardInfo(UID, "v1", self.drive, self.port, "0255", "gruppe-1")

    def _remount(self) -> None:
        while not self._stop.wait(0.05):
            hex_file = self.drive / FLASH_FILE_NAME
            if hex_file.exists() and hex_file.stat().st_size > 600_000:
                time.sleep(0.1)
                hex_file.unlink()
                self.remounts += 1
                (self.drive / "DETAILS.TXT").write_text(self.details.replace(
                    "Remount count: 0", "Remount count: {}".format(self.remounts)))
                self._send(self.on_start)  # nobody has the port open yet: it waits

    def _answer(self) -> None:
        while not self._stop.is_set():
            try:
                data = os.read(self.master, 1024)
            except OSError:
                return
            self.received += data
            if b"\x04" in data:
                self._send(b"soft reboot\r\n" + self.on_start)

    def _send(self, data: bytes) -> None:
        if not self.dead:
            os.write(self.master, data)

    def close(self) -> None:
        self._stop.set()
        for fd in (self.master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass


@pytest.fixture
def usb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    made: list[FakeUsbBoard] = []

    def make(on_start: bytes, dead: bool = False) -> FakeUsbBoard:
        board = FakeUsbBoard(tmp_path / "media", on_start, dead)
        made.append(board)
        monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(tmp_path / "media"))
        monkeypatch.setattr("kit.boards.discover.comports",
                            lambda: [fake_port(board.port, UID)])
        return board

    yield make
    for board in made:
        board.close()


@pytest.fixture(scope="module")
def lesson_hex():
    return build_target("afkoeling")


@pytest.mark.parametrize("prints, running, words", [
    (HEADER + b"(21,)\r\n", True, "Running afkoeling"),
    (TRACEBACK, False, "klima.py:12 (called from main.py:7): NameError: name 'x' isn't defined"),
    (ENDED, False, "ended without sending"),
    (b"hej\r\n", False, "no klimakit header"),
])
def test_the_check_says_what_the_port_shows(usb, lesson_hex, prints, running, words):
    board = usb(prints)
    result = flash_board(lesson_hex, board.info(), timeout_s=10, verify_s=3)
    assert result.status is OK and result.running is running, result
    assert words in result.check, result.check
    assert (result.lesson == "afkoeling") is bool(running)
    if not running:
        assert result.advice, "what to do"


def test_a_board_that_never_answers_is_told_apart(usb, lesson_hex):
    board = usb(HEADER, dead=True)
    result = flash_board(lesson_hex, board.info(), timeout_s=10, verify_s=2)
    assert result.running is False and "does not answer" in result.check
    assert "reset" in result.advice
    assert b"\x03" in board.received and b"\x04" in board.received, "it was restarted once"


def test_a_program_without_a_header_is_not_called_broken(usb):
    plain = build_program(Program("hej", "print('hej')\n", ()), use_cache=False)
    started = flash_board(plain, usb(ENDED).info(), timeout_s=10, verify_s=2)
    assert started.running is None and "no klimakit header" in started.check


def test_a_port_that_comes_back_late_and_no_port_at_all(usb, monkeypatch):
    board = usb(HEADER)
    ports: list[object] = []
    threading.Timer(1.0, ports.append, (fake_port(board.port, UID),)).start()
    monkeypatch.setattr("kit.boards.discover.comports", lambda: list(ports))
    late = verify_board(board.info(), timeout_s=4)
    assert late.running is True and late.board is not None and late.board.port == board.port
    ports.clear()
    none = verify_board(board.info(), timeout_s=0.5)
    assert none.running is None and "No serial port" in none.message


def test_cli_flash_json_per_board(usb):
    usb(TRACEBACK)
    result = CliRunner().invoke(cli.cli, ["flash", "afkoeling", "--all", "--json",
                                          "--verify-timeout", "2"])
    assert result.exit_code == 1, result.output
    [row] = json.loads(result.stdout)
    assert {k: row[k] for k in ("name", "unique_id", "version", "result", "running")} == {
        "name": "gruppe-1", "unique_id": UID, "version": "v1", "result": "ok", "running": False}
    assert "(called from main.py:7)" in row["message"] and row["engine"] is None
    skipped = CliRunner().invoke(cli.cli, ["flash", "afkoeling", "--all", "--json",
                                           "--no-verify", "--timeout", "10"])
    assert skipped.exit_code == 0 and json.loads(skipped.stdout)[0]["running"] is None


@pytest.mark.qemu
def test_a_crash_is_seen_on_both_engines(tmp_path: Path, monkeypatch):
    """The same broken program on a V1 (real firmware in QEMU) and a V2 (the simulator)."""
    require_qemu()
    prog = tmp_path / "kaput.py"
    prog.write_text("from klima import begin\nx = 1\nprint(y)\n")
    with VirtualFleet(tmp_path / "drives", 2, remount_s=0.2, versions=("v1", "v2")) as fleet:
        monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(fleet.root))
        monkeypatch.setattr("kit.boards.discover.comports", lambda: [])
        built = build_target(str(prog))
        results = [flash_board(built, b, timeout_s=30, verify_s=8)
                   for b in find_boards()]
    assert [r.board.engine for r in results] == ["qemu", "sim"]
    for r in results:
        assert r.running is False and "main.py:3: NameError" in r.check, r.check
