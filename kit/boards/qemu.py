"""QemuBoard: real micro:bit V1 MicroPython 1.1.1 running in qemu-system-arm -M microbit.

The hex is the one klimakit flashes onto a V1 (kit.build: MicroPython from
micropython-microbit-fs, the program's files in its filesystem), so a module imported by the
program is a file here too and a traceback names it.

Serial goes over a TCP socket with nodelay=on (without it every raw-REPL round trip costs 44 ms)
and wait=on by default (the CPU starts only when we connect, so no boot output is lost). Buttons
are pressed through QEMU's qtest socket. QEMU has no V2 machine, and it hangs on temperature(),
radio and compass: those belong to the simulator. See docs/qemu.md.
"""
from __future__ import annotations

import atexit
import ctypes
import logging
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path

import serial

from kit.i18n import gettext as _
from kit.boards.base import BoardIdentity
from kit.boards.serial_board import open_serial
from kit.boards.stream import StreamBoard
from kit.build import Program, build_v1_hex
from kit.errors import QemuNotAvailable, TransportError
from kit.hardware import V1, fake_unique_id

log = logging.getLogger(__name__)

QEMU_BINARY = "qemu-system-arm"
BUTTON_PINS = {"A": 17, "B": 26}  # nRF51 P0.17 / P0.26, active low
EDGE_PIN_GPIOS = {0: 3, 1: 2, 2: 1}  # micro:bit V1 pin0/1/2 are nRF51 P0.03/P0.02/P0.01
# Presses shorter than ~100 ms are often missed by MicroPython's button scan (measured).
DEFAULT_HOLD_S = 0.2
CONNECT_TIMEOUT_S = 10.0

_live: weakref.WeakSet[QemuBoard] = weakref.WeakSet()


def qemu_binary() -> str | None:
    """Return the path of qemu-system-arm, or None if it is not installed."""
    return shutil.which(QEMU_BINARY)


def qemu_version() -> str:
    """Return QEMU's version line (printed in test output: figures differ between versions)."""
    binary = qemu_binary()
    if binary is None:
        return "not installed"
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
    return out.stdout.splitlines()[0] if out.stdout else "unknown"


def _free_tcp_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_libc: ctypes.CDLL | None = None  # loaded in the parent: the child only makes one call


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    # Linux: SIGTERM to QEMU when the thread that started it dies, so no orphan QEMU survives a
    # crashed test run or a killed `klimakit virtual up`. Only set from the main thread, or
    # from a thread that lives as long as the board (see QemuBoard.__init__).
    if _libc is not None:
        _libc.prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def _load_libc() -> None:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None)


