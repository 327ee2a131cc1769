"""What a recording reports: board states, end reasons, events, losses, counts and the sidecar.

Enums with English values (for tools reading the sidecar); the CLI and the live view translate
them for people. Every line a board sends ends up in exactly one place: a CSV row (accepted), a
raw-log line with its reason (rejected), or a count of lost readings with its LostReason.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from typing import Any

from kit import __version__
from kit.record.files import SIDECAR_FORMAT, CsvStyle, RunPaths
from kit.record.plan import RecordingPlan
from kit.record.reader import READER_FAILED, REPLUGGED, UNPLUGGED


class BoardState(str, Enum):
    """Where one board is in a recording; the live view and the CLI translate it for people."""

    WAITING = "waiting"  # no reading yet
    OK = "ok"
    QUIET = "quiet"  # nothing for QUIET_AFTER_S
    UNPLUGGED = "unplugged"
    WRONG_PROGRAM = "wrong_program"  # its header names other fields
    STOPPED = "stopped"


class EndReason(str, Enum):
    """Why a recording ended (the sidecar's `ended_by`)."""

    STOP = "stop"
    DURATION = "duration"
    INTERRUPTED = "interrupted"  # Ctrl-C (SIGINT)
    TERMINATED = "terminated"  # SIGTERM: the system or another program asked it to stop
    HANGUP = "hangup"  # SIGHUP: the terminal it ran in was closed
    NO_BOARDS = "no boards left"
    ERROR = "error"  # the disk filled up or the folder vanished; RecordingResult.error says how
    UNFINISHED = "unfinished"  # the recorder never finished (killed); sidecar repaired from CSV


class EventKind(str, Enum):
    """What happened during a run, as written to the sidecar's events (English, for tools)."""

    START = "start"
    END = "end"
    UNPLUGGED = UNPLUGGED
    REPLUGGED = REPLUGGED
    READER_FAILED = READER_FAILED
    WRONG_PROGRAM = "wrong program"
    SEQUENCE_RESTARTED = "sequence restarted"
    SEQUENCE_JUMPED = "sequence jumped"  # a gap too large to be lost packets: an outlier
    NO_HEADER = "no header"
    LOST = "lost"  # readings were lost; the detail says how many and why
    SILENT = "silent"  # no reading for SILENT_AFTER_S; the detail says why (kit.record.Silence)


class LostReason(str, Enum):
    """Why readings were lost (the sidecar's counts.lost_by_reason)."""

    RADIO_GAP = "radio gap"  # a gateway's sequence numbers skipped (packets lost on the radio)
    UNPLUGGED_MID_LINE = "unplugged mid-line"  # the half line is in the raw log
    QUEUE_OVERFLOW = "queue overflow"  # the writer fell MAX_QUEUED_LINES behind the boards
    DISK_FULL = "disk full"  # could not be written; the recording stopped


@dataclass(frozen=True)
class RunEvent:
    """One event of a run: when (host clock), what, which board, and details."""

    at: float  # time.time()
    seconds: float  # since the start of the run
    kind: EventKind
    board: str = ""
    detail: str = ""
    port: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The event as the sidecar stores it."""
        item: dict[str, Any] = {
            "time": datetime.fromtimestamp(self.at).isoformat(timespec="milliseconds"),
            "seconds": round(self.seconds, 3), "event": self.kind.value, "board": self.board,
            "detail": self.detail}
        if self.port is not None:
            item["port"] = self.port
        return item


@dataclass
class BoardStatus:
    """Live state of one board (or radio sender), copied out to the on_update callback."""

    name: str
    unique_id: str = ""
    port: str = ""
    state: BoardState = BoardState.WAITING
    latest: tuple[float, ...] = ()
    lines_per_s: float = 0.0
    accepted: int = 0
    rejected: int = 0
    lost: int = 0
    last_line_at: float = 0.0
    lost_by: dict[str, int] = field(default_factory=dict)
    silence: str = ""  # why no reading came for a while (a kit.record.Silence value), or ''
    silence_detail: str = ""  # the error at file:line, the other lesson, or the last line

    def add_lost(self, reason: LostReason, count: int) -> None:
        """Count `count` readings lost for `reason`."""
        if count > 0:
            self.lost += count
            self.lost_by[reason.value] = self.lost_by.get(reason.value, 0) + count

    def copy(self) -> BoardStatus:
        """A snapshot that later counting does not change."""
        return replace(self, lost_by=dict(self.lost_by))


@dataclass(frozen=True)
class RecordingResult:
    """What a finished run wrote and counted."""

    paths: RunPaths
    fields: tuple[str, ...]
    accepted: int
    rejected: int
    lost: int
    ended_by: EndReason | None
    boards: tuple[BoardStatus, ...]
    events: tuple[RunEvent, ...]
    error: str = ""  # with EndReason.ERROR: what went wrong
    lost_by: dict[str, int] = field(default_factory=dict)  # LostReason value -> count
    sidecar_saved: bool = True  # False: the final sidecar could not be written (disk full)


def lost_by_reason(statuses: Sequence[BoardStatus]) -> dict[str, int]:
    """Lost readings of all boards by reason, every reason listed (0 where none)."""
    totals = {reason.value: 0 for reason in LostReason}
    for status in statuses:
        for reason, count in status.lost_by.items():
            totals[reason] = totals.get(reason, 0) + count
    return totals


def _iso(when: float | None) -> str | None:
    return datetime.fromtimestamp(when).isoformat(timespec="milliseconds") if when else None


def _per_board(status: BoardStatus) -> dict[str, Any]:
    item: dict[str, Any] = {"accepted": status.accepted, "rejected": status.rejected,
                            "lost": status.lost}
    if status.lost_by:
        item["lost_by_reason"] = dict(status.lost_by)
    if status.silence:
        item["silence"] = {"reason": status.silence, "detail": status.silence_detail}
    return item


def sidecar_dict(plan: RecordingPlan, fields: Sequence[str], units: dict[str, str],
                 boards: list[dict[str, Any]], statuses: Sequence[BoardStatus], started: float,
                 ended: float | None, ended_by: EndReason | None, error: str,
                 events: Sequence[RunEvent], style: CsvStyle) -> dict[str, Any]:
    """The JSON sidecar of a run: what, from which boards and firmware, when, counts, events.

    Field names are kept here as the boards wrote them; the CSV header has them as
    spreadsheet-safe cells (kit.text.csv_cell), so a name like '=SUM(A1)' is never a formula.
    """
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
        "started": _iso(started), "ended": _iso(ended),
        "ended_by": ended_by.value if ended_by else None,
        "error": error or None,
        "counts": {"accepted": sum(s.accepted for s in statuses),
                   "rejected": sum(s.rejected for s in statuses),
                   "lost": sum(s.lost for s in statuses),
                   "lost_by_reason": lost_by_reason(statuses)},
        "per_board": {s.name: _per_board(s) for s in statuses},
        "events": [event.to_json() for event in events],
    }
