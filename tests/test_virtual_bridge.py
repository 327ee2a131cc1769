"""A simulated board behind a TCP serial port answers like micro:bit MicroPython.

The bridge (kit/flash/bridge.py) is what `record`, the flash check and `boards --micropython`
talk to for every virtual board QEMU cannot run; here it is driven through SerialBoard, the
class those commands use for a USB board, and through the CLI on a virtual V2.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

from click.testing import CliRunner

from kit import cli
from kit.boards import SerialBoard, find_boards
from kit.build import Program, build_target
from kit.cli.output import out_console
from kit.flash import OK, Engine, EngineKind, VirtualFleet, flash_boards
from kit.flash.runners import SimRunner
from kit.record import Header, parse_line

PROGRAM = Program("main", "from microbit import *\nprint('# klimakit 1 lesson=x fields=a')\n"
                  "n = 0\nwhile True:\n    n += 1\n    print((n,))\n    sleep(100)\n", ())


def _runner(version: str = "v1") -> SimRunner:
    return SimRunner(PROGRAM, "sim-1", version, Engine(EngineKind.SIM, "test"), seed=1,
                     speed=5.0)


def test_the_port_serves_the_running_program_and_its_repl():
    runner = _runner()
    board = SerialBoard(runner.port, name="sim-1")
    try:
        lines = [board.readline(2) for _ in range(3)]
        assert all(line is not None and line.startswith(b"(") for line in lines), lines
        assert board.exec("print(6 * 7)") == "42\n", "raw REPL: OK, output, \\x04, \\x04>"
        version = board.exec("import os\nprint(os.uname().version)").strip()
        assert version == "micro:bit v1.1.1 (simulated)"
        board.run_main()  # Ctrl-B, then Ctrl-D at >>>: main.py from its start
        seen = [board.readline(2) for _ in range(3)]
        assert any(isinstance(parse_line(line or b""), Header) for line in seen), seen
        board.write(b"\r\x03")
        while board.readline(0.5) is not None:
            pass
        assert board.peek_partial_line().endswith(b">>> "), "Ctrl-C: the prompt"
        board.take_partial_line()
        board.write(b"6*7\r")
        assert board.readline(2) == b"6*7" and board.readline(2) == b"42"
    finally:
        board.close()
        runner.close()
    assert not runner.running


def test_what_nobody_reads_is_lost_and_a_second_client_waits_its_turn():
    runner = _runner()
    try:
        time.sleep(0.5)  # printed while nobody had the port open: gone, as on USB
        first = SerialBoard(runner.port, name="a")
        line = first.readline(2)
        assert line is not None and parse_line(line) != parse_line(b"(1,)")
        second = SerialBoard(runner.port, name="b")
        assert second.readline(0.5) is None, "one connection at a time"
        first.close()
        assert second.readline(3) is not None, "the next one gets the port"
        second.close()
    finally:
        runner.close()


def test_boards_says_what_runs_a_virtual_v2_and_asks_its_micropython(tmp_path: Path,
                                                                     monkeypatch):
    with VirtualFleet(tmp_path / "drives", 1, remount_s=0.2, versions=("v2",)) as fleet:
        monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(fleet.root))
        monkeypatch.setattr("kit.boards.discover.comports", lambda: [])
        listed = CliRunner().invoke(cli.cli, ["boards", "--json"])
        [row] = json.loads(listed.stdout)
        assert (row["engine"], row["engine_reason"]) == ("none", "not flashed yet")
        results = flash_boards(build_target("stoejkort"), find_boards(), timeout_s=20,
                               verify_s=6)
        assert [(r.status, r.running, r.lesson) for r in results] == [(OK, True, "stoejkort")]
        asked = CliRunner().invoke(cli.cli, ["boards", "--json", "--micropython"])
        [row] = json.loads(asked.stdout)
        assert row["version"] == "v2" and row["engine"] == "sim"
        assert row["engine_reason"] == "QEMU has no micro:bit V2"
        assert row["micropython"].startswith("micro:bit v2.1.2")
        monkeypatch.setattr(out_console, "width", 250)
        table = CliRunner().invoke(cli.cli, ["boards"])
        assert "simulator" in table.output and "QEMU has no micro:bit V2" in table.output
