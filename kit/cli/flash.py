"""`klimakit build` and `klimakit flash`: a lesson's program onto a whole class set."""
from __future__ import annotations

import threading
from pathlib import Path

import click
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kit.boards import BoardInfo, find_boards
from kit.build import BuiltHex, build_target
from kit.cli.output import err_console
from kit.errors import KitError
from kit.flash import (
    FlashPhase, FlashResult, FlashStatus, choose_boards_to_flash, flash_boards, record_in_inventory,
)

_STATUS = {
    FlashStatus.OK: "[green]OK[/green]", FlashStatus.FAILED: "[red]FEJL[/red]",
    FlashStatus.SKIPPED: "[yellow]sprunget over[/yellow]",
}
_PHASE = {FlashPhase.COPY: "kopierer", FlashPhase.WAIT: "genstarter", FlashPhase.DONE: "tjekker"}


def _describe(built: BuiltHex) -> str:
    kind = "universal hex" if built.info.universal else "hex"
    return "{}: {} til {}, {:.0f} KB{}".format(
        built.name, kind, "+".join(v.upper() for v in built.info.versions),
        built.info.size_bytes / 1000, " (fra cache)" if built.from_cache else "")


@click.command()
@click.argument("target")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the hex (default: <program>.hex here).")
def build(target: str, out: Path | None) -> None:
    """Build a micro:bit hex file from a lesson or a .py program.

    The program is checked first (micro:bit V1 Python, size), shared firmware/lib modules are
    put into it, and the result is one universal hex that runs on V1 and V2. Copy it onto a
    MICROBIT drive yourself, or use `klimakit flash`.

    \b
    Examples:
      klimakit build sensortjek
      klimakit build mit_program.py -o mit_program.hex
    """
    built = build_target(target)
    for warning in built.warnings:
        err_console.print("[yellow]Advarsel:[/yellow] " + warning, markup=True)
    out = out or Path("{}.hex".format(built.name))
    try:
        out.write_text(built.text, encoding="ascii")
    except OSError as err:
        raise KitError("cannot write {}: {}".format(out, err)) from err
    err_console.print(_describe(built))
    click.echo(str(out))


def _run_with_progress(built: BuiltHex, boards: list[BoardInfo],
                       timeout: float) -> list[FlashResult]:
    lock = threading.Lock()
    with Progress(TextColumn("{task.description:<28}"), BarColumn(), DownloadColumn(),
                  TimeElapsedColumn(), console=err_console, transient=False) as progress:
        tasks = {b.unique_id: progress.add_task("{} venter".format(b.label),
                                                total=len(built.data)) for b in boards}

        def update(board: BoardInfo, phase: FlashPhase, done: int, total: int) -> None:
            with lock:
                progress.update(tasks[board.unique_id], completed=done,
                                description="{} {}".format(board.label, _PHASE.get(phase, phase)))

        results = flash_boards(built, boards, on_progress=update, timeout_s=timeout)
        for result in results:
            progress.update(tasks[result.board.unique_id], description="{} {}".format(
                result.board.label, "færdig" if result.ok else "fejl"))
    return results


def _table(results: list[FlashResult]) -> Table:
    table = Table(title="Resultat")
    for column in ("Board", "Drev", "Status", "Tid", "Hvad skete der / hvad gør jeg"):
        table.add_column(column)
    for r in results:
        # Messages quote paths and the board's FAIL.TXT: plain text, not rich markup.
        text = escape(r.message + ("\n→ " + r.advice if r.advice else ""))
        table.add_row(escape(r.board.label), escape(str(r.board.drive or "-")), _STATUS[r.status],
                      "{:.1f} s".format(r.seconds) if r.seconds else "", text)
    return table


@click.command()
@click.argument("target")
@click.option("--all", "all_boards", is_flag=True, help="Flash every micro:bit plugged in.")
@click.option("-b", "--board", "names", multiple=True, metavar="NAME",
              help="Flash this board (name like gruppe-3, or unique id). Repeat for more.")
@click.option("--timeout", type=click.FloatRange(5, 600), default=60.0, show_default=True,
              help="Seconds to wait for each board to restart after the copy.")
def flash(target: str, all_boards: bool, names: tuple[str, ...], timeout: float) -> None:
    """Put a lesson's program (or a .py / .hex file) onto many micro:bits at once.

    The program is built and checked before any board is touched. Then every board gets the
    hex at the same time, restarts, and is checked for DAPLink's FAIL.TXT. The table at the
    end says per board what happened and what to do; the exit code is 1 if any board failed.
    Each flash is written into the inventory (`klimakit inventory`).

    \b
    Examples:
      klimakit flash sensortjek --all
      klimakit flash mit_program.py --board gruppe-3 --board gruppe-4
    """
    built = build_target(target)
    for warning in built.warnings:
        err_console.print("[yellow]Advarsel:[/yellow] " + warning)
    boards, skipped = choose_boards_to_flash(find_boards(), names, all_boards)
    err_console.print("{} → {} micro:bit(s)".format(_describe(built), len(boards)))
    results = _run_with_progress(built, boards, timeout) + skipped
    try:
        record_in_inventory(built, results)
    except KitError as err:  # the boards are flashed; a full disk must not hide the table
        err_console.print("[yellow]Inventory not updated:[/yellow] {}".format(err))
    err_console.print(_table(results))
    failed = [r for r in results if r.status is FlashStatus.FAILED]
    ok = sum(r.ok for r in results)
    err_console.print("{} af {} flashet.".format(ok, len(results) - len(skipped)))
    if failed:
        raise click.exceptions.Exit(1)


COMMANDS = [build, flash]
