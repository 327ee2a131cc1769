"""Record data lines from one or many boards at once into a run (CSV + raw log + sidecar).

Three kinds of thread, each with one job:
- one reader per board (kit/record/reader.py) stamps what arrives and puts it on a queue;
- one writer thread takes *everything* from the queue, round by round, hands it to the Intake
  (kit/record/intake.py: parse, check, count) and writes each round with one write per file;
  at the end it drains the queue to the last line before the files are closed;
- the thread that called `run` (in the CLI the main thread, where signals arrive) only watches:
  the clock, the stop requests, and the on_update / on_event callbacks. No live view, plotting
  or other callback ever runs on the thread that drains readings, so a slow one cannot make
  readings wait, and Ctrl-C can never land in the middle of a write.

The queue (kit/record/handoff.py) holds at most MAX_QUEUED_LINES lines; beyond that (a disk
stalled for minutes) new lines are dropped and counted as lost (queue overflow) rather than
blocking the readers, whose timestamps must stay true. The host's receive time is the
timestamp (boards have no clock; a simulated board on a virtual clock is stamped with its own
time, reader.py). Unplugged boards are re-opened (reader.py); the gap is missing
time in the CSV and events in the sidecar.

Every way a run can end — stop, duration, Ctrl-C (any number of times: another one while the
files are being finished is ignored), `request_stop` from a signal handler (the CLI maps
SIGTERM and SIGHUP to it), every board gone, or a full disk — finishes the files: the CSV holds
whole rows only and the sidecar is final (ended, ended_by, counts). After SIGKILL the CSV is
intact to its last whole row and kit.record.repair_sidecar completes the sidecar.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from kit.i18n import gettext as _
from kit.boards import Board
from kit.errors import KitError, RecordingError
from kit.record.files import EXCEL_DA, RESERVE_BYTES, STANDARD, RunWriter, write_sidecar
from kit.record.handoff import Handoff, Item
from kit.record.intake import Intake, Slot
from kit.record.plan import RecordingPlan
from kit.record.reader import BoardEvent, Reopen, read_board
from kit.record.silence import quiet_after_s
from kit.record.states import (
    BoardState, BoardStatus, EndReason, EventKind, RecordingResult, RunEvent, lost_by_reason,
    sidecar_dict,
)

__all__ = ["Recorder"]

log = logging.getLogger(__name__)

UPDATE_EVERY_S = 0.25
QUIET_AFTER_S = 12.0  # the header repeats every 10 s, so a live board says something by then
SIDECAR_EVERY_S = 5.0  # counts in the sidecar while recording (for a repair after SIGKILL)
MAX_QUEUED_LINES = 1_000_000  # ~70 MB: 30 boards at full baud for ~2 minutes of a stalled disk
ROUND_LINES = 50_000  # the writer writes at least this often
# After a round of only a few bursts (e.g. a board whose every line is its own TCP packet, as
# QEMU's are) the writer waits this long, so the next round writes many at once: a line is
# still on disk within milliseconds, and the writer costs about a third less per line.
SMALL_ROUND_ITEMS, SMALL_ROUND_PAUSE_S = 64, 0.005
READERS_STOP_S = 8.0  # after the stop, how long the writer waits for readers' final reads
SILENCE_CHECK_S = 1.0  # how often the writer asks whether a board has gone without readings


class Recorder:
    """A run in the making. Creating it creates the files, so a bad folder fails at once."""

    def __init__(self, plan: RecordingPlan) -> None:
        self.plan = plan
        fields = tuple(f.name for f in plan.fields)
        self.writer = RunWriter(plan.paths, EXCEL_DA if plan.excel_da else STANDARD,
                                reserve_bytes=RESERVE_BYTES)
        if fields:
            self.writer.set_fields(fields)
            self.writer.flush()
        self.started = time.time()
        self.ended: float | None = None
        self.ended_by: EndReason | None = None
        self.error = ""
        self.events: list[RunEvent] = []
        self.slots: list[Slot] = []
        self.intake = Intake(self.writer, fields, {f.name: f.unit for f in plan.fields},
                             self.started, self._event, self._save_sidecar)
        self.intake.quiet_after_s = quiet_after_s(plan.interval_s)
        self._handoff = Handoff(MAX_QUEUED_LINES)
        self._lock = threading.Lock()  # statuses: the writer changes them, snapshot copies
        self._halt = threading.Event()
        self._wake = threading.Event()
        self._stop_reason: EndReason | None = None
        self._ui_events: queue.SimpleQueue[RunEvent] = queue.SimpleQueue()
        # More about a board for the sidecar, by unique id (e.g. what runs a virtual board).
        self.board_notes: dict[str, dict[str, Any]] = {}
        self.sidecar_saved = self._save_sidecar()

    @property
    def fields(self) -> tuple[str, ...]:
        """The recording's columns (empty until the lesson or a first header names them)."""
        return self.intake.fields

    @property
    def senders(self) -> dict[str, BoardStatus]:
        """Radio senders seen through a gateway, by name."""
        return self.intake.senders

    def abandon(self) -> None:
        """Close and remove the (still empty) files: the run never started, e.g. no board."""
        self.writer.close()
        for path in (self.plan.paths.csv, self.plan.paths.raw, self.plan.paths.sidecar):
            path.unlink(missing_ok=True)

    def request_stop(self, reason: EndReason) -> None:
        """Ask the run to end (safe from a signal handler: it only sets a field)."""
        if self._stop_reason is None:
            self._stop_reason = reason

    # ----- the run -------------------------------------------------------------------------
    def run(
        self,
        boards: Sequence[Board],
        *,
        reopen: Reopen | None = None,
        stop: threading.Event | None = None,
        on_update: Callable[[list[BoardStatus]], None] | None = None,
        on_event: Callable[[RunEvent], None] | None = None,
    ) -> RecordingResult:
        """Record until the duration passes, `stop` is set, Ctrl-C, request_stop, every board
        is gone, or the disk is full (then ended_by is ERROR and `error` says why).

        Takes ownership of `boards` (closes them at the end, with any re-opened ones).
        """
        self.started = self.intake.started = time.time()
        self.slots = [Slot(b, BoardStatus(b.name, b.unique_id, b.port or "")) for b in boards]
        self._event(EventKind.START, "", None)
        readers = [threading.Thread(target=read_board, daemon=True, name="record-" + s.status.name,
                                    args=(s.board, self._handoff.deliver_to(s), self._halt,
                                          reopen, self.started))
                   for s in self.slots]
        writer = threading.Thread(target=self._write_loop, args=(readers,), daemon=True,
                                  name="record-writer")
        for thread in readers + [writer]:
            thread.start()
        try:
            self._watch(stop or threading.Event(), readers, writer, on_update, on_event)
        except KeyboardInterrupt:
            self.request_stop(EndReason.INTERRUPTED)
        except BaseException as err:
            self.request_stop(EndReason.ERROR)
            self.error = self.error or repr(err)
            raise
        finally:
            self._finish(writer)
            self._pass_events(on_event)
        return self.result()

    def _watch(self, stop: threading.Event, readers: list[threading.Thread],
               writer: threading.Thread, on_update: Callable[[list[BoardStatus]], None] | None,
               on_event: Callable[[RunEvent], None] | None) -> None:
        start, next_update = time.monotonic(), 0.0
        while True:
            elapsed = time.monotonic() - start
            if stop.is_set():
                self.request_stop(EndReason.STOP)
            elif self.plan.duration_s is not None and elapsed >= self.plan.duration_s:
                self.request_stop(EndReason.DURATION)
            elif not writer.is_alive():
                self.request_stop(EndReason.ERROR)
            elif not any(t.is_alive() for t in readers) and self._handoff.empty():
                self.request_stop(EndReason.NO_BOARDS)
            if self._stop_reason is not None:
                return
            self._wake.wait(0.05)
            self._pass_events(on_event)
            if on_update is not None and elapsed >= next_update:
                on_update(self.snapshot())
                next_update = elapsed + UPDATE_EVERY_S

    def _finish(self, writer: threading.Thread) -> None:
        """End the run; each step may be repeated, so a Ctrl-C in between only repeats it."""
        steps: list[Callable[[], object]] = [
            self._halt.set, lambda: writer.join(), self._close_boards, self._end_event,
            lambda: setattr(self, "sidecar_saved", self._save_sidecar())]
        done = 0
        while done < len(steps):
            try:
                steps[done]()
                done += 1
            except KeyboardInterrupt:
                log.info("Ctrl-C again while the files are finished: finishing them first")

    def _close_boards(self) -> None:
        for slot in self.slots:
            try:
                slot.board.close()
            except (KitError, OSError) as err:
                log.debug("closing %s: %s", slot.status.name, err)

    def _end_event(self) -> None:
        if self.ended is None:
            self.ended_by = self._stop_reason or EndReason.STOP
            self.ended = time.time()
            self._event(EventKind.END, self.ended_by.value, None)

    def _pass_events(self, on_event: Callable[[RunEvent], None] | None) -> None:
        while True:
            try:
                event = self._ui_events.get_nowait()
            except queue.Empty:
                return
            if on_event is not None:
                on_event(event)

    # ----- the writer thread ---------------------------------------------------------------
    def _write_loop(self, readers: list[threading.Thread]) -> None:
        try:
            saved = checked = time.monotonic()
            stop_by: float | None = None
            while True:
                items = self._handoff.take(0.05, ROUND_LINES)
                if items:
                    self._handle(items)
                    if len(items) < SMALL_ROUND_ITEMS:  # a trickle: gather a little first
                        self._halt.wait(SMALL_ROUND_PAUSE_S)
                elif self._halt.is_set():
                    stop_by = stop_by or time.monotonic() + READERS_STOP_S
                    if not any(t.is_alive() for t in readers) or time.monotonic() > stop_by:
                        break
                if time.monotonic() - saved >= SIDECAR_EVERY_S:
                    saved = time.monotonic()
                    self._save_sidecar()
                if time.monotonic() - checked >= SILENCE_CHECK_S:
                    checked = time.monotonic()
                    with self._lock:
                        self.intake.explain_quiet(self.slots)
            while items := self._handoff.take(0, ROUND_LINES):  # the readers' final reads
                self._handle(items)
            with self._lock:
                self.intake.explain_quiet(self.slots, final=True)
                self.intake.finish(self.slots)
            self._flush()
        except Exception as err:  # a bug: stop the run, but finish the files
            log.exception("the recording's writer failed")
            self.error = self.error or repr(err)
            self.request_stop(EndReason.ERROR)
        finally:
            self.writer.close()
            self._wake.set()

    def _handle(self, items: list[Item]) -> None:
        with self._lock:
            for slot, when, payload in items:
                if isinstance(payload, BoardEvent):
                    self.intake.board_event(slot, when, payload)
                else:
                    self.intake.burst(slot, when, payload)
            for slot in self.slots:
                if slot.overflow:
                    self.intake.overflowed(slot, self._handoff.take_overflow(slot))
        self._flush()

    def _flush(self) -> None:
        with self._lock:
            self.intake.flush()
        error = self.writer.error
        if error is not None and not self.error:
            self.error = _("cannot write to {path} ({reason})").format(
                path=self.plan.paths.csv, reason=error.strerror or error)
            self.request_stop(EndReason.ERROR)
            self._wake.set()

    # ----- events and reporting ------------------------------------------------------------
    def _event(self, kind: EventKind, detail: str, status: BoardStatus | None) -> None:
        now = time.time()
        event = RunEvent(now, now - self.started, kind, status.name if status else "", detail,
                         status.port if status is not None else None)
        if status is not None:
            self.writer.write_raw(now, status.name, "event: " + kind.value, detail)
        self.events.append(event)
        self._save_sidecar()
        self._ui_events.put(event)

    def snapshot(self) -> list[BoardStatus]:
        """Copy each board's status, with lines/s since the previous snapshot."""
        now = time.time()
        with self._lock:
            for slot in self.slots:
                then, lines = slot.counted_at
                if then and now > then:
                    slot.status.lines_per_s = (slot.lines - lines) / (now - then)
                slot.counted_at = (now, slot.lines)
                if (slot.status.state is BoardState.OK
                        and now - slot.status.last_line_at > QUIET_AFTER_S):
                    slot.status.state = BoardState.QUIET
            return [s.status.copy() for s in self.slots] + [s.copy() for s in
                                                            self.senders.values()]

    def _all_status(self) -> list[BoardStatus]:
        return [s.status for s in self.slots] + list(self.senders.values())

    def result(self) -> RecordingResult:
        """The counts and files so far (final once `run` has returned)."""
        with self._lock:
            statuses = [s.copy() for s in self._all_status()]
        return RecordingResult(
            self.plan.paths, self.fields, sum(s.accepted for s in statuses),
            sum(s.rejected for s in statuses), sum(s.lost for s in statuses), self.ended_by,
            tuple(statuses), tuple(self.events), self.error, lost_by_reason(statuses),
            self.sidecar_saved)

    def _save_sidecar(self) -> bool:
        try:
            write_sidecar(self.plan.paths.sidecar, self.sidecar())
        except OSError as err:
            log.warning("cannot write %s: %s", self.plan.paths.sidecar, err)
            return False
        return True

    def sidecar(self) -> dict[str, Any]:
        """The run's metadata as written to the JSON sidecar."""
        boards = [{"name": s.board.name, "unique_id": s.board.unique_id,
                   "version": s.board.version, "port": s.status.port,
                   "program": s.header.lesson if s.header else None,
                   **self.board_notes.get(s.board.unique_id, {})} for s in self.slots]
        return sidecar_dict(self.plan, self.fields, self.intake.units, boards,
                            self._all_status(), self.started, self.ended, self.ended_by,
                            self.error, self.events, self.writer.style)


def recording_error(result: RecordingResult) -> RecordingError:
    """The error to report for a run that ended with EndReason.ERROR."""
    return RecordingError(_("recording stopped: {}. The {} readings recorded until then are in "
                            "the file; {} could not be kept and are counted as lost.").format(
                              result.error or _("an error"), result.accepted, result.lost))
