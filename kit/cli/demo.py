"""`klimakit demo`: the afkoeling class experiment on simulated boards, no hardware needed."""
from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from kit.cli.output import echo, err_console
from kit.cli.translate import KitPath, command, option
from kit.demo import DemoResult, run_demo
from kit.i18n import N_, number
from kit.i18n import gettext as _
from kit.record import LiveAddress


@command()
@option("-o", "--out", "out_dir", type=KitPath(file_okay=False, path_type=Path),
        default=Path("klimakit-demo"), show_default=True,
        help=N_("Folder for the CSV and the graph."))
@option("--live", is_flag=True,
        help=N_("Show the experiment in the browser as it runs (the live class view)."))
@option("--live-seconds", type=click.FloatRange(5, 600), default=30.0, show_default=True,
        metavar=N_("SECONDS"), help=N_("With --live: how long the 40 minutes take."))
@option("--no-browser", is_flag=True, help=N_("With --live: do not open the browser."))
def demo(out_dir: Path, live: bool, live_seconds: float, no_browser: bool) -> None:
    """Try klimakit without a micro:bit: a class experiment on simulated micro:bits.

    Six groups measure how fast a cup of warm water cools, each cup wrapped in something
    else (the lesson afkoeling). Their micro:bits are simulated: 40 minutes take a few
    seconds, recorded by the same recorder as `klimakit record`, and the result is a CSV
    file (opens in Excel), its JSON metadata and the class graph as PNG. When QEMU is
    installed, the same program also starts on real micro:bit V1 firmware.

    \b
    Examples:
      klimakit demo --out mit-forsoeg
      klimakit demo --live
    """
    def show_live(address: LiveAddress) -> None:
        err_console.print(_("Live view: [bold]{url}[/bold]").format(url=escape(address.url)))
        if not no_browser:
            import webbrowser

            try:
                webbrowser.open(address.url)
            except webbrowser.Error:
                pass  # the address is printed above

    result = run_demo(out_dir, live=live, live_seconds=live_seconds,
                      on_status=lambda m: err_console.print(escape(m)), on_live=show_live)
    _report(result)
    click.echo(str(result.out_dir.resolve()))


def _report(result: DemoResult) -> None:
    err_console.print(_(
        "[green]Done.[/green] {rows} readings from {boards} simulated micro:bits, {minutes:.0f} "
        "minutes on their clock, recorded in {seconds} s.").format(
            rows=result.rows, boards=len(result.boards), minutes=result.minutes,
            seconds=number(result.wall_s, 1)))
    boot = result.boot
    if boot is None:
        echo(_("  Real firmware: QEMU is not installed (sudo apt-get install qemu-system-arm), "
               "so the program was not started on micro:bit V1 firmware."), err=True)
    elif boot.ok and boot.header is not None:
        echo(_("  Real firmware: the same program started on micro:bit V1 (MicroPython 1.1.1) "
               "in QEMU and sent its header line (lesson={lesson}, fields={fields}) after "
               "{seconds} s; QEMU has no thermometer, so the readings come from the "
               "simulator.").format(lesson=boot.header.lesson,
                                    fields=",".join(boot.header.fields),
                                    seconds=number(boot.seconds, 1)), err=True)
    else:
        problem = boot.problems[0].message if boot.problems else _("no header line")
        err_console.print(_("  [red]Real firmware: the program did not start properly in "
                            "QEMU[/red]: {problem}").format(problem=escape(problem)))
    echo(_("  CSV:      {path}").format(path=result.csv_path), err=True)
    echo(_("  Metadata: {path}").format(path=result.csv_path.with_suffix(".json")), err=True)
    echo(_("  Graph:    {path}").format(path=result.png_path), err=True)


COMMANDS = [demo]
