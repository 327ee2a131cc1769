"""Virtual micro:bits: MICROBIT drive folders that flash like DAPLink and boot QEMU.

Each virtual board is a folder MICROBIT, MICROBIT1, … with a DETAILS.TXT (board id 9900 for a
V1, 9904 for a V2, a stable unique id). Copy a hex onto it and it behaves like a real board's
USB chip:
- it takes the file at DAPLink's pace (bytes_per_s; the flash file is a pipe the board reads,
  so the writer's `write` blocks like a USB drive that is busy flashing),
- it decodes the hex; a broken or foreign one, or one without a part for its version, gives
  FAIL.TXT with DAPLink's own sentence,
- it "remounts": the folder disappears for remount_s and comes back (Remount count + 1),
- a V1 boots the V1 part of the hex in QEMU, whose serial port (socket://127.0.0.1:PORT) is
  written into the fleet's registry in the drive root, where kit.boards finds it. A V2 takes
  its hex but runs nothing yet: QEMU has no V2, and a simulator behind a V2 drive is future
  work, so a V2 board has no serial port.
So `klimakit flash` and then `klimakit record` run end to end on real MicroPython firmware.
A board gets its serial port when its first program boots (there is no default program).
"""
from __future__ import annotations

import json
import logging
import os
import select
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from kit.boards import VIRTUAL_REGISTRY, QemuBoard, pid_alive
from kit.build import inspect_hex, split_universal
from kit.errors import HexFileError, KitError
from kit.flash.daplink import INCOMPATIBLE_IMAGE, format_fail_txt
from kit.flash.flasher import FLASH_FILE_NAME
from kit.hardware import V1, VIRTUAL_BOARD_IDS, fake_unique_id

log = logging.getLogger(__name__)

# DAPLink flashes while the PC copies, so the copy runs at flashing speed: about 13.5 s for a
# micro:bit V2 MicroPython hex with DAPLink 0255 (ARMmbed/DAPLink#856), about 15 s to flash a
# V1's whole memory (balena-io/etcher#2224). Our universal hex is ~1.86 MB, so ~138 KB/s makes
# it take ~13.5 s: the fastest of those figures, which is the cautious choice for a benchmark
# of parallel flashing (a slower drive would hide more of the PC's own overhead).
DAPLINK_BYTES_PER_S = 138_000
REMOUNT_S = 1.0  # assumption: the drive is gone about a second between unmount and remount
TRANSFER_TIMEOUT_S = 30.0  # a copy that stalls this long fails, as DAPLink's does
POLL_S = 0.05
Event = Callable[[str, str], None]  # (board name, what happened)

_DETAILS = """# DAPLink Firmware - see https://daplink.io
Unique ID: {uid}
HIC ID: 9796990b
Auto Reset: 1
Automation allowed: 0
Overflow detection: 0
Daplink Mode: Interface
Interface Version: 0255
Git SHA: klimakit-virtual
Local Mods: 0
USB Interfaces: MSD, CDC, HID, WebUSB
Interface CRC: 0x00000000
Remount count: {remounts}
URL: https://microbit.org/device/?id={board_id}&v=0255
"""


