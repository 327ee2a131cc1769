"""`klimakit virtual up`: a class set of virtual micro:bits to rehearse with, no hardware."""
from __future__ import annotations

import os
import time
from pathlib import Path

import click

from kit.cli.output import err_console
from kit.flash import DAPLINK_BYTES_PER_S, VirtualFleet


@click.group()
def virtual() -> None:
    """Virtual micro:bits: drives you can flash, running real MicroPython in QEMU.

    \b
    Example:
      klimakit virtual up -n 8
    """


@virtual.command("up")
@click.option("-n", "--count", type=click.IntRange(1, 32), default=8, show_default=True,
              help="How many virtual boards.")
@click.option("--dir", "root", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the MICROBIT drives (default: a new temp folder).")
@click.option("--usb-speed/--fast", default=True, show_default=True,
              help="Take files at a real micro:bit's pace (~14 s per hex), or at once.")
@click.option("--seconds", type=click.FloatRange(0), default=None,
              help="Stop after this many seconds (default: run until Ctrl-C).")
def up(count: int, root: Path | None, usb_speed: bool, seconds: float | None) -> None:
    """Start virtual micro:bits and keep them running until Ctrl-C.

    Each board is a MICROBIT drive folder. Flash it like a real one (`klimakit flash`, or copy
    a .hex onto it): it restarts, shows FAIL.TXT for a bad file, and runs the program in QEMU
    with a serial port that `klimakit boards` and `klimakit record` find. Run the printed
    export line in another terminal first.

    \b
    Example:
      klimakit virtual up -n 8
      (other terminal) export KLIMAKIT_DRIVE_ROOTS=/tmp/klimakit-drives-…
      klimakit flash sensortjek --all
    """
    def event(name: str, what: str) -> None:
        err_console.print("{}: {}".format(name, what), markup=False)

    fleet = VirtualFleet(root, count, bytes_per_s=DAPLINK_BYTES_PER_S if usb_speed else None,
                         on_event=event)
    with fleet:
        err_console.print("{} virtual micro:bits in {}".format(count, fleet.root))
        err_console.print("In another terminal, run:")
        click.echo("export KLIMAKIT_DRIVE_ROOTS={}".format(fleet.root))
        err_console.print("Stop with Ctrl-C (every QEMU is stopped and the drives removed).")
        deadline = None if seconds is None else time.monotonic() + seconds
        try:
            while deadline is None or time.monotonic() < deadline:
                time.sleep(0.2)
        except KeyboardInterrupt:
            err_console.print("Stopping…")
    err_console.print("Stopped. (pid {})".format(os.getpid()))


COMMANDS = [virtual]
