"""Load the resident agent (firmware/agent.py) onto a board without losing a byte.

Pasting 1 KB into the raw REPL loses bytes whenever MicroPython stalls (a gc, a display tick)
while its 64-byte receive ring is full; it happened in QEMU too. So only a short loader is
pasted; it reads the agent with input() in pieces of PART_BYTES, each echoed back before the
next is sent, which is lossless at any speed. The agent then runs from a second raw exec.
"""
from __future__ import annotations

import ast
import re
import time
from pathlib import Path

from kit.i18n import gettext as _
from kit.boards import Board
from kit.errors import BoardCodeError, KitError, TransportError
from kit.hardware import V1, V2
from kit.resources import firmware_path
from kit.build import parse_python

PART_BYTES = 40  # pieces of the agent, and of long requests, are at most this long
LOAD_ATTEMPTS = 2
# Pasted through the raw REPL (short: fits the 64-byte ring); reads the agent line by line.
_NEWLINE = "`"
_LOADER = ("s=''\nwhile 1:\n l=input()\n if l=='.':break\n s+=l\n"
           "exec(s.replace('`',chr(10)))\ns=0\n")


def agent_source(path: Path | None = None) -> str:
    """Return firmware/agent.py without docstrings and with 1-space indents (less to paste)."""
    tree = parse_python((path or firmware_path("agent")).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            del body[0]
    lines = []
    for line in ast.unparse(tree).splitlines():
        stripped = line.lstrip(" ")
        lines.append(" " * ((len(line) - len(stripped)) // 4) + stripped)
    return "\n".join(lines) + "\n"


def load_agent(board: Board, timeout: float) -> tuple[str, int]:
    """Stop the board's program, start the agent; return its ('v1'/'v2', free heap bytes)."""
    enter = getattr(board, "enter_raw_repl", None)
    if enter is None:
        raise TransportError(_("{board}: this kind of board has no raw REPL").format(
            board=board.name))
    source = agent_source()
    if _NEWLINE in source:
        raise KitError(_("agent source must not contain {text!r}").format(text=_NEWLINE))
    for attempt in range(LOAD_ATTEMPTS):
        try:
            return _load(board, source, timeout)
        except (TransportError, BoardCodeError):
            # A byte of the paste lost in a full receive ring (a loaded PC, a busy board):
            # nothing of the agent runs yet, so start over once from a clean raw REPL.
            if attempt == LOAD_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _load(board: Board, source: str, timeout: float) -> tuple[str, int]:
    board.enter_raw_repl(timeout)  # type: ignore[attr-defined]
    board.paste(_LOADER, timeout)  # type: ignore[attr-defined]
    text = source.replace("\n", _NEWLINE)
    for i in range(0, len(text), PART_BYTES):
        piece = text[i:i + PART_BYTES]
        board.write(piece.encode("ascii") + b"\r")
        echo = _expect_line(board, piece, timeout)
        if not echo.endswith(piece):
            raise TransportError(_("{board}: loading the helper program went wrong ({echo!r})")
                                 .format(board=board.name, echo=echo[-50:]))
    board.write(b".\r")
    # _ka() in a second exec: MicroPython's GC scans the stack conservatively, and stale
    # pointers left by the loader kept ~2 KB of source text alive when it ran from there.
    board.write(b"_ka()\x04")
    banner = _expect_line(board, "KA1 ", timeout)
    parts = banner[banner.index("KA1 "):].split() + ["", ""]
    version = V2 if parts[1] == "2" else V1 if parts[1] == "1" else board.version
    return version, int(parts[2]) if parts[2].isdigit() else -1


def _expect_line(board: Board, marker: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while True:
        left = deadline - time.monotonic()
        raw = board.readline(left) if left > 0 else None
        if raw is None:
            raise TransportError(_("{board}: the helper program did not start ({marker}). Got: "
                                   "{seen}").format(board=board.name, marker=marker,
                                                    seen=" | ".join(seen[-3:]) or _("nothing")))
        line = raw.decode("utf-8", "replace")
        seen.append(line)
        if marker in line:
            return line
        if re.search(r"\w+Error\b", line):
            raise BoardCodeError("\n".join(seen), board=board.name)
