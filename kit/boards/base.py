"""The one board abstraction every command is written against.

A Board has an identity (name, unique id, V1/V2), a stream of lines printed by the running
program, a way to write to it, and control: interrupt, raw-REPL exec/eval, soft reboot.
Implementations: SerialBoard (USB), QemuBoard (real V1 firmware under QEMU), and the simulator
board (kit.sim), so tests, demos and classrooms exercise the same code paths.
"""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType

from kit.i18n import gettext as _
from kit.errors import BoardCodeError, TransportError
from kit.hardware import UNKNOWN_VERSION
from kit.build import literal

log = logging.getLogger(__name__)

MAX_LINES_PER_READ = 1000  # read_lines' default: lines already here are handed over together


@dataclass(frozen=True)
class BoardIdentity:
    """Who a board is: the name a teacher uses, DAPLink's unique id, and V1/V2."""

    name: str
    unique_id: str
    version: str = UNKNOWN_VERSION


class Board(ABC):
    """A micro:bit, real or virtual, running a program that prints lines."""

    def __init__(self, identity: BoardIdentity) -> None:
        self.identity = identity

    @property
    def name(self) -> str:
        return self.identity.name

    @property
    def unique_id(self) -> str:
        return self.identity.unique_id

    @property
    def version(self) -> str:
        return self.identity.version

    @property
    def port(self) -> str | None:
        """A pyserial port name or URL another process could open, if the board has one."""
        return None

    @abstractmethod
    def readline(self, timeout: float = 1.0) -> bytes | None:
        """Return the next complete line (without line ending), or None after `timeout` s.

        Partial lines are kept until the rest arrives, so a line split across reads is never
        cut in two.
        """

    def read_lines(self, timeout: float = 1.0) -> list[bytes]:
        """Return the complete lines that have arrived, waiting up to `timeout` s for one.

        A recorder stamps them with one receive time. This default asks readline();
        StreamBoard reads all that has arrived in one call instead.
        """
        line = self.readline(timeout)
        if line is None:
            return []
        lines = [line]
        while len(lines) < MAX_LINES_PER_READ:
            try:
                more = self.readline(0)
            except (TransportError, OSError):
                break  # these lines first; the next call meets the error again
            if more is None:
                break
            lines.append(more)
        return lines

    def printed_at_s(self) -> float | None:
        """For a board on a virtual clock (the simulator, kit.sim): the board's own time, in
        seconds, when it printed the last line readline()/read_lines() returned. None (this
        default) for a board in real time (USB, QEMU): the recorder stamps its lines with the
        PC's clock as they arrive (kit/record/reader.py)."""
        return None

    def take_partial_line(self) -> bytes:
        """Return (and forget) the start of a line whose end has not arrived, e.g. when the
        connection was lost in the middle of it. Boards that keep no partial line return b''."""
        return b""

    def peek_partial_line(self) -> bytes:
        """Return the start of a line whose end has not arrived, and keep it: a REPL prompt
        (`>>> `) never gets a line end. Boards that keep no partial line return b''."""
        return b""

    def lines(self, timeout: float = 1.0) -> Iterator[bytes]:
        """Yield lines until none arrives within `timeout` seconds."""
        while True:
            line = self.readline(timeout)
            if line is None:
                return
            yield line

    def wait_for(self, text: bytes | str, timeout: float = 10.0) -> bytes:
        """Read lines until one contains `text`; raise TransportError after `timeout` s."""
        import time

        needle = text.encode() if isinstance(text, str) else text
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            line = self.readline(max(left, 0.0)) if left > 0 else None
            if line is None:
                raise TransportError(_("{board}: waited {seconds:.0f} s for {text!r} but it never "
                                       "came").format(board=self.name, seconds=timeout,
                                                      text=text))
            if needle in line:
                return line

    @abstractmethod
    def write(self, data: bytes) -> None:
        """Send raw bytes to the board (what a serial terminal would type)."""

    @abstractmethod
    def exec(self, code: str, timeout: float = 10.0) -> str:
        """Run `code` on the board through the raw REPL and return what it printed.

        Stops the running program first. Raises BoardCodeError with the board's traceback if the
        code fails there.
        """

    def eval(self, expression: str, timeout: float = 10.0) -> object:
        """Evaluate a Python expression on the board and return its value (literals only)."""
        out = self.exec("print(repr({}))".format(expression), timeout=timeout)
        try:
            return literal(out.strip())
        except (ValueError, SyntaxError) as err:
            raise TransportError(_("{board}: could not read the answer to {expression!r}: "
                                   "{answer!r}").format(board=self.name, expression=expression,
                                                        answer=out)) from err

    @abstractmethod
    def run_main(self) -> None:
        """Soft-reboot so main.py (the flashed program) runs again from its start."""

    def reset(self) -> None:
        """Restart the board's program from the beginning (default: soft reboot)."""
        self.run_main()

    @abstractmethod
    def close(self) -> None:
        """Release the board (close the port, stop the emulator). Safe to call twice."""

    def __enter__(self) -> Board:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return "<{} {} {} {}>".format(
            type(self).__name__, self.name, self.version, self.unique_id[:12]
        )


def raise_for_board_error(board: str, stderr: str) -> None:
    """Raise BoardCodeError if the raw REPL reported an error."""
    if stderr.strip():
        raise BoardCodeError(stderr, board=board)
