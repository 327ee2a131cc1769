"""Read a program file as the board will get it: UTF-8 text, or a clear message naming the line.

A pupil's editor may save in another encoding (Windows-1252 turns 'æ' into byte 0xE6), add a
byte-order mark, or the file may not be text at all. The board's filesystem takes bytes and
MicroPython reads them as UTF-8, so anything else is refused here, naming the file and line,
before a hex is built. A UTF-8 byte-order mark is dropped (MicroPython does not expect one).
"""
from __future__ import annotations

from pathlib import Path

from kit.i18n import gettext as _
from kit.i18n import number, os_reason
from kit.build.firmware import FS_BYTES
from kit.errors import FirmwareError

# Larger than any filesystem can hold: refused before it is read into memory.
MAX_SOURCE_BYTES = 2 * max(FS_BYTES.values())


def decode_source(data: bytes, where: str) -> str:
    """Decode a program's bytes as UTF-8; FirmwareError naming the line of the first bad byte."""
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise FirmwareError(_("{file}:{line}: this is not a text file (it contains a NUL "
                              "byte), so it cannot be a micro:bit program.").format(
                                  file=where, line=line))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise FirmwareError(_(
            "{file}:{line}: the file is not saved as UTF-8 (byte {byte}), which the micro:bit "
            "needs: save it as UTF-8 in your editor (e.g. Mu, Thonny or VS Code: 'UTF-8')."
        ).format(file=where, line=line, byte="0x{:02x}".format(data[err.start]))) from None
    return text.removeprefix("\ufeff")


def read_source(path: Path) -> str:
    """Read a program or module file for the board (see decode_source)."""
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise FirmwareError(_("{path} is {size} bytes: far more than a micro:bit can hold "
                                  "({most} bytes at most). Is it really a program?").format(
                                      path=path, size=number(size),
                                      most=number(max(FS_BYTES.values()))))
        data = path.read_bytes()
    except OSError as err:
        raise FirmwareError(_("cannot read {path}: {reason}").format(
            path=path, reason=os_reason(err))) from err
    return decode_source(data, str(path))
