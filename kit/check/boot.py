"""Boot each lesson's firmware on a virtual micro:bit V1 (QEMU) and watch its first lines.

Static checks cannot see what V1 MicroPython 1.1.1 refuses at run time: a program too large for
its ~9.5 KB heap fails with MemoryError before printing anything, and a misspelt name ends in a
Traceback, which names the file (main.py or a module) and line it happened in. Every V1 lesson
prints its '# klimakit' header before its first reading, so waiting for the header works even
for firmware that reads temperature or the compass (QEMU hangs there, after the header); a
program that imports radio cannot boot at all (below). At most two QEMUs run at once: the
machines this runs on have two cores, and more makes QEMU miss its timers (docs/qemu.md §9).
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from kit.i18n import N_
from kit.i18n import gettext as _
from kit.boards import QemuBoard
from kit.build import Program, firmware_file, lesson_program
from kit.check.lesson import Problem
from kit.errors import KitError
from kit.hardware import V1
from kit.lessons import Lesson
from kit.record import Data, Header, parse_line

log = logging.getLogger(__name__)

BOOT_TIMEOUT_S = 10.0
SETTLE_S = 1.0  # after the header: long enough for an error in the first loop pass to show
MAX_PARALLEL = 2
ERROR_WORDS = ("Traceback", "SyntaxError", "MemoryError")
# V1 1.1.1 hangs for good at `import radio` in QEMU 7.2, which has no nRF51 radio (measured;
# docs/qemu.md §11): such a program cannot be booted, so it is reported instead of timing out.
QEMU_CANNOT_IMPORT = frozenset({"radio"})
NOT_IN_QEMU = N_("not started in QEMU: micro:bit V1 1.1.1 stops at `import {modules}` in the "
                 "emulator (it has no radio); the simulator runs this program (`klimakit run "
                 "--sim`)")
_FRAME = re.compile(r'File "([^"]+)", line (\d+)')  # V1 names main.py "__main__"


@dataclass(frozen=True)
class BootResult:
    """What one lesson's firmware did in QEMU."""

    lesson_id: str
    firmware: Path
    header: Header | None
    data_lines: int
    seconds: float
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def boot_targets(lessons: Iterable[Lesson]) -> list[Lesson]:
    """The lessons QEMU can boot: every lesson that runs on V1 (QEMU has no V2)."""
    return [lesson for lesson in lessons if lesson.runs_on(V1)]


def lessons_to_boot(lessons: Iterable[Lesson], problems: Iterable[Problem]) -> list[Lesson]:
    """The lessons worth booting in QEMU: V1 lessons whose firmware passed the static check.

    A program that already failed to compile would only repeat its error after a 10 s boot.
    """
    bad_names = {p.path.stem for p in problems if p.path.suffix == ".py" and not p.warning}
    return [lesson for lesson in boot_targets(lessons)
            if isinstance(lesson.meta.get("firmware"), str)
            and lesson.firmware.removesuffix(".py") not in bad_names]


def _source_line(program: Program, file_name: str, line: int) -> tuple[Path, int]:
    """The PC file and line a traceback frame names: modules are files on the board too."""
    board_name = "main.py" if file_name in ("__main__", "main.py") else file_name
    path = program.file_path(board_name)
    if path is None:
        return (program.files[0] if program.files else Path(program.name)), 1
    return path, max(line, 1)


def _read_error(board: QemuBoard, first: str) -> tuple[str, str, int]:
    """Collect a traceback; return its last line and the innermost file and line it names."""
    lines = [first]
    deadline = time.monotonic() + 2.0
    while not re.match(r"^\w*(Error|Exception|Interrupt)\b", lines[-1]):
        raw = board.readline(max(0.05, deadline - time.monotonic()))
        if raw is None or time.monotonic() > deadline:
            break
        lines.append(raw.decode("utf-8", "replace").replace("\x00", "").strip())
    frames = [(m.group(1), int(m.group(2))) for text in lines for m in _FRAME.finditer(text)]
    name, number = frames[-1] if frames else ("", 0)
    return lines[-1], name, number


