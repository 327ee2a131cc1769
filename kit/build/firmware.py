"""The MicroPython every board runs, and hex files made from it with a program's files inside.

micropython-microbit-fs bundles MicroPython for micro:bit V1 1.1.1 (MicroPython 1.9.2) and V2
2.1.2 (MicroPython 1.18) and writes files into their filesystems; universal-hex joins a V1 and
a V2 hex into one universal hex and splits one again (docs/firmware.md). The firmware versions
are named here, not "the newest the package has", so a package update cannot change what the
boards run without a test run: the filesystem sizes below are facts of these two builds, held
to the package by tests/test_firmware_build.py.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import micropython_microbit_fs as mfs
import universal_hex

from kit.i18n import gettext as _
from kit.i18n import number
from kit.errors import FirmwareError, HexFileError
from kit.hardware import V1, V1_BOARD_IDS, V2, V2_BOARD_IDS

MICROPYTHON_RELEASE = {V1: "1.1.1", V2: "2.1.2"}  # micro:bit MicroPython, per board version
MICROPYTHON_CORE = {V1: "1.9.2", V2: "1.18"}  # the MicroPython it is based on
# How each build names itself (its device info; os.uname().version on V1, checked in QEMU).
MICROPYTHON_BANNER = {
    V1: "micro:bit v1.1.1+58405de on 2022-11-10; MicroPython v1.9.2-34-gd64154c73 on 2017-09-01",
    V2: "micro:bit v2.1.2+0697c6d on 2023-10-30; MicroPython v1.18 on 2023-10-30",
}
# Usable filesystem of those builds: 224 and 160 chunks of 128 bytes (126 of them data; the
# last page holds persistent data, and V1 keeps one page for compass calibration).
FS_BYTES = {V1: 224 * 128, V2: 160 * 128}
CHUNK_BYTES, CHUNK_DATA_BYTES = 128, 126
MAX_FILE_NAME_BYTES = 120  # the filesystem's limit (both versions)
# Block Start board ids a universal hex gets (universal_hex.BoardId)
_BLOCK_IDS = {V1: int(universal_hex.BoardId.V1), V2: int(universal_hex.BoardId.V2)}

# Modules built into the firmware: `import radio` gets the built-in even with a radio.py in the
# filesystem. V1: help('modules') on V1 1.1.1 in QEMU (docs/firmware.md). V2: the port's
# MICROPY_PORT_BUILTIN_MODULES in v2.1.2's src/codal_port/mpconfigport.h, the frozen neopixel,
# and MicroPython 1.18's core modules with their weak links (time, random, struct, ...).
BUILTIN_MODULES = {
    V1: frozenset((
        "__main__", "antigravity", "array", "audio", "builtins", "collections", "gc", "love",
        "machine", "math", "microbit", "micropython", "music", "neopixel", "os", "radio",
        "random", "speech", "struct", "sys", "this", "time", "ucollections", "ustruct", "utime",
    )),
    V2: frozenset((
        "__main__", "antigravity", "array", "audio", "builtins", "collections", "errno", "gc",
        "log", "love", "machine", "math", "microbit", "micropython", "music", "neopixel", "os",
        "power", "radio", "random", "speech", "struct", "sys", "this", "time", "ucollections",
        "uerrno", "urandom", "ustruct", "utime",
    )),
}


@dataclass(frozen=True)
class BoardFiles:
    """What one version's part of a hex holds: its MicroPython and its filesystem."""

    version: str  # "v1" or "v2"
    micropython: str  # as the firmware names itself, e.g. "micro:bit v1.1.1+58405de on ..."
    files: tuple[tuple[str, int], ...]  # (file name, bytes)
    used_bytes: int  # of the filesystem, in whole chunks
    fs_bytes: int

    @property
    def release(self) -> str:
        """The micro:bit MicroPython release, e.g. '1.1.1' (from the firmware's own name)."""
        words = self.micropython.split()
        return words[1].lstrip("v").split("+")[0] if len(words) > 1 else "?"


@lru_cache(maxsize=None)
def runtime_hex(version: str) -> str:
    """The bare MicroPython hex of one board version (no files)."""
    bundle = mfs.get_bundled_hex(1 if version == V1 else 2, MICROPYTHON_RELEASE[version])
    return bundle.content


def runtime_banner(version: str) -> str:
    """How the MicroPython klimakit builds for `version` names itself."""
    return MICROPYTHON_BANNER[version]


