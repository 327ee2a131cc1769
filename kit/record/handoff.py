"""The queue between a recording's readers and its writer: bounded by lines, never blocking.

Readers (one thread per board, kit/record/reader.py) put bursts of lines and connection events
on it; the writer thread (kit/record/recorder.py) takes everything there is, round by round. A
reader must never wait here: its timestamps would go wrong and the board's bytes would pile up
where nobody counts them. So when more than `max_lines` lines are waiting (the writer is stuck,
e.g. on a stalled disk) a new burst is not queued but counted in its slot's `overflow`, which
the writer then reports as lost (queue overflow).
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from kit.record.intake import Slot
from kit.record.reader import BoardEvent

Item = tuple[Slot, float, "list[bytes] | BoardEvent"]


class Handoff:
    """Bursts and events from the readers, in order, for the writer."""

    def __init__(self, max_lines: int) -> None:
        self.max_lines = max_lines
        self._queue: queue.SimpleQueue[Item] = queue.SimpleQueue()
        self._lines = 0
        self._lock = threading.Lock()  # _lines and every slot's overflow

    def deliver_to(self, slot: Slot) -> Callable[[float, list[bytes] | BoardEvent], None]:
        """The `deliver` a reader of `slot` calls (kit.record.read_board)."""
        def deliver(when: float, payload: list[bytes] | BoardEvent) -> None:
            if isinstance(payload, list):
                with self._lock:
                    if self._lines + len(payload) > self.max_lines:
                        slot.overflow += len(payload)
                        return
                    self._lines += len(payload)
            self._queue.put((slot, when, payload))

        return deliver

    def take(self, timeout: float, max_lines: int) -> list[Item]:
        """Everything queued now (up to about max_lines lines), waiting `timeout` for one."""
        try:
            items = [self._queue.get(timeout=timeout) if timeout else self._queue.get_nowait()]
        except queue.Empty:
            return []
        lines = _lines(items[0])
        while lines < max_lines:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
            lines += _lines(items[-1])
        with self._lock:
            self._lines -= lines
        return items

    def empty(self) -> bool:
        """Whether nothing is waiting."""
        return self._queue.empty()

    def take_overflow(self, slot: Slot) -> int:
        """Lines of `slot` dropped since the last call."""
        with self._lock:
            dropped, slot.overflow = slot.overflow, 0
        return dropped


def _lines(item: Item) -> int:
    return len(item[2]) if isinstance(item[2], list) else 0
