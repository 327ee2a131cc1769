"""The live class view: a page on this PC that shows every board's curves while recording.

`klimakit record … --live` (kit/cli/record.py) makes a LiveView: a LiveFeed (the run so far:
kit/record/live/feed.py) filled from the CSV as it grows (tail.py) and from the recorder's
statuses and events, served by a LiveServer (server.py: starlette on uvicorn, server-sent
events) with the page in static/ (uPlot, vendored from npm with its licence). Everything runs
beside the recorder, never on its writer thread; see docs/live.md.
"""
from __future__ import annotations

import time
from collections.abc import Sequence

from kit.record.files import EXCEL_DA, STANDARD
from kit.record.live.feed import Cursor, LiveFeed, LiveRun
from kit.record.live.server import DEFAULT_PORT, LiveAddress, LiveServer
from kit.record.live.tail import CsvTail, Row
from kit.record.plan import RecordingPlan
from kit.record.states import BoardStatus, RecordingResult, RunEvent

__all__ = ["DEFAULT_PORT", "CsvTail", "Cursor", "LiveAddress", "LiveFeed", "LiveRun",
           "LiveServer", "LiveView", "Row"]


class LiveView:
    """The live page of one recording: start() it, feed it statuses and events from the
    thread that watches the recorder, finish() it with the result."""

    def __init__(self, plan: RecordingPlan, *, share: bool = False, port: int = 0,
                 duration_s: float | None = None) -> None:
        run = LiveRun(plan.title, plan.lesson_id, plan.fields,
                      duration_s if duration_s is not None else plan.duration_s,
                      plan.paths.csv.name)
        self.feed = LiveFeed(run)
        self.server = LiveServer(self.feed, plan.paths.csv, EXCEL_DA if plan.excel_da
                                 else STANDARD, share=share, port=port)
        self._started = time.monotonic()

    def start(self) -> LiveAddress:
        """Start serving; the address to open (and, with share, the ones to give pupils)."""
        self._started = time.monotonic()
        return self.server.start()

    def update(self, statuses: Sequence[BoardStatus], fields: Sequence[str] = (),
               units: dict[str, str] | None = None, elapsed_s: float | None = None) -> None:
        """The boards' statuses now; elapsed_s defaults to the time since start()."""
        self.feed.update(statuses, time.monotonic() - self._started if elapsed_s is None
                         else elapsed_s, fields, units)

    def event(self, item: RunEvent) -> None:
        """An event of the run (from Recorder.run's on_event)."""
        self.feed.event(item)

    def finish(self, result: RecordingResult | None = None,
               elapsed_s: float | None = None) -> None:
        """The run is over: the pages get its last readings and state, then the server stops."""
        if result is not None:
            self.feed.update(result.boards, time.monotonic() - self._started
                             if elapsed_s is None else elapsed_s, result.fields,
                             ended=result.ended_by.value if result.ended_by else "stop")
        self.server.stop()
