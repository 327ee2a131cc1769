"""An operating-system error in the user's language: "adgang nægtet", not "Permission denied".

Python's OSError.strerror is the C library's English sentence (Python never asks the C library
for the user's language), so a Danish message that quotes it would switch language mid-line.
The errors a teacher meets (a file that is missing, read-only or full) have their own words
here; the rest keep the system's sentence.
"""
from __future__ import annotations

import errno

from kit.i18n.catalog import N_
from kit.i18n.catalog import gettext_ as _


_REASONS = {
    errno.ENOENT: N_("no such file or folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("not permitted"),
    errno.ENOSPC: N_("the disk is full"),
    errno.EROFS: N_("the drive is read-only"),
    errno.EISDIR: N_("it is a folder"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.EEXIST: N_("it already exists"),
    errno.ENOTEMPTY: N_("the folder is not empty"),
    errno.EBUSY: N_("it is in use"),
    errno.EIO: N_("input/output error (is the drive or board still plugged in?)"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.EINVAL: N_("invalid argument"),
    errno.ELOOP: N_("too many levels of symbolic links"),
    errno.ENODEV: N_("no such device"),
    errno.ENXIO: N_("no such device or address"),
    errno.EAGAIN: N_("it is busy; try again"),
    errno.ETIMEDOUT: N_("it took too long"),
    errno.ECONNREFUSED: N_("the connection was refused"),
    errno.EDQUOT: N_("the disk quota is used up"),
}


def os_reason(err: BaseException) -> str:
    """Why an operating-system call failed, in the current language (else the system's)."""
    number = getattr(err, "errno", None)
    if isinstance(number, int) and number in _REASONS:
        return _(_REASONS[number])
    return str(getattr(err, "strerror", None) or err)
