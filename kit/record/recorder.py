"""Record data lines from one or many boards at once into a run (CSV + raw log + sidecar).

One reader thread per board puts (board, receive time, line) on a queue; the thread that called
`Recorder.run` parses, checks the fields, writes and counts, so files have a single writer. The
host's receive time is the timestamp (boards have no clock). When a board's connection fails
(unplugged, QEMU stopped), its reader reports it, asks `reopen(unique_id)` every second for the
same board (possibly on a new port) and carries on: the gap shows as missing time in the CSV and
the plot, and as 'unplugged'/'replugged' events in the sidecar. States, end reasons and events
are enums with English values (for tools); the CLI and the live view translate them. Lines
already written are never touched again. Ctrl-C (KeyboardInterrupt) or the stop event ends the
run cleanly.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from typing import Any

from kit import __version__
from kit.boards import Board
from kit.errors import KitError, RecordingError
from kit.record.files import (
    EXCEL_DA, SIDECAR_FORMAT, STANDARD, CsvStyle, RunPaths, RunWriter, write_sidecar,
)
from kit.record.plan import RecordingPlan
from kit.record.protocol import (
    Data, GatewayData, Header, Line, check_fields, parse_lines, split_lines,
)
from kit.record.reader import READER_FAILED, REPLUGGED, UNPLUGGED, BoardEvent, Reopen, read_board

__all__ = ["Recorder", "BoardState", "BoardStatus", "EndReason", "EventKind", "RecordingResult",
           "RunEvent"]

log = logging.getLogger(__name__)

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
    INTERRUPTED = "interrupted"
    NO_BOARDS = "no boards left"
    ERROR = "error"  # the disk filled up or the folder vanished; RecordingResult.error says how


class EventKind(str, Enum):
    """What happened during a run, as written to the sidecar's events (English, for tools)."""

    START = "start"
    END = "end"
    UNPLUGGED = UNPLUGGED
    REPLUGGED = REPLUGGED
    READER_FAILED = READER_FAILED
    WRONG_PROGRAM = "wrong program"
    SEQUENCE_RESTARTED = "sequence restarted"
    NO_HEADER = "no header"


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



UPDATE_EVERY_S = 0.25
MAX_PENDING_LINES = 2000  # readings kept while waiting for a board's first header
QUIET_AFTER_S = 12.0  # the header repeats every 10 s, so a live board says something by then


@dataclass
class _Slot:
    board: Board
    status: BoardStatus
    header: Header | None = None
    wrong_program: bool = False
    pending: list[tuple[float, Data]] = field(default_factory=list)
    counted_at: tuple[float, int] = (0.0, 0)
    lines: int = 0


def _iso(when: float | None) -> str | None:
    return datetime.fromtimestamp(when).isoformat(timespec="milliseconds") if when else None


def sidecar_dict(plan: RecordingPlan, fields: Sequence[str], units: dict[str, str],
                 boards: list[dict[str, Any]], statuses: Sequence[BoardStatus], started: float,
                 ended: float | None, ended_by: EndReason | None, error: str,
                 events: Sequence[RunEvent], style: CsvStyle) -> dict[str, Any]:
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
        "started": _iso(started), "ended": _iso(ended),
        "ended_by": ended_by.value if ended_by else None,
        "error": error or None,
        "counts": {"accepted": sum(s.accepted for s in statuses),
                   "rejected": sum(s.rejected for s in statuses),
                   "lost": sum(s.lost for s in statuses)},
        "per_board": {s.name: {"accepted": s.accepted, "rejected": s.rejected, "lost": s.lost}
                      for s in statuses},
        "events": [event.to_json() for event in events],
    }


