"""Why a board sends no readings, from what it did send: nothing, its REPL, a traceback, ….

A recording (kit/record/recorder.py) and the check after flashing (kit/flash/verify.py) both
see the lines a board printed that were not readings, and must say what they mean in words a
teacher can act on. micro:bit MicroPython prints, when its program stops (docs/qemu.md §4):
- after an error: `Traceback (most recent call last):`, one `  File "main.py", line 12, in f`
  per frame (V1 1.1.1 calls main.py `__main__`; a module is its file, `klima.py`), and the
  error (`NameError: name 'x' isn't defined`); a MemoryError at start is the error line alone;
- after Ctrl-C (e.g. `klimakit run` or a serial terminal stopped it): the same, ending in
  `KeyboardInterrupt: `;
- then its banner (`MicroPython v1.9.2-34-… with nRF51822`, `Type "help()" for more
  information.`) and the prompt `>>> ` (with no line end: kit/record/reader.py hands it over
  when the board is otherwise quiet).
A board whose header names other fields or another lesson runs another lesson's program.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from kit.i18n import gettext as _
from kit.text import one_line

TRACEBACK_START = "Traceback (most recent call last):"
_FRAME = re.compile(r'File "([^"]+)", line (\d+)')
_ERROR = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit|Iteration))\b:?")
_REPL_WORDS = ('Type "help()" for more information', "raw REPL; CTRL-B to exit")
SILENT_AFTER_S = 15.0  # a board with no reading for this long is explained
AFTER_READINGS = "since its last reading"  # Silence.NOTHING's detail once readings came


def quiet_after_s(interval_s: float | None) -> float:
    """How long a board may go without a reading before it is explained: 15 s, or longer for
    a lesson that measures less often (afkoeling every 30 s: 47 s)."""
    return max(SILENT_AFTER_S, 1.5 * interval_s + 2.0) if interval_s else SILENT_AFTER_S


class Silence(str, Enum):
    """Why a board sent no readings (English values, as the sidecar stores them)."""

    NOTHING = "nothing"  # not a byte
    REPL = "repl"  # its program has stopped: the REPL prompt or banner
    TRACEBACK = "traceback"  # its program stopped with an error
    OTHER_LESSON = "other lesson"  # it runs another lesson's program (its header says)
    NOT_DATA = "not data"  # lines, but none of them a reading
    NOT_YET = "not yet"  # nothing, but the recording was shorter than the board may be quiet


@dataclass(frozen=True)
class Explanation:
    """A reason and its detail: the error at file:line, the other lesson, or the last line."""

    reason: Silence
    detail: str = ""


def board_place(file_name: str, line: int) -> str:
    """'main.py:12' for a traceback frame (V1 1.1.1 names main.py `__main__`)."""
    name = "main.py" if file_name in ("__main__", "<stdin>") else file_name
    return "{}:{}".format(name, line)


def _place(frames: list[str]) -> str:
    """Where a traceback happened: its innermost frame, and the main.py line that led there."""
    if not frames:
        return ""
    mains = [f for f in frames if f.startswith("main.py:")]
    if frames[-1].startswith("main.py:") or not mains:
        return frames[-1]
    return _("{} (called from {})").format(frames[-1], mains[-1])


class BoardText:
    """What one board printed that was not a reading, since its last reading."""

    def __init__(self) -> None:
        self.lines = 0
        self.last = ""
        self.error = ""  # the last error line of a traceback, with its place
        self.stopped = False  # a Ctrl-C, the banner or a prompt: the program does not run
        self.other_lesson = ""
        self._in_traceback = False
        self._frames: list[str] = []

    def see(self, text: str) -> None:
        """One line (or a prompt) the board printed that is not a reading."""
        text = text.replace("\x00", "").strip()
        if not text:
            return
        self.lines += 1
        self.last = one_line(text, 120)
        if text.startswith(TRACEBACK_START):
            self._in_traceback, self._frames = True, []
            return
        frame = _FRAME.search(text)
        if self._in_traceback and frame:
            self._frames.append(board_place(frame.group(1), int(frame.group(2))))
            return
        error = _ERROR.match(text)
        if error:
            self._in_traceback = False
            if error.group(1) == "KeyboardInterrupt":
                self.stopped = True
            else:
                place = _place(self._frames)
                self.error = one_line("{}: {}".format(place, text) if place else text, 200)
                self.stopped = False
            self._frames = []
            return
        self._in_traceback = False
        if text.endswith(">>>") or text == ">" or any(w in text for w in _REPL_WORDS) \
                or text.startswith("MicroPython v"):
            self.stopped = True

    def see_header(self, lesson: str) -> None:
        """Its header, naming the recording's fields: the program runs but sends no reading."""
        self.lines += 1
        self.last = "# klimakit" + (" lesson=" + one_line(lesson, 40) if lesson else "")

    def see_wrong_size(self, values: int, fields: int) -> None:
        """A reading with another number of values than the recording's fields."""
        self.lines += 1
        self.other_lesson = _("{} values per reading, not {}").format(values, fields)

    def see_other_program(self, lesson: str, fields: tuple[str, ...]) -> None:
        """Its header names another lesson (or other fields) than the recording's."""
        self.lines += 1
        self.other_lesson = lesson or _("fields {}").format(",".join(fields))

    def explain(self) -> Explanation:
        """Why no readings came, from what was seen (an error wins over a prompt after it)."""
        if self.error:
            return Explanation(Silence.TRACEBACK, self.error)
        if self.stopped:
            return Explanation(Silence.REPL, "")
        if self.other_lesson:
            return Explanation(Silence.OTHER_LESSON, self.other_lesson)
        if self.lines:
            return Explanation(Silence.NOT_DATA, self.last)
        return Explanation(Silence.NOTHING, "")


class QuietWatch:
    """One board in a recording: what it sent since its last reading, and since when."""

    def __init__(self) -> None:
        self.text = BoardText()
        self.reading_at = 0.0
        self.readings = -1

    def explain(self, readings: int, now: float, started: float, *, final: bool = False,
                after_s: float = SILENT_AFTER_S) -> Explanation | None:
        """Why `readings` has not grown for `after_s` (or, when `final`, why a board sent
        none at all); None while readings come."""
        if readings != self.readings:
            if self.readings >= 0 or readings:
                self.text, self.reading_at = BoardText(), now  # readings came: start over
            self.readings = readings
        quiet = now - (self.reading_at or started)
        if quiet >= after_s or final and not readings:
            found = self.text.explain()
            if found.reason is Silence.NOTHING and quiet < after_s:
                return Explanation(Silence.NOT_YET, "{:.0f} s".format(quiet))
            if found.reason is Silence.NOTHING and readings:
                return Explanation(Silence.NOTHING, AFTER_READINGS)
            return found
        return None
