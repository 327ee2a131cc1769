"""In-memory stand-ins for hardware: a byte stream that speaks MicroPython's raw REPL.

FakeRawReplDevice imitates a micro:bit's serial side closely enough to test the host's raw-REPL
handshake and error handling without QEMU: Ctrl-C stops the "program", Ctrl-A enters the raw
REPL, Ctrl-D soft-resets or executes the pasted code with CPython (standing in for MicroPython),
Ctrl-B returns to the friendly REPL.
"""
from __future__ import annotations

import contextlib
import io
import threading
import traceback


class FakeRawReplDevice:
    """A pyserial-like stream whose far end is a tiny MicroPython REPL imitation."""

    def __init__(self, program_lines: list[bytes] | None = None, chunk: int = 0) -> None:
        self.timeout: float | None = 1.0
        self._out = bytearray(b"\x00")
        for line in program_lines or []:
            self._out += line + b"\r\n"
        self._mode = "program"
        self._code = bytearray()
        self._namespace: dict[str, object] = {}
        self._lock = threading.Condition()
        self.chunk = chunk  # deliver at most this many bytes per read (0: all available)
        self.written = bytearray()
        self.closed = False

    # --- pyserial surface -------------------------------------------------------------
    @property
    def in_waiting(self) -> int:
        return len(self._out)

    def read(self, size: int = 1) -> bytes:
        with self._lock:
            if not self._out:
                self._lock.wait(self.timeout or 0)
            size = min(size, self.chunk) if self.chunk else size
            data = bytes(self._out[:size])
            del self._out[:size]
            return data

    def write(self, data: bytes) -> int:
        with self._lock:
            self.written += data
            for byte in data:
                self._feed(bytes([byte]))
            self._lock.notify_all()
        return len(data)

    def read_until(self, expected: bytes = b"\n", size: int | None = None) -> bytes:
        raise NotImplementedError

    def reset_input_buffer(self) -> None:
        self._out.clear()

    def close(self) -> None:
        self.closed = True

    # --- the device -------------------------------------------------------------------
    def _emit(self, data: bytes) -> None:
        self._out += data

    def _feed(self, byte: bytes) -> None:
        if byte == b"\x03":
            if self._mode in ("program", "friendly"):
                self._mode = "friendly"
                self._emit(b"Traceback (most recent call last):\r\nKeyboardInterrupt: \r\n>>> ")
            return
        if self._mode == "friendly":
            if byte == b"\x01":
                self._mode = "raw"
                self._code.clear()
                self._emit(b"raw REPL; CTRL-B to exit\r\n>")
            elif byte == b"\x04":
                self._mode = "program"
                self._emit(b"soft reboot\r\n")
            return
        if self._mode != "raw":
            return
        if byte == b"\x02":
            self._mode = "friendly"
            self._emit(b"\r\n>>> ")
        elif byte == b"\x04" and not self._code:
            self._namespace = {}
            self._emit(b"OK\r\nsoft reboot\r\nraw REPL; CTRL-B to exit\r\n>")
        elif byte == b"\x04":
            self._run(self._code.decode())
            self._code.clear()
        else:
            self._code += byte

    def _run(self, code: str) -> None:
        out, err = io.StringIO(), ""
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(code, "<stdin>", "exec"), self._namespace)
        except Exception:  # noqa: BLE001 - the fake board reports every error, like MicroPython
            err = traceback.format_exc()
        self._emit(b"OK" + out.getvalue().replace("\n", "\r\n").encode() + b"\x04"
                   + err.encode() + b"\x04>")
