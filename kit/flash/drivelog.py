"""A simulated V2's `log` shown as MY_DATA.HTM on its virtual MICROBIT drive.

The store (kit/sim/datalog.py, CODAL v0.2.43's layout) belongs to the virtual board, not to
the program: it outlives a restart of the program, and flashing clears it ("The log is
cleared when you reflash your micro:bit": CODAL v0.2.43 resources/logfs/dl.js). The file is
written anew at most every REFRESH_S once the log changed, and renamed into place, so a
reader never sees half a file. A real drive is not live like this: the PC may keep showing
the file as it was when the board was plugged in (dl.js: "you must unplug your micro:bit and
plug it back in"). As in CODAL, the file appears with the first log entry.
"""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kit.sim import LogStore

log = logging.getLogger(__name__)

REFRESH_S = 0.5
FILE_NAME = "MY_DATA.HTM"


class DriveLog:
    """One virtual V2's log and when its drive last showed it."""

    def __init__(self) -> None:
        from kit.sim import LogStore as Store  # the simulator loads only where needed

        self.store: LogStore = Store()
        self._shown = (0, 0.0)  # (store.changes, monotonic time) last written to the drive

    def flashed(self) -> None:
        """A new program was flashed: the log is cleared."""
        self.store.delete()

    def remounted(self) -> None:
        """The drive came back without the file: show it again at the next look."""
        self._shown = (0, 0.0)

    def show(self, drive: Path, name: str) -> None:
        store = self.store
        if not (store.data or (drive / FILE_NAME).exists()):
            return
        now = time.monotonic()
        if store.changes == self._shown[0] or now - self._shown[1] < REFRESH_S:
            return
        self._shown = (store.changes, now)
        staging = drive / ".MY_DATA.HTM.writing"
        try:
            staging.write_bytes(store.my_data())
            os.replace(staging, drive / FILE_NAME)
        except OSError as err:  # the drive is being remounted (flashing): next time
            log.debug("%s: MY_DATA.HTM not written: %s", name, err)
