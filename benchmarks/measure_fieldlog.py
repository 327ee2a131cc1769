"""How many readings fill a micro:bit V1's field log, and the heap left while logging.

Runs each field lesson's field build (kit/build/field.py) on V1 1.1.1 in QEMU with a main.py
that sends readings as fast as it can (`-icount`, so board time passes quickly) until
feltlog says the filesystem is full, then counts the readings in the files. The values are
chosen as long as a real reading (3-digit light, 2-digit temperature, board times of many
digits), so the count is what a board in the field gets. Prints one line per lesson.

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


if __name__ == "__main__":
    for lesson_id in VALUES:
        print(measure(lesson_id))
