"""How values cross the serial line: Python source built with repr/ascii, replies read back
with ast.literal_eval. Never string formatting of raw text (bitio's `scroll('say "hi"')` bug).

Strings are written with ascii(), so a request is printable ASCII whatever the text holds
(quotes, backslashes, newlines, æøå, emoji): the board's line editor sees no control
characters, and MicroPython decodes the \\x/\\u escapes back into the same text.
"""
from __future__ import annotations

from kit.build import literal

import math
from typing import Protocol, runtime_checkable


@runtime_checkable
class BoardValue(Protocol):
    """A host object that stands for something on the board (an Image, a pin, a tune)."""

    def board_source(self) -> str: ...


def to_source(value: object) -> str:
    """Return Python source (for the board) that rebuilds `value`; TypeError if it cannot."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("{} cannot be sent to the micro:bit".format(value))
        return repr(value)
    if isinstance(value, str):
        return ascii(value)
    if isinstance(value, (bytes, bytearray)):
        return repr(bytes(value))
    if isinstance(value, BoardValue):
        return value.board_source()
    if isinstance(value, (list, tuple)):
        inner = ",".join(to_source(v) for v in value)
        if isinstance(value, tuple):
            return "(" + inner + ("," if len(value) == 1 else "") + ")"
        return "[" + inner + "]"
    if isinstance(value, dict):
        return "{" + ",".join(to_source(k) + ":" + to_source(v) for k, v in value.items()) + "}"
    raise TypeError("a {} cannot be sent to the micro:bit".format(type(value).__name__))


def encode_args(args: tuple[object, ...], kwargs: dict[str, object]) -> tuple[str, bool]:
    """Return the request text after the key, and whether it may go into a batch line.

    '' (no arguments) and ' 1,2,9' (plain ints) are parsed by the agent without eval, the
    fast paths; anything else is '((args,),{kwargs})' and evaluated on the board.
    """
    if not kwargs and all(type(a) is int for a in args):
        return (" " + ",".join(str(a) for a in args) if args else ""), True
    positional = "(" + "".join(to_source(a) + "," for a in args) + ")"
    keywords = "{" + ",".join(ascii(k) + ":" + to_source(v) for k, v in kwargs.items()) + "}"
    return "(" + positional + "," + keywords + ")", False


def decode_reply(text: str) -> tuple[bool, object]:
    """Parse one agent reply: (True, value) or (False, (batch_index, 'Error: message')).

    Raises ValueError for a line that is no reply at all (noise, a half line).
    """
    if text == "":
        return True, None
    if text.startswith("!"):
        index, _, message = text[1:].partition(" ")
        if not index.isdigit():
            raise ValueError("bad error reply")
        try:
            parsed = literal(message)
        except SyntaxError as err:
            raise ValueError("bad error reply") from err
        if not isinstance(parsed, str):
            raise ValueError("bad error reply")
        return False, (int(index), parsed)
    if text.startswith("Image("):
        from kit.microbit.image import Image

        return True, Image.from_board(text)
    try:
        return True, literal(text)
    except SyntaxError as err:  # noise such as NUL bytes; literal_eval raises ValueError for most
        raise ValueError("not a reply: {}".format(err)) from err
