"""`klimakit run`: run a micro:bit program on the PC, talking to a board (or the simulator)."""
from __future__ import annotations

from pathlib import Path

import click

from kit.cli.output import err_console
from kit.runner import SimOptions
from kit.runner import run as run_program
from kit.sim import SCENARIOS


@click.command()
@click.argument("program", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--board", "board_name", metavar="NAME",
              help="The board to use, by its name from `klimakit boards` (e.g. gruppe-3).")
@click.option("--port", metavar="PORT",
              help="A serial port or URL instead of a name: COM3, /dev/ttyACM0, socket://HOST:PORT.")
@click.option("--sim", is_flag=True,
              help="No board: the simulator stands in for it (the program stays CPython).")
@click.option("--as-flashed", "as_flashed", is_flag=True,
              help="Simulate the program as a board runs it once flashed: MicroPython's "
                   "numbers, messages, modules and memory (implies --sim).")
@click.option("--version", "version", type=click.Choice(["v1", "v2"]),
              help="Simulated micro:bit version. Default: the lesson's, else V1 unless the "
                   "program needs a V2.")
@click.option("--scenario", type=click.Choice(sorted(SCENARIOS)), metavar="NAME",
              help="Sensor scenario for the simulator ({}). Default: the lesson's, else "
                   "calm.".format(", ".join(sorted(SCENARIOS))))
@click.pass_context
def run(ctx: click.Context, program: Path, board_name: str | None, port: str | None, sim: bool,
        as_flashed: bool, version: str | None, scenario: str | None) -> None:
    """Run a micro:bit program on the PC; the micro:bit does what the program says.

    Two kinds of program:

    \b
    * a host program (bitio style): your Python runs on the PC and every display,
      button, sensor or pin call goes to the board over USB, so you can print(), use
      the debugger, and change the program without flashing. With --sim the simulator
      stands in for the board; the program keeps CPython's behaviour (queue, threads,
      files on the PC, Image.STD_IMAGES all work).
    * a board program (the file you flash): --as-flashed simulates it the way the
      micro:bit runs it, with MicroPython's number printing (0.1 + 0.2 is 0.3), dict
      order, error messages, modules and V1's small memory (checked against the real
      V1 firmware). Choose the board with --version and the sensors with --scenario.

    \b
    Not a sandbox: the program is Python running on this PC with YOUR rights, with
    --sim and --as-flashed too. It can read and change your files and start other
    programs. Only run programs you trust, as you would any Python program.

    sys.exit(3) in the program makes klimakit exit with 3. Stop it with Ctrl-C.

    \b
    Example (mit_program.py):
      from microbit import *
      while True:
          if button_a.was_pressed():
              display.scroll(str(temperature()))
          sleep(100)
    \b
      klimakit run mit_program.py                   # the only micro:bit plugged in
      klimakit run mit_program.py --board gruppe-3  # one of several boards
      klimakit run mit_program.py --sim             # no board: the simulator
      klimakit run mit_program.py --as-flashed --version v1 --scenario cooling
    """
    if sum(bool(x) for x in (board_name, port, sim or as_flashed)) > 1:
        raise click.UsageError("choose one of --board, --port and --sim/--as-flashed "
                               "(a program for a real board is flashed: klimakit flash)")
    if (version or scenario) and not (sim or as_flashed):
        raise click.UsageError("--version and --scenario are for the simulator: add --sim or "
                               "--as-flashed")
    options = SimOptions(as_flashed=as_flashed, version=version, scenario=scenario)
    result = run_program(program, board=board_name or port, sim=sim or as_flashed,
                         on_output=click.echo, options=options,
                         on_display=lambda picture: err_console.print(picture, markup=False))
    if result.interrupted:
        err_console.print("Stoppet (Ctrl-C). {} er klar igen.".format(result.board))
    else:
        err_console.print("[green]Færdig.[/green] {} kørte på {}.".format(program.name,
                                                                      result.board))
    if result.exit_code:
        ctx.exit(result.exit_code)


COMMANDS = [run]