def _retry(action: Callable[[], object], timeout: float) -> object:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return action()
        except (OSError, serial.SerialException):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class QemuBoard(StreamBoard):
    """A virtual micro:bit V1 running a hex in QEMU, usable like a USB board."""

    # "icount" (default, see __init__) or "host" (QEMU's default clock, for comparison).
    clock = "icount"

    def __init__(
        self,
        hex_path: Path,
        *,
        name: str = "qemu",
        fast_time: bool = False,
        connect: bool = True,
        workdir: Path | None = None,
        die_with_thread: bool = False,
    ) -> None:
        """Boot `hex_path` (a plain V1 Intel hex) in QEMU.

        Args:
            fast_time: run with -icount so sleep() takes almost no wall time (costs a full core).
            connect: open the serial port now. With False, QEMU starts at once (wait=off) and
                another process can open `port`; output before it connects is lost.
            die_with_thread: also on a thread other than the main one, QEMU gets SIGTERM when
                the calling thread ends (Linux); for a thread that lives as long as the board
                (a virtual board's own, kit/flash/virtual.py).
        """
        super().__init__(BoardIdentity(name, fake_unique_id(name), V1))
        binary = qemu_binary()
        if binary is None:
            raise QemuNotAvailable(_("qemu-system-arm is not installed, so no virtual micro:bit "
                                     "can run. Install it with: sudo apt-get install "
                                     "qemu-system-arm"))
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="klimakit-qemu-"))
        self.tcp_port = _free_tcp_port()
        self._qtest_path = self.workdir / "qtest-{}.sock".format(self.tcp_port)
        self._log_path = self.workdir / "qemu-{}.log".format(self.tcp_port)
        wait = "on" if connect else "off"
        cmd = [
            binary, "-M", "microbit", "-accel", "tcg",
            "-device", "loader,file={}".format(Path(hex_path).resolve()),
            "-display", "none", "-monitor", "none",
            "-serial", "tcp:127.0.0.1:{},server=on,wait={},nodelay=on".format(self.tcp_port, wait),
            "-qtest", "unix:{},server=on,wait=off".format(self._qtest_path),
            "-qtest-log", "/dev/null",
        ]  # fmt: skip
        # Without -icount, QEMU's nRF51 timers follow the host clock, and on a loaded machine
        # MicroPython's sleep() can miss its wake-up: the program stops printing for seconds
        # (measured: 1 line in 5 s with two busy processes on 2 cores). With icount, guest time
        # follows executed instructions (shift=6: 64 ns each, about the nRF51's 16 MHz), so no
        # wake-up is missed; sleep=on keeps idle time real, sleep=off skips it (fast_time).
        if fast_time or self.clock == "icount":
            cmd += ["-icount", "shift=6,sleep={}".format("off" if fast_time else "on")]
        on_main_thread = threading.current_thread() is threading.main_thread()
        die_with_caller = (on_main_thread or die_with_thread) and sys.platform == "linux"
        if die_with_caller:
            _load_libc()
        self.started_at = time.monotonic()
        _register_cleanup()
        with open(self._log_path, "wb") as qemu_log:
            self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=qemu_log,
                stderr=qemu_log,
                preexec_fn=_die_with_parent if die_with_caller else None,
            )
        _live.add(self)
        self._qtest: socket.socket | None = None
        try:
            if connect:
                self.connect()
        except BaseException:
            self.close()
            raise

    @classmethod
    def from_program(cls, program: Program, **kwargs: object) -> QemuBoard:
        """Build the V1 hex for `program` (main.py and its modules) and boot it.

        Raises FirmwareError before QEMU starts if V1's compiler refuses a file.
        """
        v1_hex = build_v1_hex(program)
        workdir = Path(tempfile.mkdtemp(prefix="klimakit-qemu-"))
        hex_path = workdir / "{}.hex".format(program.name)
        hex_path.write_text(v1_hex)
        board = cls(hex_path, workdir=workdir, **kwargs)  # type: ignore[arg-type]
        board._own_workdir = True
        return board

    @property
    def port(self) -> str:
        return "socket://127.0.0.1:{}".format(self.tcp_port)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def connect(self) -> None:
        """Open the serial connection (QEMU starts the CPU once this is made)."""
        def _open() -> serial.SerialBase:
            if not self.running:
                raise TransportError(_("QEMU stopped at start: {log}").format(
                    log=self.qemu_log()[-500:]))
            return open_serial(self.port)  # keeps boot output that arrives at connect

        self._stream = _retry(_open, CONNECT_TIMEOUT_S)  # type: ignore[assignment]

    def qemu_log(self) -> str:
        try:
            return self._log_path.read_text(errors="replace")
        except OSError:
            return ""

    def _qtest_command(self, command: str) -> None:
        if self._qtest is None:
            sock = socket.socket(socket.AF_UNIX)
            _retry(lambda: sock.connect(str(self._qtest_path)), CONNECT_TIMEOUT_S)
            self._qtest = sock
        self._qtest.sendall(command.encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = self._qtest.recv(256)
            if not chunk:
                raise TransportError(_("{board}: QEMU closed its qtest socket").format(
                    board=self.name))
            reply += chunk
        if not reply.startswith(b"OK"):
            raise TransportError(_("{board}: qtest said {reply!r}").format(board=self.name,
                                                                           reply=reply))

    def set_button(self, button: str, pressed: bool) -> None:
        """Hold (pressed=True) or release button 'A' or 'B'."""
        pin = BUTTON_PINS[button.upper()]
        self._qtest_command(
            "set_irq_in /machine/nrf51 unnamed-gpio-in {} {}".format(pin, 0 if pressed else 1)
        )

    def set_pin(self, pin: int, high: bool) -> None:
        """Drive edge pin 0, 1 or 2 from outside (a switch to GND is high=False)."""
        gpio = EDGE_PIN_GPIOS[pin]
        self._qtest_command(
            "set_irq_in /machine/nrf51 unnamed-gpio-in {} {}".format(gpio, 1 if high else 0)
        )

    def press(self, button: str = "A", hold_s: float = DEFAULT_HOLD_S) -> None:
        """Press and release a button; hold it long enough for MicroPython to notice."""
        self.set_button(button, True)
        time.sleep(hold_s)
        self.set_button(button, False)

    def reset(self) -> None:
        """Hard reset: QEMU reloads the hex (files written at run time are gone), main.py runs."""
        self.interrupt()
        self.write(b"import microbit; microbit.reset()\r")
        self._in_raw_repl = False

    def close(self) -> None:
        """Stop QEMU cleanly (SIGTERM, then SIGKILL) and remove its work folder."""
        try:
            super().close()
        except OSError:
            pass
        if self._qtest is not None:
            self._qtest.close()
            self._qtest = None
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
        _live.discard(self)
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def close_all_qemu_boards() -> None:
    """Stop every QEMU this process started (atexit, test teardown)."""
    for board in list(_live):
        board.close()


def _register_cleanup() -> None:
    """Register close_all_qemu_boards at exit once, when the first QEMU starts (not at import)."""
    global _cleanup_registered
    if not _cleanup_registered:
        atexit.register(close_all_qemu_boards)
        _cleanup_registered = True


_cleanup_registered = False
