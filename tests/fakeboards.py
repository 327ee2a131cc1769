"""Fake boards for the recording fault suite: numbered readings served on a TCP port or a pty.

A fake board is what a real one looks like to the recorder: bytes arriving on `socket://` (as
QEMU and virtual boards serve them) or on a pseudo-terminal (as a USB serial port is seen by
pyserial). Each reading carries its number, so a test can count exactly which ones reached the
CSV. The sending side is a thread here, or a separate process (benchmarks/bench_record.py) so
that it does not take the recorder's interpreter lock.

A board's script is a list of connections; each connection is a list of (delay_s, bytes) pieces
sent in order. When a connection's pieces are sent it is closed (the board is unplugged) and the
next connection, if any, is served to the recorder's next connect (replug).
"""
from __future__ import annotations

import os
import socket
import threading
import time
import tty
from collections.abc import Iterable, Sequence

FIELDS = ("n", "lys", "x", "y", "z", "a", "b")  # sensortjek's shape: the longest lesson line
HEADER = b"# klimakit 1 lesson=fault fields=" + ",".join(FIELDS).encode() + b" units=,,,,,,"
Piece = tuple[float, bytes]


def reading(n: int) -> bytes:
    """Reading number n, shaped like sensortjek's line (7 values, 37 characters at n < 10^5)."""
    return b"(%d, 255, -736, -736, 736, 3, 2)" % n


def numbered(first: int, count: int, end: bytes = b"\r\n") -> bytes:
    """Readings first … first+count-1, each ending in `end`."""
    return b"".join(reading(n) + end for n in range(first, first + count))


def paced(first: int, count: int, per_s: float, end: bytes = b"\r\n") -> list[Piece]:
    """One reading every 1/per_s seconds (the header first)."""
    return [(0.0, HEADER + end)] + [(1.0 / per_s, reading(n) + end)
                                    for n in range(first, first + count)]


def at_once(first: int, count: int, end: bytes = b"\r\n", chunk: int = 1 << 16) -> list[Piece]:
    """The header and `count` readings as fast as the transport takes them."""
    blob = HEADER + end + numbered(first, count, end)
    return [(0.0, blob[i:i + chunk]) for i in range(0, len(blob), chunk)]


class _Sender:
    def __init__(self, script: Sequence[Sequence[Piece]]) -> None:
        self.script = [list(c) for c in script]
        self.sent_connections = 0
        self.sent_at: list[float] = []  # time.time() just before each piece was written
        self.done = threading.Event()
        self.error: BaseException | None = None
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True, name="fake-board")
        self._thread.start()

    def _run(self) -> None:
        try:
            for connection in self.script:
                self._serve(connection)
                self.sent_connections += 1
        except BaseException as err:  # noqa: BLE001 - reported to the test via .error
            self.error = err
        finally:
            self.done.set()

    def _send_all(self, write: object, pieces: Iterable[Piece]) -> None:
        due = time.monotonic()
        for delay, data in pieces:
            due += delay
            if self._halt.is_set():
                return
            left = due - time.monotonic()
            if left > 0 and self._halt.wait(left):
                return
            self.sent_at.append(time.time())
            write(data)  # type: ignore[operator]

    def _serve(self, pieces: list[Piece]) -> None:
        raise NotImplementedError

    def wait(self, timeout: float = 30.0) -> None:
        """Wait until the whole script was sent; raise what the sender met."""
        assert self.done.wait(timeout), "the fake board did not finish sending"
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        self._halt.set()


class TcpBoard(_Sender):
    """A board on socket://127.0.0.1:PORT, one accepted connection per script entry."""

    def __init__(self, script: Sequence[Sequence[Piece]]) -> None:
        super().__init__(script)
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(30)
        self.url = "socket://127.0.0.1:{}".format(self._server.getsockname()[1])

    def _serve(self, pieces: list[Piece]) -> None:
        conn, _ = self._server.accept()
        with conn:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._send_all(conn.sendall, pieces)
            conn.shutdown(socket.SHUT_WR)
            # Wait until the recorder has read everything and closed its side.
            conn.settimeout(30)
            while conn.recv(4096):
                pass

    def close(self) -> None:
        super().close()
        self._server.close()


class PtyBoard(_Sender):
    """A board on a pseudo-terminal, like a USB serial port (one script entry: no replug).

    The pty is in raw mode before anything is written (no echo, no line editing), and the
    writing starts at once: what is written before the recorder opens the port waits in the
    terminal's buffer, as bytes from a real board wait in the serial driver's.
    """

    def __init__(self, script: Sequence[Sequence[Piece]]) -> None:
        super().__init__(script)
        assert len(self.script) == 1, "a pty cannot be replugged under the same name"
        self.master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.url = os.ttyname(self._slave)

    def _serve(self, pieces: list[Piece]) -> None:
        def write(data: bytes) -> None:
            view = memoryview(data)
            while view:
                view = view[os.write(self.master, view):]

        self._send_all(write, pieces)

    def unplug(self) -> None:
        """Close both ends: the recorder's reads fail as when a USB cable is pulled."""
        for fd in (self.master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass

    def close(self) -> None:
        super().close()
        self.unplug()


def numbers_in_csv(rows: Sequence[Sequence[str]], board: str | None = None) -> list[int]:
    """The reading numbers (column n) in CSV rows (without the header row)."""
    return [int(r[3]) for r in rows if board is None or r[2] == board]