class VirtualBoard:
    """One virtual micro:bit: a drive folder watched by a thread, and QEMU once flashed."""

    def __init__(self, drive: Path, name: str, workdir: Path, *, bytes_per_s: float | None,
                 remount_s: float, boot: bool, on_event: Event,
                 on_port: Callable[[], None], version: str = V1) -> None:
        self.drive, self.name, self.workdir = drive, name, workdir
        self.version = version
        self.unique_id = fake_unique_id(name, version)
        self.last_size = 0  # bytes of the last hex it took
        self.bytes_per_s, self.remount_s, self.boot = bytes_per_s, remount_s, boot
        self.remount_count = 0
        self.flashes = 0
        self.last_fail = ""
        self.qemu: QemuBoard | None = None
        self._on_event, self._on_port = on_event, on_port
        self._stop = threading.Event()
        self._fifo: int | None = None
        self._thread = threading.Thread(target=self._run, name="virtual-" + name, daemon=True)

    @property
    def port(self) -> str | None:
        return self.qemu.port if self.qemu is not None and self.qemu.running else None

    def start(self) -> None:
        self._mount("")
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self._unmount()
        if self.qemu is not None:
            self.qemu.close()
            self.qemu = None

    # --- the drive -------------------------------------------------------------------------
    def _mount(self, fail_text: str) -> None:
        # Built beside the drive and renamed into place, so the drive appears whole, as a
        # remounted USB drive does (never a DETAILS.TXT without its FAIL.TXT).
        staging = self.drive.with_name("." + self.drive.name + ".mounting")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        (staging / "DETAILS.TXT").write_text(
            _DETAILS.format(uid=self.unique_id, remounts=self.remount_count,
                            board_id=VIRTUAL_BOARD_IDS[self.version]), newline="\r\n")
        if fail_text:
            (staging / "FAIL.TXT").write_text(fail_text, newline="")
        if hasattr(os, "mkfifo"):
            os.mkfifo(staging / FLASH_FILE_NAME)
        os.rename(staging, self.drive)
        if hasattr(os, "mkfifo"):
            pipe = self.drive / FLASH_FILE_NAME
            self._fifo = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
            try:  # a small pipe buffer keeps the writer close to the board's pace
                import fcntl

                fcntl.fcntl(self._fifo, getattr(fcntl, "F_SETPIPE_SZ", 1031), 4096)
            except (OSError, ImportError):
                pass

    def _unmount(self) -> None:
        if self._fifo is not None:
            os.close(self._fifo)
            self._fifo = None
        shutil.rmtree(self.drive, ignore_errors=True)

    # --- receiving a hex -------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data = self._read_pipe() if self._fifo is not None else None
                data = data if data is not None else self._read_dropped_file()
                if data is not None:
                    self._program(data)
                else:
                    time.sleep(POLL_S)
            except Exception:  # a thread must not die silently: log, keep the board alive
                log.exception("%s: virtual board error", self.name)
                time.sleep(POLL_S)

    def _read_pipe(self) -> bytes | None:
        """Read one whole file from the drive's pipe at the board's pace, or None if none."""
        assert self._fifo is not None
        buf = bytearray()
        started = last = time.monotonic()
        while not self._stop.is_set():
            ready, _, _ = select.select([self._fifo], [], [], POLL_S)
            now = time.monotonic()
            if not ready:
                if buf and now - last > TRANSFER_TIMEOUT_S:
                    return b"\x00timeout"
                if not buf:
                    return None
                continue
            want = 16384
            if self.bytes_per_s and buf:
                want = int(self.bytes_per_s * (now - started)) - len(buf)
                if want <= 0:
                    time.sleep(min(POLL_S, -want / self.bytes_per_s + 0.001))
                    continue
            try:
                chunk = os.read(self._fifo, min(want, 16384))
            except BlockingIOError:  # a writer opened the pipe but has not written yet
                continue
            if not chunk:  # end of file: the writer closed (or nobody is writing)
                return bytes(buf) if buf else None
            if not buf:
                started = now
            buf += chunk
            last = now
        return None

    def _read_dropped_file(self) -> bytes | None:
        """Take a .hex copied as an ordinary file (file manager, or no pipes on this OS)."""
        for path in sorted(self.drive.glob("*.[hH][eE][xX]")):
            if not path.is_file():
                continue
            size = path.stat().st_size
            time.sleep(POLL_S * 2)
            if path.stat().st_size != size:
                continue  # still being copied
            data = path.read_bytes()
            if self.bytes_per_s:
                time.sleep(len(data) / self.bytes_per_s)
            return data
        return None

    # --- flashing --------------------------------------------------------------------------
    def _decode(self, data: bytes) -> tuple[str, str]:
        """(FAIL.TXT text or '', the plain hex of this board's version) as DAPLink decides."""
        if data == b"\x00timeout":
            return format_fail_txt("The transfer timed out.", ("transient", "user")), ""
        try:
            info = inspect_hex(data)
            if self.version not in info.versions:
                return format_fail_txt(INCOMPATIBLE_IMAGE, ("user",)), ""
            text = data.decode("ascii")
            return "", split_universal(text)[self.version] if info.universal else text
        except HexFileError as err:
            return format_fail_txt(err.daplink_message or INCOMPATIBLE_IMAGE,
                                   ("transient", "user")), ""

    def _program(self, data: bytes) -> None:
        start = time.monotonic()
        self.last_size = len(data)
        fail, own_hex = self._decode(data)
        self._unmount()
        self._on_event(self.name, "remounting")
        if not fail:
            self.flashes += 1
            if self.boot and self.version == V1:
                self._boot(own_hex)
        self.last_fail = fail
        self._stop.wait(max(0.0, self.remount_s - (time.monotonic() - start)))
        self.remount_count += 1
        self._mount(fail)
        self._on_event(self.name, "FAIL.TXT: " + fail.splitlines()[0] if fail else
                       "flashed, running on " + (self.port or "(no QEMU)"))

    def _boot(self, v1_hex: str) -> None:
        if self.qemu is not None:
            self.qemu.close()
            self.qemu = None
        hex_path = self.workdir / "program.hex"
        hex_path.write_text(v1_hex)
        try:
            self.qemu = QemuBoard(hex_path, name=self.name, connect=False, workdir=self.workdir)
            _wait_listening(self.qemu)  # like a real board: the port exists once the drive is back
        except KitError as err:
            log.warning("%s: cannot boot: %s", self.name, err)
            self._on_event(self.name, "not booted: {}".format(err))
        self._on_port()


