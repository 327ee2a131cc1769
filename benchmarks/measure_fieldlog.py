"""How many readings fill a micro:bit V1's field log, and the heap left while logging.

Runs each field lesson's field build (kit/build/field.py) on V1 1.1.1 in QEMU with a main.py
that sends readings as fast as it can (`-icount`, so board time passes quickly) until
feltlog says the filesystem is full, then counts the readings in the files. The values are
chosen as long as a real reading (3-digit light, 2-digit temperature, board times of many
digits), so the count is what a board in the field gets. Prints one line per lesson.

V2 (no V2 firmware runs here): the same build in the simulator, whose `log` keeps rows as
CODAL v0.2.43's MicroBitLog does (kit/sim/datalog.py: 122,876 bytes of CSV, label rows,
timestamps with two decimals), one reading per lesson interval (varmekort 10 s, planter
900 s) in virtual time, so the board times have the digits a real field day gives.

Run: python3 benchmarks/measure_fieldlog.py
"""
from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path

from kit.boards import QemuBoard
from kit.build import build_program, lesson_program
from kit.lessons import get_lesson

MAIN = '''from microbit import sleep
import gc
from klima import begin, send
import klima
begin({lesson!r}, {names!r}, {units!r})
gc.collect()
print("free", gc.mem_free())
i = 0
while not klima._kk_felt.store.full:
    send({values})
    i += 1
print("full", i)
while True:
    sleep(100)
'''
COUNT = ("import os\nn=0\nfor f in os.listdir():\n if f[0]=='k' and len(f)==7:\n"
         "  n+=open(f).read().count(chr(10))\nprint(n, len(os.listdir()))")
VALUES = {"varmekort": "(21, 130 + i % 100, 1 + i // 20)", "planter": "(512 + i % 400,)"}


def measure(lesson_id: str) -> str:
    lesson = get_lesson(lesson_id)
    names = tuple(f.name for f in lesson.experiment.fields)
    program = lesson_program(lesson, field=True)
    program = replace(program, source=MAIN.format(lesson=lesson_id, names=names,
                                                  units=("x",) * len(names),
                                                  values=VALUES[lesson_id]))
    program = replace(program, modules=tuple(
        replace(m, text=m.text.replace(repr(int(lesson.field_log.interval_s * 1000)) + ",",
                                       "0,")) if m.name == "klimafelt.py" else m
        for m in program.modules))  # keep every reading: interval 0
    built = build_program(program, use_cache=False, versions=("v1",))
    with tempfile.TemporaryDirectory() as tmp:
        hex_path = Path(tmp) / "fill.hex"
        hex_path.write_text(built.hex_for("v1"))
        board = QemuBoard(hex_path, name=lesson_id, fast_time=True)
        try:
            free = board.wait_for(b"free", timeout=60).split()[-1].decode()
            started = time.monotonic()
            sent = board.wait_for(b"full", timeout=600).split()[-1].decode()
            lines, files = board.exec(COUNT, timeout=60).split()
        finally:
            board.close()
    return ("{}: {} readings kept in files (sent {}, header lines included: {} lines), {} "
            "files on the board, heap free after begin(): {} B, filled in {:.0f} s".format(
                lesson_id, int(lines) - 1, sent, lines, files, free,
                time.monotonic() - started))


MAIN_V2 = '''from microbit import sleep
from klima import begin, send
import klima
begin({lesson!r}, {names!r}, {units!r})
i = 0
while not klima._kk_felt.store.full:
    send({values})
    i += 1
    sleep({interval_ms})
print("full", i)
'''


def measure_v2(lesson_id: str) -> str:
    from kit.sim import SimBoard

    lesson = get_lesson(lesson_id)
    names = tuple(f.name for f in lesson.experiment.fields)
    units = tuple(f.unit or "" for f in lesson.experiment.fields)
    interval_ms = int(lesson.field_log.interval_s * 1000) or 10_000  # varmekort: every 10 s
    program = lesson_program(lesson, field=True)
    program = replace(program, source=MAIN_V2.format(
        lesson=lesson_id, names=names, units=units, values=VALUES[lesson_id],
        interval_ms=interval_ms))
    started = time.monotonic()
    board = SimBoard(program, version="v2")
    try:
        line = b""
        while not line.startswith(b"full"):
            got = board.readline(600)
            if got is None:
                raise SystemExit("{}: the V2 simulation did not fill its log".format(lesson_id))
            line = got
        store = board.log_store
        rows = store.data.decode().count("\n")
    finally:
        board.close()
    kept = int(line.split()[-1]) - 1  # the send that found the log full is not kept
    return ("{} (V2, simulated CODAL log): {} readings kept until full ({} lines with the label "
            "and start rows, {} bytes of CSV), one every {} s: {:.1f} days; {:.1f} s".format(
                lesson_id, kept, rows, len(store.data), interval_ms / 1000,
                kept * interval_ms / 86_400_000, time.monotonic() - started))


if __name__ == "__main__":
    import sys

    for lesson_id in VALUES:
        if "--v2-only" not in sys.argv:
            print(measure(lesson_id))
        print(measure_v2(lesson_id))
