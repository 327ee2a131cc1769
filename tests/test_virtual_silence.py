"""Silence is explained: a board that sends no readings says why, live and in the summary.

Boards are pseudo-terminals (what pyserial opens for a USB port) whose other end acts like a
micro:bit in trouble: it sends nothing, sits at its REPL (answering Enter with `>>> `), ends in
a traceback, runs another lesson, or stops sending after one reading. The times are shortened
(the probe after 0.5 s, the explanation after 2 s instead of 10 s and 15 s); the rules are the
same. Then the real case end to end: `klimakit run` on a virtual board (real firmware in QEMU)
leaves it at its REPL, and `klimakit record` says so. And `klimakit run` itself names what a
virtual board cannot do.
"""
from __future__ import annotations

import json
import os
import threading
import tty
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import require_qemu

from kit import cli
from kit.boards import BoardInfo, SerialBoard, find_boards
from kit.build import build_target
from kit.cli.output import err_console
from kit.errors import BoardNotFound, UnsupportedCall
from kit.flash import OK, VirtualFleet, flash_boards
from kit.record import BoardText, Recorder, Silence, plan_recording
from kit.runner import refuse_virtual_board, run

HEADER = (b"# klimakit 1 lesson=sensortjek fields=tid,lys,x,y,z,a,b "
          b"units=s,lvl,mg,mg,mg,stk,stk\r\n")
TRACEBACK = (b"Traceback (most recent call last):\r\n  File \"__main__\", line 9, in <module>\r\n"
             b"ZeroDivisionError: division by zero\r\nMicroPython v1.9.2-34-gd64154c73 on "
             b"2017-09-01; micro:bit v1.1.1 with nRF51822\r\nType \"help()\" for more "
             b"information.\r\n>>> ")


