"""The values a recording is planned and reported with (kept apart from the recorder loop).

A RecordingPlan says what to record and where; BoardStatus is one board's live state for the
live view; RecordingResult is what a finished run wrote and counted.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kit.runfiles import RunPaths

# Board states shown in the live view (Danish: the teacher reads them).
WAITING, OK, QUIET, UNPLUGGED, WRONG_PROGRAM, STOPPED = (
    "venter", "ok", "stille", "frakoblet", "forkert program", "stoppet")


@dataclass(frozen=True)
class FieldSpec:
    """A column of the recording, with its unit and Danish label for graphs."""

    name: str
    unit: str = ""
    label: str = ""


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


@dataclass
class BoardStatus:
    """Live state of one board (or radio sender), copied out to the on_update callback."""

    name: str
    unique_id: str = ""
    port: str = ""
    state: str = WAITING
    latest: tuple[float, ...] = ()
    lines_per_s: float = 0.0
    accepted: int = 0
    rejected: int = 0
    lost: int = 0
    last_line_at: float = 0.0


@dataclass(frozen=True)
class RecordingResult:
    """What a finished run wrote and counted."""

    paths: RunPaths
    fields: tuple[str, ...]
    accepted: int
    rejected: int
    lost: int
    ended_by: str
    boards: tuple[BoardStatus, ...]
    events: tuple[dict[str, Any], ...]
