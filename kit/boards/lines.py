"""Bytes in, lines out: how a board's byte stream becomes lines (kit/boards/stream.py).

Lines end in CR LF (MicroPython), LF or CR (docs/protocol.md); a CR LF split between two reads
is one line end, not an extra empty line. A line with no end after `max_bytes` bytes is cut:
its first max_bytes bytes are handed out once (longer than any valid line, so the parser logs it
as too long) and the rest, up to the next line end, is dropped as it arrives, so a megabyte of
noise costs no later line its time.
"""
from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

MAX_LINE_BYTES = 64 * 1024  # a line longer than this is noise; it is cut and passed on once
_LINE_END = re.compile(rb"\r\n|\r|\n")
_LF, _CR = 10, 13


class LineBuffer:
    """The bytes of a stream that are not yet handed out as lines."""

    def __init__(self, max_bytes: int = MAX_LINE_BYTES, name: str = "") -> None:
        self.data = bytearray()
        self.max_bytes, self.name = max_bytes, name
        self._skip_lf = False  # the last line ended in CR: a LF that follows belongs to it
        self._cutting = False  # inside a line over max_bytes: drop up to its end

    def clear(self) -> None:
        """Forget everything (the raw REPL took the bytes)."""
        self.data.clear()
        self._skip_lf = self._cutting = False

    def peek_partial(self) -> bytes:
        """The start of a line whose end has not arrived, kept (e.g. a REPL prompt `>>> `)."""
        return b"" if self._cutting else bytes(self.data)

    def take_partial(self) -> bytes:
        """Return (and forget) the start of a line whose end has not arrived."""
        partial = b"" if self._cutting else bytes(self.data)
        self.clear()
        return partial

    def _start_of_buffer(self) -> bool:
        """Drop a LF that ends the CR of the last line, and the rest of a cut line.

        Returns False when nothing is left to split."""
        buf = self.data
        if self._skip_lf and buf:
            self._skip_lf = False
            if buf[0] == _LF:
                del buf[:1]
        if self._cutting and buf:
            end = _LINE_END.search(buf)
            if end is None:
                buf.clear()
                return False
            self._cutting = False
            self._skip_lf = end.group() == b"\r" and end.end() == len(buf)
            del buf[:end.end()]
        return bool(buf)

    def _cut(self) -> bytes:
        line = bytes(self.data[:self.max_bytes])
        self.data.clear()
        self._cutting = True
        log.info("%s: a line over %d bytes without a line end was cut", self.name,
                 self.max_bytes)
        return line

    def take_line(self) -> bytes | None:
        """The next complete line (without its end), or None."""
        if not self._start_of_buffer():
            return None
        buf = self.data
        end = _LINE_END.search(buf)
        if end is None:
            return self._cut() if len(buf) > self.max_bytes else None
        self._skip_lf = end.group() == b"\r" and end.end() == len(buf)
        line = bytes(buf[:end.start()])
        del buf[:end.end()]
        return line[:self.max_bytes]

    def take_lines(self) -> list[bytes]:
        """All complete lines (without their ends); empty lines between line ends included."""
        if not self._start_of_buffer():
            return []
        buf = self.data
        last = max(buf.rfind(b"\n"), buf.rfind(b"\r"))
        if last < 0:
            return [self._cut()] if len(buf) > self.max_bytes else []
        self._skip_lf = buf[last] == _CR
        lines = bytes(buf[:last]).splitlines()  # cuts at CR LF, CR and LF (bytes: only these)
        del buf[:last + 1]
        if last > self.max_bytes and max(map(len, lines), default=0) > self.max_bytes:
            lines = [line[:self.max_bytes] for line in lines]
        return lines
