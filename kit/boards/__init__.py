"""Boards: the one `Board` interface, its USB and QEMU implementations, and finding boards.

`Board` (kit/boards/base.py) is what every command is written against; `SerialBoard` is a
micro:bit on USB (or any pyserial URL), `QemuBoard` the real V1 firmware in QEMU, and the
simulator's `SimBoard` (kit.sim) implements the same interface. `find_boards` pairs MICROBIT
drives and DAPLink ports by unique id (kit/boards/discover.py).

Importing this room is cheap and has no side effects: the names below are loaded on first use
(PEP 562), so a caller that needs only `Board` or `BoardInfo` does not load pyserial or QEMU's
machinery.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from kit.lazy import lazy_exports

if TYPE_CHECKING:
    from kit.boards.base import Board, BoardIdentity, raise_for_board_error
    from kit.boards.discover import (
        BoardInfo, DriveInfo, PortInfo, find_boards, find_drives, find_ports, parse_details,
        read_drive, select_boards,
    )
    from kit.boards.registry import VIRTUAL_REGISTRY, VirtualEntry, pid_alive, read_registries
    from kit.boards.micropython import ask_all, ask_micropython, micropython_release
    from kit.boards.qemu import QemuBoard, qemu_binary, qemu_version
    from kit.boards.serial_board import SerialBoard, looks_like_port
    from kit.boards.stream import StreamBoard

_WHERE = {
    "kit.boards.base": ("Board", "BoardIdentity", "raise_for_board_error"),
    "kit.boards.discover": ("BoardInfo", "DriveInfo", "PortInfo", "find_boards", "find_drives",
                            "find_ports", "parse_details", "read_drive", "select_boards"),
    "kit.boards.registry": ("VIRTUAL_REGISTRY", "VirtualEntry", "pid_alive", "read_registries"),
    "kit.boards.micropython": ("ask_all", "ask_micropython", "micropython_release"),
    "kit.boards.qemu": ("QemuBoard", "qemu_binary", "qemu_version"),
    "kit.boards.serial_board": ("SerialBoard", "looks_like_port"),
    "kit.boards.stream": ("StreamBoard",),
}
__all__ = [
    "VIRTUAL_REGISTRY", "Board", "BoardIdentity", "BoardInfo", "DriveInfo", "PortInfo",
    "QemuBoard", "SerialBoard", "StreamBoard", "VirtualEntry", "ask_all", "ask_micropython",
    "find_boards", "find_drives", "find_ports", "looks_like_port", "micropython_release",
    "parse_details", "pid_alive", "qemu_binary", "qemu_version", "raise_for_board_error",
    "read_drive", "read_registries", "select_boards",
]


__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
