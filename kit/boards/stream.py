"""Boards reached over a byte stream (USB serial or QEMU's TCP serial): lines and raw REPL.

The raw-REPL handshake follows MicroPython's pyboard.py / mpremote, with the micro:bit quirks
verified in QEMU (docs/qemu.md §4): the first byte after boot is a stray NUL; a Ctrl-C
that lands while the program prints can stay pending and fire inside the next exec, so entering
the raw REPL ends with a soft reset that clears it; an uncaught exception is first scrolled
across the LEDs (up to a minute) unless Ctrl-C skips the scroll.

Reading takes whatever has arrived in one call (docs/protocol.md: a recorder stamps each chunk
with its arrival time). A stream with a file descriptor (a serial port or pty on POSIX, a
socket from kit/boards/serial_board.py's `open_serial`) is waited on with select() and then read
without blocking, up to READ_CHUNK_BYTES at a time; pyserial's own `read(n)` would wait for all n
bytes, and its socket handler's `in_waiting` says only 0 or 1, which made a byte per call
(about 5,000 lines/s). Other streams (loop://, Windows ports, test fakes) read
`max(1, in_waiting)` bytes and then whatever `in_waiting` says is left.

Lines are cut out of the bytes by kit/boards/lines.py (CR LF, LF or CR; an over-long line cut
once).
"""
from __future__ import annotations

import io
import logging
import select
import time
from typing import Protocol

from kit.i18n import gettext as _
from kit.i18n import os_reason
from kit.boards.base import Board, BoardIdentity, raise_for_board_error
from kit.boards.lines import MAX_LINE_BYTES, LineBuffer
from kit.errors import BoardCodeError, TransportError

log = logging.getLogger(__name__)

RAW_PROMPT = b"raw REPL; CTRL-B to exit\r\n>"
SOFT_REBOOT = b"soft reboot\r\n"
CTRL_A, CTRL_B, CTRL_C, CTRL_D = b"\x01", b"\x02", b"\x03", b"\x04"
PASTE_ACK_S = 3.0  # the raw REPL answers "OK" as soon as it has the whole paste
READ_CHUNK_BYTES = 64 * 1024  # per read call (bigger reads cost more to allocate than they save)


class ByteStream(Protocol):
    """The part of pyserial's Serial that boards use."""

    timeout: float | None

    def read(self, size: int = 1) -> bytes: ...

    def write(self, data: bytes) -> int | None: ...

    def read_until(self, expected: bytes = b"\n", size: int | None = None) -> bytes: ...

    @property
    def in_waiting(self) -> int: ...

    def reset_input_buffer(self) -> None: ...

    def close(self) -> None: ...


