"""Virtual micro:bits: MICROBIT drive folders that flash like DAPLink and run what they get.

Each virtual board is a folder MICROBIT, MICROBIT1, … with a DETAILS.TXT (board id 9900 for a
V1, 9904 for a V2, a unique id of its fleet: kit/flash/fleet.py). Copy a hex onto it and it
behaves like a real board's USB chip:
- it takes the file at DAPLink's pace (bytes_per_s; the flash file is a pipe the board reads,
  so the writer's `write` blocks like a USB drive that is busy flashing),
- it decodes the hex; a broken or foreign one, or one without a part for its version, gives
  FAIL.TXT with DAPLink's own sentence,
- it "remounts": the folder disappears for remount_s and comes back (Remount count + 1),
- it runs its version's part of the hex on the engine kit/flash/engine.py chooses for that
  program: the real V1 firmware in QEMU, or the simulator on the real clock behind a TCP port
  (kit/flash/bridge.py). Either way the board's serial port (socket://127.0.0.1:PORT) is in
  the fleet's registry in the drive root, where kit.boards finds it, with the engine and why.
  On QEMU the pupil's button presses of the lesson's scenario are made too (every scenario's
  `presses`), so a program that measures on a button press sends readings.
So `klimakit flash` and then `klimakit record` run end to end for every lesson, V1 and V2.
A board gets its serial port when its first program starts (there is no default program).
"""
from __future__ import annotations

import hashlib
import logging
import os
import select
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from kit.i18n import gettext as _
from kit.boards import QemuBoard, qemu_binary
from kit.build import Program, inspect_hex, program_in_hex, split_universal
from kit.errors import HexFileError, KitError
from kit.flash.daplink import INCOMPATIBLE_IMAGE, format_fail_txt
from kit.flash.drivelog import DriveLog
from kit.flash.engine import NOT_FLASHED, Engine, EngineKind, choose_engine
from kit.flash.flasher import FLASH_FILE_NAME
from kit.flash.runners import QemuRunner, Runner, SimRunner
from kit.hardware import V1, VIRTUAL_BOARD_IDS

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
    """One virtual micro:bit: a drive folder watched by a thread, and an engine once flashed."""

    def __init__(self, drive: Path, name: str, workdir: Path, unique_id: str, *,
                 bytes_per_s: float | None, remount_s: float, boot: bool, on_event: Event,
                 on_port: Callable[[], None], version: str = V1, index: int = 0,
                 engine: str = "auto", sim_speed: float = 1.0) -> None:
        self.drive, self.name, self.workdir = drive, name, workdir
        self.version, self.unique_id, self.index = version, unique_id, index
        self.last_size = 0  # bytes of the last hex it took
        self.bytes_per_s, self.remount_s, self.boot = bytes_per_s, remount_s, boot
        self.engine_choice, self.sim_speed = engine, sim_speed
        self.remount_count = 0
        self.flashes = 0
        self.last_fail = ""
        self.engine: Engine = NOT_FLASHED
        self.runner: Runner | None = None
        self._on_event, self._on_port = on_event, on_port
        self._stop = threading.Event()
        self._fifo: int | None = None
        # A V2's log as MY_DATA.HTM on the drive (kit/flash/drivelog.py)
        self.drive_log = DriveLog() if version != V1 else None
        self._thread = threading.Thread(target=self._run, name="virtual-" + name, daemon=True)

    @property
    def port(self) -> str | None:
        runner = self.runner
        return runner.port if runner is not None and runner.running else None

    @property
    def qemu(self) -> QemuBoard | None:
        """The QEMU running this board's program, if QEMU runs it."""
        return self.runner.qemu if isinstance(self.runner, QemuRunner) else None

    def press(self, button: str = "A") -> None:
        """Press a button of the board (whichever engine runs it); KitError if none does."""
        if self.runner is None:
            raise KitError(_("{} runs no program yet: flash it first").format(self.name))
        self.runner.press(button)

    def start(self) -> None:
        self._mount("")
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        self._unmount()
        self._stop_runner()

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
                    if self.drive_log is not None:
                        self.drive_log.show(self.drive, self.name)
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
            ready, _out, _err = select.select([self._fifo], [], [], POLL_S)
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
        self._on_event(self.name, _("remounting"))
        if not fail:
            self.flashes += 1
            self._stop_runner()  # the old program stops as the new one is written
            if self.drive_log is not None:
                self.drive_log.flashed()
            if self.boot:
                self._start_runner(own_hex)
            else:
                self.engine = Engine(EngineKind.OFF, _("a drive only: runs no programs"))
                self._on_port()
        self.last_fail = fail
        self._stop.wait(max(0.0, self.remount_s - (time.monotonic() - start)))
        self.remount_count += 1
        if self.drive_log is not None:
            self.drive_log.remounted()
        self._mount(fail)
        self._on_event(self.name, "FAIL.TXT: " + fail.splitlines()[0] if fail else
                       _("flashed, {}: {} ({})").format(self.engine.label,
                                                        self.port or _("no port"),
                                                        _(self.engine.reason)))

    def _stop_runner(self) -> None:
        runner, self.runner = self.runner, None
        if runner is not None:
            runner.close()

    def _start_runner(self, own_hex: str) -> None:
        """Run the board's part of the hex on the engine chosen for its program."""
        program = _program_in(own_hex, self.name)
        self.engine = choose_engine(program, self.version, forced=self.engine_choice,
                                    qemu_installed=qemu_binary() is not None)
        try:
            if self.engine.kind is EngineKind.QEMU:
                self.runner = QemuRunner(own_hex, self.name, self.workdir, self.engine)
            elif self.engine.kind is EngineKind.SIM and program is not None:
                self.runner = SimRunner(program, self.name, self.version, self.engine,
                                        seed=self.index, speed=self.sim_speed,
                                        log_store=self.drive_log.store if self.drive_log else None)
        except KitError as err:
            log.warning("%s: cannot start: %s", self.name, err)
            self._on_event(self.name, _("not started: {}").format(err))
            self.engine = Engine(EngineKind.NONE, _("could not start: {}").format(err))
        self._on_port()


_programs: dict[str, Program | None] = {}  # sha256 of a plain hex -> the program it carries
_programs_lock = threading.Lock()


def _program_in(plain_hex: str, name: str) -> Program | None:
    """The program in a board's hex, or None if it holds none (a MakeCode hex).

    Reading it back takes ~0.2 s of Python (micropython-microbit-fs parses the whole hex), and
    a class set gets the same hex on every board at once: it is read once, under a lock.
    """
    key = hashlib.sha256(plain_hex.encode("ascii", "replace")).hexdigest()
    with _programs_lock:
        if key not in _programs:
            try:
                _programs[key] = program_in_hex(plain_hex)
            except HexFileError as err:
                log.info("%s: %s", name, err)
                _programs[key] = None
            while len(_programs) > 16:
                del _programs[next(iter(_programs))]
        return _programs[key]
