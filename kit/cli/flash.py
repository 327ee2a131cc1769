"""`klimakit build` and `klimakit flash`: a lesson's program onto a whole class set."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import click
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kit.boards import BoardInfo, find_boards
from kit.build import BuiltHex, build_target
from kit.cli.boards import engine_label
from kit.cli.output import err_console, json_text
from kit.cli.translate import KitPath, argument, command, option
from kit.errors import KitError
from kit.flash import (
    VERIFY_TIMEOUT_S, FlashPhase, FlashResult, FlashStatus, choose_boards_to_flash, flash_boards,
    record_in_inventory,
)
from kit.hardware import VERSIONS
from kit.i18n import N_, ngettext, number
from kit.i18n import gettext as _

_STATUS = {
    FlashStatus.OK: N_("[green]OK[/green]"), FlashStatus.FAILED: N_("[red]FAILED[/red]"),
    FlashStatus.SKIPPED: N_("[yellow]skipped[/yellow]"),
}
_PHASE = {FlashPhase.COPY: N_("copying"), FlashPhase.WAIT: N_("restarting"),
          FlashPhase.DONE: N_("checking")}


def _describe(built: BuiltHex) -> str:
    versions = "+".join(v.upper() for v in built.info.versions)
    size = number(built.info.size_bytes / 1000)
    if built.info.universal:
        text = _("{program}: universal hex for {versions}, {size} KB").format(
            program=built.name, versions=versions, size=size)
    else:
        text = _("{program}: hex for {versions}, {size} KB").format(
            program=built.name, versions=versions, size=size)
    return text + (_(" (from the cache)") if built.from_cache else "")


def _inside(built: BuiltHex) -> list[str]:
    """Per board version: its MicroPython, the files, and the filesystem bytes used."""
    lines = []
    for part in built.contents:
        files = ", ".join("{} ({} B)".format(name, number(size)) for name, size in part.files)
        lines += ["  {}: MicroPython {} ({})".format(part.version.upper(), part.release,
                                                     part.micropython),
                  _("      files: {files}").format(files=files or _("none")),
                  _("      filesystem: {used} of {total} bytes used").format(
                      used=number(part.used_bytes), total=number(part.fs_bytes))]
    return lines


def _as_json(built: BuiltHex, out: Path) -> dict[str, object]:
    return {
        "program": built.name, "file": str(out), "bytes": len(built.data),
        "universal": built.info.universal, "versions": list(built.info.versions),
        "boards": [{"version": part.version, "micropython": part.release,
                    "firmware": part.micropython, "fs_used_bytes": part.used_bytes,
                    "fs_bytes": part.fs_bytes,
                    "files": [{"name": name, "bytes": size} for name, size in part.files]}
                   for part in built.contents],
        "warnings": list(built.warnings),
    }


@command()
@argument("target", metavar=N_("TARGET"))
@option("-o", "--out", type=KitPath(dir_okay=False, path_type=Path),
        help=N_("Where to write the hex (default: <program>.hex here)."))
@option("--board", "version", type=click.Choice(VERSIONS),
        help=N_("Build for one micro:bit version only (a smaller hex)."))
@option("--json", "as_json", is_flag=True, help=N_("Describe the hex as JSON on stdout."))
def build(target: str, out: Path | None, version: str | None, as_json: bool) -> None:
    """Build a micro:bit hex file from a lesson or a .py program.

    Every file is checked first with each micro:bit's own compiler (file:line for errors) and
    against the size of its filesystem. The program and the modules it imports (yours beside
    it, and firmware/lib's) go onto the board as files. The result is one universal hex that
    runs on V1 and V2 (or, with --board, a hex for one version). It says which MicroPython
    each board gets and what is in its filesystem. Copy the hex onto a MICROBIT drive
    yourself, or use `klimakit flash`.

    \b
    Examples:
      klimakit build sensortjek
      klimakit build mit_program.py -o mit_program.hex
      klimakit build sensortjek --board v2 --json
    """
    built = build_target(target, versions=(version,) if version else None)
    for warning in built.warnings:
        err_console.print(_("[yellow]Warning:[/yellow] {warning}").format(
            warning=escape(warning)), markup=True)
    out = out or Path("{}{}.hex".format(built.name, "-" + version if version else ""))
    try:
        out.write_text(built.text, encoding="ascii")
    except OSError as err:
        raise KitError(_("cannot write {path}: {reason}").format(
            path=out, reason=err.strerror or err)) from err
    if as_json:
        click.echo(json.dumps(_as_json(built, out), indent=2, ensure_ascii=False))
        return
    err_console.print(escape(_describe(built)))
    for line in _inside(built):
        err_console.print(line, markup=False, soft_wrap=True)
    click.echo(str(out))


def _run_with_progress(built: BuiltHex, boards: list[BoardInfo], timeout: float,
                       verify_s: float, show: bool) -> list[FlashResult]:
    lock = threading.Lock()
    with Progress(TextColumn("{task.description:<28}"), BarColumn(), DownloadColumn(),
                  TimeElapsedColumn(), console=err_console, transient=False,
                  disable=not show) as progress:
        tasks = {b.unique_id: progress.add_task(_("{board} waiting").format(board=b.label),
                                                total=len(built.data_for(b.version)))
                 for b in boards}

        def update(board: BoardInfo, phase: FlashPhase, done: int, total: int) -> None:
            with lock:
                progress.update(tasks[board.unique_id], completed=done,
                                description="{} {}".format(board.label, _(_PHASE[phase])
                                                           if phase in _PHASE else phase))

        results = flash_boards(built, boards, on_progress=update, timeout_s=timeout,
                               verify_s=verify_s)
        for result in results:
            progress.update(tasks[result.board.unique_id], description="{} {}".format(
                result.board.label, _("done") if result.ok else _("failed")))
    return results


def _running_cell(result: FlashResult) -> str:
    if result.status is not FlashStatus.OK or result.running is None and not result.check:
        return ""
    if result.running:
        text = _("running {lesson}").format(lesson=result.lesson) if result.lesson \
            else _("running")
        return "[green]{}[/green]".format(escape(text))
    if result.running is False:
        return _("[red]not sending[/red]")
    return "[yellow]?[/yellow]"


def _engine_text(board: BoardInfo) -> str:
    """What runs a virtual board's program, and why (empty for a real board)."""
    return _("Runs on: {engine}").format(engine=engine_label(board)) if board.virtual else ""


def _table(results: list[FlashResult]) -> Table:
    # At 80 columns the board's name (an id to type) is never cut or wrapped; the drive is a
    # line of the last cell (a long mount path would leave no room for the sentence), and
    # that cell takes what is left and wraps (tests/test_language.py).
    table = Table(title=_("Result"), expand=True)
    table.add_column(_("Board"), no_wrap=True)
    table.add_column(_("Status"))
    table.add_column(_("Program"), overflow="fold", max_width=14)
    table.add_column(_("Time"), no_wrap=True)
    table.add_column(_("What happened / what to do"), ratio=1, overflow="fold")
    for r in results:
        # Messages quote paths and the board's FAIL.TXT: plain text, not rich markup.
        drive = _("Drive: {drive}").format(drive=r.board.drive) if r.board.drive else ""
        parts = [r.message, r.check if r.running is not True else "", _engine_text(r.board)]
        text = "\n".join(p for p in parts if p) + ("\n→ " + r.advice if r.advice else "")
        text = "\n".join(p for p in (text, drive) if p)
        table.add_row(escape(r.board.label), _(_STATUS[r.status]), _running_cell(r),
                      "{} s".format(number(r.seconds, 1)) if r.seconds else "", escape(text))
    return table


def _as_json_rows(results: list[FlashResult]) -> list[dict[str, object]]:
    return [{"name": r.board.label, "unique_id": r.board.unique_id, "version": r.board.version,
             "result": r.status.value, "running": r.running, "program": r.lesson or None,
             "message": " ".join(p for p in (r.message, r.check) if p),
             "advice": r.advice or None, "seconds": round(r.seconds, 1),
             "engine": r.board.engine or None, "engine_reason": r.board.engine_reason or None}
            for r in results]


@command()
@argument("target", metavar=N_("TARGET"))
@option("--all", "all_boards", is_flag=True, help=N_("Flash every micro:bit plugged in."))
@option("-b", "--board", "names", multiple=True, metavar=N_("NAME"),
        help=N_("Flash this board (name like gruppe-3, or unique id). Repeat for more."))
@option("--timeout", type=click.FloatRange(5, 600), default=60.0, show_default=True,
        metavar=N_("SECONDS"),
        help=N_("Seconds to wait for each board to restart after the copy."))
@option("--verify-timeout", "verify_timeout", type=click.FloatRange(1, 120),
        default=VERIFY_TIMEOUT_S, show_default=True, metavar=N_("SECONDS"),
        help=N_("Seconds to wait on each board's serial port for the program's header."))
@option("--no-verify", is_flag=True,
        help=N_("Do not check on the serial port that the program started."))
@option("--json", "as_json", is_flag=True,
        help=N_("Print one JSON object per board on stdout (no progress bars or table)."))
@option("--log-on-board/--no-log-on-board", "log_on_board", default=None,
        help=N_("Keep every reading on the board too, for measuring with no PC; get them "
                "with `klimakit collect`. Default: as the lesson says (field_log)."))
def flash(target: str, all_boards: bool, names: tuple[str, ...], timeout: float,
          verify_timeout: float, no_verify: bool, as_json: bool,
          log_on_board: bool | None) -> None:
    """Put a lesson's program (or a .py / .hex file) onto many micro:bits at once.

    The program is built and checked before any board is touched. Then every board gets the
    hex of its own version (V1 or V2, from DETAILS.TXT) at the same time, restarts, and is
    checked for DAPLink's FAIL.TXT. Then klimakit opens each board's serial port and waits
    for the program's `# klimakit` header (it restarts the program once to see it start): the
    table says `running LESSON`, or `not sending` with what to do (a crash shows its file and
    line). Virtual boards also say what runs them (QEMU or the simulator) and why. The exit
    code is 1 if any board failed or does not run its program. Each flash is written into the
    inventory (`klimakit inventory`; virtual boards into their own).

    \b
    Examples:
      klimakit flash sensortjek --all
      klimakit flash mit_program.py --board gruppe-3 --board gruppe-4
      klimakit flash afkoeling --all --json
      klimakit flash varmekort --all --log-on-board
    """
    built = build_target(target, field=log_on_board)
    for warning in built.warnings:
        err_console.print(_("[yellow]Warning:[/yellow] {warning}").format(
            warning=escape(warning)))
    boards, skipped = choose_boards_to_flash(find_boards(), names, all_boards)
    if not as_json:
        err_console.print(ngettext("{program} → {count} micro:bit",
                                   "{program} → {count} micro:bits", len(boards)).format(
                                       program=escape(_describe(built)), count=len(boards)))
    results = _run_with_progress(built, boards, timeout, 0.0 if no_verify else verify_timeout,
                                 show=not as_json) + skipped
    try:
        record_in_inventory(built, results)
    except KitError as err:  # the boards are flashed; a full disk must not hide the table
        err_console.print(_("[yellow]Inventory not updated:[/yellow] {error}").format(
            error=escape(str(err))))
    failed = [r for r in results if r.status is FlashStatus.FAILED or r.running is False]
    if as_json:
        click.echo(json_text(_as_json_rows(results)))
    else:
        err_console.print(_table(results))
        ok = sum(r.ok for r in results)
        running = sum(r.running is True for r in results)
        total = len(results) - len(skipped)
        if no_verify:
            err_console.print(_("{ok} of {total} flashed.").format(ok=ok, total=total))
        else:
            err_console.print(_("{ok} of {total} flashed, {running} running their program."
                                ).format(ok=ok, total=total, running=running))
    if failed:
        raise click.exceptions.Exit(1)


COMMANDS = [build, flash]
