"""`klimakit run`: run a micro:bit program on the PC, talking to a board (or the simulator)."""
from __future__ import annotations

from pathlib import Path

import click

from kit.cli.output import err_console
from kit.runner import run as run_program


@click.command()
@click.argument("program", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--board", "board_name", metavar="NAME",
              help="The board to use, by its name from `klimakit boards` (e.g. gruppe-3).")
@click.option("--port", metavar="PORT",
              help="A serial port or URL instead of a name: COM3, /dev/ttyACM0, socket://HOST:PORT.")
@click.option("--sim", is_flag=True, help="Run on the simulator (no board needed).")
def run(program: Path, board_name: str | None, port: str | None, sim: bool) -> None:
    """Run a micro:bit program on the PC; the micro:bit does what the program says.

    The program is the same file you would flash: `from microbit import *`, `import radio`
    and `import music` work as on the board. Your Python runs on the PC and every display,
    button, sensor or pin call goes to the board over USB, so you can print(), use the
    debugger, and change the program without flashing. Stop it with Ctrl-C.

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
    """
    if sum(bool(x) for x in (board_name, port, sim)) > 1:
        raise click.UsageError("choose one of --board, --port and --sim")
    result = run_program(program, board=board_name or port, sim=sim, on_output=click.echo,
                         on_display=lambda picture: err_console.print(picture, markup=False))
    if result.interrupted:
        err_console.print("Stoppet (Ctrl-C). {} er klar igen.".format(result.board))
    else:
        err_console.print("[green]Færdig.[/green] {} kørte på {}.".format(program.name,
                                                                      result.board))


COMMANDS = [run]