def fs_bytes_needed(files: Mapping[str, bytes]) -> int:
    """Bytes of the board's filesystem these files take (whole 128-byte chunks, with names)."""
    return sum(mfs.File(name, content).size_fs for name, content in files.items())


def filesystem_problem(files: Mapping[str, bytes], version: str, program: str) -> str:
    """Why these files do not fit a board of `version`, or '' if they do."""
    needed, room = fs_bytes_needed(files), FS_BYTES[version]
    if needed <= room:
        return ""
    return _("{program} ({files}) needs {needed} bytes of micro:bit {version}'s {room}-byte "
             "filesystem: {over} bytes too large. Make the program or its modules smaller "
             "(comments count too).").format(
                 program=program, files=" + ".join(files), needed=number(needed),
                 version=version.upper(), room=number(room), over=number(needed - room))


def build_version_hex(files: Mapping[str, bytes], version: str, program: str) -> str:
    """Return the MicroPython hex of `version` with these files in its filesystem.

    Raises FirmwareError naming the program if the files do not fit or a name is refused.
    """
    problem = filesystem_problem(files, version, program)
    if problem:
        raise FirmwareError(problem)
    try:
        return str(mfs.add_files(runtime_hex(version),
                                 [mfs.File(name, content) for name, content in files.items()]))
    except mfs.FilesystemError as err:  # a name or size rule the checks above did not know
        raise FirmwareError(_("{program}: micro:bit {version}'s filesystem refuses it: "
                              "{problem}").format(program=program, version=version.upper(),
                                                  problem=err)) from err


def join_universal(hexes: Mapping[str, str]) -> str:
    """Join per-version hex files ({"v1": ..., "v2": ...}) into one universal hex."""
    parts = [universal_hex.IndividualHex(text, _BLOCK_IDS[version])
             for version, text in sorted(hexes.items())]
    return str(universal_hex.create_uhex(parts))


def _version_of_block(board_id: int) -> str:
    name = "{:04x}".format(board_id)
    if name in V1_BOARD_IDS:
        return V1
    if name in V2_BOARD_IDS:
        return V2
    return ""


def split_universal(text: str) -> dict[str, str]:
    """Split a universal hex into plain hex files per board version ({"v1": ..., "v2": ...}).

    Raises HexFileError if it is not a universal hex or names no micro:bit board.
    """
    try:
        parts = universal_hex.separate_uhex(text)
    except (ValueError, KeyError, IndexError) as err:
        raise HexFileError(_("not a universal hex: {problem}").format(problem=err)) from err
    found = {_version_of_block(part.board_id): str(part.hex) for part in parts}
    found.pop("", None)
    if not found:
        raise HexFileError(_("the universal hex has no micro:bit V1 or V2 part"))
    return found


def read_board_files(text: str, version: str) -> BoardFiles:
    """Read one version's plain hex back: which MicroPython, which files (for `build` output).

    Raises HexFileError if the hex holds no micro:bit MicroPython (e.g. a MakeCode program).
    """
    try:
        info = mfs.get_device_info(text)
        files = mfs.get_files(text)
    except mfs.FilesystemError as err:
        raise HexFileError(_("no micro:bit MicroPython in the {version} part: {problem}").format(
            version=version.upper(), problem=err)) from err
    used = sum(f.size_fs for f in files)
    return BoardFiles(version, info.micropython_version,
                      tuple((f.name, f.size) for f in files), used, FS_BYTES[version])


def read_files(text: str) -> dict[str, bytes]:
    """Return the files in one version's plain hex ({"main.py": b"..."}), as the board has them.

    Raises HexFileError if the hex holds no micro:bit MicroPython (e.g. a MakeCode program).
    """
    try:
        return {f.name: bytes(f.content) for f in mfs.get_files(text)}
    except (mfs.FilesystemError, ValueError) as err:
        raise HexFileError(_("no micro:bit MicroPython files in this hex: {}").format(err)) from err


def read_hex_files(text: str) -> tuple[BoardFiles, ...]:
    """Read back every part of a built hex (universal or plain): versions, files, bytes."""
    if universal_hex.is_uhex(text):
        parts = split_universal(text)
    else:
        try:
            info = mfs.get_device_info(text)
        except mfs.FilesystemError as err:
            raise HexFileError(_("no micro:bit MicroPython in this hex: {problem}").format(
                problem=err)) from err
        parts = {V1 if info.device_version == mfs.DeviceVersion.V1 else V2: text}
    return tuple(read_board_files(parts[v], v) for v in sorted(parts))
