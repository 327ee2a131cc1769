"""`klimakit collect`: every plugged-in board's own field log into recording files."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from kit.boards import BoardInfo, SerialBoard, find_boards, select_boards
from kit.cli.output import err_console
from kit.errors import KitError
from kit.hardware import V1
from kit.record import Collected, collect_board


def _collect_one(info: BoardInfo, out: Path, clear: bool, excel_da: bool) -> Collected:
    if info.version != V1:
        raise KitError("{}: kun micro:bit V1 kan samles over USB endnu; en V2's log ligger i "
                       "MY_DATA.HTM på dens drev ({}).".format(info.label, info.drive or "-"))
    board = SerialBoard.from_info(info)
    try:
        return collect_board(board, out, clear=clear, excel_da=excel_da)
    finally:
        board.close()


@click.command()
@click.option("--all", "all_boards", is_flag=True, help="Collect from every board plugged in.")
@click.option("-b", "--board", "names", multiple=True, metavar="NAME",
              help="Collect from this board (name or unique id). Repeat for more.")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True, help="Folder for the recording files.")
@click.option("--clear", is_flag=True,
              help="Erase each board's log once its readings are safely on disk.")
@click.option("--excel-da", is_flag=True, help="CSV for Danish Excel (; and decimal comma).")
def collect(all_boards: bool, names: tuple[str, ...], out: Path, clear: bool,
            excel_da: bool) -> None:
    """Get the readings boards kept themselves (flashed with --log-on-board).

    Each board's program is stopped, asked for the readings it still holds, and its log
    files are read and checked (checksum); every start of the program becomes a recording
    of its own (CSV, raw log, sidecar, graph) in --out. The session still running gets clock
    times from the board's clock; earlier ones keep seconds since they started. With --clear
    the log is erased only after the files are written. The program then starts again.

    \b
    Examples:
      klimakit collect --all --out feltdata
      klimakit collect --board gruppe-3 --clear
    """
    out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for info in select_boards(find_boards(), names, all_boards):
        try:
            result = _collect_one(info, out, clear, excel_da)
        except KitError as err:
            failed += 1
            err_console.print("[red]{}[/red]: {}".format(escape(info.label), escape(str(err))))
            continue
        err_console.print("{}: {} målinger{}".format(
            escape(info.label), result.readings, ", loggen slettet" if result.cleared else ""))
        for note in result.notes:
            err_console.print("  " + escape(note))
        for run in result.runs:
            click.echo(str(run.csv))
    if failed:
        sys.exit(1)


COMMANDS = (collect,)
