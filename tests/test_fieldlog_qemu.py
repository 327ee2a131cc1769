"""A field build on the real V1 firmware (QEMU): readings kept in files, collected over serial.

The program is varmekort's field build (its klima.py, feltlog.py, klimafelt.py as flashed)
with a main.py QEMU can run (QEMU hangs in temperature(): docs/qemu.md §10): it sends 40
known readings, presses counted by feltlog, then idles. Some readings are in files by then,
the rest still in feltlog's RAM: collect must get every one (it asks the stopped program to
write them), verify each file by checksum, write CSV/raw log/sidecar/graph, give the session
PC times from the board's clock (only the session still running: a restart starts a new
one), and with clear remove exactly the files it saved.
"""
from __future__ import annotations

import csv
import json
import time
from dataclasses import replace
from pathlib import Path

from kit.build import lesson_program
from kit.lessons import get_lesson
from kit.record import collect_board


READINGS = 40
MAIN = '''from microbit import sleep
from klima import begin, send
begin("varmekort", ("temp", "lys", "sted"), ("C", "lvl", "nr"))
for i in range({n}):
    send((20 + i, 255 - i, i // 10))
print("sent", {n})
while True:
    sleep(100)
'''.format(n=READINGS)


def test_v1_field_log_in_qemu_is_collected_whole(qemu_boot, tmp_path: Path):
    program = lesson_program(get_lesson("varmekort"), field=True)
    board = qemu_boot(replace(program, source=MAIN), fast_time=True)
    board.wait_for(b"sent", timeout=60)
    before = time.time()
    result = collect_board(board, tmp_path)
    assert result.readings == READINGS, result.notes
    [run] = result.runs
    with run.csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["temp"]) for r in rows] == [20 + i for i in range(READINGS)]
    assert [int(r["sted"]) for r in rows] == [i // 10 for i in range(READINGS)]
    assert all(r["time"] for r in rows), "the session still ran: PC times from its clock"
    meta = json.loads(run.sidecar.read_text(encoding="utf-8"))
    assert meta["source"]["kind"] == "board log" and meta["lesson"] == "varmekort"
    assert meta["source"]["clock"]["method"] == "anchored"
    assert meta["counts"] == {"accepted": READINGS, "rejected": 0, "lost": 0}
    assert run.csv.with_suffix(".png").stat().st_size > 0
    raw = run.raw.read_text(encoding="utf-8")
    assert "# klimakit-log 1 lesson=varmekort fields=temp,lys,sted" in raw
    assert time.time() - before < 60
    board.wait_for(b"sent", timeout=60)  # collect restarted the program: a second session
    again = collect_board(board, tmp_path / "again", clear=True)
    assert again.readings == 2 * READINGS and again.cleared, again.notes
    clocks = [json.loads(r.sidecar.read_text(encoding="utf-8"))["source"]["clock"]["method"]
              for r in again.runs]
    assert clocks == ["none", "anchored"], "only the running session has PC times"
    board.wait_for(b"sent", timeout=60)  # the program runs again: one fresh session
    third = collect_board(board, tmp_path / "third")
    assert third.readings == READINGS and len(third.runs) == 1, "clear removed the old ones"


def test_flash_log_on_board_then_collect_on_a_virtual_v1(tmp_path: Path, monkeypatch):
    """The CLI end to end: flash planter for the field onto a virtual V1 (QEMU: planter needs
    no temperature), the pupil presses B (an event: "vandet") and A (measure now), then
    `klimakit collect --all` gives a CSV with the readings, the event in the sidecar, a graph."""
    from click.testing import CliRunner
    from conftest import require_qemu

    from kit import cli
    from kit.flash import VirtualFleet

    require_qemu()
    with VirtualFleet(tmp_path / "drives", 1, remount_s=0.2) as fleet:
        monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(fleet.root))
        monkeypatch.setattr("kit.boards.discover.comports", lambda: [])
        result = CliRunner().invoke(cli.cli, ["flash", "planter", "--all", "--log-on-board"])
        assert result.exit_code == 0, result.output
        assert fleet.boards[0].engine.kind.value == "qemu", fleet.boards[0].engine
        time.sleep(1.5)  # the program's first reading is kept at once
        fleet.boards[0].press("B")
        time.sleep(0.5)
        fleet.boards[0].press("A")
        time.sleep(1.5)
        out = tmp_path / "data"
        result = CliRunner().invoke(cli.cli, ["collect", "--all", "--out", str(out)])
        assert result.exit_code == 0, result.output
    [csv_path] = sorted(out.glob("planter-*.csv"))
    with csv_path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 2 and all(r["fugt"] == "0" for r in rows), rows  # QEMU: analog 0
    meta = json.loads(csv_path.with_suffix(".json").read_text(encoding="utf-8"))
    assert [e["event"] for e in meta["events"]] == ["marked"], meta["events"]
    assert meta["source"]["event"] == "b"
    assert csv_path.with_suffix(".png").is_file()
