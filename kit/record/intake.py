"""What the recorder's writer thread does with each burst of lines: parse, check, write, count.

Only the writer thread calls into an Intake (kit/record/recorder.py), so the counts and files
have one writer. A burst is the lines one read of one board returned, with one receive time.
The common case, a run of plain readings from a board whose fields are known, is parsed by
one call (kit.record.parse_burst) and written by one call (RunWriter.add_rows), with no Python
step per line; anything else (headers, gateway lines, noise, a board waiting for its header)
goes line by line.

Where each line goes: a reading that fits → a CSV row (accepted); anything else → the raw log
with its reason (rejected); readings that could not be kept → `lost`, by LostReason: radio gaps
(a gateway's sequence numbers skipped), a half line cut off when a board was unplugged, a queue
overflow (kit/record/recorder.py), rows the disk had no room for. A sequence number that jumps
further than a sender could have counted in the time since its last packet (MAX_PACKETS_PER_S)
is a restart or a corrupted number, reported as an event, not as lost packets.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import cast

from kit.boards import Board
from kit.i18n import gettext as _
from kit.record.files import RunWriter
from kit.record.protocol import (
    Data, GatewayData, Header, Line, Readings, check_fields, parse_burst, split_lines,
)
from kit.record.reader import REPLUGGED, STOPPED_MID_LINE, BoardEvent
from kit.record.silence import SILENT_AFTER_S, QuietWatch
from kit.record.states import BoardState, BoardStatus, EventKind, LostReason

log = logging.getLogger(__name__)

MAX_PENDING_LINES = 2000  # readings kept while waiting for a board's first header
MAX_PACKETS_PER_S = 1000  # more than a micro:bit radio sender can send
SEQUENCE_SLACK = 100  # a gap this small is always plausible (the first seconds after a start)
Emit = Callable[[EventKind, str, "BoardStatus | None"], None]


@dataclass
class Slot:
    """One board being recorded: its connection, status and header."""

    board: Board
    status: BoardStatus
    header: Header | None = None
    wrong_program: bool = False
    pending: list[tuple[float, Data]] = field(default_factory=list)
    counted_at: tuple[float, int] = (0.0, 0)
    lines: int = 0
    overflow: int = 0  # readings dropped by the queue (set under the recorder's lock)
    quiet: QuietWatch = field(default_factory=QuietWatch)  # what it sent that was no reading


class Intake:
    """Turns bursts of lines into CSV rows, raw-log lines, counts and events."""

    def __init__(self, writer: RunWriter, fields: tuple[str, ...], units: dict[str, str],
                 started: float, emit: Emit, on_fields: Callable[[], object]) -> None:
        self.writer, self.fields, self.units, self.started = writer, fields, units, started
        self.senders: dict[str, BoardStatus] = {}
        self._seq: dict[str, tuple[int, float]] = {}
        self._emit, self._on_fields = emit, on_fields
        self._rows: list[Sequence[float]] = []  # accepted, not yet handed to the writer
        self._rows_of: BoardStatus | None = None
        self._rows_when = 0.0
        self.quiet_after_s = SILENT_AFTER_S  # a board without a reading this long is explained

    # ----- bursts ------------------------------------------------------------------------
    def burst(self, slot: Slot, when: float, lines: list[bytes]) -> None:
        """Record the lines one read of `slot`'s board returned at `when`."""
        status = slot.status
        status.last_line_at = when
        slot.lines += len(lines)
        if self.writer.error is not None:  # the disk is full: nothing more can be kept
            status.add_lost(LostReason.DISK_FULL, len(lines))
            return
        if b"\r" in b"".join(lines):  # a board that is not a StreamBoard (it cuts at CR)
            lines = [p for line in lines for p in split_lines(line)] or [b""]
        at = 0
        for item in parse_burst(lines):
            if type(item) is Readings:
                if (self.fields and not slot.wrong_program
                        and set(map(len, item.rows)) == {len(self.fields)}):
                    self._end_rows()
                    self._write(status, when, item.rows)
                else:
                    for i, values in enumerate(item.rows):
                        self._guarded(slot, when, lines[item.start + i], Data(tuple(values)))
                at = item.start + len(item.rows)
            else:
                self._guarded(slot, when, lines[at], cast(Line, item))
                at += 1
        self._end_rows()

    def _guarded(self, slot: Slot, when: float, line: bytes, parsed: Line) -> None:
        try:
            self._line(slot, when, line, parsed)
        except (ValueError, TypeError, KeyError, IndexError) as err:
            # A bug met by one odd line must not end a 20-minute recording.
            log.exception("line from %s: %r", slot.status.name, line)
            self._reject(slot.status, when, "internal error: {!r}".format(err),
                         line.decode(errors="replace"))

    def _write(self, status: BoardStatus, when: float, rows: Sequence[Sequence[float]]) -> None:
        self.writer.add_rows(when, when - self.started, status.name, rows, (status, "csv"))
        status.accepted += len(rows)
        status.latest = tuple(rows[-1])
        if status.state in (BoardState.WAITING, BoardState.QUIET):
            status.state = BoardState.OK

    def _line(self, slot: Slot, when: float, line: bytes, parsed: Line) -> None:
        status = slot.status
        if isinstance(parsed, Header):
            self._header(slot, parsed)
        elif isinstance(parsed, Data):
            if slot.wrong_program:
                self._reject(status, when, "wrong program", line.decode(errors="replace"))
            elif not self.fields:
                self._hold(slot, when, parsed)
            else:
                if len(parsed.values) != len(self.fields):
                    slot.quiet.text.see_wrong_size(len(parsed.values), len(self.fields))
                self._accept(status, when, parsed, line)
        elif isinstance(parsed, GatewayData):
            self._gateway(slot, when, parsed, line)
        elif parsed.reason != "empty":
            slot.quiet.text.see(parsed.text)
            self._reject(status, when, parsed.reason, parsed.text)

    def _accept(self, status: BoardStatus, when: float, data: Data | GatewayData,
                line: bytes) -> None:
        problem = check_fields(data, self.fields)
        if problem is not None:
            self._reject(status, when, problem, line.decode(errors="replace"))
            return
        if self._rows_of is not status or self._rows_when != when:
            self._end_rows()  # rows of one sender and time go out together
            self._rows_of, self._rows_when = status, when
        self._rows.append(data.values)

    def _end_rows(self) -> None:
        if self._rows_of is not None:
            self._write(self._rows_of, self._rows_when, self._rows)
            self._rows, self._rows_of = [], None

    def _reject(self, status: BoardStatus, when: float, reason: str, text: str) -> None:
        status.rejected += 1
        self.writer.write_raw(when, status.name, reason, text, (status, "raw"))

    # ----- headers, boards waiting for one, gateways --------------------------------------
    def _header(self, slot: Slot, header: Header) -> None:
        self._end_rows()
        slot.header = header
        if not self.fields:
            self.fields = header.fields
            self.units = {name: header.unit(name) for name in header.fields}
            self.writer.set_fields(self.fields)
            self._on_fields()
        wrong = header.fields != self.fields
        if wrong:
            slot.quiet.text.see_other_program(header.lesson, header.fields)
        else:
            slot.quiet.text.see_header(header.lesson)
        if wrong and not slot.wrong_program:
            self._emit(EventKind.WRONG_PROGRAM, _("header fields {header} but the recording has "
                                                  "{fields}").format(
                header=",".join(header.fields), fields=",".join(self.fields)), slot.status)
        slot.wrong_program = wrong
        slot.status.state = BoardState.WRONG_PROGRAM if wrong else BoardState.OK
        pending, slot.pending = slot.pending, []
        for when, data in pending:
            if wrong:
                self._reject(slot.status, when, "wrong program", str(data.values))
            else:
                self._accept(slot.status, when, data, str(data.values).encode())
        self._end_rows()

    def _hold(self, slot: Slot, when: float, data: Data) -> None:
        if len(slot.pending) >= MAX_PENDING_LINES:
            old_when, old = slot.pending.pop(0)
            self._reject(slot.status, old_when, "no header: fields unknown", str(old.values))
        slot.pending.append((when, data))

    def _gateway(self, slot: Slot, when: float, data: GatewayData, line: bytes) -> None:
        sender = self.senders.get(data.sender)
        if sender is None:
            sender = self.senders[data.sender] = BoardStatus(
                data.sender, port="via " + slot.status.name, state=BoardState.OK)
        last = self._seq.get(data.sender)
        if last is not None:
            gap = data.seq - last[0] - 1
            if gap > SEQUENCE_SLACK + MAX_PACKETS_PER_S * max(0.0, when - last[1]):
                self._emit(EventKind.SEQUENCE_JUMPED, _(
                    "{seq} after {last}: too far to be lost packets (a restart or a damaged "
                    "number); not counted as lost").format(seq=data.seq, last=last[0]), sender)
            elif gap > 0:
                sender.add_lost(LostReason.RADIO_GAP, gap)
            elif gap < 0:
                self._emit(EventKind.SEQUENCE_RESTARTED, "{} after {}".format(data.seq, last[0]),
                           sender)
        self._seq[data.sender] = (data.seq, when)
        sender.last_line_at = when
        if slot.wrong_program or not self.fields:
            self._reject(sender, when, "wrong program" if slot.wrong_program else
                         "no header: fields unknown", line.decode(errors="replace"))
            return
        self._accept(sender, when, data, line)

    # ----- connection events, losses, the end ----------------------------------------------
    def board_event(self, slot: Slot, when: float, event: BoardEvent) -> None:
        """A board was unplugged, came back, or its reader failed."""
        if event.partial.strip(b"\x00 \t"):
            text = event.partial.decode(errors="replace")
            if event.kind == STOPPED_MID_LINE:
                self._reject(slot.status, when, "cut off by the end of the recording", text)
            else:
                self.writer.write_raw(when, slot.status.name, "cut off: unplugged mid-line",
                                      text)
                slot.status.add_lost(LostReason.UNPLUGGED_MID_LINE, 1)
        if event.kind == STOPPED_MID_LINE:
            return
        if event.kind == REPLUGGED and event.board is not None:
            slot.board = event.board
            slot.status.port = event.board.port or ""
            slot.status.state = (BoardState.WAITING if slot.header is None and not self.fields
                                 else BoardState.OK)
        else:
            slot.status.state = BoardState.UNPLUGGED
        self._emit(EventKind(event.kind), event.detail, slot.status)

    def overflowed(self, slot: Slot, count: int) -> None:
        """`count` readings of `slot` were dropped because the queue was full."""
        slot.status.add_lost(LostReason.QUEUE_OVERFLOW, count)
        self._emit(EventKind.LOST, _("{count} lines dropped: the PC could not write them as "
                                     "fast as they came").format(count=count), slot.status)

    def flush(self) -> None:
        """Write what the bursts added; rows the disk refused become lost (disk full)."""
        for owner, count in self.writer.flush():
            status, kind = cast("tuple[BoardStatus, str]", owner)
            if kind == "csv":
                status.accepted -= count
            else:
                status.rejected -= count
            status.add_lost(LostReason.DISK_FULL, count)

    def explain_quiet(self, slots: Sequence[Slot], final: bool = False) -> None:
        """Say why a board has sent no reading for SILENT_AFTER_S (at the end: any board that
        sent none), from what it did send (kit/record/silence.py); an event when it changes."""
        now = time.time()
        for slot in slots:
            status = slot.status
            found = slot.quiet.explain(status.accepted, now, self.started, final=final,
                                       after_s=self.quiet_after_s)
            if found is None:
                status.silence = status.silence_detail = ""
            elif status.state is not BoardState.UNPLUGGED and (
                    found.reason.value, found.detail) != (status.silence, status.silence_detail):
                status.silence, status.silence_detail = found.reason.value, found.detail
                self._emit(EventKind.SILENT, found.reason.value + (
                    ": " + found.detail if found.detail else ""), status)

    def finish(self, slots: Sequence[Slot]) -> None:
        """The run is over: readings still waiting for a header are kept or rejected."""
        self._name_columns_without_header(slots)
        for slot in slots:
            for when, data in slot.pending:
                self._reject(slot.status, when, "no header: fields unknown", str(data.values))
            slot.pending.clear()
            slot.status.state = BoardState.STOPPED

    def _name_columns_without_header(self, slots: Sequence[Slot]) -> None:
        """No board printed a header (a short run that started mid-program, no lesson):
        keep the readings anyway under the columns v1…vN, and say so in the events."""
        waiting = [s for s in slots if s.pending]
        if self.fields or not waiting:
            return
        count = len(waiting[0].pending[0][1].values)
        self.fields = tuple("v{}".format(i + 1) for i in range(count))
        self.writer.set_fields(self.fields)
        self._on_fields()
        self._emit(EventKind.NO_HEADER, "columns named " + ",".join(self.fields), None)
        for slot in waiting:
            pending, slot.pending = slot.pending, []
            for when, data in pending:
                self._accept(slot.status, when, data, str(data.values).encode())
        self._end_rows()
