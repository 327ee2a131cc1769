"""SerialBoard: a real micro:bit on USB, reached through pyserial (DAPLink CDC, 115200 baud)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

import serial

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
            self._stream = serial.serial_for_url(port, baudrate=baudrate, timeout=1)
        except (OSError, ValueError) as err:
            raise BoardNotFound(
                "cannot open {} ({}). Is the micro:bit plugged in with a data cable? On Linux your "
                "user must be in the 'dialout' group.".format(port, err)
            ) from err

    @property
    def port(self) -> str:
        return self._port_name

    @classmethod
    def from_info(cls, info: BoardInfo, name: str | None = None) -> SerialBoard:
        """Open a discovered board's serial port, named by its label (gruppe-3, ...)."""
        if not info.port:
            raise BoardNotFound(
                "{} has a MICROBIT drive but no serial port yet. Wait a few seconds, or unplug "
                "it and plug it in again.".format(info.label))
        return cls(info.port, name=name or info.label, unique_id=info.unique_id,
                   version=info.version)
