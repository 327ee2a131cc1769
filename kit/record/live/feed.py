"""The run so far, as the live page sees it: readings per board, statuses, events, the clock.

Three kinds of writer, each on its own thread, none of them the recorder's writer thread:
- the recorder's watching thread (the CLI's main thread) hands over board statuses and events
  (`update`, `event`), a few times a second;
- the server's loop adds the rows it reads from the CSV (`add_rows`, kit/record/live/tail.py);
- each page connection reads what is new since its cursor (`since`), or everything (`snapshot`).
One lock guards it all; every call is short (no I/O under the lock).

Messages are JSON-ready dicts. Board and field names are shown as the boards sent them (the
page puts them into the document as text, never as HTML); CSV board cells made safe for
spreadsheets (kit.text.csv_cell) are mapped back to the names.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kit.record.live.tail import Row
from kit.record.plan import FieldSpec
from kit.record.states import BoardStatus, RunEvent
from kit.text import csv_cell, one_line

MAX_EVENTS = 200  # the page lists the latest; the sidecar keeps them all
NAME_CHARS = 60


@dataclass(frozen=True)
class LiveRun:
    """What the page says about the run before any reading: title, fields, duration."""

    title: str = ""
    lesson: str = ""
    fields: tuple[FieldSpec, ...] = ()
    duration_s: float | None = None
    csv_name: str = ""


@dataclass
class Cursor:
    """How far one page connection has been sent the run."""

    rows: int = 0
    events: int = 0
    status: int = -1
    extra: dict[str, int] = field(default_factory=dict)


class LiveFeed:
    """The run so far, shared between the recorder's thread, the server and its pages."""

    def __init__(self, run: LiveRun) -> None:
        self.run = run
        self._lock = threading.Lock()
        self._rows: list[list[Any]] = []  # [board index, seconds, value, ...]; None = gap
        self._boards: list[str] = []
        self._index: dict[str, int] = {}
        self._cells: dict[str, str] = {}  # CSV cell -> board name
        self._fields: list[dict[str, str]] = [_field(f) for f in run.fields]
        self._status: dict[str, Any] = {"boards": [], "elapsed_s": 0.0, "ended": None}
        self._status_version = 0
        self._events: list[dict[str, Any]] = []
        self._events_total = 0
        self.closed = False

    # ----- writers -----------------------------------------------------------------------
    def update(self, statuses: Sequence[BoardStatus], elapsed_s: float,
               fields: Sequence[str] = (), units: dict[str, str] | None = None,
               ended: str | None = None) -> None:
        """The boards' statuses now (from Recorder.snapshot) and the run's clock."""
        boards = [{"name": one_line(s.name, NAME_CHARS), "state": s.state.value,
                   "latest": list(s.latest), "accepted": s.accepted, "rejected": s.rejected,
                   "lost": s.lost, "lines_per_s": round(s.lines_per_s, 1)} for s in statuses]
        with self._lock:
            for s in statuses:
                self._board(s.name)
            if fields and not self._fields:
                self._fields = [{"name": n, "unit": (units or {}).get(n, ""), "label": ""}
                                for n in fields]
            self._status = {"boards": boards, "elapsed_s": round(elapsed_s, 2),
                            "ended": ended, "sent_at": time.time()}
            self._status_version += 1

    def event(self, item: RunEvent) -> None:
        """An event of the run (unplugged, replugged, wrong program…); a gap in the curve
        where a board was unplugged."""
        with self._lock:
            entry = {"seconds": round(item.seconds, 2), "board": one_line(item.board, NAME_CHARS),
                     "kind": item.kind.value, "detail": one_line(item.detail, 200)}
            self._events.append(entry)
            self._events_total += 1
            if len(self._events) > MAX_EVENTS:
                del self._events[0]
            if item.board and item.kind.value == "unplugged":
                index = self._board(item.board)
                self._rows.append([index, round(item.seconds, 3)]
                                  + [None] * max(1, len(self._fields)))

    def add_rows(self, rows: Sequence[Row], fields: Sequence[str] = ()) -> None:
        """Readings read from the CSV; `fields` are its header's field cells."""
        with self._lock:
            if fields and not self._fields:
                self._fields = [{"name": n, "unit": "", "label": ""} for n in fields]
            for row in rows:
                name = self._cells.get(row.board)
                index = self._board(name if name is not None else _uncell(row.board))
                self._rows.append([index, row.seconds, *row.values])

    def close(self) -> None:
        """The run is over: pages get the last of it and then an end message."""
        with self._lock:
            self.closed = True
            self._status_version += 1

    def _board(self, name: str) -> int:
        index = self._index.get(name)
        if index is None:
            index = self._index[name] = len(self._boards)
            self._boards.append(one_line(name, NAME_CHARS))
            self._cells[csv_cell(name)] = name
        return index

    # ----- readers -----------------------------------------------------------------------
    def snapshot(self) -> tuple[dict[str, Any], Cursor]:
        """Everything so far (a page that just opened, or reloaded), and the cursor after it."""
        with self._lock:
            cursor = Cursor(len(self._rows), self._events_total, self._status_version)
            return {"run": self._run_info(), "boards": list(self._boards),
                    "rows": list(self._rows), "status": dict(self._status),
                    "events": list(self._events), "closed": self.closed}, cursor

    def since(self, cursor: Cursor) -> list[tuple[str, dict[str, Any]]]:
        """What is new since `cursor` (which moves on): (message name, payload) pairs."""
        out: list[tuple[str, dict[str, Any]]] = []
        with self._lock:
            if len(self._boards) != cursor.extra.get("boards", 0) or \
                    len(self._fields) != cursor.extra.get("fields", 0):
                cursor.extra.update(boards=len(self._boards), fields=len(self._fields))
                out.append(("boards", {"boards": list(self._boards),
                                       "run": self._run_info()}))
            if len(self._rows) > cursor.rows:
                out.append(("rows", {"rows": self._rows[cursor.rows:]}))
                cursor.rows = len(self._rows)
            if self._events_total > cursor.events:
                new = min(self._events_total - cursor.events, len(self._events))
                out.append(("events", {"events": self._events[-new:]}))
                cursor.events = self._events_total
            if self._status_version != cursor.status:
                out.append(("status", dict(self._status, closed=self.closed)))
                cursor.status = self._status_version
        return out

    def _run_info(self) -> dict[str, Any]:
        run = self.run
        return {"title": one_line(run.title, 200), "lesson": run.lesson,
                "fields": list(self._fields), "duration_s": run.duration_s,
                "csv": run.csv_name}

    def counts(self) -> tuple[int, int]:
        """(rows, boards) so far (for tests and the benchmark)."""
        with self._lock:
            return len(self._rows), len(self._boards)


def _field(spec: FieldSpec) -> dict[str, str]:
    return {"name": spec.name, "unit": spec.unit, "label": spec.label}


def _uncell(cell: str) -> str:
    """A board cell of the CSV back to the name: csv_cell put an apostrophe before formulas."""
    if cell.startswith("'") and csv_cell(cell[1:]) == cell:
        return cell[1:]
    return cell
