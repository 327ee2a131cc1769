"""Plan a recording: what to record and where, pick the boards, open them, re-open them.

Kept apart from kit.record.recorder so the CLI, the demo and tests build the same plan. Board choice
lives in `choose_boards` only, so the stable `gruppe-N` names from kit.boards can replace
BoardInfo.label in one place.
"""
from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kit.i18n import ngettext
from kit.boards import Board, BoardInfo, SerialBoard, find_boards, looks_like_port, select_boards
from kit.errors import BoardNotFound, KitError
from kit.lessons import Field
from kit.record.files import RunPaths, new_stem

log = logging.getLogger(__name__)

# A column of the recording: the lesson's experiment field (name, unit, Danish label for graphs).
FieldSpec = Field


@dataclass(frozen=True)
class RecordingPlan:
    """What to record: expected fields (empty = take them from the first header), where to."""

    paths: RunPaths
    fields: tuple[FieldSpec, ...] = ()
    lesson_id: str = ""
    title: str = ""
    firmware: str = ""
    firmware_sha256: str = ""
    duration_s: float | None = None
    excel_da: bool = False
    interval_s: float | None = None  # the lesson's time between readings, if it has one


def choose_boards(found: Sequence[BoardInfo], names: Sequence[str], all_boards: bool
                  ) -> list[BoardInfo]:
    """Return the boards to record: the named ones, or all, or the only one plugged in.

    Only boards with a serial port can be recorded; the choice itself is kit.boards'
    select_boards (names gruppe-1, … or unique ids), the same as for flashing.
    """
    with_port = [b for b in found if b.port]
    if found and not with_port:
        raise BoardNotFound(ngettext(
            "no micro:bit with a serial port found ({count} drive without one). On Linux your "
            "user must be in the 'dialout' group; run `klimakit boards`, or use --port.",
            "no micro:bit with a serial port found ({count} drives without one). On Linux your "
            "user must be in the 'dialout' group; run `klimakit boards`, or use --port.",
            len(found)).format(count=len(found)))
    return select_boards(with_port, names, all_boards)


def open_board(info: BoardInfo, name: str | None = None) -> SerialBoard:
    """Open a discovered board's serial port under its label."""
    return SerialBoard.from_info(info, name)


def open_port(url: str, name: str | None = None) -> SerialBoard:
    """Open a port name or pyserial URL (socket://host:port for QEMU); its URL is its id."""
    return SerialBoard(url, name=name or url.rstrip("/").rsplit("/", 1)[-1] or url,
                       unique_id=url)


def make_reopen(
    find: Callable[[], Sequence[BoardInfo]] = find_boards,
    names: dict[str, str] | None = None,
) -> Callable[[str], Board | None]:
    """Return reopen(unique_id): the same board again, on whatever port it has now.

    `names` maps unique id → the name used in the recording, so a board keeps its CSV name.
    A unique id that is a port URL (boards opened with --port) re-opens that URL.
    """
    names = dict(names or {})

    def reopen(unique_id: str) -> Board | None:
        if looks_like_port(unique_id):
            try:
                return open_port(unique_id, names.get(unique_id))
            except KitError:
                return None
        for info in find():
            if info.unique_id == unique_id and info.port:
                time.sleep(0.5)  # DAPLink enumerates the port before the board is ready
                return open_board(info, names.get(unique_id))
        return None

    return reopen


def firmware_sha256(source: str) -> str:
    """Hash of the assembled firmware source, as flashed (lib modules inlined)."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def plan_recording(
    out_dir: Path,
    lesson_id: str = "",
    *,
    duration_s: float | None = None,
    excel_da: bool = False,
    stem: str | None = None,
    fields: Sequence[FieldSpec] | None = None,
    title: str = "",
    firmware: str = "",
) -> RecordingPlan:
    """Plan a run: fields, units and title from the lesson (if any), file names, firmware hash.

    Without a lesson the fields come from the first board's header line.
    """
    specs: tuple[FieldSpec, ...] = tuple(fields or ())
    interval_s: float | None = None
    if lesson_id:
        from kit.lessons import get_lesson

        lesson = get_lesson(lesson_id)
        interval_s = lesson.experiment.interval_s
        title = title or lesson.title
        firmware = firmware or lesson.firmware
        if fields is None:
            specs = lesson.experiment.fields
    digest = ""
    if firmware:
        try:
            from kit.build import assemble
            from kit.resources import firmware_path

            digest = assemble(firmware_path(firmware)).sha256  # every file as flashed
        except (KitError, OSError) as err:
            log.info("no firmware hash for %s: %s", firmware, err)
    paths = RunPaths.for_stem(out_dir, stem or new_stem(out_dir, lesson_id or "optagelse",
                                                        time.time()))
    return RecordingPlan(paths, specs, lesson_id, title, firmware, digest, duration_s, excel_da,
                         interval_s)
