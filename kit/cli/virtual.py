"""`klimakit virtual up`: a class set of virtual micro:bits to rehearse with, no hardware.

Lifetime: the boards run until Ctrl-C (SIGINT), `kill` (SIGTERM), the terminal closing
(SIGHUP), `--seconds`, or the process that started `virtual up` going away (its parent
process id changes: the terminal or script that ran it has died). Each of these only asks the
loop to end; the fleet then stops every QEMU and simulated board and removes its drive
folders, registry and state folder (kit/flash/fleet.py). After SIGKILL nothing can clean up:
the QEMUs die with their threads, and the next `virtual up` removes the state folder.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import click

from kit.cli.output import err_console, print_to_copy
from kit.cli.translate import KitPath, group, option
from kit.flash import DAPLINK_BYTES_PER_S, ENGINE_CHOICES, VirtualFleet
from kit.i18n import N_, ngettext
from kit.i18n import gettext as _

_STOP_WORDS = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}
if hasattr(signal, "SIGHUP"):
    _STOP_WORDS[signal.SIGHUP] = N_("the terminal was closed")


@group()
def virtual() -> None:
    """Virtual micro:bits: drives you can flash, running real MicroPython in QEMU or the
    simulator.

    \b
    Example:
      klimakit virtual up -n 8 --v2 4
    """


def _stop_on_signals(stop: list[str]) -> Callable[[], None]:
    """SIGINT, SIGTERM and SIGHUP end the loop (`stop` gets the reason); returns a restorer."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.append(_(_STOP_WORDS.get(signal.Signals(signum), str(signum))))

    old: dict[signal.Signals, Any] = {sig: signal.signal(sig, handler) for sig in _STOP_WORDS}

    def restore() -> None:
        for sig, previous in old.items():
            signal.signal(sig, previous)

    return restore


def _say(text: str, gone: list[bool]) -> None:
    """Print to stderr unless the terminal is gone (after SIGHUP writing to it fails)."""
    if gone:
        return
    try:
        err_console.print(text, markup=False)
    except OSError:
        gone.append(True)


@virtual.command("up")
@option("-n", "--count", type=click.IntRange(1, 32), default=8, show_default=True,
        help=N_("How many virtual boards."))
@option("--v2", "v2_count", type=click.IntRange(0, 32), default=0, show_default=True,
        help=N_("How many of them are micro:bit V2 (the last ones; they run in the "
                "simulator, as QEMU has no V2)."))
@option("--dir", "root", type=KitPath(file_okay=False, path_type=Path),
        help=N_("Folder for the MICROBIT drives (default: a new temp folder)."))
@option("--usb-speed/--fast", default=True, show_default=True,
        help=N_("Take files at a real micro:bit's pace (~14 s per hex), or at once."))
@option("--engine", type=click.Choice(ENGINE_CHOICES), default="auto", show_default=True,
        help=N_("What runs the programs: auto (QEMU where it can, else the simulator), "
                "qemu, or sim (the simulator for every board)."))
@option("--sim-speed", type=click.FloatRange(0.1, 1000), default=1.0, show_default=True,
        help=N_("Simulated boards run this many times faster than a real one (e.g. 20 "
                "to rehearse a 40-minute lesson in 2 minutes)."))
@option("--seconds", type=click.FloatRange(0), default=None, metavar=N_("SECONDS"),
        help=N_("Stop after this many seconds (default: run until Ctrl-C)."))
def up(count: int, v2_count: int, root: Path | None, usb_speed: bool, engine: str,
       sim_speed: float, seconds: float | None) -> None:
    """Start virtual micro:bits and keep them running until Ctrl-C.

    Each board is a MICROBIT drive folder. Flash it like a real one (`klimakit flash`, or copy
    a .hex onto it): it restarts, shows FAIL.TXT for a bad file, and runs the program with a
    serial port that `klimakit boards` and `klimakit record` find. A V1 program runs on the
    real micro:bit firmware in QEMU; one that uses what QEMU lacks (temperature, compass,
    radio, music, a V2) runs in the simulator. `klimakit boards` says which and why. Run the
    printed export line in another terminal first. The boards get their own names
    (gruppe-1, …) and are never written into the school's inventory.

    \b
    Example:
      klimakit virtual up -n 8 --v2 4
      (other terminal) export KLIMAKIT_DRIVE_ROOTS=/tmp/klimakit-drives-…
      klimakit flash sensortjek --all
    """
    if v2_count > count:
        raise click.BadParameter(_("--v2 {v2} is more than the {count} boards (-n)").format(
            v2=v2_count, count=count), param_hint="--v2")
    gone: list[bool] = []
    stop: list[str] = []
    versions = ["v1"] * (count - v2_count) + ["v2"] * v2_count
    fleet = VirtualFleet(root, count, bytes_per_s=DAPLINK_BYTES_PER_S if usb_speed else None,
                         on_event=lambda name, what: _say("{}: {}".format(name, what), gone),
                         versions=versions, engine=engine, sim_speed=sim_speed)
    restore = _stop_on_signals(stop)
    try:
        with fleet:
            _say(ngettext("{count} virtual micro:bit ({v1} V1, {v2} V2) in {folder}",
                          "{count} virtual micro:bits ({v1} V1, {v2} V2) in {folder}",
                          count).format(count=count, v1=count - v2_count, v2=v2_count,
                                        folder=fleet.root), gone)
            _say(_("In another terminal, run:"), gone)
            print_to_copy("export KLIMAKIT_DRIVE_ROOTS={}".format(fleet.root), err=False)
            _say(_("Stop with Ctrl-C (every QEMU is stopped and the drives removed)."), gone)
            _wait(seconds, stop)
            _say(_("Stopping ({why})…").format(why=stop[0] if stop else _("time is up")), gone)
    finally:
        restore()
    _say(_("Stopped. (pid {pid})").format(pid=os.getpid()), gone)


def _wait(seconds: float | None, stop: list[str]) -> None:
    """Sleep until `seconds` pass, a signal arrives, or the parent process has gone."""
    deadline = None if seconds is None else time.monotonic() + seconds
    parent = os.getppid()
    try:
        while not stop and (deadline is None or time.monotonic() < deadline):
            if os.getppid() != parent:  # re-parented: whoever started us has died
                stop.append(_("the process that started it is gone"))
                return
            time.sleep(0.2)
    except KeyboardInterrupt:  # off the main thread no handler is installed
        stop.append("Ctrl-C")


COMMANDS = [virtual]
