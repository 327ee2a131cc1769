"""SerialBoard: a real micro:bit on USB, reached through pyserial (DAPLink CDC, 115200 baud).

`open_serial` opens a port or pyserial URL for every board in klimakit (USB, pty, QEMU's and
virtual boards' socket://) without throwing away what has already arrived: pyserial's POSIX
`open()` flushes the input (tcflush) and its socket handler's `open()` reads and drops whatever
the peer sent first, which lost a header and readings that arrived at connect (1 run in 9 on
QEMU). Its socket handler also has no file descriptor for select(); the subclass below gives
StreamBoard one, so it reads all that has arrived in one call (kit/boards/stream.py).
On Windows pyserial's `open()` purges the driver's receive buffer itself (PurgeComm), which
cannot be turned off from outside; bytes a board sent before the port was opened are lost there.
"""
from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, cast

import serial
from serial.urlhandler.protocol_socket import Serial as _PyserialSocket

from kit.i18n import gettext as _
from kit.i18n import os_reason
from kit.boards.base import BoardIdentity
from kit.boards.stream import StreamBoard
from kit.errors import BoardNotFound
from kit.hardware import UNKNOWN_VERSION

if TYPE_CHECKING:
    from kit.boards.discover import BoardInfo

BAUD_RATE = 115_200
_PORT_LIKE = re.compile(r"^(\w+://|/dev/|COM\d+$)", re.IGNORECASE)


def looks_like_port(text: str) -> bool:
    """Whether `text` names a serial port or pyserial URL (COM3, /dev/ttyACM0, socket://...)
    rather than a board name such as gruppe-3."""
    return bool(_PORT_LIKE.match(text))


class _SocketSerial(_PyserialSocket):
    """pyserial's socket:// that keeps what arrived at connect and has a file descriptor."""

    _opening = False
    selectable_on_windows = True  # a socket: Windows' select() takes it

    def open(self) -> None:
        self._opening = True
        try:
            super().open()
        finally:
            self._opening = False

    def reset_input_buffer(self) -> None:
        if not self._opening:
            super().reset_input_buffer()

    def fileno(self) -> int:
        sock = getattr(self, "_socket", None)  # pyserial's socket handler keeps it here
        if sock is None:
            raise ValueError("socket is closed")
        return int(sock.fileno())


if sys.platform != "win32":
    from serial.serialposix import Serial as _PosixSerial

    class _KeepInputSerial(_PosixSerial):
        """A POSIX port (USB serial, pty) opened without tcflush of what already arrived."""

        _opening = False

        def open(self) -> None:
            self._opening = True
            try:
                super().open()
            finally:
                self._opening = False

        def _reset_input_buffer(self) -> None:  # not in pyserial's type stubs
            if not self._opening:
                super()._reset_input_buffer()  # type: ignore[misc]


def open_serial(url: str, baudrate: int = BAUD_RATE, timeout: float = 1.0) -> serial.Serial:
    """Open a port name or pyserial URL, keeping any bytes that have already arrived.

    Typed like pyserial's serial_for_url, which also returns its URL handlers as Serial.
    Raises what pyserial raises (SerialException, an OSError; ValueError for a bad URL).
    """
    if url.lower().startswith("socket://"):
        stream = _SocketSerial(None, baudrate=baudrate, timeout=timeout)
        stream.port = url
        stream.open()
        return cast(serial.Serial, stream)
    if "://" not in url and sys.platform != "win32":
        return _KeepInputSerial(url, baudrate=baudrate, timeout=timeout)
    return serial.serial_for_url(url, baudrate=baudrate, timeout=timeout)


class SerialBoard(StreamBoard):
    """A USB micro:bit. Open with a port name (COM3, /dev/ttyACM0) or any pyserial URL."""

    # Writes are chunked with a pause (StreamBoard.write_chunk_bytes): MicroPython's 64-byte
    # receive ring drops bytes when a paste arrives faster than the raw REPL reads it.

    def __init__(
        self,
        port: str,
        *,
        name: str | None = None,
        unique_id: str = "",
        version: str = UNKNOWN_VERSION,
        baudrate: int = BAUD_RATE,
    ) -> None:
        super().__init__(BoardIdentity(name or port, unique_id, version))
        self._port_name = port
        try:
            self._stream = open_serial(port, baudrate)
        except (OSError, ValueError) as err:
            raise BoardNotFound(_("cannot open {port} ({reason}). Is the micro:bit plugged in "
                                  "with a data cable? On Linux your user must be in the "
                                  "'dialout' group.").format(port=port, reason=os_reason(err))
                                ) from err

    @property
    def port(self) -> str:
        return self._port_name

    @classmethod
    def from_info(cls, info: BoardInfo, name: str | None = None) -> SerialBoard:
        """Open a discovered board's serial port, named by its label (gruppe-3, ...)."""
        if not info.port:
            raise BoardNotFound(_("{board} has a MICROBIT drive but no serial port yet. Wait a "
                                  "few seconds, or unplug it and plug it in again.").format(
                                      board=info.label))
        return cls(info.port, name=name or info.label, unique_id=info.unique_id,
                   version=info.version)
