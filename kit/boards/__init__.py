"""Board implementations behind one interface (see kit.boards.base.Board)."""
from __future__ import annotations

from kit.boards.base import UNKNOWN_VERSION, V1, V2, Board, BoardIdentity
from kit.boards.qemu import QemuBoard, qemu_binary, qemu_version
from kit.boards.serial_board import SerialBoard
from kit.boards.stream import StreamBoard

__all__ = [
    "Board", "BoardIdentity", "StreamBoard", "SerialBoard", "QemuBoard",
    "qemu_binary", "qemu_version", "V1", "V2", "UNKNOWN_VERSION",
]