class PtyBoard:
    """A board on a pty: `says` at once, and answers a CR with `on_enter` (a REPL's prompt)."""

    def __init__(self, says: bytes, on_enter: bytes = b"") -> None:
        self.master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.port = os.ttyname(self._slave)
        self.on_enter = on_enter
        os.write(self.master, says)
        threading.Thread(target=self._answer, daemon=True).start()

    def _answer(self) -> None:
        while True:
            try:
                data = os.read(self.master, 256)
            except OSError:
                return
            if b"\r" in data and self.on_enter:
                os.write(self.master, self.on_enter)

    def close(self) -> None:
        for fd in (self.master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kit.record.reader.PROBE_AFTER_S", 0.5)
    monkeypatch.setattr("kit.record.silence.SILENT_AFTER_S", 2.0)


@pytest.mark.parametrize("lines, reason, detail", [
    ([], Silence.NOTHING, ""),
    (["MicroPython v1.9.2-34-gd64154c73 on 2017-09-01", ">>>"], Silence.REPL, ""),
    ([TRACEBACK.decode()], Silence.TRACEBACK, "main.py:9: ZeroDivisionError: division by zero"),
    (["Traceback (most recent call last):", '  File "__main__", line 3, in <module>',
      "KeyboardInterrupt: ", ">>> "], Silence.REPL, ""),
    (["MemoryError: memory allocation failed, allocating 4408 bytes"], Silence.TRACEBACK,
     "MemoryError: memory allocation failed, allocating 4408 bytes"),
    (["Kun V2", "\x1b[2Jnoise"], Silence.NOT_DATA, "[2Jnoise"),  # control characters go
])
def test_what_a_board_sent_explains_its_silence(lines, reason, detail):
    text = BoardText()
    for chunk in lines:
        for line in chunk.splitlines() or [chunk]:
            text.see(line)
    found = text.explain()
    assert found.reason is reason
    assert detail in found.detail or (not detail and found.detail == "")
    assert "\x1b" not in found.detail


def test_a_lesson_that_measures_seldom_may_be_quiet_longer():
    from kit.record import SILENT_AFTER_S, quiet_after_s

    assert quiet_after_s(None) == quiet_after_s(0.2) == SILENT_AFTER_S == 15.0
    assert quiet_after_s(30) == 47.0, "afkoeling measures every 30 s"


def test_every_silent_board_says_why_in_the_summary_and_the_sidecar(quick, tmp_path: Path,
                                                                   monkeypatch):
    monkeypatch.setattr(err_console, "width", 300)
    boards = {
        "stum": PtyBoard(b""),
        "repl": PtyBoard(b"", on_enter=b"\r\n>>> "),
        "fejl": PtyBoard(TRACEBACK),
        "anden": PtyBoard(b"# klimakit 1 lesson=drivhus fields=temp,lys units=C,lvl\r\n"
                          b"(21, 300)\r\n"),
        "en": PtyBoard(HEADER + b"(0.2, 255, -736, -736, 736, 0, 0)\r\n"),
    }
    try:
        args = [a for b in boards.values() for a in ("--port", b.port)]
        result = CliRunner().invoke(cli.cli, ["record", "sensortjek", *args, "--duration", "4s",
                                              "-o", str(tmp_path), "--no-plot"])
    finally:
        for board in boards.values():
            board.close()
    assert result.exit_code == 0, result.output
    out = result.output
    names = {key: board.port.rsplit("/", 1)[-1] for key, board in boards.items()}
    assert "{}: 0 readings: has sent nothing".format(names["stum"]) in out
    assert "{}: 0 readings: the program is not running".format(names["repl"]) in out
    assert "{}: 0 readings: the program stopped with an error: main.py:9: ZeroDivisionError".format(
        names["fejl"]) in out
    assert "{}: 0 readings: runs another lesson's program: drivhus".format(
        names["anden"]) in out
    assert "{}: 0 readings".format(names["en"]) not in out, "it sent a reading"
    assert "has sent nothing since its last reading" in out, "the live view said it"
    [sidecar] = tmp_path.glob("*.json")
    per_board = json.loads(sidecar.read_text())["per_board"]
    assert {key: per_board[names[key]].get("silence", {}).get("reason") for key in boards} == {
        "stum": "nothing", "repl": "repl", "fejl": "traceback", "anden": "other lesson",
        "en": "nothing"}
    events = [e for e in json.loads(sidecar.read_text())["events"] if e["event"] == "silent"]
    assert len(events) >= 5


@pytest.mark.qemu
def test_after_klimakit_run_a_recording_says_the_program_stopped(quick, tmp_path: Path,
                                                                monkeypatch):
    """The issue's case on the real V1 firmware: `run` leaves the board at its REPL."""
    require_qemu()
    prog = tmp_path / "prog.py"
    prog.write_text("from microbit import *\ndisplay.show(Image.HEART)\n")
    with VirtualFleet(tmp_path / "drives", 1, remount_s=0.2) as fleet:
        monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(fleet.root))
        monkeypatch.setattr("kit.boards.discover.comports", lambda: [])
        results = flash_boards(build_target("sensortjek"), find_boards(), timeout_s=30,
                               verify_s=10)
        assert [(r.status, r.running) for r in results] == [(OK, True)]
        run(prog, board="gruppe-1")
        [info] = find_boards()
        recorder = Recorder(plan_recording(tmp_path / "data", "sensortjek", duration_s=4))
        result = recorder.run([SerialBoard(info.port, name=info.name,
                                           unique_id=info.unique_id)])
    [board] = result.boards
    assert board.accepted == 0 and board.silence == "repl", board


def _virtual(engine: str, reason: str) -> list[BoardInfo]:
    return [BoardInfo("9900" + "ab" * 22, "v1", None, "socket://127.0.0.1:9", name="gruppe-1",
                      virtual=True, engine=engine, engine_reason=reason)]


def test_run_names_what_a_virtual_board_cannot_do(tmp_path: Path, monkeypatch):
    prog = tmp_path / "varme.py"
    prog.write_text("from microbit import *\nprint(temperature())\n")
    calm = tmp_path / "hjerte.py"
    calm.write_text("from microbit import *\ndisplay.show(Image.HEART)\n")
    monkeypatch.setattr("kit.boards.find_boards", lambda: _virtual("qemu", "ægte V1-firmware"))
    with pytest.raises(UnsupportedCall, match=r"never answer: temperature\(\).*run varme.py --sim"):
        refuse_virtual_board(prog, "gruppe-1")
    refuse_virtual_board(calm, "gruppe-1")  # QEMU can do this one: no refusal
    monkeypatch.setattr("kit.boards.find_boards",
                        lambda: _virtual("sim", "QEMU mangler temperature()"))
    with pytest.raises(UnsupportedCall, match="runs in the simulator.*--sim"):
        refuse_virtual_board(calm, None)
    monkeypatch.setattr("kit.boards.find_boards", lambda: [])
    with pytest.raises(BoardNotFound, match=r"no micro:bit found.*klimakit run hjerte.py --sim"):
        refuse_virtual_board(calm, None)
    cli_run = CliRunner().invoke(cli.cli, ["run", str(calm)])
    assert cli_run.exit_code == 1 and "--sim" in cli_run.output, cli_run.output
