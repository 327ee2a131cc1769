"""Read a micro:bit V1's field log: the files firmware/lib/feltlog.py wrote into its filesystem.

Format (feltlog.py's comments are the board side of it): files named k<session><number>,
three digits each (k001000, k001001, …), never rewritten. A session is one start of the
program; its first file begins with a header line

    # klimakit-log 1 lesson=varmekort fields=temp,lys,sted units=°C,0-255,nr event=a

and every line is `<running_time() in ms>,<value>,…,<event presses or empty>`. What can go
wrong, and what is kept: a file cut off mid-write (power lost while writing: its last line has
no newline, or flash bytes 0xFF) keeps its whole lines; a session whose first file is missing
has no header and goes to the raw log only; a line with the wrong number of values goes to
the raw log. Nothing here touches a board: kit/record/collect.py reads the files.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kit.text import one_line

FILE_NAME = re.compile(r"^k(\d{3})(\d{3})$")
HEADER = "# klimakit-log 1 "
_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$")


@dataclass
class Session:
    """One start of the program: its header, readings and what could not be kept as data."""

    number: int
    lesson: str = ""
    fields: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    event: str = ""
    rows: list[tuple[int, list[float | int], int]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (line, why)
    files: list[str] = field(default_factory=list)
    cut_files: list[str] = field(default_factory=list)

    @property
    def has_header(self) -> bool:
        return bool(self.fields)


def _value(cell: str) -> float | int | None:
    text = cell.strip()
    if not _NUMBER.match(text):
        return None
    return int(text) if re.match(r"^-?\d+$", text) else float(text)


def _header(session: Session, line: str) -> None:
    items = dict(part.split("=", 1) for part in line[len(HEADER):].split() if "=" in part)
    lesson = items.get("lesson", "")  # it names the run's files: a lesson id, nothing else
    session.lesson = lesson if re.fullmatch(r"[A-Za-z0-9_-]{1,60}", lesson) else ""
    session.fields = tuple(f for f in items.get("fields", "").split(",") if f)
    session.units = tuple(items.get("units", "").split(","))
    session.event = items.get("event", "")


def _line(session: Session, line: str) -> None:
    cells = line.split(",")
    if not session.has_header:
        session.rejected.append((line, "no header: the session's first file is missing"))
        return
    if len(cells) != len(session.fields) + 2:
        session.rejected.append((line, "{} values, the header names {}".format(
            len(cells) - 2, len(session.fields))))
        return
    numbers = [_value(c) for c in cells[:-1]]
    mark = cells[-1].strip()
    if any(n is None for n in numbers) or not isinstance(numbers[0], int) or (
            mark and not mark.isdigit()):
        session.rejected.append((line, "not numbers"))
        return
    values: list[float | int] = [n for n in numbers[1:] if n is not None]
    session.rows.append((int(numbers[0]), values, int(mark or 0)))


def parse_files(files: dict[str, bytes]) -> list[Session]:
    """Sessions, oldest first, from the log files a board holds ({name: bytes})."""
    sessions: dict[int, Session] = {}
    for name in sorted(files):
        match = FILE_NAME.match(name)
        if not match:
            continue
        session = sessions.setdefault(int(match.group(1)), Session(int(match.group(1))))
        session.files.append(name)
        data = files[name]
        text = data.split(b"\xff", 1)[0].decode("utf-8", "replace")
        lines = text.split("\n")
        if lines and lines[-1]:  # no newline at the end: cut off mid-write
            session.cut_files.append(name)
            session.rejected.append((one_line(lines[-1], 200), "cut off mid-write"))
        for line in lines[:-1]:
            if line.startswith(HEADER) and match.group(2) == "000":
                _header(session, line)
            elif line.strip():
                _line(session, line)
    return [sessions[n] for n in sorted(sessions)]
