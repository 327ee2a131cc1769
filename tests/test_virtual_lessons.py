"""Every lesson on virtual boards: flash → the check sees it start → record → a reading from each.

One fleet holds a board per lesson (V1 where the lesson runs on V1, else V2; and two lessons
on a V2 as well). Each board runs what its engine rule picks (kit/flash/engine.py): the real V1
firmware in QEMU, or the simulator behind a TCP serial port, here at 20x real time so a lesson
that measures every 30 s is quick. The engine is held to the lessons' own front matter (their
`sensors`), not to the rule itself: QEMU for V1 lessons that need no temperature, compass,
radio or microphone. Each lesson is recorded by a Recorder of its own, as `klimakit record
LESSON --board NAME` would, until every board has sent a reading. Buttons are pressed once
(planter measures on A at once, solcelle only on A), as a pupil would.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import require_qemu

from kit.boards import SerialBoard, find_boards
from kit.build import build_target
from kit.flash import VirtualFleet, flash_board
from kit.lessons import lesson_paths, load_lessons
from kit.record import Recorder, plan_recording

QEMU_CANNOT = {"temperature", "magnetometer", "radio", "microphone", "speaker", "logo-touch"}
ALSO_ON_V2 = ("vejrstation", "lysjagt")
RECORD_FOR_AT_MOST_S = 60.0


def _class_set() -> list[tuple[str, str]]:
    """(lesson id, board version) for every lesson, and a few lessons on a V2 as well."""
    lessons = sorted(load_lessons(lesson_paths())[0], key=lambda lesson: lesson.id)
    pairs = [(lesson.id, "v1" if lesson.runs_on("v1") else "v2") for lesson in lessons]
    return pairs + [(lesson_id, "v2") for lesson_id in ALSO_ON_V2]


def _expected_engine(lesson_id: str, version: str) -> str:
    [lesson] = [lesson for lesson in load_lessons(lesson_paths())[0] if lesson.id == lesson_id]
    return "qemu" if version == "v1" and not QEMU_CANNOT & set(lesson.sensors) else "sim"


@pytest.mark.qemu
def test_every_lesson_flashes_runs_and_records_on_virtual_boards(tmp_path: Path, monkeypatch):
    require_qemu()
    pairs = _class_set()
    assert len({lesson for lesson, _ in pairs}) == 13, "the library has 13 lessons"
    with VirtualFleet(tmp_path / "drives", len(pairs), remount_s=0.2, sim_speed=20.0,
                      versions=[version for _, version in pairs]) as fleet:
        monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(fleet.root))
        monkeypatch.setattr("kit.boards.discover.comports", lambda: [])
        by_id = {b.unique_id: b for b in find_boards()}
        boards = [by_id[b.unique_id] for b in fleet.boards]  # in drive order, one per lesson
        assert [b.version for b in boards] == [version for _, version in pairs]

        def flash(index: int) -> object:
            return flash_board(build_target(pairs[index][0]), boards[index], timeout_s=30,
                               verify_s=20)

        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(flash, range(len(pairs))))
        report = ["{} {} -> {} ({}): {}".format(lesson, version, r.board.engine,
                                                r.board.engine_reason, r.check)
                  for (lesson, version), r in zip(pairs, results)]
        print("\n".join(report))
        assert all(r.ok for r in results), report
        assert [r.running for r in results] == [True] * len(pairs), report
        assert [r.lesson for r in results] == [lesson for lesson, _ in pairs], report
        assert [r.board.engine for r in results] == [
            _expected_engine(lesson, version) for lesson, version in pairs], report
        readings = _record_each(fleet, pairs, tmp_path / "data")
    print({"{}/{}".format(lesson, version): n for (lesson, version), n in zip(pairs, readings)})
    assert all(n >= 1 for n in readings), dict(zip(pairs, readings))


def _record_each(fleet: VirtualFleet, pairs: list[tuple[str, str]], out: Path) -> list[int]:
    """Record every board with its own lesson's plan until each has a reading; the counts."""
    found = {b.unique_id: b for b in find_boards()}
    stop = threading.Event()
    recorders, threads = [], []
    for board, (lesson, _version) in zip(fleet.boards, pairs):
        info = found[board.unique_id]
        assert info.port, "{} has a serial port".format(info.name)
        recorder = Recorder(plan_recording(out, lesson, stem="{}-{}".format(lesson, info.name)))
        serial = SerialBoard(info.port, name=info.name, unique_id=info.unique_id,
                             version=info.version)
        thread = threading.Thread(target=recorder.run, args=([serial],),
                                  kwargs={"stop": stop}, daemon=True)
        recorders.append(recorder)
        threads.append(thread)
        thread.start()
    time.sleep(1.0)
    for board in fleet.boards:  # the pupil presses A once: planter measures, solcelle too
        board.press("A")
    deadline = time.monotonic() + RECORD_FOR_AT_MOST_S
    while time.monotonic() < deadline:
        if all(r.snapshot()[0].accepted >= 1 for r in recorders):
            break
        time.sleep(0.25)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "every recording ended"
    return [r.result().accepted for r in recorders]
