"""`klimakit collect`: every plugged-in board's own field log into recording files."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from kit.boards import BoardInfo, SerialBoard, find_boards, select_boards
from kit.cli.output import err_console
from kit.cli.translate import KitPath, command, option
from kit.errors import KitError
from kit.hardware import V1
from kit.i18n import N_, ngettext
from kit.i18n import gettext as _
from kit.record import Collected, collect_board, collect_my_data, read_my_data, read_v2_clock


def _collect_one(info: BoardInfo, out: Path, clear: bool, excel_da: bool) -> Collected:
    if info.version != V1:
        return _collect_v2(info, out, clear, excel_da)
    board = SerialBoard.from_info(info)
    try:
        return collect_board(board, out, clear=clear, excel_da=excel_da)
    finally:
        board.close()


def _collect_v2(info: BoardInfo, out: Path, clear: bool, excel_da: bool) -> Collected:
    """MY_DATA.HTM from the board's drive (kit/record/collect_v2.py); never erased here."""
    if info.drive is None:
        raise KitError(_("{board}: a micro:bit V2 keeps its log in MY_DATA.HTM on its "
                         "MICROBIT drive, and no drive of it is mounted. Plug it in again "
                         "and wait for the drive.").format(board=info.label))
    path = info.drive / "MY_DATA.HTM"
    if not path.is_file():
        raise KitError(_("{board}: no MY_DATA.HTM on its drive {drive}: the board has logged "
                         "nothing since it was flashed (was it flashed with --log-on-board?)"
                         ).format(board=info.label, drive=info.drive))
    datalog = read_my_data(path)  # before the clock: asking restarts the program (a new start)
    clock = None
    if info.port:  # its clock gives the current run's rows PC times
        board = SerialBoard.from_info(info)
        try:
            clock = read_v2_clock(board)
        finally:
            board.close()
    result = collect_my_data(path, info.label, out, unique_id=info.unique_id,
                             excel_da=excel_da, clock=clock, datalog=datalog,
                             lesson=_last_flashed(info))
    if clear:
        result.notes.append(_("the log of a micro:bit V2 is not erased by collect: the PC may "
                              "see the drive as it was when the board was plugged in, so "
                              "erasing it over USB could lose the newest readings. It is "
                              "erased when the board is flashed again (klimakit flash)."))
    return result


def _last_flashed(info: BoardInfo) -> str:
    """The program last flashed onto the board, from the inventory ("" if it cannot say).

    Flashing clears a V2's log (docs/fieldlog.md), so a log of another lesson means that
    did not hold: collect names it."""
    from kit.inventory import InventoryEvent, board_history

    try:
        history = board_history(info.unique_id, store=info.store or None, limit=20)
    except KitError:
        return ""
    return next((e.program for e in history if e.kind is InventoryEvent.FLASHED), "")


@command()
@option("--all", "all_boards", is_flag=True, help=N_("Collect from every board plugged in."))
@option("-b", "--board", "names", multiple=True, metavar=N_("NAME"),
        help=N_("Collect from this board (name or unique id). Repeat for more."))
@option("-o", "--out", type=KitPath(file_okay=False, path_type=Path), default=Path("."),
        show_default=True, help=N_("Folder for the recording files."))
@option("--clear", is_flag=True,
        help=N_("Erase each board's log once its readings are safely on disk."))
@option("--excel-da", is_flag=True, help=N_("CSV for Danish Excel (; and decimal comma)."))
def collect(all_boards: bool, names: tuple[str, ...], out: Path, clear: bool,
            excel_da: bool) -> None:
    """Get the readings boards kept themselves (flashed with --log-on-board).

    A V1's program is stopped, asked for the readings it still holds, and its log files are
    read and checked (checksum); the session still running gets clock times from the
    board's clock, earlier ones keep seconds since they started. A V2's log is read from
    MY_DATA.HTM on its MICROBIT drive; its last start gets clock times if its serial port
    answers, earlier ones keep seconds since the board started. Every start of the program
    becomes a recording of its own (CSV, raw log, sidecar, graph) in --out. With --clear a
    V1's log is erased only after the files are written, and its program starts again; a
    V2's log is erased when the board is flashed again.

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
        text = ngettext("{board}: {count} reading", "{board}: {count} readings",
                        result.readings).format(board=escape(info.label), count=result.readings)
        err_console.print(text + (_(", log erased") if result.cleared else ""))
        for note in result.notes:
            err_console.print("  " + escape(note))
        for run in result.runs:
            click.echo(str(run.csv))
    if failed:
        sys.exit(1)


COMMANDS = (collect,)