def boot_lesson(
    lesson: Lesson,
    firmware_root: Path | None = None,
    timeout_s: float = BOOT_TIMEOUT_S,
    settle_s: float = SETTLE_S,
) -> BootResult:
    """Boot the lesson's firmware in QEMU; check its header names the lesson and its fields.

    QEMU runs with fast time (-icount): sleep() and QEMU's stalls cost no wall time, so the
    settle time covers many loop passes. (Without it, display.read_light_level() sometimes
    blocks for ~16 s of guest time in QEMU 7.2, measured.)
    """
    path = firmware_file(lesson.firmware, firmware_root) or Path(lesson.firmware)
    started = time.monotonic()

    def result(header: Header | None, data: int, *problems: Problem) -> BootResult:
        return BootResult(lesson.id, path, header, data, time.monotonic() - started, problems)

    try:
        program = lesson_program(lesson, firmware_root)
        if QEMU_CANNOT_IMPORT & program.imports:
            return result(None, 0, Problem(path, 1, _(NOT_IN_QEMU).format(
                modules=", ".join(sorted(QEMU_CANNOT_IMPORT & program.imports))), warning=True))
        board = QemuBoard.from_program(program, name="check-" + lesson.id, fast_time=True)
    except KitError as err:
        return result(None, 0, Problem(path, 1, _("cannot start in QEMU: {problem}").format(
            problem=err)))
    header: Header | None = None
    data = 0
    try:
        deadline = started + timeout_s
        while data < 2 and (left := deadline - time.monotonic()) > 0:
            raw = board.readline(min(left, 0.5))
            if raw is None:
                continue
            text = raw.decode("utf-8", "replace").replace("\x00", "").strip()
            if any(word in text for word in ERROR_WORDS):
                message, file_name, line = _read_error(board, text)
                where = _source_line(program, file_name, line) if line else (path, 1)
                text = _("fails on micro:bit V1 (QEMU): {message}.").format(
                    message=message.rstrip(". "))
                if "MemoryError" in message:
                    text += " " + _("The program is too big for micro:bit V1's memory; make it "
                                    "smaller.")
                return result(header, data, Problem(where[0], where[1], text))
            parsed = parse_line(raw)
            if isinstance(parsed, Header) and header is None:
                header = parsed
                deadline = min(deadline, time.monotonic() + settle_s)
            elif isinstance(parsed, Data) and header is not None:
                data += 1
    except KitError as err:
        return result(header, data, Problem(path, 1, "QEMU: {}".format(err)))  # err: a KitError
    finally:
        board.close()
    return result(header, data, *_header_problems(lesson, path, header, timeout_s))


def _header_problems(lesson: Lesson, path: Path, header: Header | None, timeout_s: float
                     ) -> list[Problem]:
    if header is None:
        return [Problem(path, 1, _("no '# klimakit' header line within {seconds:.0f} s in QEMU: "
                                   "call begin(...) before the first sensor reading").format(
                                       seconds=timeout_s))]
    expected = tuple(field.name for field in lesson.experiment.fields)
    problems = []
    if header.lesson != lesson.id:
        problems.append(Problem(path, 1, _("the header line printed in QEMU names lesson "
                                           "{named!r}, not {lesson!r}").format(
                                               named=header.lesson, lesson=lesson.id)))
    if header.fields != expected:
        problems.append(Problem(path, 1, _("the header line printed in QEMU has fields "
                                           "({fields}), lesson.md has ({expected})").format(
                                               fields=",".join(header.fields),
                                               expected=",".join(expected))))
    return problems


def boot_check(
    lessons: Iterable[Lesson],
    firmware_root: Path | None = None,
    *,
    parallel: int = MAX_PARALLEL,
    timeout_s: float = BOOT_TIMEOUT_S,
    on_done: Callable[[BootResult], None] | None = None,
) -> list[BootResult]:
    """Boot every V1 lesson's firmware, at most `parallel` (≤ 2) QEMUs at once.

    `on_done` is called on the calling thread as each lesson finishes (for a progress bar).
    Raises QemuNotAvailable (via QemuBoard) only through the results' problems; callers that
    want to skip without QEMU check kit.boards.qemu_binary() first.
    """
    targets = boot_targets(lessons)
    results: list[BootResult] = []
    workers = max(1, min(parallel, MAX_PARALLEL))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="qemu-check") as pool:
        futures = [pool.submit(boot_lesson, lesson, firmware_root, timeout_s) for lesson in targets]
        try:
            for future in as_completed(futures):
                outcome = future.result()
                log.info("%s: header=%s data=%d %.1f s", outcome.lesson_id,
                         outcome.header is not None, outcome.data_lines, outcome.seconds)
                results.append(outcome)
                if on_done is not None:
                    on_done(outcome)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return sorted(results, key=lambda r: r.lesson_id)
