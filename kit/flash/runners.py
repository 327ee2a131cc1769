"""What runs a virtual board's program: QEMU (real V1 firmware) or the simulator on the real clock.

Both give the board a serial port another process opens as socket://127.0.0.1:PORT. A
QemuRunner boots the board's V1 hex in QEMU as soon as it is flashed (no waiting for a client:
what it prints before anyone connects is lost, as on USB), dies with the thread that started it
(the virtual board's own, which lives as long as the board), and plays the pupil's button
presses of the lesson's scenario in real time. A SimRunner runs the program in kit.sim's
SimBoard at `speed` x real time (1.0 is a real board's pace) behind kit/flash/bridge.py; the
simulator presses the scenario's buttons itself.
"""
from __future__ import annotations

import logging
import socket
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kit.i18n import gettext as _
from kit.boards import QemuBoard
from kit.build import Program
from kit.errors import KitError
from kit.flash.bridge import SimSerialPort
from kit.flash.engine import Engine

if TYPE_CHECKING:
    from kit.sim import LogStore

log = logging.getLogger(__name__)

LISTEN_TIMEOUT_S = 15.0


class Runner(Protocol):
    """The engine of one virtual board while it runs a program."""

    @property
    def port(self) -> str | None: ...

    @property
    def running(self) -> bool: ...

    def press(self, button: str) -> None: ...

    def close(self) -> None: ...


class QemuRunner:
    """The board's V1 hex in QEMU, with the scenario's button presses."""

    def __init__(self, v1_hex: str, name: str, workdir: Path, engine: Engine) -> None:
        hex_path = workdir / "program.hex"
        workdir.mkdir(parents=True, exist_ok=True)
        hex_path.write_text(v1_hex)
        self.qemu = QemuBoard(hex_path, name=name, connect=False, workdir=workdir,
                              die_with_thread=True)
        self._stop = threading.Event()
        try:
            _wait_listening(self.qemu)  # like a real board: the port exists once it is back
        except BaseException:
            self.close()
            raise
        presses = _scenario_presses(engine.scenario)
        self._presser = threading.Thread(target=self._press_on_time, args=(presses,),
                                         daemon=True, name="presses-" + name)
        self._presser.start()

    @property
    def port(self) -> str | None:
        return self.qemu.port

    @property
    def running(self) -> bool:
        return self.qemu.running

    def press(self, button: str) -> None:
        self.qemu.press(button)

    def _press_on_time(self, presses: list[tuple[str, float]]) -> None:
        started = time.monotonic()
        for button, at in presses:
            if self._stop.wait(max(0.0, started + at - time.monotonic())):
                return
            try:
                self.qemu.press(button)
            except (KitError, OSError) as err:
                log.info("%s: press %s: %s", self.qemu.name, button, err)
                return

    def close(self) -> None:
        self._stop.set()
        self.qemu.close()


class SimRunner:
    """The board's program in the simulator, on the real clock, behind a TCP serial port."""

    def __init__(self, program: Program, name: str, version: str, engine: Engine, *,
                 seed: int, speed: float, log_store: LogStore | None = None) -> None:
        from kit.sim import SimBoard  # the simulator is loaded only for boards that need it

        board = SimBoard(program, name=name, version=version, scenario=engine.scenario,
                         seed=seed, speed=speed, log_store=log_store)
        self.board = board
        self.serial = SimSerialPort(board)

    @property
    def port(self) -> str | None:
        return self.serial.port

    @property
    def running(self) -> bool:
        return self.serial.running

    def press(self, button: str) -> None:
        self.board.press(button)

    def close(self) -> None:
        self.serial.close()


def _scenario_presses(scenario: str) -> list[tuple[str, float]]:
    from kit.sim import make_scenario

    try:
        return sorted(make_scenario(scenario).presses, key=lambda press: press[1])
    except KitError:
        return []


def _wait_listening(qemu: QemuBoard, timeout_s: float = LISTEN_TIMEOUT_S) -> None:
    """Wait until QEMU accepts connections on its serial port (it needs a moment to start)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            socket.create_connection(("127.0.0.1", qemu.tcp_port), timeout=1).close()
            return
        except OSError as err:
            if not qemu.running or time.monotonic() > deadline:
                raise KitError(
                    _("QEMU did not open its serial port: {}").format(
                        qemu.qemu_log()[-300:])) from err
            time.sleep(0.02)
