"""The values a recording is planned and reported with (kept apart from the recorder loop).

A RecordingPlan says what to record and where; BoardStatus is one board's live state for the
live view; RecordingResult is what a finished run wrote and counted.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kit import __version__
from kit.lessons import Field
from kit.runfiles import SIDECAR_FORMAT, CsvStyle, RunPaths

# Board states shown in the live view (Danish: the teacher reads them).
WAITING, OK, QUIET, UNPLUGGED, WRONG_PROGRAM, STOPPED = (
    "venter", "ok", "stille", "frakoblet", "forkert program", "stoppet")


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


def _iso(when: float | None) -> str | None:
    return datetime.fromtimestamp(when).isoformat(timespec="milliseconds") if when else None


def sidecar_dict(plan: RecordingPlan, fields: Sequence[str], units: dict[str, str],
                 boards: list[dict[str, Any]], statuses: Sequence[BoardStatus], started: float,
                 ended: float | None, ended_by: str, events: list[dict[str, Any]],
                 style: CsvStyle) -> dict[str, Any]:
    """The JSON sidecar of a run: what, from which boards and firmware, when, counts, events."""
    labels = {f.name: f.label for f in plan.fields}
    return {
        "format": SIDECAR_FORMAT, "klimakit_version": __version__,
        "lesson": plan.lesson_id or None, "title": plan.title,
        "fields": [{"name": n, "unit": units.get(n, ""), "label": labels.get(n, "")}
                   for n in fields],
        "csv": {"file": plan.paths.csv.name, "delimiter": style.delimiter,
                "decimal": style.decimal},
        "raw_log": plan.paths.raw.name,
        "firmware": {"name": plan.firmware, "sha256": plan.firmware_sha256 or None},
        "boards": boards,
        "started": _iso(started), "ended": _iso(ended), "ended_by": ended_by or None,
        "counts": {"accepted": sum(s.accepted for s in statuses),
                   "rejected": sum(s.rejected for s in statuses),
                   "lost": sum(s.lost for s in statuses)},
        "per_board": {s.name: {"accepted": s.accepted, "rejected": s.rejected, "lost": s.lost}
                      for s in statuses},
        "events": events,
    }
