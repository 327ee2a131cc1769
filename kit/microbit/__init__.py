"""`import microbit` on the PC: the micro:bit API, backed by a board on USB or in QEMU.

    from kit.microbit import *          # or: import kit.microbit as microbit
    display.scroll("Hej")               # connects to the only plugged-in board, here
    gruppe3 = connect("gruppe-3")       # more boards: one object each, same surface
    gruppe3.display.show(Image.HEART)

Nothing happens at import: `display`, `button_a`, ... are stand-ins that connect on their
first call (PEP 562 module __getattr__ plus lazy proxies), so `from microbit import *` works
without a board. `klimakit run` installs this surface as the modules `microbit`, `radio` and
`music` for an unmodified micro:bit program (kit.runner).
"""
from __future__ import annotations

import time
from typing import Any

from kit.boards import Board
from kit.microbit.board_api import MicroBit
from kit.microbit.connect import connect
from kit.microbit.image import Image

PARTS = ("display", "button_a", "button_b", "accelerometer", "compass", "microphone", "speaker",
         "pin_logo") + tuple("pin{}".format(n) for n in tuple(range(17)) + (19, 20))
FUNCTIONS = ("running_time", "temperature", "scale", "set_volume", "reset", "panic")

__all__ = ["Image", "MicroBit", "connect", "use", "disconnect", "sleep", *PARTS, *FUNCTIONS]

_default: MicroBit | None = None


def use(board: MicroBit | Board | str | None) -> MicroBit:
    """Make a board the one the module-level names (display, button_a, ...) talk to."""
    global _default
    _default = board if isinstance(board, MicroBit) else connect(board)
    return _default


def disconnect() -> None:
    """Close the default board (its agent stops; the port is released if we opened it)."""
    global _default
    board, _default = _default, None
    if board is not None:
        board.close()


def _board() -> MicroBit:
    return _default if _default is not None else use(None)


def sleep(ms: float) -> None:
    """Wait `ms` milliseconds on the PC (no round trip to the board)."""
    if _default is not None:
        _default.sleep(ms)
    elif ms > 0:
        time.sleep(ms / 1000)


class _Lazy:
    """Stands for one part of the default board; connects on first use."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(getattr(_board(), self._name), attribute)

    def board_source(self) -> str:
        return "m." + self._name

    def __repr__(self) -> str:
        return "<microbit.{} (connects on first use)>".format(self._name)


def _lazy_function(name: str) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(_board(), name)(*args, **kwargs)

    call.__name__ = name
    call.__doc__ = getattr(MicroBit, name).__doc__
    return call


_lazy: dict[str, Any] = {}


def __getattr__(name: str) -> Any:
    if name in PARTS:
        return _lazy.setdefault(name, _Lazy(name))
    if name in FUNCTIONS:
        return _lazy.setdefault(name, _lazy_function(name))
    raise AttributeError("module 'microbit' has no attribute {!r}".format(name))


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
