"""Find plugged-in micro:bits: MICROBIT drives (DETAILS.TXT) and DAPLink serial ports.

A micro:bit on USB shows up twice: as a drive named MICROBIT holding DETAILS.TXT, and as a
serial port with USB VID:PID 0D28:0204 (ARM DAPLink). DAPLink uses the board's unique id as the
USB serial number, so the two are paired by it. The first four digits of the unique id are the
board id: 9900/9901 are V1, 9903-9906 are V2.

Where drives are looked for: Linux /media/$USER, /media, /run/media/$USER, /mnt; macOS /Volumes;
Windows every drive letter whose volume label is MICROBIT. KLIMAKIT_DRIVE_ROOTS (a path list)
replaces these folders, which is how tests and virtual boards plug in fake drives.

Virtual boards (kit/flash/fleet.py) have no USB serial port; their fleet writes VIRTUAL_REGISTRY
into the drive root: unique id -> pyserial URL (socket://127.0.0.1:PORT), what runs each board's
program (engine: "qemu", "sim" or "none", and why) and the fleet's own name store. While the
fleet's process is alive its ports are listed like USB ports and its boards are marked virtual.
Every board found gets its stable name (kit.inventory.naming: gruppe-1, gruppe-2, ...): a real
board from the school's inventory, a virtual one from its fleet's store (never the school's).
select_boards() picks boards by name for commands with `--board NAME` / `--all`.
"""
from __future__ import annotations

import getpass
import logging
import os
import string
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kit.boards.registry import VirtualEntry, read_registries
from kit.i18n import gettext as _
from kit.errors import BoardNotFound, KitError
from kit.hardware import MICROBIT_USB_ID, UNKNOWN_VERSION, board_version

log = logging.getLogger(__name__)

DRIVE_LABEL = "MICROBIT"


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

    @property
    def remount_count(self) -> int:
        """DAPLink counts its drive remounts; a flash ends with one, so this tells it happened."""
        try:
            return int(self.details.get("Remount count", "-1"))
        except ValueError:
            return -1


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
    virtual: bool = False  # a board of a virtual fleet (kit/flash/fleet.py)
    engine: str = ""  # virtual boards: what runs the program ("qemu", "sim", "none")
    engine_reason: str = ""  # … and why (for the teacher, in the language `virtual up` ran in)
    store: str = ""  # the inventory store it is named in ("" = the school's: the default)

    @property
    def label(self) -> str:
        return self.name or (self.unique_id[-8:] if self.unique_id else (self.port or "?"))


def parse_details(text: str) -> dict[str, str]:
    """Parse DAPLink's DETAILS.TXT ('Key: value' lines, '#' comments) into a dict."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#") or ":" not in line:
            continue
        key, _sep, value = line.partition(":")
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


def comports() -> list[Any]:
    """pyserial's list of this computer's serial ports (pyserial is loaded on first use)."""
    from serial.tools.list_ports import comports as list_serial_ports

    return list(list_serial_ports())


def find_ports(list_ports: Callable[[], Iterable[Any]] | None = None) -> list[PortInfo]:
    """Return serial ports whose USB VID:PID is the micro:bit's DAPLink."""
    list_ports = list_ports or comports  # looked up per call so tests can replace it
    ports = [
        PortInfo(p.device, (p.serial_number or "").lower(), p.description or "")
        for p in list_ports()
        if (p.vid, p.pid) == MICROBIT_USB_ID
    ]
    return sorted(ports, key=lambda p: p.device)


def find_virtual_ports(roots: Iterable[Path] | None = None) -> list[PortInfo]:
    """Return the serial ports of virtual boards whose fleet registered them in a drive root."""
    entries = read_registries(roots if roots is not None else default_drive_roots())
    return [PortInfo(entry.port, uid, "klimakit virtual micro:bit")
            for uid, entry in entries.items() if entry.port]


def find_boards(
    roots: Iterable[Path] | None = None,
    list_ports: Callable[[], Iterable[Any]] | None = None,
    *,
    names: bool = True,
) -> list[BoardInfo]:
    """Return every plugged-in micro:bit, pairing drive and port by unique id.

    With names=True each board gets its stable name from the board store (a new board is
    named there); if the store cannot be used the boards are returned without names.
    """
    roots = list(roots) if roots is not None else None
    boards = _pair(roots, list_ports)
    if not names:
        return boards
    from kit.inventory import assign_names

    known: dict[str, str] = {}
    for store in dict.fromkeys(b.store for b in boards):  # the school's, and each fleet's own
        try:
            known.update(assign_names(((b.unique_id, b.version, b.daplink_version)
                                       for b in boards if b.store == store), store=store or None))
        except KitError as err:
            log.warning("boards keep no names: %s", err)
    return [replace(b, name=known.get(b.unique_id, "")) for b in boards]


def _pair(
    roots: list[Path] | None, list_ports: Callable[[], Iterable[Any]] | None
) -> list[BoardInfo]:
    ports = {p.serial_number: p for p in find_ports(list_ports)}
    virtual = read_registries(roots if roots is not None else default_drive_roots())
    ports.update({p.serial_number: p for p in find_virtual_ports(roots)})
    boards: list[BoardInfo] = []
    for path in find_drives(roots):
        drive = read_drive(path)
        if drive is None:
            boards.append(
                BoardInfo("", UNKNOWN_VERSION, drive=path, problem=_(
                    "no DETAILS.TXT: not a micro:bit, or its drive is still mounting"))
            )
            continue
        port = ports.pop(drive.unique_id, None)
        boards.append(_virtual(
            BoardInfo(drive.unique_id, drive.version, path, port.device if port else None,
                      drive.daplink_version), virtual))
    for port in ports.values():  # a port without a drive: drive not mounted (yet)
        boards.append(_virtual(
            BoardInfo(port.serial_number, board_version(port.serial_number[:4]), None,
                      port.device), virtual))
    return boards


def _virtual(board: BoardInfo, registry: dict[str, VirtualEntry]) -> BoardInfo:
    """Mark a board of a live virtual fleet: its engine and the fleet's own name store."""
    entry = registry.get(board.unique_id)
    if entry is None:
        return board
    return replace(board, virtual=True, engine=entry.engine, engine_reason=entry.reason,
                   store=entry.store)


def select_boards(
    boards: list[BoardInfo], names: Iterable[str] = (), all_boards: bool = False
) -> list[BoardInfo]:
    """Pick boards for a command: by name/unique id, all of them, or the only one plugged in.

    Raises BoardNotFound when nothing is plugged in, when a name is unknown (listing the
    names that are plugged in) or when several boards are plugged in and none was chosen.
    """
    wanted = [n.strip() for n in names if n.strip()]
    usable = [b for b in boards if b.unique_id]
    listing = ", ".join(b.label for b in usable) or _("none")
    if not usable:
        raise BoardNotFound(_("no micro:bit found. Check it is plugged in with a data cable, "
                              "then run `klimakit boards`."))
    if all_boards and not wanted:
        return usable
    if not wanted:
        if len(usable) == 1:
            return usable
        raise BoardNotFound(_("{count} micro:bits are plugged in ({boards}). Choose with "
                              "--board NAME, or use --all.").format(count=len(usable),
                                                                    boards=listing))
    chosen: list[BoardInfo] = []
    for name in wanted:
        match = [b for b in usable
                 if name in (b.name, b.label) or name.lower() == b.unique_id]
        if not match:
            raise BoardNotFound(_("no board named {name!r} is plugged in. Plugged in: "
                                  "{boards}.").format(name=name, boards=listing))
        chosen.extend(b for b in match if b not in chosen)
    return chosen
