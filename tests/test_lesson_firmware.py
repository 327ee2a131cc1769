"""Every lesson's firmware builds (read back: versions, files) and runs: in QEMU (real V1
MicroPython 1.1.1, the hex a V1 board gets) where QEMU has the lesson's sensors, header-only
where it hangs on them, and in the simulator once it exists.

QEMU has no temperature, compass, radio, microphone, logo or speaker (temperature(), compass and
radio hang it, docs/qemu.md §10). Every firmware prints its header before the first
reading, so the header is checked for all V1 lessons, and data lines where the sensors exist.
In the simulator (kit.sim) every lesson, V2-only ones too, must print readings.
QEMU runs with fast time (-icount): a lesson sampling every 60 s still gives 3 readings in
seconds, and QEMU's ~16 s stalls in display.read_light_level() cost no wall time.
Behaviour beyond this (buttons, scenarios) is in test_lesson_firmware_behaviour.py.
"""
from __future__ import annotations

import time

import micropython_microbit_fs as mfs
import pytest

from kit.boards import Board
from kit.build import build_program, lesson_program, split_universal
from kit.hardware import V1
from kit.lessons import Lesson, lesson_paths, load_lesson
from kit.record import Data, Header, Raw, parse_line
from kit.resources import lessons_dir

QEMU_SENSORS = {"light", "accelerometer", "buttons", "pin-analog", "pin-digital"}
READINGS = 3
TIMEOUT_S = 30.0
QUIET_S = 3.0
LESSONS = {path.parent.name: path for path in lesson_paths(lessons_dir())}


def _lesson(lesson_id: str) -> Lesson:
    return load_lesson(LESSONS[lesson_id])


def how_verified(lesson: Lesson) -> str:
    """'data' (QEMU data lines), 'header' (QEMU header only), 'radio' or 'none' (V2 only)."""
    if not lesson.runs_on(V1):
        return "none"
    if "radio" in lesson_program(lesson).imports:
        return "radio"  # V1 1.1.1 hangs at `import radio` in QEMU (test_qemu_board.py)
    return "data" if set(lesson.sensors) <= QEMU_SENSORS else "header"


def test_the_library_has_lessons():
    assert len(LESSONS) >= 12, sorted(LESSONS)


RELEASES = {"v1": "micro:bit v1.1.1+", "v2": "micro:bit v2.1.2+"}


@pytest.mark.parametrize("lesson_id", sorted(LESSONS))
def test_every_built_hex_reads_back_with_its_versions_and_files(lesson_id):
    """The hex a lesson flashes, read back with micropython-microbit-fs (not klimakit's code):
    the MicroPython of each version the lesson runs on, and exactly the program's files."""
    lesson = _lesson(lesson_id)
    program = lesson_program(lesson)
    versions = tuple(v for v in ("v1", "v2") if lesson.runs_on(v))
    assert program.versions == versions
    assert "from klima import" in program.source, "klima is a file of its own, not pasted in"
    expected = {f.name: f.text for f in program.board_files}
    assert set(expected) >= {"main.py", "klima.py"}
    built = build_program(program, use_cache=False)
    parts = split_universal(built.text) if built.info.universal else {versions[0]: built.text}
    assert sorted(parts) == list(versions)
    for version, text in parts.items():
        assert mfs.get_device_info(text).micropython_version.startswith(RELEASES[version])
        assert {f.name: f.get_text() for f in mfs.get_files(text)} == expected


def _read(board: Board, want_data: bool) -> tuple[Header | None, list[Data], list[str]]:
    """Read until the header (and READINGS data lines, if wanted) or TIMEOUT_S.

    Some lessons measure when a pupil presses A (solcelle): when no reading has come for
    QUIET_S, button A is pressed, as the pupil would.
    """
    header: Header | None = None
    data: list[Data] = []
    errors: list[str] = []
    deadline = time.monotonic() + TIMEOUT_S
    last_event = time.monotonic()
    while time.monotonic() < deadline:
        if header is not None and (not want_data or len(data) >= READINGS):
            break
        if want_data and header is not None and time.monotonic() - last_event > QUIET_S:
            board.press("A")  # type: ignore[attr-defined]  # QemuBoard, SimBoard
            last_event = time.monotonic()
        line = board.readline(0.5)
        if line is None:
            continue
        last_event = time.monotonic()
        parsed = parse_line(line)
        if isinstance(parsed, Header):
            header = header or parsed
        elif isinstance(parsed, Data) and header is not None:
            data.append(parsed)
        elif isinstance(parsed, Raw) and ("Error" in parsed.text or "Traceback" in parsed.text):
            errors.append(parsed.text)
    return header, data, errors


@pytest.mark.parametrize("lesson_id", sorted(LESSONS))
def test_firmware_runs_in_qemu(lesson_id, qemu_boot):
    lesson = _lesson(lesson_id)
    how = how_verified(lesson)
    if how == "none":
        pytest.skip("boards: [v2]: QEMU has no micro:bit V2 (the simulator covers it)")
    if how == "radio":
        pytest.skip("V1 1.1.1 hangs at `import radio` in QEMU (held by test_qemu_board.py); "
                    "the simulator covers it")
    board = qemu_boot(lesson_program(lesson), fast_time=True)
    header, data, errors = _read(board, want_data=how == "data")
    assert not errors, errors
    fields = tuple(field.name for field in lesson.experiment.fields)
    assert header is not None, "no '# klimakit' header within {} s".format(TIMEOUT_S)
    assert header.lesson == lesson.id and header.fields == fields
    if how == "data":
        assert len(data) >= READINGS, "only {} data lines in {} s".format(len(data), TIMEOUT_S)
        assert all(len(d.values) == len(fields) for d in data), data


@pytest.mark.parametrize("lesson_id", sorted(LESSONS))
def test_firmware_runs_in_simulator(lesson_id):
    """Every lesson (V2-only ones too) prints its header and readings on the simulated board."""
    sim = pytest.importorskip("kit.sim", reason="the simulator (kit.sim) does not exist yet")
    lesson = _lesson(lesson_id)
    board = sim.SimBoard.from_lesson(lesson)
    try:
        header, data, errors = _read(board, want_data=True)
    finally:
        board.close()
    assert not errors, errors
    fields = tuple(field.name for field in lesson.experiment.fields)
    assert header is not None and header.lesson == lesson.id and header.fields == fields
    assert len(data) >= READINGS, "only {} data lines".format(len(data))
    assert all(len(d.values) == len(fields) for d in data), data
