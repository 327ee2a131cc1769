"""One exception tree for everything the kit reports to a user.

The library raises; only the CLI turns these into text and exit codes. Messages say what
happened and what to do next, in words a teacher understands.
"""
from __future__ import annotations

from kit.i18n import gettext as _


class KitError(Exception):
    """Base class for every error the kit reports to a user."""


class BoardNotFound(KitError):
    """No board (or not the named board) is connected."""


class TransportError(KitError):
    """Talking to a board failed: it went away, timed out or answered nonsense."""


class BoardCodeError(TransportError):
    """Code run on the board raised; carries the board's own traceback."""

    def __init__(self, traceback_text: str, board: str = "") -> None:
        last = (traceback_text.strip().splitlines() or [_("(no message)")])[-1]
        super().__init__(_("board {board}: {error}").format(board=board, error=last) if board
                         else last)
        self.traceback_text = traceback_text
        self.board = board


class QemuNotAvailable(KitError):
    """qemu-system-arm is not installed, so no virtual board can be started."""


class FirmwareError(KitError):
    """A firmware program cannot be built: syntax error, too large, missing module."""


class LessonError(KitError):
    """A lesson cannot be found or loaded."""


class LessonFormatError(LessonError):
    """A lesson file breaks the format at a known line (bad YAML, no front matter)."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__("{}:{}: {}".format(path, line, message))
        self.path, self.line, self.message = path, line, message


class ExportError(KitError):
    """A lesson cannot be exported (unsafe asset path, bad link) or the output cannot be written."""


class HexFileError(FirmwareError):
    """A hex file is broken; carries the sentence DAPLink would write into FAIL.TXT."""

    def __init__(self, message: str, daplink_message: str = "", line: int = 0) -> None:
        super().__init__(message)
        self.daplink_message = daplink_message
        self.line = line


class RecordingError(KitError):
    """A recording cannot start or continue: folder not writable, disk full, bad data file."""


class UnsupportedCall(KitError):
    """A micro:bit call this board cannot do (V2-only on a V1, a sensor QEMU does not emulate)."""


class ProgramError(KitError):
    """A pupil's program run by `klimakit run` failed; the message points at its file and line."""
