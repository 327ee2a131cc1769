"""Read a program file as the board will get it: UTF-8 text, or a clear message naming the line.

A pupil's editor may save in another encoding (Windows-1252 turns 'æ' into byte 0xE6), add a
byte-order mark, or the file may not be text at all. The board's filesystem takes bytes and
MicroPython reads them as UTF-8, so anything else is refused here, naming the file and line,
before a hex is built. A UTF-8 byte-order mark is dropped (MicroPython does not expect one).
"""
from __future__ import annotations

from pathlib import Path

from kit.build.firmware import FS_BYTES
from kit.errors import FirmwareError

# Larger than any filesystem can hold: refused before it is read into memory.
MAX_SOURCE_BYTES = 2 * max(FS_BYTES.values())


def decode_source(data: bytes, where: str) -> str:
    """Decode a program's bytes as UTF-8; FirmwareError naming the line of the first bad byte."""
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise FirmwareError("{}:{}: this is not a text file (it contains a NUL byte), so it "
                            "cannot be a micro:bit program.".format(where, line))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise FirmwareError(
            "{}:{}: the file is not saved as UTF-8 (byte 0x{:02x}), which the micro:bit needs: "
            "save it as UTF-8 in your editor (e.g. Mu, Thonny or VS Code: 'UTF-8').".format(
                where, line, data[err.start])) from None
    return text.removeprefix("\ufeff")


def read_source(path: Path) -> str:
    """Read a program or module file for the board (see decode_source)."""
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise FirmwareError("{} is {:,} bytes: far more than a micro:bit can hold ({:,} "
                                "bytes at most). Is it really a program?".format(
                                    path, size, max(FS_BYTES.values())))
        data = path.read_bytes()
    except OSError as err:
        raise FirmwareError("cannot read {}: {}".format(path, err.strerror or err)) from err
    return decode_source(data, str(path))
