"""Find the board a program means: a Board object, a port or URL, a board name, or the only one."""
from __future__ import annotations

import os
import time
from collections.abc import Callable

from kit.boards import Board, SerialBoard, find_boards, looks_like_port, select_boards
from kit.microbit.board_api import MicroBit


def open_board(target: str | None = None) -> Board:
    """Open a SerialBoard for a port/URL, a board name (`klimakit boards`), or the only board.

    KLIMAKIT_PORT is used when no target is given.
    """
    target = target or os.environ.get("KLIMAKIT_PORT") or None
    if target and looks_like_port(target):
        return SerialBoard(target)
    chosen = select_boards(find_boards(), [target] if target else [])
    return SerialBoard.from_info(chosen[0])


def connect(target: str | Board | None = None, *, pipeline: bool = True,
            sleep: Callable[[float], None] = time.sleep) -> MicroBit:
    """Connect to a micro:bit and return its `MicroBit` (display, buttons, pins, radio, ...).

    `target` is a board name such as "gruppe-3", a port ("COM3", "/dev/ttyACM0"), a pyserial
    URL ("socket://127.0.0.1:4000"), or a Board (e.g. a QemuBoard). Each call gives a separate
    object, so a program can drive several boards at once. The agent starts here, so a wrong
    name fails on this line rather than on the first LED.
    """
    if isinstance(target, Board):
        microbit = MicroBit(target, pipeline=pipeline, sleep=sleep)
    else:
        microbit = MicroBit(open_board(target), owns_board=True, pipeline=pipeline, sleep=sleep)
    try:
        return microbit.connect()
    except BaseException:
        microbit.close()
        raise
