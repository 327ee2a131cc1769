"""Appending whole lines to a run's files, the lock that marks a live recording, and the
space reserve (kit/record/files.py's RunWriter uses all three).

An Appender writes a batch of lines with os.write and knows, when a write stops part-way (a full
disk writes what fits, then fails), how far it got: the file is cut back to its last whole line
and the owners of the lines that did not make it are told, so they can be counted as lost.

While recording, the CSV is held with an exclusive flock; the kernel drops it when the process
ends in any way (SIGKILL, a crash), so `is_recording` tells a live recording from a dead one
(a repair must not touch a live one). Windows has no flock: there a CSV not changed for
UNLOCKED_AFTER_S is taken as not recording. The reserve is a file of zeros made at the start and
removed at the end or when the disk fills, so that the final sidecar and graph still fit.
"""
from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)

UNLOCKED_AFTER_S = 60.0  # without flock (Windows): a CSV untouched this long is not recording
# (owner, lines, end offset in the batch): who is told when lines did not reach the disk
_Segment = tuple[object, int, int]


def _write_all(fd: int, data: bytes) -> tuple[int, OSError | None]:
    """Write all of `data`; return how much was written and the error that stopped it."""
    view, done = memoryview(data), 0
    try:
        while done < len(data):
            done += os.write(fd, view[done:])
    except OSError as err:
        return done, err
    return done, None


class Appender:
    """One append-only file written in whole lines; knows how far it got when a write fails."""

    def __init__(self, path: Path) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_BINARY", 0)
        self.fd = os.open(path, flags, 0o666)
        self.path = path
        self.size = 0
        self.parts: list[bytes] = []
        self.segments: list[_Segment] = []
        self._pending = 0

    def add(self, text: str, owner: object = None, lines: int = 0) -> None:
        data = text.encode("utf-8", "replace")
        self.parts.append(data)
        self._pending += len(data)
        if owner is not None:
            self.segments.append((owner, lines, self._pending))

    def flush(self) -> list[tuple[object, int]]:
        """Write what was added; return (owner, lines) for lines that did not reach the file."""
        if not self.parts:
            return []
        data = b"".join(self.parts)
        segments, self.parts, self.segments, self._pending = self.segments, [], [], 0
        done, err = _write_all(self.fd, data)
        if err is None:
            self.size += done
            return []
        keep = data.rfind(b"\n", 0, done) + 1  # whole lines only
        try:
            os.ftruncate(self.fd, self.size + keep)
        except OSError as cut_err:
            log.warning("cannot cut %s back to whole lines: %s", self.path, cut_err)
        self.size += keep
        lost, start = [], 0
        for owner, lines, end in segments:
            if end > keep:
                gone = lines if start >= keep else data.count(b"\n", keep, end)
                lost.append((owner, gone))
            start = end
        raise FlushError(err, lost)

    def close(self) -> None:
        os.close(self.fd)


class FlushError(OSError):
    """A write stopped part-way; `lost` is (owner, lines) for what did not reach the file."""

    def __init__(self, err: OSError, lost: list[tuple[object, int]]) -> None:
        super().__init__(err.errno, err.strerror)
        self.lost = lost


def lock(fd: int) -> None:
    """Hold an exclusive lock on the open CSV while recording (see is_recording)."""
    if sys.platform == "win32":
        return
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:  # e.g. a network folder without locks: repair just stays off
        log.info("no lock on the CSV: %s", err)


def is_recording(csv_path: Path) -> bool:
    """Whether a recorder (in any process) is still writing `csv_path`."""
    if sys.platform == "win32":
        try:
            return time.time() - csv_path.stat().st_mtime < UNLOCKED_AFTER_S
        except OSError:
            return False
    import fcntl

    try:
        fd = os.open(csv_path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # also releases the shared lock we may have taken
    return False


def make_reserve(path: Path, size: int) -> bool:
    if size <= 0:
        return False
    try:
        with open(path, "wb") as handle:
            handle.write(bytes(size))
    except OSError as err:
        log.info("no space reserve %s: %s", path, err)
        path.unlink(missing_ok=True)
        return False
    return True