class Recorder:
    """A run in the making. Creating it creates the files, so a bad folder fails at once."""

    def __init__(self, plan: RecordingPlan) -> None:
        self.plan = plan
        self.fields = tuple(f.name for f in plan.fields)
        self.units = {f.name: f.unit for f in plan.fields}
        self.writer = RunWriter(plan.paths, EXCEL_DA if plan.excel_da else STANDARD)
        if self.fields:
            self.writer.set_fields(self.fields)
        self.started = time.time()
        self.ended: float | None = None
        self.ended_by: EndReason | None = None
        self.error = ""
        self.events: list[RunEvent] = []
        self.slots: list[_Slot] = []
        self.senders: dict[str, BoardStatus] = {}
        self._seq: dict[str, int] = {}
        self._queue: queue.Queue[tuple[_Slot, float, list[bytes] | BoardEvent]] = queue.Queue()
        self._halt = threading.Event()
        self._on_event: Callable[[RunEvent], None] | None = None
        self._save_sidecar()

    def abandon(self) -> None:
        """Close and remove the (still empty) files: the run never started, e.g. no board."""
        self.writer.close()
        for path in (self.plan.paths.csv, self.plan.paths.raw, self.plan.paths.sidecar):
            path.unlink(missing_ok=True)

    # ----- the run loop -------------------------------------------------------------------
    def run(
        self,
        boards: Sequence[Board],
        *,
        reopen: Reopen | None = None,
        stop: threading.Event | None = None,
        on_update: Callable[[list[BoardStatus]], None] | None = None,
        on_event: Callable[[RunEvent], None] | None = None,
    ) -> RecordingResult:
        """Record until the duration passes, `stop` is set, Ctrl-C, or every board is gone.

        Takes ownership of `boards` (closes them at the end, with any re-opened ones).
        """
        self._on_event = on_event
        stop = stop or threading.Event()
        self.started = time.time()
        start_mono = time.monotonic()
        self.slots = [_Slot(b, BoardStatus(b.name, b.unique_id, b.port or "")) for b in boards]
        threads = [threading.Thread(target=read_board, daemon=True, name="record-" + s.status.name,
                                    args=(s.board, self._deliver_to(s), self._halt, reopen))
                   for s in self.slots]
        for thread in threads:
            thread.start()
        self._event(EventKind.START, "", None)
        next_update = 0.0
        try:
            while True:
                elapsed = time.monotonic() - start_mono
                if stop.is_set():
                    self.ended_by = EndReason.STOP
                elif self.plan.duration_s is not None and elapsed >= self.plan.duration_s:
                    self.ended_by = EndReason.DURATION
                elif not any(t.is_alive() for t in threads) and self._queue.empty():
                    self.ended_by = EndReason.NO_BOARDS
                if self.ended_by:
                    break
                self._drain(timeout=0.05)
                if on_update is not None and elapsed >= next_update:
                    on_update(self.snapshot())
                    next_update = elapsed + UPDATE_EVERY_S
        except KeyboardInterrupt:
            self.ended_by = EndReason.INTERRUPTED
        except OSError as err:  # the disk filled up or the folder vanished mid-run
            self.ended_by, self.error = EndReason.ERROR, str(err)
        finally:
            self._finish(threads)
        if self.ended_by is EndReason.ERROR:
            raise RecordingError("recording stopped: cannot write to {} ({}). What was recorded "
                                 "until then is in the file.".format(self.plan.paths.csv,
                                                                     self.error))
        return self.result()

    def _finish(self, threads: list[threading.Thread]) -> None:
        self._halt.set()
        for thread in threads:
            thread.join(timeout=3)
        try:
            self._drain(timeout=0)
            self._name_columns_without_header()
            for slot in self.slots:
                for when, data in slot.pending:
                    self._reject(slot.status.name, when, "no header: fields unknown",
                                 str(data.values), slot.status)
                slot.pending.clear()
                slot.status.state = BoardState.STOPPED
        except OSError as err:
            if self.ended_by is None:
                self.ended_by, self.error = EndReason.ERROR, str(err)
        for slot in self.slots:
            try:
                slot.board.close()
            except (KitError, OSError) as err:
                log.debug("closing %s: %s", slot.status.name, err)
        self.ended = time.time()
        self._event(EventKind.END, self.ended_by.value if self.ended_by else "", None)
        self.writer.close()

    def _deliver_to(self, slot: _Slot) -> Callable[[float, list[bytes] | BoardEvent], None]:
        return lambda when, payload: self._queue.put((slot, when, payload))

    def _drain(self, timeout: float) -> None:
        try:
            item = self._queue.get(timeout=timeout) if timeout else self._queue.get_nowait()
        except queue.Empty:
            return
        try:
            self._handle_items(item)
        finally:
            self.writer.flush()  # everything that arrived is on disk before we wait again

    def _handle_items(self, item: tuple[_Slot, float, list[bytes] | BoardEvent]) -> None:
        for _ in range(100):  # then flush (in _drain) and look at the clock again
            slot, when, payload = item
            if isinstance(payload, BoardEvent):
                self._board_event(slot, when, payload)
            else:
                pieces = [p for line in payload
                          for p in (split_lines(line) if b"\r" in line else (line,))]
                for piece, parsed in zip(pieces, parse_lines(pieces)):
                    try:
                        self._handle(slot, when, piece, parsed)
                    except (ValueError, TypeError, KeyError, IndexError) as err:
                        # A bug met by one odd line must not end a 20-minute recording.
                        log.exception("line from %s: %r", slot.status.name, piece)
                        self._reject(slot.status.name, when, "internal error: {!r}".format(err),
                                     piece.decode(errors="replace"), slot.status)
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return

    # ----- per-line handling (recording thread only) --------------------------------------
    def _board_event(self, slot: _Slot, when: float, event: BoardEvent) -> None:
        if event.kind == REPLUGGED and event.board is not None:
            slot.board = event.board
            slot.status.port = event.board.port or ""
            slot.status.state = (BoardState.WAITING if slot.header is None and not self.fields
                                 else BoardState.OK)
        else:
            slot.status.state = BoardState.UNPLUGGED
        self._event(EventKind(event.kind), event.detail, slot.status)

    def _handle(self, slot: _Slot, when: float, line: bytes, parsed: Line) -> None:
        status = slot.status
        status.last_line_at = when
        slot.lines += 1
        if isinstance(parsed, Header):
            self._header(slot, parsed)
        elif isinstance(parsed, Data):
            if slot.wrong_program:
                self._reject(status.name, when, "wrong program", line.decode(errors="replace"),
                             status)
            elif not self.fields:
                self._hold(slot, when, parsed)
            else:
                self._accept(status, when, parsed, line)
        elif isinstance(parsed, GatewayData):
            self._gateway(slot, when, parsed, line)
        elif parsed.reason != "empty":
            self._reject(status.name, when, parsed.reason, parsed.text, status)

    def _header(self, slot: _Slot, header: Header) -> None:
        slot.header = header
        if not self.fields:
            self.fields = header.fields
            self.units = {name: header.unit(name) for name in header.fields}
            self.writer.set_fields(self.fields)
            self._save_sidecar()
        wrong = header.fields != self.fields
        if wrong and not slot.wrong_program:
            self._event(EventKind.WRONG_PROGRAM, "header fields {} but the recording has {}".format(
                ",".join(header.fields), ",".join(self.fields)), slot.status)
        slot.wrong_program = wrong
        slot.status.state = BoardState.WRONG_PROGRAM if wrong else BoardState.OK
        pending, slot.pending = slot.pending, []
        for when, data in pending:
            if wrong:
                self._reject(slot.status.name, when, "wrong program", str(data.values),
                             slot.status)
            else:
                self._accept(slot.status, when, data, str(data.values).encode())

    def _name_columns_without_header(self) -> None:
        """No board printed a header (a short run that started mid-program, no lesson):
        keep the readings anyway under the columns v1…vN, and say so in the events."""
        waiting = [s for s in self.slots if s.pending]
        if self.fields or not waiting:
            return
        count = len(waiting[0].pending[0][1].values)
        self.fields = tuple("v{}".format(i + 1) for i in range(count))
        self.writer.set_fields(self.fields)
        self._event(EventKind.NO_HEADER, "columns named " + ",".join(self.fields), None)
        for slot in waiting:
            pending, slot.pending = slot.pending, []
            for when, data in pending:
                self._accept(slot.status, when, data, str(data.values).encode())

    def _hold(self, slot: _Slot, when: float, data: Data) -> None:
        if len(slot.pending) >= MAX_PENDING_LINES:
            old_when, old = slot.pending.pop(0)
            self._reject(slot.status.name, old_when, "no header: fields unknown", str(old.values),
                         slot.status)
        slot.pending.append((when, data))

    def _accept(self, status: BoardStatus, when: float, data: Data | GatewayData,
                line: bytes) -> None:
        problem = check_fields(data, self.fields)
        if problem is not None:
            self._reject(status.name, when, problem, line.decode(errors="replace"), status)
            return
        self.writer.write_row(when, when - self.started, status.name, data.values, flush=False)
        status.accepted += 1
        status.latest = data.values
        if status.state in (BoardState.WAITING, BoardState.QUIET):
            status.state = BoardState.OK

    def _gateway(self, slot: _Slot, when: float, data: GatewayData, line: bytes) -> None:
        sender = self.senders.get(data.sender)
        if sender is None:
            sender = self.senders[data.sender] = BoardStatus(
                data.sender, port="via " + slot.status.name, state=BoardState.OK)
        last = self._seq.get(data.sender)
        if last is not None and data.seq > last + 1:
            sender.lost += data.seq - last - 1
        elif last is not None and data.seq <= last:
            self._event(EventKind.SEQUENCE_RESTARTED, "{} after {}".format(data.seq, last), sender)
        self._seq[data.sender] = data.seq
        sender.last_line_at = when
        if slot.wrong_program or not self.fields:
            self._reject(data.sender, when, "wrong program" if slot.wrong_program else
                         "no header: fields unknown", line.decode(errors="replace"), sender)
            return
        self._accept(sender, when, data, line)

    def _reject(self, board: str, when: float, reason: str, text: str,
                status: BoardStatus) -> None:
        status.rejected += 1
        self.writer.write_raw(when, board, reason, text)

    def _event(self, kind: EventKind, detail: str, status: BoardStatus | None) -> None:
        now = time.time()
        event = RunEvent(now, now - self.started, kind, status.name if status else "", detail,
                         status.port if status is not None else None)
        if status is not None:
            self.writer.write_raw(now, status.name, "event: " + kind.value, detail)
        self.events.append(event)
        self._save_sidecar()
        if self._on_event is not None:
            self._on_event(event)

    # ----- reporting ----------------------------------------------------------------------
    def snapshot(self) -> list[BoardStatus]:
        """Copy each board's status, with lines/s since the previous snapshot."""
        now = time.time()
        for slot in self.slots:
            then, lines = slot.counted_at
            if then and now > then:
                slot.status.lines_per_s = (slot.lines - lines) / (now - then)
            slot.counted_at = (now, slot.lines)
            if (slot.status.state is BoardState.OK
                    and now - slot.status.last_line_at > QUIET_AFTER_S):
                slot.status.state = BoardState.QUIET
        return [replace(s.status) for s in self.slots] + [replace(s) for s in self.senders.values()]

    def _all_status(self) -> list[BoardStatus]:
        return [s.status for s in self.slots] + list(self.senders.values())

    def result(self) -> RecordingResult:
        statuses = self._all_status()
        return RecordingResult(
            self.plan.paths, self.fields, sum(s.accepted for s in statuses),
            sum(s.rejected for s in statuses), sum(s.lost for s in statuses), self.ended_by,
            tuple(replace(s) for s in statuses), tuple(self.events), self.error)

    def _save_sidecar(self) -> None:
        try:
            write_sidecar(self.plan.paths.sidecar, self.sidecar())
        except OSError as err:
            log.warning("cannot write %s: %s", self.plan.paths.sidecar, err)

    def sidecar(self) -> dict[str, Any]:
        """The run's metadata as written to the JSON sidecar."""
        boards = [{"name": s.board.name, "unique_id": s.board.unique_id,
                   "version": s.board.version, "port": s.status.port,
                   "program": s.header.lesson if s.header else None} for s in self.slots]
        return sidecar_dict(self.plan, self.fields, self.units, boards, self._all_status(),
                            self.started, self.ended, self.ended_by, self.error, self.events,
                            self.writer.style)
