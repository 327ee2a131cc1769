"""Find plugged-in micro:bits: MICROBIT drives (DETAILS.TXT) and DAPLink serial ports.

A micro:bit on USB shows up twice: as a drive named MICROBIT holding DETAILS.TXT, and as a
serial port with USB VID:PID 0D28:0204 (ARM DAPLink). DAPLink uses the board's unique id as the
USB serial number, so the two are paired by it. The first four digits of the unique id are the
board id: 9900/9901 are V1, 9903-9906 are V2.

Where drives are looked for: Linux /media/$USER, /media, /run/media/$USER, /mnt; macOS /Volumes;
Windows every drive letter whose volume label is MICROBIT. KLIMAKIT_DRIVE_ROOTS (a path list)
replaces these folders, which is how tests and virtual boards plug in fake drives.
"""
from __future__ import annotations

import getpass
import logging
import os
import string
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from serial.tools.list_ports import comports

from kit.boards.base import UNKNOWN_VERSION, V1, V2

log = logging.getLogger(__name__)

MICROBIT_USB_ID = (0x0D28, 0x0204)  # ARM DAPLink: vendor, product
DRIVE_LABEL = "MICROBIT"
V1_BOARD_IDS = ("9900", "9901")
V2_BOARD_IDS = ("9903", "9904", "9905", "9906")


@dataclass(frozen=True)
class DriveInfo:
    """A MICROBIT drive and what its DETAILS.TXT says."""

    path: Path
    unique_id: str
    board_id: str
    daplink_version: str
    details: dict[str, str]

    @property
    def version(self) -> str:
        return board_version(self.board_id)


@dataclass(frozen=True)
class PortInfo:
    """A serial port belonging to a micro:bit."""

    device: str
    serial_number: str
    description: str = ""


@dataclass(frozen=True)
class BoardInfo:
    """One plugged-in micro:bit: its drive, its port, or (usually) both."""

    unique_id: str
    version: str
    drive: Path | None = None
    port: str | None = None
    daplink_version: str = ""
    name: str = ""
    problem: str = ""

    @property
    def label(self) -> str:
        return self.name or (self.unique_id[-8:] if self.unique_id else (self.port or "?"))


def board_version(board_id: str) -> str:
    """Map a DAPLink board id (first 4 digits of the unique id) to 'v1', 'v2' or '?'."""
    if board_id in V1_BOARD_IDS:
        return V1
    if board_id in V2_BOARD_IDS:
        return V2
    return UNKNOWN_VERSION


def parse_details(text: str) -> dict[str, str]:
    """Parse DAPLink's DETAILS.TXT ('Key: value' lines, '#' comments) into a dict."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#") or ":" not in line:
            continue
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def read_drive(path: Path) -> DriveInfo | None:
    """Read DETAILS.TXT from a MICROBIT drive; None if it is not a micro:bit drive."""
    try:
        text = (path / "DETAILS.TXT").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    details = parse_details(text)
    unique_id = details.get("Unique ID", details.get("Unique Id", "")).lower()
    board_id = details.get("Board ID", unique_id[:4]).lower()
    if not unique_id and not board_id:
        return None
    daplink = details.get("Interface Version", details.get("Version", ""))
    return DriveInfo(path, unique_id, board_id, daplink, details)


def default_drive_roots() -> list[Path]:
    """Return the folders where this OS mounts USB drives."""
    env = os.environ.get("KLIMAKIT_DRIVE_ROOTS")
    if env is not None:
        return [Path(p) for p in env.split(os.pathsep) if p]
    if sys.platform == "darwin":
        return [Path("/Volumes")]
    if sys.platform == "win32":
        return []  # drive letters, see _windows_drives
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = ""
    roots = [Path("/media") / user, Path("/run/media") / user] if user else []
    return roots + [Path("/media"), Path("/mnt")]


def _windows_drives() -> list[Path]:  # pragma: no cover - Windows only
    import ctypes

    found = []
    for letter in string.ascii_uppercase:
        root = "{}:\\".format(letter)
        label = ctypes.create_unicode_buffer(261)
        ok = ctypes.windll.kernel32.GetVolumeInformationW(  # type: ignore[attr-defined]
            root, label, 261, None, None, None, None, 0
        )
        if ok and label.value.upper().startswith(DRIVE_LABEL):
            found.append(Path(root))
    return found


def find_drives(roots: Iterable[Path] | None = None) -> list[Path]:
    """Return folders named MICROBIT* (the drive label) under the mount roots."""
    if roots is None and sys.platform == "win32" and "KLIMAKIT_DRIVE_ROOTS" not in os.environ:
        return _windows_drives()
    found: list[Path] = []
    for root in roots if roots is not None else default_drive_roots():
        try:
            children = sorted(root.iterdir())
        except OSError:
            continue
        found.extend(
            c for c in children if c.name.upper().startswith(DRIVE_LABEL) and c.is_dir()
        )
    return found


def find_ports(list_ports: Callable[[], Iterable[Any]] | None = None) -> list[PortInfo]:
    """Return serial ports whose USB VID:PID is the micro:bit's DAPLink."""
    list_ports = list_ports or comports  # looked up per call so tests can replace it
    ports = [
        PortInfo(p.device, (p.serial_number or "").lower(), p.description or "")
        for p in list_ports()
        if (p.vid, p.pid) == MICROBIT_USB_ID
    ]
    return sorted(ports, key=lambda p: p.device)


def find_boards(
    roots: Iterable[Path] | None = None,
    list_ports: Callable[[], Iterable[Any]] | None = None,
) -> list[BoardInfo]:
    """Return every plugged-in micro:bit, pairing drive and port by unique id."""
    ports = {p.serial_number: p for p in find_ports(list_ports)}
    boards: list[BoardInfo] = []
    for path in find_drives(roots):
        drive = read_drive(path)
        if drive is None:
            boards.append(
                BoardInfo("", UNKNOWN_VERSION, drive=path, problem="no DETAILS.TXT: "
                          "not a micro:bit, or its drive is still mounting")
            )
            continue
        port = ports.pop(drive.unique_id, None)
        boards.append(
            BoardInfo(drive.unique_id, drive.version, path, port.device if port else None,
                      drive.daplink_version)
        )
    for port in ports.values():  # a port without a drive: drive not mounted (yet)
        boards.append(
            BoardInfo(port.serial_number, board_version(port.serial_number[:4]), None, port.device)
        )
    return boards
