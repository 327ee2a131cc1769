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