class StreamBoard(Board):
    """A Board whose program talks over a pyserial-like byte stream."""

    # MicroPython keeps received bytes in a 64-byte ring buffer and drops what does not fit when
    # the raw REPL reads slower than bytes arrive. That happens on USB and in QEMU too (QEMU only
    # back-pressures its 6-byte UART FIFO): a 590-byte paste failed 3 times in 10 on a loaded
    # machine, so writes go in small chunks with a pause between them.
    write_chunk_bytes = 32
    write_pause_s = 0.005
    # A paste that still loses a byte shows up as a SyntaxError for code that compiles fine;
    # nothing ran, so it is sent again (at most this many times).
    paste_retries = 2

    def __init__(self, identity: BoardIdentity, stream: ByteStream | None = None) -> None:
        super().__init__(identity)
        self._stream = stream
        self._lines = LineBuffer(MAX_LINE_BYTES, identity.name)
        self._in_raw_repl = False
        self._fd: int | None = None
        self._fd_of: object = None  # the stream self._fd belongs to (QemuBoard sets _stream)

    @property
    def _buffer(self) -> bytearray:
        """Bytes received and not yet handed out (the raw REPL reads them as bytes)."""
        return self._lines.data

    @_buffer.setter
    def _buffer(self, data: bytearray) -> None:
        self._lines.data = data

    @property
    def stream(self) -> ByteStream:
        if self._stream is None:
            raise TransportError(_("{board} is not connected").format(board=self.name))
        return self._stream

    def _read_some(self, timeout: float) -> bytes:
        """Return what has arrived (waiting up to `timeout` s for the first byte), or b''."""
        stream = self.stream
        try:
            if self._fd_of is not stream:
                self._fd, self._fd_of = _fileno(stream), stream
            if self._fd is not None:
                ready, _writable, _failed = select.select([self._fd], [], [], max(timeout, 0.0))
                if not ready:
                    return b""
                if stream.timeout != 0:
                    stream.timeout = 0  # select() did the waiting: read what is there, at once
                return stream.read(READ_CHUNK_BYTES)
            if stream.timeout != timeout:
                stream.timeout = timeout
            data = stream.read(max(1, stream.in_waiting))
            left = stream.in_waiting if data else 0
            return data + stream.read(min(left, READ_CHUNK_BYTES)) if left else data
        except (OSError, ValueError) as err:  # SerialException is an OSError
            raise TransportError(_("{board}: the connection was lost ({reason}). Is the board "
                                   "still plugged in?").format(board=self.name,
                                                               reason=os_reason(err))) from err

    def readline(self, timeout: float = 1.0) -> bytes | None:
        deadline = time.monotonic() + timeout
        while True:
            line = self._lines.take_line()
            if line is not None:
                return line
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self._buffer += self._read_some(left)

    def read_lines(self, timeout: float = 1.0) -> list[bytes]:
        """Return the lines completed by what has arrived (all of them, in one list).

        Waits up to `timeout` s for a complete line; each call reads at most one chunk once a
        line is complete, so the caller can stamp the lines with the time they arrived.
        """
        lines = self._lines.take_lines()
        deadline = time.monotonic() + timeout
        while not lines:
            left = deadline - time.monotonic()
            if left <= 0 and timeout > 0:
                return []
            chunk = self._read_some(max(left, 0.0))
            if not chunk:
                return []
            self._buffer += chunk
            lines = self._lines.take_lines()
        return lines

    def take_partial_line(self) -> bytes:
        """Return (and forget) the start of a line whose end has not arrived."""
        return self._lines.take_partial()

    def peek_partial_line(self) -> bytes:
        """Return the start of a line whose end has not arrived, and keep it."""
        return self._lines.peek_partial()

    def write(self, data: bytes) -> None:
        stream = self.stream
        try:
            if not self.write_chunk_bytes:
                stream.write(data)
                return
            for i in range(0, len(data), self.write_chunk_bytes):
                if i:  # pause between chunks only: a short write must not cost a pause
                    time.sleep(self.write_pause_s)
                stream.write(data[i : i + self.write_chunk_bytes])
        except (OSError, ValueError) as err:
            raise TransportError(_("{board}: cannot write: {reason}").format(
                board=self.name, reason=os_reason(err))) from err

    def _read_until(self, marker: bytes, timeout: float) -> bytes:
        """Read (buffer first) until `marker`; raise TransportError on timeout."""
        deadline = time.monotonic() + timeout
        data = bytearray(self._buffer)
        self._lines.clear()
        while marker not in data:
            left = deadline - time.monotonic()
            if left <= 0:
                self._buffer[:0] = data  # keep what came; a caller may still want it
                raise TransportError(_("{board}: no answer from the board after {seconds:.0f} s "
                                       "(expected {expected!r}, got {got!r})").format(
                                           board=self.name, seconds=timeout, expected=marker,
                                           got=bytes(data[-80:])))
            data += self._read_some(min(left, 0.5))
        end = data.index(marker) + len(marker)
        self._buffer += data[end:]
        return bytes(data[:end])

    def interrupt(self) -> None:
        """Stop the running program (twice Ctrl-C) and drop whatever it printed."""
        for _attempt in range(2):
            self.write(b"\r" + CTRL_C)
            time.sleep(0.1)
        self._drain()
        self._in_raw_repl = False

    def _drain(self) -> None:
        self._lines.clear()
        while self._read_some(0.05):
            pass

    def enter_raw_repl(self, timeout: float = 10.0) -> None:
        """Interrupt the program and enter the raw REPL with a clean (soft-reset) state."""
        self.interrupt()
        self.write(b"\r" + CTRL_A)
        self._read_until(RAW_PROMPT, timeout)
        self.write(CTRL_D)  # soft reset: clears a pending KeyboardInterrupt, main.py not run
        self._read_until(SOFT_REBOOT + RAW_PROMPT, timeout)
        self._in_raw_repl = True

    def exec(self, code: str, timeout: float = 10.0) -> str:
        for attempt in range(self.paste_retries + 1):
            try:
                return self._exec_once(code, timeout)
            except BoardCodeError as err:
                if attempt == self.paste_retries or not _is_lost_paste(err, code):
                    raise
                log.warning("%s: SyntaxError for code that compiles; pasting again", self.name)
        raise AssertionError("unreachable")

    def paste(self, code: str, timeout: float) -> None:
        """Send code + Ctrl-D to the raw REPL; return once it says "OK" (before the code runs).

        For code that keeps running and talks over the serial line itself (an agent);
        exec() is paste() plus waiting for the result.

        If a byte of the paste (or the Ctrl-D itself) is lost, no "OK" comes; Ctrl-C then clears
        the raw REPL's half-filled line and the paste is sent once more. An "OK" that turns up
        late means the code did start, so it is not sent twice.
        """
        for attempt in range(2):
            self.write(code.encode("utf-8") + CTRL_D)
            try:
                self._read_until(b"OK", min(timeout, PASTE_ACK_S))
                return
            except TransportError:
                if attempt:
                    raise
            self.write(CTRL_C)
            time.sleep(0.2)
            self._buffer += self._read_some(0.05)
            if b"OK" in self._buffer:
                self._read_until(b"OK", 0.1)
                return
            log.warning("%s: the board did not take the paste; sending it again", self.name)
            self._buffer.clear()

    def _exec_once(self, code: str, timeout: float) -> str:
        if not self._in_raw_repl:
            self.enter_raw_repl()
        try:
            self.paste(code, timeout)
            reply = b"OK" + self._read_until(b"\x04>", timeout)
        except TransportError:
            self._in_raw_repl = False
            self.write(b"\r" + CTRL_C)  # stop runaway code so the board stays usable
            raise
        out, _sep, err = reply[2:-2].partition(b"\x04")
        raise_for_board_error(self.name, err.decode("utf-8", "replace"))
        return out.decode("utf-8", "replace").replace("\r\n", "\n")

    def run_main(self) -> None:
        if self._in_raw_repl:
            self.write(CTRL_B)  # back to the friendly REPL
            self._in_raw_repl = False
        else:
            self.interrupt()
        time.sleep(0.05)
        self._drain()
        self.write(CTRL_D)  # soft reboot at '>>>' runs main.py

    def close(self) -> None:
        if self._stream is not None:
            try:
                self._stream.close()
            finally:
                self._stream = None


def _is_lost_paste(err: BoardCodeError, code: str) -> bool:
    """True if the board reported a SyntaxError for code that CPython compiles (lost bytes)."""
    if "SyntaxError" not in str(err):
        return False
    try:
        compile(code, "<paste>", "exec")
    except SyntaxError:
        return False
    return True


def _fileno(stream: object) -> int | None:
    """The stream's file descriptor if select() can wait on it (not on Windows), else None."""
    fileno = getattr(stream, "fileno", None)
    if fileno is None:
        return None
    if not hasattr(select, "poll") and not getattr(stream, "selectable_on_windows", False):
        return None  # Windows: select() takes sockets only
    try:
        fd = fileno()
    except (OSError, ValueError, io.UnsupportedOperation):  # loop://, a pyserial base class
        return None
    return fd if isinstance(fd, int) and fd >= 0 else None
