"""`klimakit run`: run a micro:bit program on the PC, talking to a board (or the simulator)."""
from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from kit.cli.output import echo, err_console
from kit.cli.translate import KitPath, argument, command, option
from kit.i18n import N_
from kit.i18n import gettext as _
from kit.runner import SimOptions
from kit.runner import run as run_program
from kit.sim import SCENARIOS


@command()
@argument("program", type=KitPath(exists=True, dir_okay=False, path_type=Path),
          metavar=N_("PROGRAM"))
@option("--board", "board_name", metavar=N_("NAME"),
        help=N_("The micro:bit to use, by its name from `klimakit boards` (e.g. gruppe-3)."))
@option("--port", metavar=N_("PORT"),
        help=N_("A serial port or URL instead of a name: COM3, /dev/ttyACM0, "
                "socket://HOST:PORT."))
@option("--sim", is_flag=True,
        help=N_("No micro:bit: the simulator stands in for it (the program stays CPython)."))
@option("--as-flashed", "as_flashed", is_flag=True,
        help=N_("Simulate the program as a micro:bit runs it once flashed: MicroPython's "
                "numbers, messages, modules and memory (implies --sim)."))
@option("--version", "version", type=click.Choice(["v1", "v2"]),
        help=N_("Simulated micro:bit version. Default: the lesson's, else V1 unless the "
                "program needs a V2."))
@option("--scenario", type=click.Choice(sorted(SCENARIOS)),
        help=N_("Sensor scenario for the simulator. Default: the lesson's, else calm."))
@click.pass_context
def run(ctx: click.Context, program: Path, board_name: str | None, port: str | None, sim: bool,
        as_flashed: bool, version: str | None, scenario: str | None) -> None:
    """Run a micro:bit program on the PC; the micro:bit does what the program says.

    It runs two kinds of program. A host program (bitio style): your Python runs on the PC
    and every display, button, sensor or pin call goes to the micro:bit over USB, so you
    can print(), use the debugger, and change the program without flashing. With --sim the
    simulator stands in for the micro:bit; the program keeps CPython's behaviour (queue,
    threads, files on the PC, Image.STD_IMAGES all work).

    A board program (the file you flash): --as-flashed simulates it the way the micro:bit
    runs it, with MicroPython's number printing (0.1 + 0.2 is 0.3), dict order, error
    messages, modules and V1's small memory (checked against the real V1 firmware). Choose
    the micro:bit with --version and the sensors with --scenario.

    Not a sandbox: the program is Python running on this PC with YOUR rights, with --sim
    and --as-flashed too. It can read and change your files and start other programs. Only
    run programs you trust, as you would any Python program.

    sys.exit(3) in the program makes klimakit exit with 3. Stop it with Ctrl-C.

    \b
    Example (mit_program.py):
      from microbit import *
      while True:
          if button_a.was_pressed():
              display.scroll(str(temperature()))
          sleep(100)

    \b
    Examples:
      klimakit run mit_program.py                   # the only micro:bit plugged in
      klimakit run mit_program.py --board gruppe-3  # one of several micro:bits
      klimakit run mit_program.py --sim             # no micro:bit: the simulator
      klimakit run mit_program.py --as-flashed --version v1 --scenario cooling
    """
    if sum(bool(x) for x in (board_name, port, sim or as_flashed)) > 1:
        raise click.UsageError(_("choose one of --board, --port and --sim/--as-flashed "
                                 "(a program for a real micro:bit is flashed: klimakit flash)"))
    if (version or scenario) and not (sim or as_flashed):
        raise click.UsageError(_("--version and --scenario are for the simulator: add --sim "
                                 "or --as-flashed"))
    options = SimOptions(as_flashed=as_flashed, version=version, scenario=scenario)
    result = run_program(program, board=board_name or port, sim=sim or as_flashed,
                         on_output=click.echo, options=options,
                         on_display=lambda picture: err_console.print(picture, markup=False))
    if result.interrupted:
        echo(_("Stopped (Ctrl-C). {board} is ready again.").format(board=result.board),
             err=True)
    else:
        err_console.print(_("[green]Done.[/green] {program} ran on {board}.").format(
            program=escape(program.name), board=escape(result.board)))
    if result.exit_code:
        ctx.exit(result.exit_code)


COMMANDS = [run]