def _wait_listening(qemu: QemuBoard, timeout_s: float = 15.0) -> None:
    """Wait until QEMU accepts connections on its serial port (it needs a moment to start)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            socket.create_connection(("127.0.0.1", qemu.tcp_port), timeout=1).close()
            return
        except OSError as err:
            if not qemu.running or time.monotonic() > deadline:
                raise KitError(
                    "QEMU did not open its serial port: " + qemu.qemu_log()[-300:]) from err
            time.sleep(0.02)


class VirtualFleet:
    """A set of virtual boards under one drive root; use as a context manager."""

    def __init__(self, root: Path | None = None, count: int = 2, *,
                 bytes_per_s: float | None = None, remount_s: float = REMOUNT_S,
                 boot: bool = True, on_event: Event | None = None,
                 versions: Sequence[str] = ()) -> None:
        """`versions` gives each board's version ("v1"/"v2"); missing ones are V1."""
        if not 1 <= count <= 32:
            raise KitError("a virtual class has 1 to 32 boards (each QEMU needs ~36 MB)")
        kinds = list(versions)[:count] + [V1] * (count - len(versions))
        if any(kind not in VIRTUAL_BOARD_IDS for kind in kinds):
            raise KitError("a virtual board is 'v1' or 'v2', not {}".format(
                [kind for kind in kinds if kind not in VIRTUAL_BOARD_IDS][0]))
        self._own_root = root is None
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix="klimakit-drives-"))
        self._state = Path(tempfile.mkdtemp(prefix="klimakit-virtual-"))
        self._lock = threading.Lock()
        on_event = on_event or (lambda name, what: log.info("%s: %s", name, what))
        self.boards = [
            VirtualBoard(self.root / ("MICROBIT" if i == 0 else "MICROBIT{}".format(i)),
                         "virtual-{}".format(i + 1), self._state / str(i + 1),
                         bytes_per_s=bytes_per_s, remount_s=remount_s, boot=boot,
                         on_event=on_event, on_port=self._write_registry, version=kinds[i])
            for i in range(count)
        ]

    @property
    def registry(self) -> Path:
        return self.root / VIRTUAL_REGISTRY

    def start(self) -> VirtualFleet:
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            other = json.loads(self.registry.read_text())
            if pid_alive(int(other.get("pid", 0))) and int(other["pid"]) != os.getpid():
                raise KitError("virtual boards from process {} already use {}. Stop them "
                               "first, or use --dir.".format(other["pid"], self.root))
        except (OSError, ValueError, KeyError, TypeError):
            pass
        for board in self.boards:
            board.workdir.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(board.drive, ignore_errors=True)
            board.start()
        self._write_registry()
        return self

    def _write_registry(self) -> None:
        with self._lock:
            ports = {b.unique_id: b.port for b in self.boards if b.port}
            tmp = self.registry.with_suffix(".tmp")
            tmp.write_text(json.dumps({"pid": os.getpid(), "ports": ports}, indent=1))
            os.replace(tmp, self.registry)

    def close(self) -> None:
        """Stop every board and QEMU, remove the drive folders and the registry."""
        for board in self.boards:
            board.close()
        try:
            self.registry.unlink()
        except OSError:
            pass
        shutil.rmtree(self._state, ignore_errors=True)
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> VirtualFleet:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
