"""The files a lesson links to (images, data, elevark.md), as the export copies them.

A hard link (`ln /etc/passwd noter.txt`) is the same file as its target and looks like an
ordinary file inside the lesson folder, so it is found by its link count and inode, not by its
path: a file is the lesson's own when every one of its names is inside the lesson folder. An
Asset remembers the inode that was checked, and read() refuses a file swapped in since.
"""
from __future__ import annotations

import base64
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kit.errors import ExportError
from kit.i18n import gettext as _
from kit.i18n import os_reason

IMAGE_TYPES = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".svg": "image/svg+xml",
}
MAX_ASSET_BYTES = 25_000_000  # beyond this an export would carry a video, not a lesson file
MAX_FOLDER_ENTRIES = 10_000  # files looked at when counting a hard link's names in the folder


@dataclass(frozen=True)
class Asset:
    """A file in the lesson folder that the lesson links to, exported beside its pages.

    `inode` is (device, inode) of the file that was checked; read() refuses another file put
    in its place since.
    """

    name: str  # posix path relative to the lesson folder, e.g. "img/kurve.png"
    source: Path
    inode: tuple[int, int] = (0, 0)

    @property
    def is_image(self) -> bool:
        return PurePosixPath(self.name).suffix.lower() in IMAGE_TYPES

    def read(self) -> bytes:
        """The file's bytes, if it is still the regular file that was checked."""
        try:
            with open(self.source, "rb") as file:
                info = os.fstat(file.fileno())
                if (info.st_dev, info.st_ino) == self.inode and stat.S_ISREG(info.st_mode):
                    data = file.read(MAX_ASSET_BYTES + 1)
                    if len(data) <= MAX_ASSET_BYTES:
                        return data
        except OSError as err:
            raise ExportError(_("cannot read {path}: {reason}").format(
                path=self.source, reason=os_reason(err))) from None
        raise ExportError(_("{path} changed while exporting; export again").format(
            path=self.source))

    def data_uri(self) -> str:
        """The file as a data: URI, so a page works on its own (attached or pasted)."""
        mime = IMAGE_TYPES[PurePosixPath(self.name).suffix.lower()]
        return "data:{};base64,{}".format(mime, base64.b64encode(self.read()).decode())


def names_outside(source: Path, folder: Path, counts: dict[tuple[int, int], int] | None = None
                  ) -> int:
    """How many of the file's names on the disk (hard links) are outside the lesson folder.

    A file with one name (almost every file) needs no search; otherwise the folder's files
    with the same device and inode are counted (at most MAX_FOLDER_ENTRIES files; `counts`
    keeps that census between calls). The files of a lesson that link to each other are fine.
    """
    info = os.stat(source)
    if info.st_nlink <= 1:
        return 0
    if counts is None:
        counts = {}
    if not counts:  # one census of the folder per LessonText
        files = (os.path.join(top, name) for top, _dirs, names in os.walk(folder) for name in names)
        for number, name in enumerate(files):
            if number >= MAX_FOLDER_ENTRIES:
                break
            try:
                found = os.stat(name, follow_symlinks=False)
            except OSError:
                continue
            key = (found.st_dev, found.st_ino)
            counts[key] = counts.get(key, 0) + 1
    return max(0, info.st_nlink - counts.get((info.st_dev, info.st_ino), 0))
